# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planner as a table: the plain transitions by hand, then every combination of
(current, desired, drift, restart, recreate) run through a model of runc's lifecycle."""

from __future__ import annotations

import itertools
import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container import planner as p

# Plain transitions (no drift, no flags): current status -> desired state -> actions.
TABLE: t.Dict[t.Tuple[str, str], t.List[str]] = {
    ("absent", "absent"): [],
    ("absent", "created"): ["create"],
    ("absent", "running"): ["create", "start"],
    ("absent", "paused"): ["create", "start", "pause"],
    ("absent", "stopped"): ["create", "stop"],
    ("creating", "absent"): ["delete"],
    ("creating", "created"): ["delete", "create"],
    ("creating", "running"): ["delete", "create", "start"],
    ("creating", "paused"): ["delete", "create", "start", "pause"],
    ("creating", "stopped"): ["delete", "create", "stop"],
    ("created", "absent"): ["delete"],
    ("created", "created"): [],
    ("created", "running"): ["start"],
    ("created", "paused"): ["start", "pause"],
    ("created", "stopped"): ["stop"],
    ("running", "absent"): ["stop", "delete"],
    ("running", "created"): ["stop", "delete", "create"],
    ("running", "running"): [],
    ("running", "paused"): ["pause"],
    ("running", "stopped"): ["stop"],
    ("paused", "absent"): ["resume", "stop", "delete"],
    ("paused", "created"): ["resume", "stop", "delete", "create"],
    ("paused", "running"): ["resume"],
    ("paused", "paused"): [],
    ("paused", "stopped"): ["resume", "stop"],
    ("stopped", "absent"): ["delete"],
    ("stopped", "created"): ["delete", "create"],
    ("stopped", "running"): ["delete", "create", "start"],
    ("stopped", "paused"): ["delete", "create", "start", "pause"],
    ("stopped", "stopped"): [],
}


def test_table_covers_every_pair() -> None:
    assert set(TABLE) == set(itertools.product(p.CURRENT_STATUSES, p.DESIRED_STATES))


@pytest.mark.parametrize("current,desired", sorted(TABLE))
def test_plain_transition(current: str, desired: str) -> None:
    assert p.plan(current, desired) == TABLE[(current, desired)]


# What each action does in runc, from which statuses (delete is forced, but the
# planner must only delete a container that no longer runs its process).
MODEL: t.Dict[str, t.Tuple[t.Tuple[str, ...], t.Optional[str]]] = {
    p.CREATE: (("absent",), "created"),
    p.START: (("created",), "running"),
    p.PAUSE: (("running",), "paused"),
    p.RESUME: (("paused",), "running"),
    p.STOP: (("created", "running"), "stopped"),
    p.DELETE: (("creating", "created", "stopped"), "absent"),
    p.UPDATE: (("created", "running", "paused"), None),
}

COMBINATIONS = list(itertools.product(p.CURRENT_STATUSES, p.DESIRED_STATES, p.DRIFT_KINDS, (False, True), (False, True)))


def simulate(current: str, actions: t.List[str]) -> str:
    status = current
    for action in actions:
        allowed, after = MODEL[action]
        assert status in allowed, "%s is not possible from %s in %s" % (action, status, actions)
        status = after or status
    return status


@pytest.mark.parametrize("current,desired,drift,restart,recreate", COMBINATIONS)
def test_every_combination(current: str, desired: str, drift: str, restart: bool, recreate: bool) -> None:
    actions = p.plan(current, desired, drift, restart, recreate)
    assert simulate(current, actions) == desired
    exists = current != "absent"
    rebuilt = p.DELETE in actions and p.CREATE in actions
    if desired == "absent":
        assert actions == TABLE[(current, desired)]  # drift and flags do not matter for removal
        return
    if exists and (recreate or drift == p.RECREATE or current == "creating"):
        assert rebuilt
    if drift == p.LIVE_UPDATE and exists and not rebuilt:
        assert actions[0] == p.UPDATE
    else:
        assert p.UPDATE not in actions
    if not (drift != p.NO_DRIFT or restart or recreate):
        assert actions == TABLE[(current, desired)]


@pytest.mark.parametrize("current,desired,expected", [
    ("running", "running", ["stop", "delete", "create", "start"]),
    ("paused", "running", ["resume", "stop", "delete", "create", "start"]),
    ("created", "running", ["start"]),  # never ran: starting it is enough
    ("running", "paused", ["pause"]),  # restart applies to state=running only
    ("absent", "running", ["create", "start"]),
])
def test_restart(current: str, desired: str, expected: t.List[str]) -> None:
    assert p.plan(current, desired, restart=True) == expected


@pytest.mark.parametrize("current,desired,expected", [
    ("running", "running", ["update"]),
    ("paused", "running", ["update", "resume"]),
    ("created", "paused", ["update", "start", "pause"]),
    ("stopped", "stopped", ["delete", "create", "stop"]),  # no cgroup left to update
    ("stopped", "running", ["delete", "create", "start"]),
])
def test_live_update(current: str, desired: str, expected: t.List[str]) -> None:
    assert p.plan(current, desired, p.LIVE_UPDATE) == expected


def test_recreate_and_drift_rebuild() -> None:
    assert p.plan("running", "running", recreate=True) == ["stop", "delete", "create", "start"]
    assert p.plan("paused", "paused", p.RECREATE) == ["resume", "stop", "delete", "create", "start", "pause"]
    assert p.plan("absent", "created", recreate=True) == ["create"]


@pytest.mark.parametrize("args", [("gone", "running"), ("running", "started"), ("running", "running", "some")])
def test_unknown_values_are_refused(args: t.Tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        p.plan(*args)
