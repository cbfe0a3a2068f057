# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers for runc's output. None returns an empty result for output it does not understand."""

from __future__ import annotations

import dataclasses
import json
import re
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncParseError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.status import CONTAINER_STATUSES


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


@dataclasses.dataclass(frozen=True)
class ContainerState:
    """One container as ``runc state`` and ``runc list --format json`` describe it."""

    id: str
    pid: int
    status: str
    bundle: str
    rootfs: str
    created: str
    annotations: t.Dict[str, str]
    owner: str
    oci_version: str = ""

    def to_dict(self) -> t.Dict[str, t.Any]:
        return dataclasses.asdict(self)


_STATE_FIELDS = ("id", "pid", "status", "bundle")


def _state_from_json(obj: object, source: str) -> ContainerState:
    if not isinstance(obj, dict):
        raise RuncParseError("%s: expected a JSON object per container, got %s" % (source, type(obj).__name__))
    missing = [name for name in _STATE_FIELDS if name not in obj]
    if missing:
        raise RuncParseError("%s: container entry lacks %s" % (source, ", ".join(missing)), stdout=json.dumps(obj))
    status = obj["status"]
    if status not in CONTAINER_STATUSES:
        raise RuncParseError("%s: unknown container status %r" % (source, status), stdout=json.dumps(obj))
    pid = obj["pid"]
    if not isinstance(pid, int) or isinstance(pid, bool):
        raise RuncParseError("%s: pid is not an integer: %r" % (source, pid), stdout=json.dumps(obj))
    return ContainerState(
        id=str(obj["id"]),
        pid=pid,
        status=status,
        bundle=str(obj["bundle"]),
        rootfs=str(obj.get("rootfs", "")),
        created=str(obj.get("created", "")),
        annotations=dict(obj.get("annotations") or {}),
        owner=str(obj.get("owner", "")),
        oci_version=str(obj.get("ociVersion", "")),
    )


def _load_json(output: str, source: str) -> object:
    try:
        return json.loads(output)
    except ValueError as exc:
        raise RuncParseError("%s: output is not JSON (%s)" % (source, exc), stdout=output)


def parse_state(output: str) -> ContainerState:
    return _state_from_json(_load_json(output, "runc state"), "runc state")


def parse_list(output: str) -> t.List[ContainerState]:
    """``runc list --format json``: runc prints ``null`` when there are no containers."""
    data = _load_json(output, "runc list")
    if data is None:
        return []
    if not isinstance(data, list):
        raise RuncParseError("runc list: expected a JSON array or null, got %s" % type(data).__name__, stdout=output)
    return [_state_from_json(item, "runc list") for item in data]


def parse_pids(output: str) -> t.List[int]:
    """``runc ps --format json``: a JSON array of pids (``null`` or ``[]`` when there are none)."""
    data = _load_json(output, "runc ps")
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
    return _event_from_json(_load_json(output, "runc events --stats"), output)


def parse_features(output: str) -> t.Dict[str, t.Any]:
    data = _load_json(output, "runc features")
    if not isinstance(data, dict) or "ociVersionMin" not in data:
        raise RuncParseError("runc features: expected an object with ociVersionMin", stdout=output)
    return data


_TEXT_LOG_PAIR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')
_ERROR_LEVELS = ("error", "fatal", "panic")


def _text_log_fields(line: str) -> t.Dict[str, str]:
    fields = {}
    for key, value in _TEXT_LOG_PAIR.findall(line):
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except ValueError:
                value = value[1:-1]
        fields[key] = value
    return fields


def parse_log_errors(log_text: str) -> t.List[str]:
    """runc's error messages from its log, in JSON (``--log-format json``) or logrus text format."""
    messages: t.List[str] = []
    for line in log_text.splitlines():
        line = line.strip()
        if not line:
            continue
        fields: t.Dict[str, t.Any]
        if line.startswith("{"):
            try:
                loaded = json.loads(line)
            except ValueError:
                continue
            fields = loaded if isinstance(loaded, dict) else {}
        else:
            fields = _text_log_fields(line)
        if fields.get("level") in _ERROR_LEVELS and fields.get("msg"):
            messages.append(str(fields["msg"]))
    return messages
