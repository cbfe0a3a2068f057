# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An OCI ``process`` and what a task overrides in it: shared by runc_exec (the exec'd process,
from the container's own) and runc_spec (the container's process, from runc's default spec).
Also the one capability-name normaliser."""

from __future__ import annotations

import dataclasses
import typing as t

# Linux capabilities (include/uapi/linux/capability.h, up to Linux 6.x).
CAPABILITIES = frozenset("""
    CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID
    CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW
    CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT
    CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD
    CAP_LEASE CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG
    CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE
""".split())
ALL = "ALL"


def capability_name(name: t.Any, allow_all: bool = False) -> t.Optional[str]:
    """``net_admin``, ``NET_ADMIN`` and ``CAP_NET_ADMIN`` all give ``CAP_NET_ADMIN``; None for an unknown
    name (``ALL`` is known with ``allow_all``). The caller says which option was wrong."""
    upper = str(name).strip().upper()
    if allow_all and upper == ALL:
        return ALL
    if not upper.startswith("CAP_"):
        upper = "CAP_" + upper
    return upper if upper in CAPABILITIES else None


def merge_env(base: t.Sequence[str], overrides: t.Sequence[t.Tuple[str, str]]) -> t.List[str]:
    """``base`` env entries with ``overrides`` replacing same-named entries (others appended)."""
    merged: t.Dict[str, str] = {}
    for entry in base:
        merged[entry.split("=", 1)[0]] = entry
    for name, value in overrides:
        merged[name] = "%s=%s" % (name, value)
    return list(merged.values())


@dataclasses.dataclass(frozen=True)
class ProcessOverrides:
    """What a task sets in an OCI process; None (or empty env) keeps what the process has."""

    args: t.Tuple[str, ...]
    env: t.Tuple[t.Tuple[str, str], ...] = ()
    cwd: t.Optional[str] = None
    uid: t.Optional[int] = None
    gid: t.Optional[int] = None
    additional_gids: t.Optional[t.Tuple[int, ...]] = None
    no_new_privileges: t.Optional[bool] = None

    def apply(self, process: t.Dict[str, t.Any]) -> None:
        """Set these overrides in ``process`` (in place)."""
        process["args"] = list(self.args)
        if self.env:
            process["env"] = merge_env(process.get("env") or [], self.env)
        if self.cwd is not None:
            process["cwd"] = self.cwd
        user = process.setdefault("user", {"uid": 0, "gid": 0})
        additional = None if self.additional_gids is None else list(self.additional_gids)
        for field, value in (("uid", self.uid), ("gid", self.gid), ("additionalGids", additional)):
            if value is not None:
                user[field] = value
        if self.no_new_privileges is not None:
            process["noNewPrivileges"] = self.no_new_privileges
