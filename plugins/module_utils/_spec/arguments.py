# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec's options as an Ansible argument spec: one definition for runc_spec and runc_stack's containers."""

from __future__ import annotations

import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._image.store import DEFAULT_STORE

SPEC_ARGUMENTS: t.Dict[str, t.Dict[str, t.Any]] = dict(
    bundle=dict(type="path", required=True),
    rootfs=dict(type="str"),
    readonly_rootfs=dict(type="bool"),
    args=dict(type="list", elements="str"),
    env=dict(type="dict", no_log=True),
    cwd=dict(type="str"),
    user=dict(type="dict", options=dict(
        uid=dict(type="int"),
        gid=dict(type="int"),
        additional_gids=dict(type="list", elements="int"),
    )),
    hostname=dict(type="str"),
    terminal=dict(type="bool", default=False),
    capabilities=dict(type="dict", options=dict(
        add=dict(type="list", elements="str", default=[]),
        drop=dict(type="list", elements="str", default=[]),
    )),
    no_new_privileges=dict(type="bool"),
    rlimits=dict(type="list", elements="dict", options=dict(
        type=dict(type="str", required=True),
        soft=dict(type="int", required=True),
        hard=dict(type="int", required=True),
    )),
    mounts=dict(type="list", elements="dict", options=dict(
        destination=dict(type="str", required=True),
        source=dict(type="str"),
        type=dict(type="str", default="bind"),
        options=dict(type="list", elements="str", default=[]),
    )),
    namespaces=dict(type="dict"),
    resources=dict(type="dict", options=dict(
        memory_limit=dict(type="int"),
        cpu_shares=dict(type="int"),
        cpu_quota=dict(type="int"),
        cpu_period=dict(type="int"),
        cpuset_cpus=dict(type="str"),
        cpuset_mems=dict(type="str"),
        pids_limit=dict(type="int"),
        blkio_weight=dict(type="int"),
    )),
    annotations=dict(type="dict"),
    rootless_spec=dict(type="bool", default=False),
    spec=dict(type="dict"),
    mode=dict(type="raw", default="0600"),
    owner=dict(type="str"),
    group=dict(type="str"),
    image=dict(type="str"),
    image_store=dict(type="path", default=DEFAULT_STORE),
)

# runc_spec needs a command: args, or an image's Entrypoint and Cmd.
SPEC_REQUIRED_ONE_OF = [["args", "image"]]
