# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_image with real skopeo, umoci, runc and throwaway registries on loopback.

Acceptance of issue 15: pull by tag and run with the image's own command; a second converge
changes nothing and downloads no blob; a retag recreates the container and the old rootfs is
pruned once unused; TLS + htpasswd works and the password shows nowhere; bad references fail
clearly and leave nothing half-made; a pinned digest is never asked again.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "setup"))

import registry as registry_setup  # noqa: E402  (tests/setup is not a package)
from registry_fixtures import (  # noqa: F401 # pylint: disable=unused-import
    CONTENTS,
    IMAGE_CMD,
    ImageSet,
    registry,
    secure_registry,
    test_images,
)

RUNC = "runc"


def _hex(digest: str) -> str:
    return digest.split(":", 1)[1]


def _store_entries(store: Path) -> t.Dict[str, t.List[str]]:
    return {kind: sorted(p.name for p in (store / kind).iterdir()) if (store / kind).is_dir() else []
            for kind in ("images", "rootfs", "refs", "tmp")}


def _converge_playbook(path: Path, reference: str, store: Path, bundle: Path, root: Path, container_id: str,
                       log: Path) -> Path:
    tasks = [
        {"name": "image", "ocitools.runc.runc_image": {
            "name": reference, "state": "latest", "store": str(store), "tls_verify": False}},
        {"name": "spec", "ocitools.runc.runc_spec": {"bundle": str(bundle), "image": reference, "image_store": str(store)}},
        {"name": "container", "ocitools.runc.runc_container": {
            "id": container_id, "bundle": str(bundle), "root": str(root), "log_path": str(log)}},
        {"name": "prune", "ocitools.runc.runc_image": {"prune": True, "store": str(store), "root": str(root)}},
    ]
    path.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    return path


def _by_task(run: t.Any) -> t.Dict[str, t.Any]:
    assert run.rc == 0, run.stdout + run.stderr
    return {task.task: task for task in run.tasks}


def _exec_cat(root: Path, container_id: str, path: str) -> str:
    return subprocess.run([RUNC, "--root", str(root), "exec", container_id, "cat", path], capture_output=True, text=True,
                          timeout=30, check=True).stdout.strip()


def test_pull_by_tag_run_with_image_command_then_nothing_and_no_blob_download(
        ansible: t.Any, registry: registry_setup.Registry, test_images: ImageSet, tmp_path: Path, runc_root: Path) -> None:
    store, bundle, log = tmp_path / "store", tmp_path / "bundle", tmp_path / "c15-run.log"
    reference = "docker://%s/app:1" % registry.host
    would = ansible.module("runc_image", {"name": reference, "store": str(store), "tls_verify": False}, check=True)
    assert not would.failed, would.result
    assert would.changed and would.result["actions"] == ["pull"]
    assert not store.exists(), "check mode must not create the store"

    playbook = _converge_playbook(tmp_path / "converge.yml", reference, store, bundle, runc_root, "c15-run", log)
    first = _by_task(ansible.playbook(playbook))
    image = first["image"].result["image"]
    assert first["image"].result["actions"] == ["pull"]
    assert image["digest"] == test_images.digests["v1"]
    assert image["config"]["Cmd"] == IMAGE_CMD
    assert first["container"].result["actions"] == ["create", "start"]
    spec = json.loads((bundle / "config.json").read_text())
    assert spec["process"]["args"] == IMAGE_CMD, "the command comes from the image (no args given)"
    assert "IMAGE_TAG=v1" in spec["process"]["env"] and spec["process"]["cwd"] == "/tmp"
    assert spec["root"]["path"] == str(store / "rootfs" / _hex(test_images.digests["v1"]))
    assert spec["annotations"]["org.example.tag"] == "v1"
    assert spec["annotations"]["ocitools.runc.image.digest"] == test_images.digests["v1"]
    assert _exec_cat(runc_root, "c15-run", "/content") == CONTENTS["v1"]
    assert CONTENTS["v1"] in log.read_text()

    seen = len(registry.requests())
    second = _by_task(ansible.playbook(playbook))
    assert [name for name, task in second.items() if task.changed] == []
    since = registry.requests()[seen:]
    assert registry_setup.blob_gets(since) == [], since
    assert any("/manifests/1" in path for _m, path, _s in since), "state=latest asks for the manifest every run"
    assert _store_entries(store)["tmp"] == []


