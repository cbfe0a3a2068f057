# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The supervised planner as a table: (unit and container observed, declaration) -> actions."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._systemd.planner import (
    Declared,
    Observed,
    Step,
    plan_supervised,
)

W, RM, EN, DIS, RF = Step.WRITE_UNIT, Step.REMOVE_UNIT, Step.ENABLE, Step.DISABLE, Step.RESET_FAILED
START, STOP, RESTART, PAUSE, RESUME, UPDATE, DETACHED = (
    Step.START, Step.STOP, Step.RESTART, Step.PAUSE, Step.RESUME, Step.UPDATE, Step.REMOVE_DETACHED)

# A unit that is there, current, enabled and running its container.
UP = Observed(container="running", unit_file=True, unit_current=True, up=True, enabled=True)
# The same unit after its container ended (systemctl stop, or an exit systemd does not restart).
DOWN = Observed(container="absent", unit_file=True, unit_current=True, up=False, enabled=True)
NOTHING = Observed()
FAILED = Observed(container="absent", unit_file=True, unit_current=True, failed=True, enabled=True)
PAUSED_UP = Observed(container="paused", unit_file=True, unit_current=True, up=True, enabled=True)
STALE_UNIT_UP = Observed(container="running", unit_file=True, unit_current=False, up=True, enabled=True)
DETACHED_ONLY = Observed(container="running")  # made by supervisor=none: no unit at all
RESTARTING = Observed(container="absent", unit_file=True, unit_current=True, up=True, enabled=True)  # auto-restart

TABLE: t.List[t.Tuple[str, Observed, Declared, t.List[str]]] = [
    ("new container", NOTHING, Declared("running"), [W, EN, START]),
    ("new, not at boot", NOTHING, Declared("running", enabled=False), [W, START]),
    ("new, paused", NOTHING, Declared("paused"), [W, EN, START, PAUSE]),
    ("new, stopped: only the unit", NOTHING, Declared("stopped", enabled=False), [W]),
    ("running as declared", UP, Declared("running"), []),
    ("systemd is restarting it", RESTARTING, Declared("running"), []),
    ("stopped by hand", DOWN, Declared("running"), [START]),
    ("failed: reset first", FAILED, Declared("running"), [RF, START]),
    ("failed, declared stopped", FAILED, Declared("stopped"), []),
    ("unit changed", STALE_UNIT_UP, Declared("running"), [W, RESTART]),
    ("unit changed while stopped", Observed(unit_file=True, enabled=True), Declared("running"), [W, START]),
    ("spec changed", UP, Declared("running", drift="recreate"), [RESTART]),
    ("resources changed", UP, Declared("running", drift="update"), [UPDATE]),
    ("resources changed between two runs", RESTARTING, Declared("running", drift="update"), [RESTART]),
    ("restart asked", UP, Declared("running", restart=True), [RESTART]),
    ("recreate asked", UP, Declared("running", recreate=True), [RESTART]),
    ("restart of a paused one", PAUSED_UP, Declared("running", restart=True), [RESUME, RESTART]),
    ("pause", UP, Declared("paused"), [PAUSE]),
    ("paused as declared", PAUSED_UP, Declared("paused"), []),
    ("resume", PAUSED_UP, Declared("running"), [RESUME]),
    ("paused, spec changed: restarted and paused", PAUSED_UP, Declared("paused", drift="recreate"),
     [RESUME, RESTART, PAUSE]),
    ("paused, resources changed", PAUSED_UP, Declared("paused", drift="update"), [UPDATE]),
    ("stop", UP, Declared("stopped"), [STOP]),
    ("stop a paused one", PAUSED_UP, Declared("stopped"), [RESUME, STOP]),
    ("stopped, spec changed: the next start takes it", DOWN, Declared("stopped", drift="recreate"), []),
    ("not at boot any more", UP, Declared("running", enabled=False), [DIS]),
    ("at boot now", Observed(container="running", unit_file=True, unit_current=True, up=True),
     Declared("running"), [EN]),
    ("adopt a detached container: recreated", DETACHED_ONLY, Declared("running"), [W, EN, DETACHED, START]),
    ("a leftover beside a stopped unit", Observed(container="stopped", unit_file=True, unit_current=True),
     Declared("stopped", enabled=False), [DETACHED]),
    ("absent", UP, Declared("absent"), [STOP, DIS, RM]),
    ("absent, paused", PAUSED_UP, Declared("absent"), [RESUME, STOP, DIS, RM]),
    ("absent, failed", FAILED, Declared("absent"), [DIS, RF, RM]),
    ("absent, stopped and not enabled", Observed(unit_file=True), Declared("absent"), [RM]),
    ("absent, a detached container without unit", DETACHED_ONLY, Declared("absent"), [DETACHED]),
    ("absent already", NOTHING, Declared("absent"), []),
]


@pytest.mark.parametrize("observed,declared,expected", [pytest.param(o, d, e, id=name) for name, o, d, e in TABLE])
def test_plan(observed: Observed, declared: Declared, expected: t.List[str]) -> None:
    assert plan_supervised(observed, declared) == expected


@pytest.mark.parametrize("declared,message", [
    (Declared("created"), "unknown supervised state 'created'"),
    (Declared("running", drift="sideways"), "unknown drift kind 'sideways'"),
])
def test_bad_input(declared: Declared, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_supervised(NOTHING, declared)


def test_every_plan_of_a_running_declaration_ends_with_the_unit_up() -> None:
    for _name, observed, declared, actions in TABLE:
        if declared.state == "running" and actions:
            assert actions[-1] in (START, RESTART, RESUME, UPDATE, EN, DIS), actions
