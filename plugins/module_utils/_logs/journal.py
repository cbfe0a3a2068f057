# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A supervised container's output in the journal: the journalctl argv, and its JSON lines parsed.

The selection is ``_SYSTEMD_UNIT=<unit>``: what the unit's process (runc in the foreground, relaying
the container's stdout and stderr) wrote, without systemd's own messages about the unit (which
``--unit`` would add and count in ``--lines``). ``--all`` keeps long messages (journalctl prints
fields above 4096 bytes as null without it); ``--output json`` gives one object per line, in which
a MESSAGE that is not valid UTF-8 text is an array of byte values, and a field present more than
once is an array of its values.
"""

from __future__ import annotations

import dataclasses
import json
import typing as t

FieldValue = t.Union[str, t.List[int], None]


@dataclasses.dataclass(frozen=True)
class JournalQuery:
    """What to ask journalctl for: one unit's entries, from ``since`` (journalctl's own time syntax),
    the last ``lines`` of them (0: all), or those after ``cursor``."""

    unit: str
    since: t.Optional[str] = None
    lines: int = 0
    cursor: t.Optional[str] = None


def journalctl_argv(executable: str, query: JournalQuery) -> t.List[str]:
    argv = [executable, "--output", "json", "--all", "--no-pager", "--quiet", "_SYSTEMD_UNIT=" + query.unit]
    if query.cursor is not None:
        argv += ["--after-cursor", query.cursor]
    elif query.since:
        argv += ["--since", query.since]
    if query.lines > 0:
        argv += ["--lines", str(query.lines)]
    return argv


@dataclasses.dataclass(frozen=True)
class JournalEntry:
    cursor: str
    message: str


def _text(value: t.Any) -> t.Optional[str]:
    """A field's value as text: a string, bytes as an array of ints, or the first of repeated values."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if value and all(isinstance(item, int) and 0 <= item < 256 for item in value):
            return bytes(value).decode("utf-8", errors="replace")
        if value and not any(isinstance(item, int) for item in value):
            return _text(value[0])
        if not value:
            return ""
    return None


def parse_entry(line: t.Union[bytes, str]) -> t.Optional[JournalEntry]:
    """One line of ``journalctl --output json``, or None for a line that is no entry with a message."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    message = _text(data.get("MESSAGE"))
    if message is None:
        return None
    cursor = data.get("__CURSOR")
    return JournalEntry(cursor if isinstance(cursor, str) else "", message.rstrip("\n"))
