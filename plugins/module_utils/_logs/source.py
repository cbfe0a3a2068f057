# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a container's output is: the journal (a supervised container) or a file, decided as a table;
the file a running container's stdout is (found through /proc when log_path is not given); and the
bundle a unit runs (its ExecStart's ``--bundle``), for the env to mask once the container is gone."""

from __future__ import annotations

import dataclasses
import os
import shlex
import stat
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._logs.selection import LogsError

AUTO, JOURNAL, FILE = "auto", "journal", "file"
SOURCES = (AUTO, JOURNAL, FILE)


class SourceMissing(LogsError):
    """There is nothing to read yet: no container, no log file (in check mode, an earlier task may make it)."""


@dataclasses.dataclass(frozen=True)
class Facts:
    """What is known about the container when the source is chosen."""

    source: str  # the option: auto, journal or file
    unit: str
    unit_exists: bool
    log_path: t.Optional[str]  # the option
    stdout_path: t.Optional[str]  # the regular file a running container's stdout is, if any
    stdout_problem: str  # why there is none ("" when there is one)


@dataclasses.dataclass(frozen=True)
class Choice:
    kind: str  # JOURNAL or FILE
    path: str = ""  # the file for FILE
    warning: t.Optional[str] = None


def _file(facts: Facts) -> Choice:
    if facts.log_path:
        return Choice(FILE, facts.log_path)
    if facts.stdout_path:
        return Choice(FILE, facts.stdout_path)
    supervised = " nor supervised (no unit %s)" % facts.unit if facts.source == AUTO else ""
    raise SourceMissing("log_path: not given, and the container's output is no file to read%s: %s; give log_path "
                        "(the file runc_container's log_path names) or supervise the container (its output then goes "
                        "to the journal)" % (supervised, facts.stdout_problem))


def choose(facts: Facts) -> Choice:
    """The journal for a supervised container (its unit file exists) or ``source=journal``; else a file:
    ``log_path``, or the regular file a running container's stdout is."""
    if facts.source == JOURNAL:
        return Choice(JOURNAL)
    if facts.source == AUTO and facts.unit_exists:
        warning = None
        if facts.log_path:
            warning = ("log_path %s is not read: the container is supervised (unit %s), so its output goes to the "
                       "journal; set source=file to read the file anyway" % (facts.log_path, facts.unit))
        return Choice(JOURNAL, warning=warning)
    return _file(facts)


def container_stdout(pid: int) -> t.Tuple[t.Optional[str], str]:
    """The host path of the regular file process ``pid``'s stdout is, or None and why not."""
    if pid <= 0:
        return None, "the container has no running process"
    link = "/proc/%d/fd/1" % pid
    try:
        target = os.readlink(link)
        opened = os.stat(link)
    except OSError as exc:
        return None, "cannot see the stdout of its process %d (%s)" % (pid, exc.strerror)
    if not stat.S_ISREG(opened.st_mode):
        return None, "its stdout is %s" % target
    try:
        found = os.stat(target)
    except OSError:
        found = None
    if found is None or (found.st_dev, found.st_ino) != (opened.st_dev, opened.st_ino):
        return None, "its stdout %s is no file at that path on this host" % target
    return target, ""


def unit_bundle(unit_text: str) -> t.Optional[str]:
    """The ``--bundle`` of the unit's ExecStart (``runc ... run --bundle B ID``), or None. Words are split as
    systemd splits them for the usual quoting (double quotes, backslashes)."""
    for line in unit_text.splitlines():
        if not line.startswith("ExecStart="):
            continue
        try:
            words = shlex.split(line[len("ExecStart="):])
        except ValueError:
            return None
        for index, word in enumerate(words):
            if word in ("--bundle", "-b") and index + 1 < len(words):
                return _unescape(words[index + 1])
            if word.startswith("--bundle="):
                return _unescape(word[len("--bundle="):])
    return None


def _unescape(word: str) -> str:
    """systemd's specifier and variable escapes (``%%``, ``$$``) undone."""
    return word.replace("%%", "%").replace("$$", "$")
