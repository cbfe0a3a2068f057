# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A container's exit status as runc_container and runc_info report it: from systemd, or unknown and why."""

from __future__ import annotations

import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import UnitStatus

UNSUPERVISED = ("unknown: runc keeps no exit status of a detached container; "
                "supervisor=systemd keeps it (and restarts the container)")
NO_UNIT = "unknown: systemd has no unit for the container"
FIELDS = ("exit_code", "oom_killed", "started_at", "finished_at", "restarts")


def exit_status(status: t.Optional[UnitStatus], reason: str = UNSUPERVISED) -> t.Dict[str, t.Any]:
    """``exit_code``, ``oom_killed``, ``started_at``, ``finished_at``, ``restarts`` and ``exit_status_reason``
    (None when known, else why not); without a unit status every field is None."""
    if status is None or status.load_state == "not-found":
        result: t.Dict[str, t.Any] = dict.fromkeys(FIELDS)
        result["exit_status_reason"] = reason if status is None else NO_UNIT
        return result
    return {
        "exit_code": status.exit_code,
        "oom_killed": status.oom_killed,
        "started_at": status.started_at,
        "finished_at": status.finished_at,
        "restarts": status.restarts,
        "exit_status_reason": None,
    }
