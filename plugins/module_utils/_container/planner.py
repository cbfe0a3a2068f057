# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure planner of runc_container: (current status, desired state, drift, flags) -> actions.

Nothing here touches runc or the file system, so every combination is tested as a table.

runc's lifecycle is one-way: ``creating -> created -> running <-> paused -> stopped``. A
stopped container cannot be started again, so reaching ``running`` (or ``created``, or
``paused``) from ``stopped`` means delete and create. ``creating`` is only ever left behind
by a crash mid-create and is always deleted (forced) first.
"""

from __future__ import annotations

import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.status import ABSENT, CREATED, CREATING, PAUSED, RUNNING, STOPPED

DESIRED_STATES = (ABSENT, CREATED, RUNNING, PAUSED, STOPPED)
CURRENT_STATUSES = (ABSENT, CREATING, CREATED, RUNNING, PAUSED, STOPPED)

# Action names, as reported in the module's ``actions`` result.
CREATE = "create"
START = "start"
PAUSE = "pause"
RESUME = "resume"
STOP = "stop"  # stop_signal, then SIGKILL to every process after stop_timeout
DELETE = "delete"  # forced: also removes a container left in ``creating``
UPDATE = "update"  # runc update with the declared linux.resources

# Drift between the declared bundle and the container (see container_drift).
NO_DRIFT = "none"
LIVE_UPDATE = "update"
RECREATE = "recreate"
DRIFT_KINDS = (NO_DRIFT, LIVE_UPDATE, RECREATE)

# From each status to no container at all. A paused container is resumed first so
# that it gets stop_signal (and its grace period) rather than a kill while frozen.
_TEARDOWN: t.Dict[str, t.List[str]] = {
    ABSENT: [],
    CREATING: [DELETE],
    CREATED: [DELETE],
    RUNNING: [STOP, DELETE],
    PAUSED: [RESUME, STOP, DELETE],
    STOPPED: [DELETE],
}

# From no container to each desired state. ``stopped`` creates the container and stops
# it before its process ever runs: it then exists, as runc reports it, in status stopped.
_BUILD: t.Dict[str, t.List[str]] = {
    CREATED: [CREATE],
    RUNNING: [CREATE, START],
    PAUSED: [CREATE, START, PAUSE],
    STOPPED: [CREATE, STOP],
}

# Transitions that keep the container (every other pair needs delete + create).
_KEEP: t.Dict[t.Tuple[str, str], t.List[str]] = {
    (CREATED, CREATED): [],
    (CREATED, RUNNING): [START],
    (CREATED, PAUSED): [START, PAUSE],
    (CREATED, STOPPED): [STOP],
    (RUNNING, RUNNING): [],
    (RUNNING, PAUSED): [PAUSE],
    (RUNNING, STOPPED): [STOP],
    (PAUSED, PAUSED): [],
    (PAUSED, RUNNING): [RESUME],
    (PAUSED, STOPPED): [RESUME, STOP],
    (STOPPED, STOPPED): [],
}


def _must_rebuild(current: str, desired: str, drift: str, restart: bool, recreate: bool) -> bool:
    if recreate or drift == RECREATE or current == CREATING:
        return True
    if restart and desired == RUNNING and current in (RUNNING, PAUSED):
        return True
    # A stopped container has no cgroup left to update: new resources need a new container.
    if drift == LIVE_UPDATE and current == STOPPED:
        return True
    return (current, desired) not in _KEEP


def plan(current: str, desired: str, drift: str = NO_DRIFT, restart: bool = False, recreate: bool = False) -> t.List[str]:
    """The ordered actions that take a container in status ``current`` to ``desired``.

    ``drift`` is what the declared bundle changes: nothing, only live-updatable
    resources, or something that needs a new container. ``restart`` restarts a
    running (or paused) container when ``desired`` is running and nothing else
    rebuilds it; ``recreate`` always deletes and creates an existing container.
    """
    if current not in CURRENT_STATUSES:
        raise ValueError("unknown container status %r" % (current,))
    if desired not in DESIRED_STATES:
        raise ValueError("unknown desired state %r" % (desired,))
    if drift not in DRIFT_KINDS:
        raise ValueError("unknown drift kind %r" % (drift,))
    if desired == ABSENT:
        return list(_TEARDOWN[current])
    if current == ABSENT:
        return list(_BUILD[desired])
    if _must_rebuild(current, desired, drift, restart, recreate):
        return _TEARDOWN[current] + _BUILD[desired]
    update = [UPDATE] if drift == LIVE_UPDATE else []
    return update + _KEEP[(current, desired)]
