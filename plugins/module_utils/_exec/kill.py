# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Killing an exec'd process that ran out of time.

Killing ``runc exec`` with SIGKILL (what a timeout does) leaves the process it started running
in the container (measured with runc 1.1.5: ``sleep 1000`` stays, reparented to the host's
init). So the process is found by the pid runc wrote to its pid file and killed with its
process group (runc makes it a session leader) and every descendant still in the container.
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


def parent_pid(pid: int) -> t.Optional[int]:
    """The ppid from /proc/PID/stat (the field after the parenthesised command name)."""
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else None


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


def kill_exec_process(runc: Runc, container_id: str, pid: int) -> t.List[int]:
    """SIGKILL the exec'd process ``pid`` (host pid), its group and its descendants; only pids
    that ``runc ps`` lists for the container are touched. Returns the pids signalled."""
    try:
        container_pids = runc.ps(container_id)
    except RuncError:
        return []  # the container is gone, and its processes with it
    if pid not in container_pids:
        return []  # it already exited
    targets = descendants(pid, [other for other in container_pids if other != pid])
    killed = [target for target in targets if _kill(target)]
    _kill(pid, group=True)
    return killed
