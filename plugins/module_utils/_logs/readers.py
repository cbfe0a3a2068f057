# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two sources of a container's output, read into a Selection: ``scan`` reads what is there (only
the last lines when nothing is filtered), ``poll`` what came since, ``finish`` adds a file's unfinished
last line. Each returns True when a line matched ``wait_for``."""

from __future__ import annotations

import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._logs.files import LogFile
from ansible_collections.ocitools.runc.plugins.module_utils._logs.journal import JournalQuery, journalctl_argv, parse_entry
from ansible_collections.ocitools.runc.plugins.module_utils._logs.selection import LogsError, Selection
from ansible_collections.ocitools.runc.plugins.module_utils._logs.stream import Stream, StreamFailed

JOURNALCTL = "journalctl"
SINCE_EXAMPLES = "'2024-05-01 10:00:00', 'today', '-10min', '1 hour ago', '@1714557600'"


class JournalReader:
    def __init__(self, unit: str, since: t.Optional[str], stream: Stream, timeout: float) -> None:
        self.unit = unit
        self.since = since
        self.stream = stream
        self.timeout = timeout
        self.cursor: t.Optional[str] = None

    def describe(self) -> t.Dict[str, t.Any]:
        return {"source": "journal", "unit": self.unit}

    def where(self) -> str:
        return "the journal of %s" % self.unit

    def _read(self, query: JournalQuery, selection: Selection) -> bool:
        found = False
        try:
            for raw in self.stream(journalctl_argv(JOURNALCTL, query), self.timeout):
                entry = parse_entry(raw)
                if entry is None:
                    continue
                if entry.cursor:
                    self.cursor = entry.cursor
                found = selection.feed(entry.message) or found
        except StreamFailed as exc:
            raise self._failure(exc)
        return found

    def _failure(self, exc: StreamFailed) -> LogsError:
        if self.since and "timestamp" in exc.stderr.lower():
            return LogsError("since: journalctl cannot read %r (%s); give a time journalctl --since accepts, such as %s"
                             % (self.since, exc.stderr, SINCE_EXAMPLES))
        return LogsError("cannot read %s: %s (the container is supervised: journalctl, from systemd, must be "
                         "installed and the journal readable)" % (self.where(), exc), stderr=exc.stderr)

    def scan(self, selection: Selection, fast: bool) -> bool:
        return self._read(JournalQuery(self.unit, self.since, selection.lines if fast else 0), selection)

    def poll(self, selection: Selection) -> bool:
        if self.cursor is None:  # nothing read so far: every entry is new
            return self._read(JournalQuery(self.unit, self.since), selection)
        return self._read(JournalQuery(self.unit, cursor=self.cursor), selection)

    def finish(self, selection: Selection) -> None:
        """journald keeps no unfinished line of ours."""

    def close(self) -> None:
        """Nothing is held open between reads."""


class FileReader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.log = LogFile(path)

    def describe(self) -> t.Dict[str, t.Any]:
        return {"source": "file", "log_path": self.path}

    def where(self) -> str:
        return "log_path %s" % self.path

    def _unfinished_matches(self, selection: Selection) -> bool:
        rest = self.log.unfinished()
        return bool(rest) and selection.matches(rest)

    def scan(self, selection: Selection, fast: bool) -> bool:
        if fast:
            selection.feed_all(self.log.tail(selection.lines))
            return False
        return self.poll(selection)

    def poll(self, selection: Selection) -> bool:
        found = selection.feed_all(self.log.scan())
        return found or self._unfinished_matches(selection)

    def finish(self, selection: Selection) -> None:
        rest = self.log.unfinished()
        if rest:
            selection.keep(rest)

    def close(self) -> None:
        self.log.close()
