# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which lines runc_logs returns, fed one line at a time in the log's order (memory stays bounded):
the last ``lines`` of those matching ``grep`` (all of them for 0), and the latest line matching
``wait_for``. Patterns match the line as the container wrote it; what is kept is masked afterwards."""

from __future__ import annotations

import collections
import dataclasses
import re
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError

SEEN_KEPT = 10  # lines kept for the message of a wait that timed out


class LogsError(TaskError):
    """A runc_logs task fails; the message names the option or the source."""


def compile_pattern(option: str, pattern: t.Optional[str]) -> t.Optional["re.Pattern[str]"]:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise LogsError("%s: %r is not a valid regular expression (Python re syntax): %s" % (option, pattern, exc))


@dataclasses.dataclass
class Selection:
    lines: int
    grep: t.Optional["re.Pattern[str]"] = None
    wait_for: t.Optional["re.Pattern[str]"] = None
    kept: t.Deque[str] = dataclasses.field(init=False)
    seen: t.Deque[str] = dataclasses.field(init=False)
    matched: t.Optional[str] = None

    def __post_init__(self) -> None:
        self.kept = collections.deque(maxlen=self.lines if self.lines > 0 else None)
        self.seen = collections.deque(maxlen=SEEN_KEPT)

    def feed(self, line: str) -> bool:
        """Take the next line; True when it matches ``wait_for``."""
        self.keep(line)
        return self.matches(line)

    def matches(self, line: str) -> bool:
        """Whether ``line`` matches ``wait_for`` (then it is the matched line), without taking it."""
        if self.wait_for is not None and self.wait_for.search(line):
            self.matched = line
            return True
        return False

    def keep(self, line: str) -> None:
        """Take a last line without matching ``wait_for`` again (an unfinished one, after the wait)."""
        self.seen.append(line)
        if self.grep is None or self.grep.search(line):
            self.kept.append(line)

    def feed_all(self, lines: t.Iterable[str]) -> bool:
        """Take every line; True when one of them matched ``wait_for``."""
        found = False
        for line in lines:
            found = self.feed(line) or found
        return found
