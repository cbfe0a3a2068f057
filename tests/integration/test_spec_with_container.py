# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec then runc_container: a memory limit is updated in place, new args recreate the container."""

from __future__ import annotations

import typing as t
from pathlib import Path

CONTAINER = "spec-and-container"


def test_resource_updates_in_place_and_args_recreate(ansible: t.Any, busybox_rootfs: Path, runc_root: Path,
                                                     tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    spec: t.Dict[str, t.Any] = {"bundle": str(bundle), "rootfs": str(busybox_rootfs),
                                "args": ["sleep", "300"], "resources": {"memory_limit": 64 << 20}}
    container = {"id": CONTAINER, "bundle": str(bundle), "state": "running", "root": str(runc_root)}

    assert ansible.module("runc_spec", spec).changed
    created = ansible.module("runc_container", container)
    assert (created.status, created.changed) == ("ok", True), created.result
    pid = created.result["container"]["pid"]

    assert ansible.module("runc_spec", dict(spec, resources={"memory_limit": 128 << 20})).changed
    updated = ansible.module("runc_container", container)
    assert (updated.status, updated.result["actions"]) == ("ok", ["update"]), updated.result
    assert updated.result["container"]["pid"] == pid

    assert ansible.module("runc_spec", dict(spec, args=["sleep", "301"], resources={"memory_limit": 128 << 20})).changed
    recreated = ansible.module("runc_container", container)
    assert recreated.status == "ok", recreated.result
    assert {"delete", "create"} <= set(recreated.result["actions"]) and "update" not in recreated.result["actions"]
    assert recreated.result["container"]["pid"] != pid
    assert recreated.result["drift"]["fields"] == ["process.args"]

    assert not ansible.module("runc_container", container).changed