def test_retag_recreates_the_container_and_prunes_the_old_rootfs_once_unused(
        ansible: t.Any, registry: registry_setup.Registry, test_images: ImageSet, tmp_path: Path, runc_root: Path) -> None:
    store, bundle, log = tmp_path / "store", tmp_path / "bundle", tmp_path / "c15-retag.log"
    target = "%s/moving/app:1" % registry.host
    registry_setup.push(test_images.layout, "v1", target)
    playbook = _converge_playbook(tmp_path / "converge.yml", "docker://" + target, store, bundle, runc_root, "c15-retag", log)
    first = _by_task(ansible.playbook(playbook))
    pid = first["container"].result["container"]["pid"]
    old, new = test_images.digests["v1"], test_images.digests["v2"]

    registry_setup.push(test_images.layout, "v2", target)  # the same tag, a new digest
    alone = ansible.module("runc_image", {"name": "docker://" + target, "state": "latest", "store": str(store),
                                          "tls_verify": False, "prune": True, "root": str(runc_root)})
    assert alone.result["actions"] == ["pull"] and alone.result["image"]["digest"] == new
    assert alone.result["pruned"] == [], "the running container still uses the old rootfs"
    assert (store / "rootfs" / _hex(old)).is_dir() and (store / "rootfs" / _hex(new)).is_dir()

    second = _by_task(ansible.playbook(playbook))
    container = second["container"].result
    assert container["actions"] == ["stop", "delete", "create", "start"]
    assert any("image digest changed" in reason for reason in container["drift"]["reasons"]), container["drift"]
    assert container["container"]["pid"] != pid
    assert _exec_cat(runc_root, "c15-retag", "/content") == CONTENTS["v2"]
    assert second["prune"].result["pruned"] == [old]
    assert _store_entries(store)["rootfs"] == [_hex(new)]
    assert _store_entries(store)["images"] == [_hex(new)]

    third = _by_task(ansible.playbook(playbook))
    assert [name for name, task in third.items() if task.changed] == []


def test_a_pinned_digest_is_never_asked_again(
        ansible: t.Any, registry: registry_setup.Registry, test_images: ImageSet, tmp_path: Path) -> None:
    store = tmp_path / "store"
    reference = "%s/app@%s" % (registry.host, test_images.digests["v2"])
    args = {"name": reference, "state": "latest", "store": str(store), "tls_verify": False}
    first = ansible.module("runc_image", args)
    assert first.result["actions"] == ["pull"] and first.result["image"]["digest"] == test_images.digests["v2"]
    seen = len(registry.requests())
    again = ansible.module("runc_image", args)
    checked = ansible.module("runc_image", args, check=True)
    assert not again.changed and not checked.changed and again.result["resolved"] is None
    assert registry.requests()[seen:] == [], "a pinned reference must not be resolved again"


def test_absent_forgets_the_reference_and_deletes_an_unused_digest(
        ansible: t.Any, registry: registry_setup.Registry, tmp_path: Path) -> None:
    store = tmp_path / "store"
    args = {"name": "docker://%s/app:2" % registry.host, "store": str(store), "tls_verify": False}
    assert ansible.module("runc_image", args).changed
    removed = ansible.module("runc_image", dict(args, state="absent"))
    assert removed.changed and removed.result["actions"] == ["remove"]
    assert _store_entries(store) == {"images": [], "rootfs": [], "refs": [], "tmp": []}
    assert not ansible.module("runc_image", dict(args, state="absent")).changed


def _corrupt(path: Path) -> None:
    size = path.stat().st_size
    path.write_bytes(b"\0" * size)


