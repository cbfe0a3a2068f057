# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The JSON types of the OCI runtime spec fields this collection reads, checked after ``spec`` is merged.

The raw ``spec`` option may put any value anywhere; a field of the wrong type would make
runc fail later (or this collection's own readers misread it, such as the env masking).
Only the fields with a type given here are checked; the rest is runc's to judge.
"""

from __future__ import annotations

import typing as t

# (dotted path, "[]" for every item of a list, "*" for every value of an object) -> JSON type.
_OBJECT, _ARRAY, _STRING, _BOOLEAN, _INTEGER = "object", "array", "string", "boolean", "integer"
FIELD_TYPES: t.Tuple[t.Tuple[str, str], ...] = (
    ("ociVersion", _STRING),
    ("hostname", _STRING),
    ("annotations", _OBJECT),
    ("annotations.*", _STRING),
    ("root", _OBJECT),
    ("root.path", _STRING),
    ("root.readonly", _BOOLEAN),
    ("process", _OBJECT),
    ("process.terminal", _BOOLEAN),
    ("process.args", _ARRAY),
    ("process.args.[]", _STRING),
    ("process.env", _ARRAY),
    ("process.env.[]", _STRING),
    ("process.cwd", _STRING),
    ("process.user", _OBJECT),
    ("process.user.uid", _INTEGER),
    ("process.user.gid", _INTEGER),
    ("process.user.additionalGids", _ARRAY),
    ("process.user.additionalGids.[]", _INTEGER),
    ("process.capabilities", _OBJECT),
    ("process.capabilities.*", _ARRAY),
    ("process.capabilities.*.[]", _STRING),
    ("process.rlimits", _ARRAY),
    ("process.rlimits.[]", _OBJECT),
    ("process.rlimits.[].type", _STRING),
    ("process.rlimits.[].hard", _INTEGER),
    ("process.rlimits.[].soft", _INTEGER),
    ("process.noNewPrivileges", _BOOLEAN),
    ("mounts", _ARRAY),
    ("mounts.[]", _OBJECT),
    ("mounts.[].destination", _STRING),
    ("mounts.[].source", _STRING),
    ("mounts.[].type", _STRING),
    ("mounts.[].options", _ARRAY),
    ("mounts.[].options.[]", _STRING),
    ("linux", _OBJECT),
    ("linux.namespaces", _ARRAY),
    ("linux.namespaces.[]", _OBJECT),
    ("linux.namespaces.[].type", _STRING),
    ("linux.namespaces.[].path", _STRING),
    ("linux.resources", _OBJECT),
    ("linux.resources.memory", _OBJECT),
    ("linux.resources.cpu", _OBJECT),
    ("linux.resources.pids", _OBJECT),
    ("linux.resources.blockIO", _OBJECT),
    ("linux.resources.devices", _ARRAY),
)
_CHECKS: t.Dict[str, t.Callable[[t.Any], bool]] = {
    _OBJECT: lambda value: isinstance(value, dict),
    _ARRAY: lambda value: isinstance(value, list),
    _STRING: lambda value: isinstance(value, str),
    _BOOLEAN: lambda value: isinstance(value, bool),
    _INTEGER: lambda value: isinstance(value, int) and not isinstance(value, bool),
}


def _values(value: t.Any, parts: t.Sequence[str], shown: str) -> t.Iterator[t.Tuple[str, t.Any]]:
    """Every (shown path, value) at ``parts`` below ``value``; missing fields give nothing."""
    if not parts:
        yield shown, value
        return
    head, rest = parts[0], parts[1:]
    if head == "[]":
        items: t.Iterable[t.Tuple[str, t.Any]] = (
            ("%s[%d]" % (shown, index), item) for index, item in enumerate(value)) if isinstance(value, list) else ()
    elif head == "*":
        items = (("%s.%s" % (shown, key), item) for key, item in value.items()) if isinstance(value, dict) else ()
    else:
        items = [("%s.%s" % (shown, head) if shown else head, value[head])] if isinstance(value, dict) and head in value else []
    for path, item in items:
        yield from _values(item, rest, path)


def structure_problem(spec: t.Mapping[str, t.Any]) -> t.Optional[str]:
    """The first field of ``spec`` with the wrong JSON type, as a message naming it; None when all fit."""
    for path, expected in FIELD_TYPES:
        for shown, value in _values(spec, path.split("."), ""):
            if not _CHECKS[expected](value):
                return ("spec: %s must be a JSON %s, not %s; fix it in spec (the raw fields merged last) or the "
                        "option that sets it" % (shown, expected, _json_type(value)))
    return None


def _json_type(value: t.Any) -> str:
    if value is None:
        return "null"
    for name in (_BOOLEAN, _INTEGER, _STRING, _ARRAY, _OBJECT):
        if _CHECKS[name](value):
            return ("an " if name[0] in "aeiou" else "a ") + name
    return "a number" if isinstance(value, float) else "a " + type(value).__name__
