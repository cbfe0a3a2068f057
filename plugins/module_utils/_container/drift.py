# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a bundle's config.json changes for a container: its spec, digest and drift.

The spec is compared in a normalised form (JSON with sorted keys), so reformatting
config.json by hand is no change. A masked copy, with each ``process.env`` value
replaced by a salted hash, is what gets stored and shown: it tells which fields
changed without keeping or showing secrets.
"""

from __future__ import annotations

import hashlib
import json
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._container.planner import (
    LIVE_UPDATE,
    NO_DRIFT,
    RECREATE,
)

MASK = "********"
_ENV_PATH = ("process", "env")

# linux.resources fields that ``runc update --resources`` applies to a live container.
LIVE_RESOURCE_FIELDS: t.Tuple[t.Tuple[str, str], ...] = (
    ("cpu", "shares"),
    ("cpu", "quota"),
    ("cpu", "period"),
    ("cpu", "realtimeRuntime"),
    ("cpu", "realtimePeriod"),
    ("cpu", "cpus"),
    ("cpu", "mems"),
    ("memory", "limit"),
    ("memory", "reservation"),
    ("memory", "swap"),
    ("pids", "limit"),
    ("blockIO", "weight"),
)
_LIVE_PATHS = frozenset(("linux", "resources") + field for field in LIVE_RESOURCE_FIELDS)


def canonical_json(value: t.Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def spec_digest(spec: t.Mapping[str, t.Any]) -> str:
    """sha256 of the normalised spec: equal for equal content, whatever the formatting."""
    return "sha256:" + hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


def _env_hash(salt: str, value: str) -> str:
    return hashlib.sha256((salt + "\0" + value).encode("utf-8")).hexdigest()


def masked_spec(spec: t.Mapping[str, t.Any], salt: str) -> t.Dict[str, t.Any]:
    """A copy of ``spec`` whose ``process.env`` is a {name: salted hash of the value} mapping."""
    masked = json.loads(canonical_json(spec))
    process = masked.get("process")
    if isinstance(process, dict) and isinstance(process.get("env"), list):
        env: t.Dict[str, str] = {}
        for entry in process["env"]:
            name, _sep, value = str(entry).partition("=")
            env[name] = _env_hash(salt, value)
        process["env"] = env
    return masked


def _flatten(value: t.Any, prefix: t.Tuple[str, ...], out: t.Dict[t.Tuple[str, ...], t.Any]) -> None:
    """Leaves of nested dicts by key path; lists are leaves (compared whole)."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, prefix + (str(key),), out)
    else:
        out[prefix] = value


def _leaves(spec: t.Mapping[str, t.Any]) -> t.Dict[t.Tuple[str, ...], t.Any]:
    out: t.Dict[t.Tuple[str, ...], t.Any] = {}
    _flatten(dict(spec), (), out)
    return out


_MISSING = object()


class FieldChange(t.NamedTuple):
    path: t.Tuple[str, ...]
    before: t.Any
    after: t.Any

    @property
    def name(self) -> str:
        return ".".join(self.path)

    def is_env(self) -> bool:
        return self.path[:2] == _ENV_PATH

    def shown(self, value: t.Any) -> t.Any:
        """The value as results and diffs show it: env values masked, missing as None."""
        if value is _MISSING:
            return None
        return MASK if self.is_env() else value


def changed_fields(before: t.Mapping[str, t.Any], after: t.Mapping[str, t.Any]) -> t.List[FieldChange]:
    """Leaf fields that differ between two masked specs, sorted by path."""
    old, new = _leaves(before), _leaves(after)
    changes = []
    for path in sorted(set(old) | set(new)):
        old_value, new_value = old.get(path, _MISSING), new.get(path, _MISSING)
        if old_value != new_value:
            changes.append(FieldChange(path, old_value, new_value))
    return changes


def _live_updatable(change: FieldChange) -> bool:
    # A removed limit cannot be expressed to runc update: only changed or added values are live.
    return change.path in _LIVE_PATHS and change.after is not _MISSING


class Drift(t.NamedTuple):
    """How the declared bundle differs from the container: kind, reasons and changed fields."""

    kind: str = NO_DRIFT
    reasons: t.Tuple[str, ...] = ()
    fields: t.Tuple[FieldChange, ...] = ()

    def to_dict(self) -> t.Dict[str, t.Any]:
        return {"kind": self.kind, "reasons": list(self.reasons), "fields": [field.name for field in self.fields]}

    def spec_diff(self) -> t.Tuple[t.Dict[str, t.Any], t.Dict[str, t.Any]]:
        """(before, after) of the changed fields, by dotted path, env values masked."""
        before = {field.name: field.shown(field.before) for field in self.fields}
        after = {field.name: field.shown(field.after) for field in self.fields}
        for field in self.fields:
            if field.is_env() and field.before is not _MISSING and field.after is not _MISSING:
                after[field.name] = MASK + " (changed)"
        return before, after


def classify(old_bundle: str, new_bundle: str, old_masked: t.Optional[t.Mapping[str, t.Any]],
             new_masked: t.Mapping[str, t.Any], digests_equal: bool) -> Drift:
    """Drift from the container (its bundle and recorded masked spec) to the declaration.

    ``old_masked`` None means the spec the container was made from is not known
    (no record): then only the bundle path is compared.
    """
    if old_bundle != new_bundle:
        fields = tuple(changed_fields(old_masked, new_masked)) if old_masked is not None else ()
        return Drift(RECREATE, ("bundle changed from %s to %s" % (old_bundle, new_bundle),), fields)
    if old_masked is None or digests_equal:
        return Drift()
    fields = tuple(changed_fields(old_masked, new_masked))
    if fields and all(_live_updatable(field) for field in fields):
        return Drift(LIVE_UPDATE, ("%s changed: applied live with runc update" % ", ".join(f.name for f in fields),), fields)
    names = ", ".join(field.name for field in fields) or "content"
    return Drift(RECREATE, ("%s changed since the container was created" % names,), fields)


def with_image_drift(drift: Drift, recorded: str, declared: str) -> Drift:
    """``drift``, made a recreate naming the image when the image digest differs from the recorded one.

    ``recorded`` and ``declared`` are manifest digests ('' when the bundle was not made from an image).
    """
    if recorded == declared:
        return drift
    reason = "image digest changed from %s to %s" % (recorded or "none", declared or "none")
    return drift._replace(kind=RECREATE, reasons=(reason,) + drift.reasons)


def live_resources(spec: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """The live-updatable part of ``linux.resources``, as ``runc update --resources`` reads it."""
    resources = (spec.get("linux") or {}).get("resources") or {}
    out: t.Dict[str, t.Dict[str, t.Any]] = {}
    for group, name in LIVE_RESOURCE_FIELDS:
        section = resources.get(group)
        if isinstance(section, dict) and section.get(name) is not None:
            out.setdefault(group, {})[name] = section[name]
    return out
