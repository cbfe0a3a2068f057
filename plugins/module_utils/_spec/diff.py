# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What runc_spec shows: the spec with env values masked, and a diff of only the changed fields.

The diff names fields by dotted path (``process.args``, ``linux.resources.memory.limit``),
as runc_container's drift does. Env entries show as ``NAME=********``; an entry whose
value changed is marked ``NAME=******** (changed)``, so a change is visible without
showing the value.
"""

from __future__ import annotations

import copy
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.difference import MISSING, Difference
from ansible_collections.ocitools.runc.plugins.module_utils._container.drift import MASK, FieldChange, changed_fields
from ansible_collections.ocitools.runc.plugins.module_utils._spec.file import FileAttributes

_CHANGED = " (changed)"


def _env_map(env: t.Any) -> t.Dict[str, str]:
    return dict(str(entry).partition("=")[::2] for entry in env) if isinstance(env, list) else {}


def mask_env(env: t.Any, changed_names: t.Collection[str] = ()) -> t.Any:
    """``["A=1", "B=2"]`` as ``["A=********", "B=********"]``; names in ``changed_names`` marked."""
    if not isinstance(env, list):
        return env
    masked = []
    for entry in env:
        name = str(entry).partition("=")[0]
        masked.append("%s=%s%s" % (name, MASK, _CHANGED if name in changed_names else ""))
    return masked


def masked_spec(spec: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """A copy of ``spec`` that may be shown: env values masked."""
    shown = copy.deepcopy(dict(spec))
    process = shown.get("process")
    if isinstance(process, dict) and "env" in process:
        process["env"] = mask_env(process["env"])
    return shown


def _shown_pair(field: FieldChange) -> t.Tuple[t.Any, t.Any]:
    if not field.is_env():
        return field.shown(field.before), field.shown(field.after)
    old, new = _env_map(field.before), _env_map(field.after)
    changed = [name for name in new if name in old and old[name] != new[name]]
    return mask_env(field.before) if old else None, mask_env(field.after, changed) if new else None


def spec_diff(
    before: t.Optional[t.Mapping[str, t.Any]],
    after: t.Mapping[str, t.Any],
    attributes_before: t.Optional[FileAttributes],
    attribute_changes: FileAttributes,
    before_state: str = "file",
) -> t.Dict[str, t.Dict[str, t.Any]]:
    """``{before, after}``: the changed spec fields under ``spec``, the changed mode/owner/group.

    ``before`` None means there is no usable config.json yet: ``before_state`` says why
    (``absent``, ``invalid``) and the whole new spec is shown, field by field.
    """
    difference = Difference()
    if before is None:
        difference.add("state", before_state, "file")
    # An empty ``before`` is itself a leaf at the root path: leave it out.
    fields = [field for field in changed_fields(before or {}, after) if field.path]
    if fields:
        pairs = {field.name: _shown_pair(field) for field in fields}
        difference.add("spec", {name: pair[0] for name, pair in pairs.items()} if before is not None else MISSING,
                       {name: pair[1] for name, pair in pairs.items()})
    current_attributes = attributes_before.shown() if attributes_before is not None else {}
    for name, value in attribute_changes.shown().items():
        difference.add(name, current_attributes.get(name, MISSING), value)
    return difference.to_dict()
