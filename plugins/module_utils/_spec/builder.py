# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec's pure part: runc's default spec plus checked options gives the new spec.

No I/O here. Each option touches only its own fields, so changing one option changes
only those fields in config.json (a resource limit changes only ``linux.resources``,
which runc_container can then apply live). Lists from runc's default keep their order;
entries the options add are appended after them, so the same options always give the
same spec.
"""

from __future__ import annotations

import copy
import dataclasses
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.process import ProcessOverrides

# The capability sets an option applies to, when runc's default spec has them.
CAPABILITY_SETS = ("bounding", "effective", "permitted", "inheritable", "ambient")
NS_PRIVATE = "private"
NS_HOST = "host"


@dataclasses.dataclass(frozen=True)
class Mount:
    destination: str
    source: t.Optional[str] = None
    type: str = "bind"
    options: t.Tuple[str, ...] = ()

    def to_oci(self) -> t.Dict[str, t.Any]:
        mount: t.Dict[str, t.Any] = {"destination": self.destination, "type": self.type}
        if self.source is not None:
            mount["source"] = self.source
        if self.options:
            mount["options"] = list(self.options)
        return mount


@dataclasses.dataclass(frozen=True)
class Rlimit:
    type: str
    soft: int
    hard: int

    def to_oci(self) -> t.Dict[str, t.Any]:
        # runc's own order of keys (type, hard, soft).
        return {"type": self.type, "hard": self.hard, "soft": self.soft}


@dataclasses.dataclass(frozen=True)
class SpecOptions:
    """runc_spec's options, checked and normalised (see spec_validation.options_from_params).

    None means "as in runc's default spec".
    """

    args: t.Tuple[str, ...]
    root_path: str = "rootfs"
    readonly_rootfs: t.Optional[bool] = None
    env: t.Tuple[t.Tuple[str, str], ...] = ()
    cwd: t.Optional[str] = None
    uid: t.Optional[int] = None
    gid: t.Optional[int] = None
    additional_gids: t.Optional[t.Tuple[int, ...]] = None
    hostname: t.Optional[str] = None
    terminal: bool = False
    cap_add: t.Tuple[str, ...] = ()
    cap_drop: t.Tuple[str, ...] = ()  # "ALL" drops every default capability
    no_new_privileges: t.Optional[bool] = None
    rlimits: t.Tuple[Rlimit, ...] = ()
    mounts: t.Tuple[Mount, ...] = ()
    # (type, NS_PRIVATE | NS_HOST | path), in the order given
    namespaces: t.Tuple[t.Tuple[str, str], ...] = ()
    # ((section, field), value) under linux.resources, e.g. (("memory", "limit"), 1048576)
    resources: t.Tuple[t.Tuple[t.Tuple[str, str], t.Any], ...] = ()
    annotations: t.Tuple[t.Tuple[str, str], ...] = ()
    raw: t.Optional[t.Mapping[str, t.Any]] = None

    def overrides(self) -> ProcessOverrides:
        return ProcessOverrides(self.args, self.env, self.cwd, self.uid, self.gid, self.additional_gids,
                                self.no_new_privileges)


def merge_patch(target: t.Any, patch: t.Any) -> t.Any:
    """JSON Merge Patch (RFC 7386): dicts merge, null removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _apply_capabilities(process: t.Dict[str, t.Any], options: SpecOptions) -> None:
    caps = process.get("capabilities")
    if not isinstance(caps, dict) or not (options.cap_add or options.cap_drop):
        return
    for name in CAPABILITY_SETS:
        if name not in caps:
            continue
        kept = [] if "ALL" in options.cap_drop else [cap for cap in caps[name] or [] if cap not in options.cap_drop]
        caps[name] = kept + [cap for cap in options.cap_add if cap not in kept]


def _merge_by_key(defaults: t.Sequence[t.Dict[str, t.Any]], given: t.Sequence[t.Any], key: str) -> t.List[t.Dict[str, t.Any]]:
    """``given`` items (with ``to_oci()``) replace the default with the same ``key`` in place; others are appended."""
    wanted = {getattr(item, key): item for item in given}
    merged = [wanted.pop(item.get(key), None) or item for item in defaults]
    merged.extend(wanted.values())
    return [item if isinstance(item, dict) else item.to_oci() for item in merged]


def _apply_process(spec: t.Dict[str, t.Any], options: SpecOptions) -> None:
    process = spec.setdefault("process", {})
    process["terminal"] = options.terminal
    if not options.terminal:
        process.pop("consoleSize", None)
    options.overrides().apply(process)
    _apply_capabilities(process, options)
    if options.rlimits:
        process["rlimits"] = _merge_by_key(process.get("rlimits") or [], options.rlimits, "type")


def _apply_namespaces(linux: t.Dict[str, t.Any], namespaces: t.Sequence[t.Tuple[str, str]]) -> None:
    current = list(linux.get("namespaces") or [])
    for ns_type, how in namespaces:
        index = next((i for i, item in enumerate(current) if item.get("type") == ns_type), None)
        wanted = None if how == NS_HOST else {"type": ns_type} if how == NS_PRIVATE else {"type": ns_type, "path": how}
        if index is None and wanted is not None:
            current.append(wanted)
        elif index is not None and wanted is None:
            del current[index]
        elif index is not None:
            current[index] = wanted
    linux["namespaces"] = current


def _apply_resources(linux: t.Dict[str, t.Any], resources: t.Sequence[t.Tuple[t.Tuple[str, str], t.Any]]) -> None:
    if not resources:
        return
    section_map = linux.setdefault("resources", {})
    for (section, field), value in resources:
        section_map.setdefault(section, {})[field] = value


def _has_private_uts(spec: t.Mapping[str, t.Any]) -> bool:
    return any(ns.get("type") == "uts" for ns in (spec.get("linux") or {}).get("namespaces") or [])


def build_spec(default: t.Mapping[str, t.Any], options: SpecOptions) -> t.Dict[str, t.Any]:
    """The spec for ``options``, starting from (a copy of) runc's ``default`` spec."""
    spec: t.Dict[str, t.Any] = copy.deepcopy(dict(default))
    _apply_process(spec, options)
    root = spec.setdefault("root", {})
    root["path"] = options.root_path
    if options.readonly_rootfs is not None:
        root["readonly"] = options.readonly_rootfs
    if options.mounts:
        spec["mounts"] = _merge_by_key(spec.get("mounts") or [], options.mounts, "destination")
    linux = spec.setdefault("linux", {})
    if options.namespaces:
        _apply_namespaces(linux, options.namespaces)
    _apply_resources(linux, options.resources)
    if options.hostname is not None:
        spec["hostname"] = options.hostname
    elif not _has_private_uts(spec):
        spec.pop("hostname", None)  # runc refuses a hostname without a private UTS namespace
    if options.annotations:
        annotations = dict(spec.get("annotations") or {})
        annotations.update(options.annotations)
        spec["annotations"] = annotations
    if options.raw:
        spec = merge_patch(spec, options.raw)
    return spec
