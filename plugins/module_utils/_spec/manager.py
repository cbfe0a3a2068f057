# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec's work: check the options, build the spec from runc's default, write config.json if it differs.

Check mode reads only: no bundle directory is created and no file is written.
"""

from __future__ import annotations

import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.bundle_config import CONFIG_NAME
from ansible_collections.ocitools.runc.plugins.module_utils._common.no_follow import chmod_directory
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._spec.builder import build_spec
from ansible_collections.ocitools.runc.plugins.module_utils._spec.diff import masked_spec, spec_diff
from ansible_collections.ocitools.runc.plugins.module_utils._spec.file import (
    FileAttributes,
    attribute_changes,
    attributes_for_write,
    attributes_from_params,
    bundle_mode_change,
    current_attributes,
    ensure_bundle,
    is_unreadable,
    read_spec,
    render_spec,
    set_attributes,
    write_spec_file,
)
from ansible_collections.ocitools.runc.plugins.module_utils._spec.image import with_image_defaults
from ansible_collections.ocitools.runc.plugins.module_utils._spec.validation import (
    SpecInputError,
    check_bundle,
    check_rlimits,
    options_from_params,
    rootfs_missing,
)
from ansible_collections.ocitools.runc.plugins.module_utils._spec.structure import structure_problem


def _has_changes(attributes: FileAttributes) -> bool:
    return attributes != FileAttributes()


def _write(bundle: str, path: str, data: t.Optional[bytes], attributes: FileAttributes,
           bundle_mode: t.Optional[int]) -> None:
    """Write ``data`` (None: only set ``attributes`` on the existing file); tighten the bundle's mode."""
    try:
        if bundle_mode is not None:
            chmod_directory(bundle, bundle_mode)
        if data is None and not _has_changes(attributes):
            return
        if data is None:
            set_attributes(path, attributes)
        else:
            ensure_bundle(bundle)
            write_spec_file(path, data, attributes)
    except OSError as exc:
        raise SpecInputError("bundle: cannot write %s: %s; check the directory's permissions and free space"
                             % (path, exc.strerror or exc))


def manage_spec(params: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc],
                check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
    """The module's one call: the result dict, or SpecInputError (a TaskError naming the option).

    Every option is checked before ``make_runc`` looks for runc.
    """
    warnings: t.List[str] = []
    params = with_image_defaults(params)
    options = options_from_params(params)
    wanted_attributes = attributes_from_params(params)
    bundle = check_bundle(params.get("bundle"))
    rootfs_problem = rootfs_missing(bundle, options.root_path)
    if rootfs_problem and not check_mode:
        raise SpecInputError(rootfs_problem)
    if rootfs_problem:  # an earlier task of the play (skipped in check mode) may unpack it
        warnings.append(rootfs_problem + " (check mode: the spec is shown as it would be written)")
    default = make_runc().default_spec(rootless=bool(params.get("rootless_spec")))
    spec = build_spec(default, options)
    problem = structure_problem(spec)
    if problem:
        raise SpecInputError(problem)
    check_rlimits(spec)

    path = os.path.join(bundle, CONFIG_NAME)
    current = read_spec(path)
    attributes_before = current_attributes(path)
    content_changed = is_unreadable(current) or current != spec
    changes = attribute_changes(attributes_before, wanted_attributes)
    bundle_change = bundle_mode_change(bundle, bool(options.env))
    changed = content_changed or _has_changes(changes) or bundle_change is not None
    if not check_mode and changed:
        data = render_spec(spec) if content_changed else None
        _write(bundle, path, data, attributes_for_write(attributes_before, wanted_attributes) if data else changes,
               bundle_change[1] if bundle_change else None)

    usable = None if current is None or is_unreadable(current) else current
    difference = spec_diff(usable, spec, attributes_before, changes,
                           before_state="absent" if current is None else "invalid")
    if bundle_change is not None:
        difference["before"]["bundle_mode"] = "%04o" % bundle_change[0]
        difference["after"]["bundle_mode"] = "%04o" % bundle_change[1]
    if options.env and wanted_attributes.mode is not None and wanted_attributes.mode & 0o044:
        warnings.append("mode: %04o lets other users read %s, which holds the env values; use '0600' to keep "
                        "them private" % (wanted_attributes.mode, path))
    return {
        "changed": changed,
        "path": path,
        "spec": masked_spec(spec),
        "diff": difference,
        "warnings": warnings,
    }
