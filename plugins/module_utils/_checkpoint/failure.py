# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explain a failed checkpoint or restore: the tail of CRIU's own log and the likely cause.

runc only says ``criu failed: type NOTIFY errno 0\\nlog file: dump.log``; the reason
is in CRIU's log, which runc has CRIU write into the work directory (the image
directory when no work path is given): ``dump.log`` for checkpoints and
pre-dumps, ``restore.log`` for restores.
"""

from __future__ import annotations

import dataclasses
import os
import re
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.file_tail import read_tail

DUMP_LOG = "dump.log"
RESTORE_LOG = "restore.log"
TAIL_LINES = 25

CRIU_MISSING = "runc cannot find CRIU: install CRIU or point the criu option at a working binary"
GENERIC_CAUSE = "see CRIU's log below; `criu check` tells whether CRIU works on this kernel"
# (pattern searched in runc's message and CRIU's log, cause in plain words). First match wins.
_CAUSES: t.Sequence[t.Tuple[str, str]] = (
    (r"executable file not found|no such file or directory.*criu|criu.*not found", CRIU_MISSING),
    (r"Can't lookup mount=\d+ for fd=[012] ",
     "the container's stdin, stdout or stderr is a regular file on the host, which CRIU cannot dump; "
     "run the container with stdio on /dev/null (the default), a pipe or a terminal"),
    (r"Tracking memory is not available|Dirty tracking is OFF",
     "pre_dump and parent_path need CRIU's memory tracking (soft-dirty pages), which this kernel lacks "
     "(CONFIG_MEM_SOFT_DIRTY); take a full checkpoint without pre_dump and parent_path"),
    (r"iptables-restore",
     "CRIU runs iptables-restore to lock the container's network and it failed or is missing; "
     "install iptables (iptables-restore must be on PATH)"),
    (r"vDSO|vdso",
     "this CRIU does not work on this kernel (`criu check` fails on its vDSO); use a newer CRIU "
     "through the criu option"),
    (r"CRIU version check failed|CRIU version must be|criu version",
     "this CRIU is too old for runc; install a newer CRIU or point the criu option at one"),
    (r"Invalid manage cgroups mode",
     "this runc does not know that manage_cgroups_mode (runc 1.1 takes soft, full or strict)"),
    (r"Connected TCP socket|TCP connection|tcp.*established",
     "the container has established TCP connections; set tcp_established to dump them"),
    (r"[Ee]xternal socket|unix socket.*(peer|external)|External unix",
     "the container has a Unix socket connected outside it; set ext_unix_sk"),
    (r"file locks|Some file locks",
     "the container holds file locks; set file_locks"),
    (r"[Ss]hell job|not a session leader|tty",
     "the container's process tree belongs to a shell session or terminal; set shell_job"),
    (r"[Ll]ink remap|unlinked file|Can't dump ghost",
     "the container has open files that were deleted; link_remap (runc 1.2) may help"),
    (r"Can't fork for|File exists.*pid|Pid \d+ .* is busy",
     "a pid the checkpoint needs is already in use on this host (is the original container still running?)"),
    (r"container with id exists|container .* already exists",
     "a container with this id already exists; delete it or restore under another id"),
    (r"missing features",
     "this CRIU or kernel lacks a feature the requested options need; see `criu check --all`"),
)

# runc's "CRIU is missing features" names no feature: the options asked for tell which.
_MISSING_FEATURE = "missing features"
_FEATURE_NEEDS = (
    (("pre_dump", "parent_path"), "memory tracking (soft-dirty pages, kernel CONFIG_MEM_SOFT_DIRTY)"),
    (("lazy_pages",), "lazy pages (userfaultfd)"),
)


@dataclasses.dataclass(frozen=True)
class LogMark:
    """A log file's size and mtime before a runc call, to tell a fresh log from a stale one."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str) -> "LogMark":
        try:
            info = os.stat(path)
        except OSError:
            return cls(path, -1, -1)
        return cls(path, info.st_size, info.st_mtime_ns)

    def written_since(self) -> bool:
        return LogMark.of(self.path) != self and os.path.isfile(self.path)


def read_log(path: str, limit: int = 4 * 1024 * 1024) -> str:
    """The last ``limit`` bytes of ``path`` ("" when it cannot be read)."""
    return read_tail(path, limit)


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _error_lines(text: str) -> str:
    """CRIU's ``Error (...)`` lines: they name the cause even when the tail is long."""
    return "\n".join(line for line in text.splitlines() if "Error (" in line)


def likely_cause(*texts: str, criu_ran: bool = False) -> str:
    """The first known cause that matches any of ``texts``; a generic hint otherwise.

    ``criu_ran``: CRIU wrote a log for this call, so it was found and "CRIU is missing" is no cause.
    """
    joined = "\n".join(texts)
    for pattern, cause in _CAUSES:
        if criu_ran and cause == CRIU_MISSING:
            continue
        if re.search(pattern, joined):
            return cause
    return GENERIC_CAUSE


def _missing_feature_cause(requested: t.Collection[str]) -> t.Optional[str]:
    for options, feature in _FEATURE_NEEDS:
        named = [option for option in options if option in requested]
        if named:
            return "%s needs CRIU's %s, which this CRIU or kernel lacks (`criu check --all` lists what is missing)" % (
                " and ".join(named), feature)
    return None


def describe_failure(
    action: str,
    runc_message: str,
    mark: LogMark,
    requested: t.Collection[str] = (),
    criu_check_failure: t.Optional[str] = None,
) -> t.Dict[str, t.Any]:
    """``msg`` and details for a failed ``action`` ("checkpoint", "pre-dump", "restore").

    ``mark`` is CRIU's log as it was before the call: a log left from an older
    run is not quoted as this failure's cause. ``requested``: the options in use.
    ``criu_check_failure``: what ``criu check`` said when it failed; then that is the cause.
    """
    fresh = mark.written_since()
    log_text = read_log(mark.path) if fresh else ""
    # CRIU's own error lines first (when it ran, its log says why), then runc's message. Only error
    # lines: CRIU's info lines mention ttys, sockets... in any dump.
    cause = likely_cause(_error_lines(log_text), criu_ran=fresh)
    if cause == GENERIC_CAUSE:
        cause = likely_cause(runc_message, criu_ran=fresh)
    if _MISSING_FEATURE in runc_message:
        cause = _missing_feature_cause(requested) or cause
    if criu_check_failure:
        cause = "CRIU does not work on this host (%s); install a CRIU that passes `criu check`, or point the " \
                "criu option at one" % criu_check_failure
    msg = "%s failed: %s. Likely cause: %s." % (action, runc_message.strip() or "runc reported an error", cause)
    if fresh:
        msg += " Last lines of %s:\n%s" % (mark.path, tail(log_text))
    else:
        msg += " CRIU wrote no log at %s." % mark.path
    return {"msg": msg, "likely_cause": cause, "criu_log": mark.path if fresh else None, "criu_log_tail": tail(log_text)}
