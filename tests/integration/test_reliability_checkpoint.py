# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_checkpoint never deletes what CRIU did not write, never follows a symlink, takes turns (issue 10)."""

from __future__ import annotations

import concurrent.futures
import json
import stat
import typing as t
from pathlib import Path

import pytest

from conftest import AnsibleHarness  # tests/integration is on sys.path, as for criu_fixtures
from criu_fixtures import working_criu  # noqa: F401 # pylint: disable=unused-import
from test_runc_checkpoint import Counter, runc_client, start_counter, task_args  # noqa: F401 # pylint: disable=unused-import

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import RunOptions

LONG_ID = "i10-" + "x" * 224  # 228 characters: one over the cap


@pytest.fixture
def sleeper(runc_root: Path, bundle_factory: t.Callable[..., Path]) -> str:
    """A running container (no CRIU needed: these dumps are refused before CRIU runs)."""
    Runc(GlobalOptions(root=str(runc_root))).run("i10-ckpt", RunOptions(bundle=str(bundle_factory("ckpt", ["sleep", "600"]))))
    return "i10-ckpt"


def users_dir(tmp_path: Path) -> Path:
    path = tmp_path / "users-dir"
    path.mkdir()
    path.chmod(0o755)
    (path / "keep.img").write_text("precious")
    (path / "notes.txt").write_text("notes")
    return path


def refused(run: t.Any, starts: str) -> None:
    task = run.tasks[0]
    assert task.failed and task.result["msg"].startswith(starts), task.result
    assert "Traceback" not in run.stdout + run.stderr


def test_foreign_image_files_survive_a_dump(ansible: t.Any, sleeper: str, runc_root: Path, tmp_path: Path) -> None:
    images = users_dir(tmp_path)
    run = ansible.module_run("runc_checkpoint", {"id": sleeper, "root": str(runc_root), "image_path": str(images)})
    refused(run, "image_path: %s holds image files that make no complete checkpoint or pre-dump (keep.img)" % images)
    for force in (True, False):
        again = ansible.module_run("runc_checkpoint", {"id": sleeper, "root": str(runc_root),
                                                       "image_path": str(images), "force": force})
        assert again.tasks[0].failed
    assert sorted(p.name for p in images.iterdir()) == ["keep.img", "notes.txt"]
    assert (images / "keep.img").read_text() == "precious"
    assert Runc(GlobalOptions(root=str(runc_root))).state(sleeper).status == "running"


def test_symlinked_image_path_is_refused_and_its_target_untouched(ansible: t.Any, sleeper: str, runc_root: Path,
                                                                  tmp_path: Path) -> None:
    target = users_dir(tmp_path)
    (target / "keep.img").unlink()  # even a directory without image files is not followed
    link = tmp_path / "images-link"
    link.symlink_to(target)
    run = ansible.module_run("runc_checkpoint", {"id": sleeper, "root": str(runc_root), "image_path": str(link)})
    refused(run, "image_path: %s is a symbolic link" % link)
    assert stat.S_IMODE(target.stat().st_mode) == 0o755 and sorted(p.name for p in target.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("option", ["image_path", "work_path"])
def test_relative_paths_are_refused(ansible: t.Any, sleeper: str, runc_root: Path, tmp_path: Path,
                                    option: str) -> None:
    args = {"id": sleeper, "root": str(runc_root), "image_path": str(tmp_path / "images"), option: "ckpt/relative"}
    refused(ansible.module_run("runc_checkpoint", args), "%s: ckpt/relative is relative; give an absolute path" % option)
    assert not (ansible.workdir / "ckpt").exists()


def test_concurrent_checkpoints_take_turns_and_a_long_id_never_restores(
        collections_path: Path, tmp_path: Path, start_counter: t.Callable[..., Counter], runc_client: Runc,
        task_args: t.Any) -> None:
    counter = start_counter("i10-turns")
    images = tmp_path / "turns-images"
    args = task_args(id=counter.id, image_path=str(images))
    harnesses = []
    for index in range(3):
        workdir = tmp_path / ("ansible-%d" % index)
        workdir.mkdir()
        harnesses.append(AnsibleHarness(collections_path, workdir))
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        tasks = list(pool.map(lambda harness: harness.module("runc_checkpoint", args), harnesses))
    assert [task.status for task in tasks] == ["ok"] * 3, [task.result.get("msg") for task in tasks]
    assert sorted(task.changed for task in tasks) == [False, False, True]
    assert runc_client.find(counter.id) is None
    assert not (Path(args["root"]) / (counter.id + "@ocitools.lock")).exists()

    restore = dict(args, id=LONG_ID, state="restored", bundle=str(counter.bundle))
    run = harnesses[0].module_run("runc_checkpoint", restore)
    refused(run, "id: container id is 228 characters long; at most 227 are allowed")
    assert runc_client.list() == []
    assert json.loads((images / "descriptors.json").read_text())  # the checkpoint is still there, usable
