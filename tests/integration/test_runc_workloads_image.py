# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runc_workloads role's image, oci and tarball sources, converged for real (issue 15).

An image workload runs the image's own command, follows a moved tag (recreate, old digest pruned);
an oci workload follows a moved tag in its layout (the old role unpacked once and never again); a
new tarball goes into a fresh tree (the old role unpacked it over the previous one, keeping stale files).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import typing as t
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "setup"))

import registry as registry_setup  # noqa: E402  (tests/setup is not a package)
from registry_fixtures import CONTENTS, IMAGE_CMD, ImageSet, registry, test_images  # noqa: F401 # pylint: disable=unused-import


def _converge(ansible: t.Any, tmp_path: Path, runc_root: Path, workload: t.Dict[str, t.Any]) -> t.Dict[str, t.Any]:
    play = [{"hosts": "localhost", "gather_facts": False, "roles": [{"role": "ocitools.runc.runc_workloads", "vars": {
        "runc_workloads_root": str(runc_root), "runc_workloads_base_dir": str(tmp_path / "base"),
        "runc_workloads_image_store": str(tmp_path / "store"), "runc_workloads_list": [workload]}}]}]
    playbook = tmp_path / "play.yml"
    playbook.write_text(json.dumps(play))
    run = ansible.playbook(playbook)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    state = subprocess.run(["runc", "--root", str(runc_root), "state", workload["id"]], capture_output=True, text=True,
                           check=True, timeout=30)
    return {"changed": [task.task for task in run.tasks if task.changed], "state": json.loads(state.stdout)}


def _cat(runc_root: Path, container_id: str, path: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run(["runc", "--root", str(runc_root), "exec", container_id, "cat", path], capture_output=True,
                          text=True, timeout=30, check=False)


def test_image_source_runs_the_image_command_and_follows_the_tag(
        ansible: t.Any, registry: registry_setup.Registry, test_images: ImageSet, tmp_path: Path, runc_root: Path) -> None:
    target = "%s/workloads/app:1" % registry.host
    registry_setup.push(test_images.layout, "v1", target)
    workload = {"id": "c15-wl-image", "rootfs": {"type": "image", "src": "docker://" + target, "tls_verify": False}}
    first = _converge(ansible, tmp_path, runc_root, workload)
    assert _cat(runc_root, "c15-wl-image", "/content").stdout.strip() == CONTENTS["v1"]
    assert _converge(ansible, tmp_path, runc_root, workload)["changed"] == []

    registry_setup.push(test_images.layout, "v2", target)
    moved = _converge(ansible, tmp_path, runc_root, workload)
    assert moved["state"]["pid"] != first["state"]["pid"]
    assert _cat(runc_root, "c15-wl-image", "/content").stdout.strip() == CONTENTS["v2"]
    kept = sorted(p.name for p in (tmp_path / "store" / "rootfs").iterdir())
    assert kept == [test_images.digests["v2"].split(":")[1]], "the old digest is pruned once no container uses it"


def test_oci_source_follows_a_moved_tag_in_the_layout(
        ansible: t.Any, test_images: ImageSet, tmp_path: Path, runc_root: Path) -> None:
    layout = tmp_path / "layout"
    registry_setup.run(["skopeo", "copy", "--quiet", "oci:%s:v1" % test_images.layout, "oci:%s:current" % layout])
    workload = {"id": "c15-wl-oci", "rootfs": {"type": "oci", "src": str(layout), "tag": "current"}}
    _converge(ansible, tmp_path, runc_root, workload)
    assert _cat(runc_root, "c15-wl-oci", "/content").stdout.strip() == CONTENTS["v1"]
    registry_setup.run(["skopeo", "copy", "--quiet", "oci:%s:v2" % test_images.layout, "oci:%s:current" % layout])
    _converge(ansible, tmp_path, runc_root, workload)
    assert _cat(runc_root, "c15-wl-oci", "/content").stdout.strip() == CONTENTS["v2"]
    assert _converge(ansible, tmp_path, runc_root, workload)["changed"] == []


def _tarball(path: Path, rootfs: Path, files: t.Mapping[str, str]) -> Path:
    extra = path.parent / (path.name + ".files")
    extra.mkdir()
    for name, text in files.items():
        (extra / name).write_text(text)
    with tarfile.open(str(path), "w:gz") as tar:
        tar.add(str(rootfs), arcname=".")
        for name in files:
            tar.add(str(extra / name), arcname=name)
    return path


def test_a_new_tarball_gets_a_fresh_tree_without_stale_files(
        ansible: t.Any, busybox_rootfs: Path, tmp_path: Path, runc_root: Path) -> None:
    one = _tarball(tmp_path / "one.tar.gz", busybox_rootfs, {"content": "one\n", "stale": "only in one\n"})
    two = _tarball(tmp_path / "two.tar.gz", busybox_rootfs, {"content": "two\n"})
    workload = {"id": "c15-wl-tar", "rootfs": {"type": "tarball", "src": str(one), "remote_src": True},
                "args": IMAGE_CMD}
    _converge(ansible, tmp_path, runc_root, workload)
    assert _cat(runc_root, "c15-wl-tar", "/stale").returncode == 0
    assert _converge(ansible, tmp_path, runc_root, workload)["changed"] == []
    workload["rootfs"]["src"] = str(two)
    _converge(ansible, tmp_path, runc_root, workload)
    assert _cat(runc_root, "c15-wl-tar", "/content").stdout.strip() == "two"
    assert _cat(runc_root, "c15-wl-tar", "/stale").returncode != 0, "a file of the old tarball was left in the rootfs"
    bundle = tmp_path / "base" / "bundles" / "c15-wl-tar"
    assert len([p for p in bundle.iterdir() if p.name.startswith("rootfs-")]) == 1
