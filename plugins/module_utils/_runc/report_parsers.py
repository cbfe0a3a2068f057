# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers for runc's reports: ``--version``, ``features``, ``ps`` and ``events``. None returns an empty result
for output it does not understand. Apart from parsers.py, since a lifecycle task never reads these."""

from __future__ import annotations

import dataclasses
import re
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncParseError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import load_json


@dataclasses.dataclass(frozen=True)
class RuncVersion:
    """``runc --version``. runc 1.0 prints 3 lines; 1.1 to 1.3 add go and libseccomp."""

    version: str
    commit: str = ""
    spec: str = ""
    go: str = ""
    libseccomp: str = ""

    def release(self) -> t.Tuple[int, int, int]:
        """(major, minor, patch) of ``version``; ``1.1.5+ds1`` gives (1, 1, 5)."""
        match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", self.version)
        if not match:
            raise RuncParseError("runc version %r has no major.minor number" % self.version)
        return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)

    def to_dict(self) -> t.Dict[str, str]:
        return dataclasses.asdict(self)


_VERSION_KEYS = {"commit": "commit", "spec": "spec", "go": "go", "libseccomp": "libseccomp"}


def parse_version(output: str) -> RuncVersion:
    fields: t.Dict[str, str] = {}
    for line in output.splitlines():
        line = line.strip()
        if not line:
            continue
        match = re.match(r"^runc version\s+(\S+)", line)
        if match:
            fields["version"] = match.group(1)
            continue
        key, sep, value = line.partition(":")
        if sep and key.strip() in _VERSION_KEYS:
            fields[_VERSION_KEYS[key.strip()]] = value.strip()
    if not fields.get("version"):
        raise RuncParseError("`runc --version` printed no 'runc version X' line", stdout=output)
    return RuncVersion(**fields)


def parse_pids(output: str) -> t.List[int]:
    """``runc ps --format json``: a JSON array of pids (``null`` or ``[]`` when there are none)."""
    data = load_json(output, "runc ps")
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(pid, int) and not isinstance(pid, bool) for pid in data):
        raise RuncParseError("runc ps: expected a JSON array of pids", stdout=output)
    return list(data)


@dataclasses.dataclass(frozen=True)
class PsTable:
    """``runc ps ID [ps options]``: the host's ps table for the container's processes."""

    titles: t.List[str]
    processes: t.List[t.List[str]]

    def to_dicts(self) -> t.List[t.Dict[str, str]]:
        return [dict(zip(self.titles, row)) for row in self.processes]


def parse_ps_table(output: str) -> PsTable:
    """Split each row into as many fields as there are titles; the last (CMD) keeps its spaces."""
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines:
        raise RuncParseError("runc ps: empty output, expected a header line", stdout=output)
    titles = lines[0].split()
    if not titles:
        raise RuncParseError("runc ps: header line has no titles", stdout=output)
    rows: t.List[t.List[str]] = []
    for line in lines[1:]:
        fields = line.split(None, len(titles) - 1)
        if len(fields) != len(titles):
            raise RuncParseError(
                "runc ps: row has %d fields, header has %d: %r" % (len(fields), len(titles), line), stdout=output
            )
        rows.append(fields)
    return PsTable(titles, rows)


@dataclasses.dataclass(frozen=True)
class Event:
    """One line of ``runc events``: ``stats``, ``oom``, ``intelrdt`` and so on."""

    type: str
    id: str
    data: t.Dict[str, t.Any]

    def to_dict(self) -> t.Dict[str, t.Any]:
        return dataclasses.asdict(self)


def _event_from_json(obj: object, line: str) -> Event:
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise RuncParseError("runc events: expected an object with a 'type', got %r" % line[:200], stdout=line)
    data = obj.get("data") or {}
    if not isinstance(data, dict):
        raise RuncParseError("runc events: 'data' is not an object in %r" % line[:200], stdout=line)
    return Event(type=obj["type"], id=str(obj.get("id", "")), data=data)


def parse_event(output: str) -> Event:
    """``runc events --stats ID``: exactly one JSON event."""
    return _event_from_json(load_json(output, "runc events --stats"), output)


def parse_features(output: str) -> t.Dict[str, t.Any]:
    data = load_json(output, "runc features")
    if not isinstance(data, dict) or "ociVersionMin" not in data:
        raise RuncParseError("runc features: expected an object with ociVersionMin", stdout=output)
    return data
