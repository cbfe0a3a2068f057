# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Killing an exec'd process that ran out of time, and every process it started.

Killing ``runc exec`` with SIGKILL (what a timeout does) leaves the process it started running
in the container (measured with runc 1.1.5: ``sleep 1000`` stays, reparented to the host's
init). So the process is found by the pid runc wrote to its pid file, and killed with every
process of the container that is in its session or process group (runc makes it a session
leader; the kernel never reuses a pid while it names a session or group, so this holds after
the leader exited too: ``sh -c 'sleep 20 & echo started'``) or descends from it.
"""

from __future__ import annotations

import os
import signal
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncError


def read_pid_file(path: str) -> t.Optional[int]:
    try:
        with open(path, encoding="ascii") as handle:
            text = handle.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _stat_fields(pid: int) -> t.List[str]:
    """/proc/PID/stat after the parenthesised command name: state, ppid, pgrp, session, ..."""
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return []
    return text[text.rfind(")") + 2:].split()


def _field(pid: int, index: int) -> t.Optional[int]:
    fields = _stat_fields(pid)
    return int(fields[index]) if len(fields) > index and fields[index].isdigit() else None


def parent_pid(pid: int) -> t.Optional[int]:
    return _field(pid, 1)


def group_and_session(pid: int) -> t.Tuple[t.Optional[int], t.Optional[int]]:
    return _field(pid, 2), _field(pid, 3)


def descendants(root_pid: int, pids: t.Iterable[int], ppid_of: t.Callable[[int], t.Optional[int]] = parent_pid) -> t.List[int]:
    """``root_pid`` and those of ``pids`` whose ancestry within ``pids`` reaches it."""
    parents = {pid: ppid_of(pid) for pid in pids}
    found = [root_pid]
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if pid not in found and parent in found:
                found.append(pid)
                changed = True
    return found


def _kill(pid: int, group: bool = False) -> bool:
    try:
        if group:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def exec_processes(
    pid: int,
    container_pids: t.Sequence[int],
    ppid_of: t.Callable[[int], t.Optional[int]] = parent_pid,
    group_and_session_of: t.Callable[[int], t.Tuple[t.Optional[int], t.Optional[int]]] = group_and_session,
) -> t.List[int]:
    """Of ``container_pids``: ``pid`` (when still there), its descendants, and every process in its
    process group or session."""
    others = [other for other in container_pids if other != pid]
    found = [other for other in descendants(pid, others, ppid_of) if other in container_pids]
    found += [other for other in others if other not in found and pid in group_and_session_of(other)]
    return found


def kill_exec_process(runc: Runc, container_id: str, pid: int) -> t.List[int]:
    """SIGKILL the exec'd process ``pid`` (host pid) and every process it started (see
    ``exec_processes``); only pids that ``runc ps`` lists for the container are touched.
    Returns the pids signalled (``pid`` among them only when it was still running)."""
    try:
        container_pids = runc.ps(container_id)
    except RuncError:
        return []  # the container is gone, and its processes with it
    killed = [target for target in exec_processes(pid, container_pids) if _kill(target)]
    if pid in container_pids:
        _kill(pid, group=True)
    return killed
