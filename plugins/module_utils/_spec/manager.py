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
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._spec.builder import build_spec
from ansible_collections.ocitools.runc.plugins.module_utils._spec.diff import masked_spec, spec_diff
from ansible_collections.ocitools.runc.plugins.module_utils._spec.file import (
    FileAttributes,
    attribute_changes,
    attributes_for_write,
    attributes_from_params,
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
    check_rootfs,
    options_from_params,
)


def _has_changes(attributes: FileAttributes) -> bool:
    return attributes != FileAttributes()


def _write(bundle: str, path: str, data: t.Optional[bytes], attributes: FileAttributes) -> None:
    """Write ``data`` (None: only set ``attributes`` on the existing file)."""
    try:
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
    params = with_image_defaults(params)
    options = options_from_params(params)
    wanted_attributes = attributes_from_params(params)
    bundle = check_bundle(params.get("bundle"))
    check_rootfs(bundle, options.root_path)
    default = make_runc().default_spec(rootless=bool(params.get("rootless_spec")))
    spec = build_spec(default, options)
    check_rlimits(spec)

    path = os.path.join(bundle, CONFIG_NAME)
    current = read_spec(path)
    attributes_before = current_attributes(path)
    content_changed = is_unreadable(current) or current != spec
    changes = attribute_changes(attributes_before, wanted_attributes)
    if not check_mode and (content_changed or _has_changes(changes)):
        data = render_spec(spec) if content_changed else None
        _write(bundle, path, data, attributes_for_write(attributes_before, wanted_attributes) if data else changes)

    usable = None if current is None or is_unreadable(current) else current
    return {
        "changed": content_changed or _has_changes(changes),
        "path": path,
        "spec": masked_spec(spec),
        "diff": spec_diff(usable, spec, attributes_before, changes,
                          before_state="absent" if current is None else "invalid"),
    }
