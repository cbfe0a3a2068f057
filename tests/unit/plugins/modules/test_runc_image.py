# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_image's main(): option errors before anything runs, the password never in the result, and
pruning against the containers a recording runner lists (no skopeo, no registry)."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.modules import runc_image

RunModule = t.Callable[..., t.Dict[str, t.Any]]
HEX = "e" * 64
PASSWORD = "pw-never-shown-4711"


def _listed(rootfs: str) -> str:
    return json.dumps([{"ociVersion": "1.0.2-dev", "id": "c15-a", "pid": 42, "status": "running", "bundle": "/b",
                        "rootfs": rootfs, "created": "2024-01-01T00:00:00Z", "owner": "root"}])


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store holding one digest (layout and rootfs) that no reference names."""
    path = tmp_path / "store"
    (path / "rootfs" / HEX / "bin").mkdir(parents=True)
    (path / "images" / HEX).mkdir(parents=True)
    (path / "images" / HEX / "index.json").write_text("{}")
    return path


@pytest.mark.parametrize("given, starts", [
    ({"name": "dir:/srv/x"}, "name: "),
    ({}, "name: required unless prune=true"),
    ({"name": "docker://r.example/app:1", "cert_dir": "/nonexistent/certs"}, "cert_dir: "),
])
def test_bad_options_fail_before_anything_runs(
        run_module: RunModule, tmp_path: Path, given: t.Dict[str, t.Any], starts: str) -> None:
    result = run_module(runc_image.main, dict(given, store=str(tmp_path / "store"), username="u", password=PASSWORD))
    assert result["failed"] and result["msg"].startswith(starts), result
    assert PASSWORD not in json.dumps(result)
    assert not (tmp_path / "store").exists()


def test_username_needs_password(run_module: RunModule, tmp_path: Path) -> None:
    result = run_module(runc_image.main, {"name": "docker://r.example/app:1", "username": "u", "store": str(tmp_path)})
    assert result["failed"] and "password" in result["msg"]


def test_prune_keeps_a_rootfs_a_container_runs_from(
        run_module: RunModule, runner: t.Any, fake_runc: Path, store: Path) -> None:
    runner.respond(stdout=_listed(str(store / "rootfs" / HEX)))
    kept = run_module(runc_image.main, {"prune": True, "store": str(store), "executable": str(fake_runc)}, runner=runner)
    assert not kept["changed"] and kept["pruned"] == [] and (store / "rootfs" / HEX).is_dir()
    assert runner.last.argv[-3:] == ["list", "--format", "json"]


def test_prune_removes_an_unused_digest_and_check_mode_only_says_so(
        run_module: RunModule, runner: t.Any, fake_runc: Path, store: Path) -> None:
    args = {"prune": True, "store": str(store), "executable": str(fake_runc)}
    runner.respond(stdout=_listed("/elsewhere/rootfs"))
    would = run_module(runc_image.main, args, runner=runner, check_mode=True)
    assert would["changed"] and would["pruned"] == ["sha256:" + HEX] and (store / "rootfs" / HEX).is_dir()
    runner.respond(stdout="null")
    done = run_module(runc_image.main, args, runner=runner)
    assert done["changed"] and done["actions"] == ["prune"] and done["pruned"] == ["sha256:" + HEX]
    assert not (store / "rootfs" / HEX).exists() and not (store / "images" / HEX).exists()