@pytest.mark.parametrize("case", ["unknown tag", "unreachable registry", "corrupt layer"])
def test_bad_sources_fail_naming_the_reference_and_leave_nothing(
        ansible: t.Any, registry: registry_setup.Registry, test_images: ImageSet, tmp_path: Path, case: str) -> None:
    store = tmp_path / "store"
    if case == "unknown tag":
        reference, hint = "docker://%s/app:nope" % registry.host, "no such tag"
    elif case == "unreachable registry":
        reference, hint = "docker://127.0.0.1:%d/app:1" % registry_setup.free_port(), "cannot be reached"
    else:
        _corrupt(registry.blob_path(test_images.layers["v3"]))
        reference, hint = "docker://%s/broken:1" % registry.host, "corrupt"
    failed = ansible.module("runc_image", {"name": reference, "store": str(store), "tls_verify": False})
    assert failed.failed, failed.result
    assert reference in failed.result["msg"] and hint in failed.result["msg"], failed.result["msg"]
    assert "Traceback" not in json.dumps(failed.result)
    assert _store_entries(store) == {"images": [], "rootfs": [], "refs": [], "tmp": []}


def _files_containing(folder: Path, needles: t.Sequence[bytes]) -> t.List[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                found.append(str(path))
    return found


def test_tls_and_credentials_work_and_the_password_shows_nowhere(
        ansible: t.Any, secure_registry: t.Any, tmp_path: Path) -> None:
    server, password = secure_registry.server, secure_registry.password
    secrets_ = [password.encode(), base64.b64encode(("%s:%s" % (secure_registry.user, password)).encode())]
    store = tmp_path / "store"
    reference = "docker://%s/secure/app:1" % server.host
    args = {"name": reference, "store": str(store), "state": "latest", "cert_dir": str(secure_registry.cert_dir),
            "username": secure_registry.user, "password": password}
    leftovers_before = set(Path("/tmp").glob("ocitools-auth-*"))
    run = ansible.module_run("runc_image", args, diff=True, verbosity=3)
    assert run.rc == 0 and run.tasks[0].result["actions"] == ["pull"], run.stdout[-3000:]
    again = ansible.module_run("runc_image", args, diff=True, verbosity=3)
    assert again.rc == 0 and not again.tasks[0].changed
    wrong = ansible.module_run("runc_image", dict(args, password="not-" + password), diff=True, verbosity=3)
    assert wrong.rc != 0 and wrong.tasks[0].failed
    assert reference in wrong.tasks[0].result["msg"] and "credentials" in wrong.tasks[0].result["msg"]
    no_ca = ansible.module("runc_image", dict(args, cert_dir=None, store=str(tmp_path / "other")))
    assert no_ca.failed and "TLS" in no_ca.result["msg"], no_ca.result["msg"]

    for output in (run, again, wrong):
        text = (output.stdout + output.stderr + json.dumps([task.result for task in output.tasks])).encode()
        assert not any(secret in text for secret in secrets_), "the password leaked into the output"
    assert _files_containing(tmp_path, secrets_) == [], "the password is in a file"
    assert set(Path("/tmp").glob("ocitools-auth-*")) <= leftovers_before, "the temporary auth file was left behind"

    auth = registry_setup.write_auth_file(tmp_path / "auth.json", server.host, secure_registry.user, password)
    with_file = ansible.module("runc_image", {
        "name": reference, "store": str(tmp_path / "store2"), "cert_dir": str(secure_registry.cert_dir),
        "auth_file": str(auth)})
    assert not with_file.failed and with_file.result["actions"] == ["pull"], with_file.result
    assert auth.stat().st_mode & 0o777 == 0o600
    assert _files_containing(tmp_path, secrets_) == [str(auth)]


def test_an_oci_archive_is_pulled_once_and_followed_by_its_digest(ansible: t.Any, test_images: ImageSet, tmp_path: Path) -> None:
    archive = tmp_path / "app.tar"
    registry_setup.run(["skopeo", "copy", "--quiet", "oci:%s:v1" % test_images.layout, "oci-archive:%s" % archive])
    args = {"name": "oci-archive:%s" % archive, "state": "latest", "store": str(tmp_path / "store")}
    first = ansible.module("runc_image", args)
    assert first.result["actions"] == ["pull"] and first.result["image"]["digest"] == test_images.digests["v1"]
    assert first.result["image"]["config"]["Cmd"] == IMAGE_CMD
    assert not ansible.module("runc_image", args).changed
    archive.unlink()
    registry_setup.run(["skopeo", "copy", "--quiet", "oci:%s:v2" % test_images.layout, "oci-archive:%s" % archive])
    moved = ansible.module("runc_image", args)
    assert moved.result["actions"] == ["pull"] and moved.result["image"]["digest"] == test_images.digests["v2"]
