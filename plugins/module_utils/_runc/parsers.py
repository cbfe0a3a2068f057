# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers for the runc output every task reads: state, list and runc's log. None returns an empty result for
output it does not understand. Those of runc's reports (--version, features, ps, events) are in report_parsers."""

from __future__ import annotations

import json
import re
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncParseError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.status import CONTAINER_STATUSES


class ContainerState(t.NamedTuple):
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
        return self._asdict()


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


def load_json(output: str, source: str) -> object:
    try:
        return json.loads(output)
    except ValueError as exc:
        raise RuncParseError("%s: output is not JSON (%s)" % (source, exc), stdout=output)


def parse_state(output: str) -> ContainerState:
    return _state_from_json(load_json(output, "runc state"), "runc state")


def parse_list(output: str) -> t.List[ContainerState]:
    """``runc list --format json``: runc prints ``null`` when there are no containers."""
    data = load_json(output, "runc list")
    if data is None:
        return []
    if not isinstance(data, list):
        raise RuncParseError("runc list: expected a JSON array or null, got %s" % type(data).__name__, stdout=output)
    return [_state_from_json(item, "runc list") for item in data]


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
