# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host facts for ``runc_info``: runc version, cgroup version, state root, CRIU, and on request
the full ``runc features`` dump (long: every capability and seccomp action, so opt-in)."""

from __future__ import annotations

import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.criu_check import check_criu
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncError

CGROUP_MOUNT = "/sys/fs/cgroup"
MOUNTS_FILE = "/proc/self/mounts"


def cgroup_facts(mounts_text: str) -> t.Dict[str, t.Any]:
    """cgroup version and mode from /proc/self/mounts text.

    ``unified``: cgroup2 at /sys/fs/cgroup (version 2). ``hybrid``: v1 controllers with a
    cgroup2 tree beside them (runc uses v1 there). ``legacy``: v1 only.
    """
    cgroup2_at_top = False
    cgroup2_elsewhere = False
    cgroup1 = False
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point, fs_type = fields[1], fields[2]
        if not (mount_point == CGROUP_MOUNT or mount_point.startswith(CGROUP_MOUNT + "/")):
            continue
        if fs_type == "cgroup2":
            if mount_point == CGROUP_MOUNT:
                cgroup2_at_top = True
            else:
                cgroup2_elsewhere = True
        elif fs_type == "cgroup":
            cgroup1 = True
    if cgroup2_at_top:
        return {"version": 2, "mode": "unified"}
    if cgroup1:
        return {"version": 1, "mode": "hybrid" if cgroup2_elsewhere else "legacy"}
    return {"version": None, "mode": "none"}


def _read_mounts() -> str:
    try:
        with open(MOUNTS_FILE, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def _features(runc: Runc) -> t.Tuple[t.Optional[t.Dict[str, t.Any]], t.Optional[str]]:
    """``runc features``, or None and why (older runc, or the experimental command failed)."""
    try:
        return runc.features(), None
    except RuncError as exc:
        return None, str(exc)


def host_facts(
    runc: Runc, criu: t.Optional[str] = None, criu_timeout: float = 30.0, features: bool = False
) -> t.Dict[str, t.Any]:
    """Everything ``runc_info`` reports under ``host``; read-only. ``runc features`` runs only
    when ``features`` is true (then ``features``, and ``features_error`` when runc has none)."""
    cgroup = cgroup_facts(_read_mounts())
    root = runc.state_root()
    facts: t.Dict[str, t.Any] = {
        "runc": dict(runc.version().to_dict(), path=runc.options.command),
        "cgroup_version": cgroup["version"],
        "cgroup_mode": cgroup["mode"],
        "root": root,
        "root_exists": os.path.isdir(root),
        "criu": check_criu(criu, runc.runner, criu_timeout).to_dict(),
    }
    if features:
        facts["features"], features_error = _features(runc)
        if features_error is not None:
            facts["features_error"] = features_error
    return facts
