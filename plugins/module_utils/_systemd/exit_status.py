# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A container's exit status as runc_container and runc_info report it: from systemd, or unknown and why."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:  # an unsupervised task reports its unknown exit status without loading systemctl
    from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import UnitStatus

UNSUPERVISED = "unknown: runc keeps none for a detached container (supervisor=systemd does)"
FIELDS = ("exit_code", "oom_killed", "started_at", "finished_at", "restarts")


def known_exit_status(status: UnitStatus) -> t.Dict[str, t.Any]:
    """What systemd keeps of the unit's last run: ``exit_code`` (None while it runs), ``oom_killed``,
    ``started_at``, ``finished_at`` and ``restarts`` (automatic ones since the last start by hand or task)."""
    return {
        "exit_code": status.exit_code,
        "oom_killed": status.oom_killed,
        "started_at": status.started_at,
        "finished_at": status.finished_at,
        "restarts": status.restarts,
    }


def exit_status(status: t.Optional[UnitStatus]) -> t.Dict[str, t.Any]:
    """runc_container's flat fields: the known exit status with ``exit_status_reason`` None, or (without a unit
    status: the container is not supervised) every field None and the reason."""
    if status is None:
        result: t.Dict[str, t.Any] = dict.fromkeys(FIELDS)
        result["exit_status_reason"] = UNSUPERVISED
        return result
    return dict(known_exit_status(status), exit_status_reason=None)
