# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_stack's argument spec: each container takes runc_spec's and runc_container's options.

``args`` and ``image`` are optional here: without both the bundle's config.json is used as it is
(as runc_container does); with either, config.json is written from the spec options first.
"""

from __future__ import annotations

import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._container.arguments import CONTAINER_ARGUMENTS
from ansible_collections.ocitools.runc.plugins.module_utils._spec.arguments import SPEC_ARGUMENTS


def container_options() -> t.Dict[str, t.Dict[str, t.Any]]:
    """The options of one entry of ``containers``.

    Nested options (user, capabilities, rlimits, mounts, resources) are checked by runc_spec's own
    validation, which names the entry and the key, so they are plain dicts and lists here.
    """
    options = {name: {key: value for key, value in option.items() if key != "options"}
               for name, option in SPEC_ARGUMENTS.items()}
    options.update(CONTAINER_ARGUMENTS)
    return options


STACK_ARGUMENTS: t.Dict[str, t.Dict[str, t.Any]] = dict(
    containers=dict(type="list", elements="dict", required=True, options=container_options()),
    prune=dict(type="bool", default=False),
)
