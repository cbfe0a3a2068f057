# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure planner of a supervised container: (unit and container as observed, declaration) -> actions.

systemd owns the container's process: it is started, stopped and restarted only through systemctl
(the unit runs ``runc run`` in the foreground, which deletes the container when it ends). Pause
and resume are ``runc pause``/``runc resume`` while the unit stays active; a live update of
resources is ``runc update``. A container that exists while its unit is not up is not systemd's
(made detached, before the switch to supervision, or left over): it is stopped and deleted with
runc before the unit starts its own.

Nothing here touches systemd, runc or files, so every combination is tested as a table.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._container.planner import LIVE_UPDATE, NO_DRIFT, RECREATE
from ansible_collections.ocitools.runc.plugins.module_utils._runc.status import ABSENT, ALIVE, PAUSED, RUNNING, STOPPED

SUPERVISED_STATES = (ABSENT, RUNNING, PAUSED, STOPPED)


class Step:
    """Action names, as reported in runc_container's ``actions``."""

    WRITE_UNIT = "write_unit"  # write the unit file, then systemctl daemon-reload
    REMOVE_UNIT = "remove_unit"  # remove the unit file, then systemctl daemon-reload
    ENABLE = "enable"
    DISABLE = "disable"
    RESET_FAILED = "reset_failed"  # forget a failure (and the start-rate count) so that a start is allowed
    START = "start"  # systemctl start
    STOP = "stop"  # systemctl stop
    RESTART = "restart"  # systemctl restart
    PAUSE = "pause"  # runc pause (the unit stays active)
    RESUME = "resume"  # runc resume
    UPDATE = "update"  # runc update with the declared linux.resources
    REMOVE_DETACHED = "remove_detached"  # stop and delete, with runc, a container that is not the unit's


@dataclasses.dataclass(frozen=True)
class Observed:
    """The unit and the container as they are."""

    container: str = ABSENT  # runc's status of the container, or absent
    unit_file: bool = False  # the unit file exists
    unit_current: bool = False  # and holds what the declaration renders
    up: bool = False  # the unit runs its main process, or systemd is (re)starting it
    failed: bool = False
    enabled: bool = False


@dataclasses.dataclass(frozen=True)
class Declared:
    state: str
    enabled: bool = True
    drift: str = NO_DRIFT  # what the bundle's config.json changed since the unit last started the container
    restart: bool = False
    recreate: bool = False


def _stop(observed: Observed) -> t.List[str]:
    """A paused container is resumed first, so that it gets the stop signal and its grace period."""
    return ([Step.RESUME] if observed.container == PAUSED else []) + [Step.STOP]


def _teardown(observed: Observed) -> t.List[str]:
    actions = _stop(observed) if observed.up else []
    if not observed.up and observed.container != ABSENT:
        actions.append(Step.REMOVE_DETACHED)
    if observed.enabled:
        actions.append(Step.DISABLE)
    if observed.failed:
        actions.append(Step.RESET_FAILED)
    if observed.unit_file:
        actions.append(Step.REMOVE_UNIT)
    return actions


def _must_restart(observed: Observed, declared: Declared) -> bool:
    return (not observed.unit_current or declared.drift == RECREATE or declared.recreate
            or (declared.restart and declared.state == RUNNING)
            # resources cannot be updated while systemd is between two runs: the next run takes them
            or (declared.drift == LIVE_UPDATE and observed.container not in ALIVE))


def _to_running(observed: Observed, declared: Declared) -> t.Tuple[t.List[str], bool]:
    """The actions to a running container, and whether it is still paused after them."""
    if not observed.up:
        return ([Step.RESET_FAILED] if observed.failed else []) + [Step.START], False
    if _must_restart(observed, declared):
        return ([Step.RESUME] if observed.container == PAUSED else []) + [Step.RESTART], False
    actions = [Step.UPDATE] if declared.drift == LIVE_UPDATE else []
    paused = observed.container == PAUSED
    if paused and declared.state == RUNNING:
        return actions + [Step.RESUME], False
    return actions, paused


def plan_supervised(observed: Observed, declared: Declared) -> t.List[str]:
    """The ordered actions that take the unit and its container to ``declared``."""
    if declared.state not in SUPERVISED_STATES:
        raise ValueError("unknown supervised state %r" % (declared.state,))
    if declared.drift not in (NO_DRIFT, LIVE_UPDATE, RECREATE):
        raise ValueError("unknown drift kind %r" % (declared.drift,))
    if declared.state == ABSENT:
        return _teardown(observed)
    actions = [] if observed.unit_current else [Step.WRITE_UNIT]
    if declared.enabled != observed.enabled:
        actions.append(Step.ENABLE if declared.enabled else Step.DISABLE)
    if not observed.up and observed.container != ABSENT:
        actions.append(Step.REMOVE_DETACHED)
    if declared.state == STOPPED:
        return actions + (_stop(observed) if observed.up else [])
    running, paused = _to_running(observed, declared)
    actions += running
    if declared.state == PAUSED and not paused:
        actions.append(Step.PAUSE)
    return actions
