# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_stack's container declarations, all checked before runc is looked up, in converge order.

Each entry becomes the parameters of runc_container (ContainerParams) and, when it
gives ``args`` or ``image``, the parameters of runc_spec for its bundle. Errors name the entry
and the option: ``containers[2].mounts[0].source: ...``.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._container.manager import ContainerParams, ContainerTaskError
from ansible_collections.ocitools.runc.plugins.module_utils._container.planner import ABSENT, STOPPED
from ansible_collections.ocitools.runc.plugins.module_utils._spec.file import attributes_from_params
from ansible_collections.ocitools.runc.plugins.module_utils._spec.image import with_image_defaults
from ansible_collections.ocitools.runc.plugins.module_utils._spec.validation import (
    SpecInputError,
    check_bundle,
    options_from_params,
)
from ansible_collections.ocitools.runc.plugins.module_utils._spec.arguments import SPEC_ARGUMENTS
from ansible_collections.ocitools.runc.plugins.module_utils._stack.pods import PodError, converge_order, joined, resolve


@dataclasses.dataclass(frozen=True)
class Declaration:
    """One entry of ``containers``: where it stands in the list, and what it asks for."""

    index: int
    params: ContainerParams
    # runc_spec's parameters for the bundle; None: the bundle's config.json is used as it is.
    spec_params: t.Optional[t.Dict[str, t.Any]]
    joins: t.Tuple[t.Tuple[str, str], ...] = ()  # (namespace type, declared container id)

    @property
    def id(self) -> str:
        return self.params.id

    @property
    def label(self) -> str:
        return "containers[%d] (%s)" % (self.index, self.params.id)


def _entry_error(index: int, message: str) -> ContainerTaskError:
    return ContainerTaskError("containers[%d].%s" % (index, message))


def _check_nested_keys(index: int, entry: t.Mapping[str, t.Any]) -> None:
    """Keys of the nested options as runc_spec's argument spec has them (Ansible does not check them here)."""
    for name, option in SPEC_ARGUMENTS.items():
        value, known = entry.get(name), option.get("options")
        if value is None or known is None:
            continue
        items = value if isinstance(value, list) else [value]
        for position, item in enumerate(items):
            where = "%s[%d]" % (name, position) if isinstance(value, list) else name
            if not isinstance(item, dict):
                raise _entry_error(index, "%s: must be a mapping, not %s" % (where, type(item).__name__))
            unknown = sorted(set(item) - set(known))
            if unknown:
                raise _entry_error(index, "%s: unknown key %s; use %s" % (where, ", ".join(unknown), ", ".join(known)))


def _declaration(index: int, entry: t.Mapping[str, t.Any], root: str) -> Declaration:
    try:
        params = ContainerParams.from_options(dict(dict(state="running", stop_timeout=10), **dict(entry, root=root)))
    except ContainerTaskError as exc:
        raise _entry_error(index, exc.msg)
    if params.state == ABSENT or (entry.get("args") is None and entry.get("image") is None):
        if entry.get("namespaces") is not None and params.state != ABSENT:
            raise _entry_error(index, "namespaces: needs args or image (the bundle's config.json is written from the "
                                      "options)")
        return Declaration(index, params, None)
    _check_nested_keys(index, entry)
    spec_params = {name: entry[name] for name in SPEC_ARGUMENTS if entry.get(name) is not None}
    spec_params["bundle"] = params.bundle
    joins = joined(entry.get("namespaces"))
    try:
        check_bundle(params.bundle)
        # Checked with stand-in pids: the real paths are only known at converge time.
        stand_in = resolve(entry.get("namespaces") or {}, {target: 1 for _kind, target in joins}, check_mode=False)
        options_from_params(dict(with_image_defaults(spec_params), namespaces=stand_in or None))
        attributes_from_params(spec_params)
    except (SpecInputError, PodError) as exc:
        raise _entry_error(index, str(exc))
    return Declaration(index, params, spec_params, joins)


def _check_joins(declarations: t.Sequence[Declaration]) -> None:
    by_id = {declaration.id: declaration for declaration in declarations}
    for declaration in declarations:
        for kind, target in declaration.joins:
            where = "containers[%d].namespaces.%s" % (declaration.index, kind)
            other = by_id.get(target)
            if target == declaration.id:
                raise ContainerTaskError("%s: a container cannot join its own namespace; use private" % where)
            if other is None:
                raise ContainerTaskError("%s: container %s is not declared in containers; declare it, or give a "
                                         "namespace path" % (where, target))
            if other.params.state in (ABSENT, STOPPED):
                raise ContainerTaskError("%s: container %s is declared %s, so it has no namespace to join; declare "
                                         "it running, created or paused" % (where, target, other.params.state))


def parse_declarations(entries: t.Sequence[t.Mapping[str, t.Any]], root: str) -> t.List[Declaration]:
    """The checked declarations, each after the containers whose namespaces it joins."""
    declarations = [_declaration(index, entry, root) for index, entry in enumerate(entries)]
    seen: t.Dict[str, int] = {}
    for declaration in declarations:
        if declaration.id in seen:
            raise ContainerTaskError("containers[%d].id: %s is also containers[%d].id; give each container once"
                                     % (declaration.index, declaration.id, seen[declaration.id]))
        seen[declaration.id] = declaration.index
    _check_joins(declarations)
    by_id = {declaration.id: declaration for declaration in declarations}
    try:
        order = converge_order({d.id: [target for _kind, target in d.joins] for d in declarations})
    except PodError as exc:
        raise ContainerTaskError("containers[].%s" % exc)
    return [by_id[container_id] for container_id in order]
