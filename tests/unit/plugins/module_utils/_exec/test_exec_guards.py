# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""creates/removes resolve inside the container's root: symlinks and '..' never lead out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._exec.guards import (
    GuardError,
    container_root,
    exists_in_root,
    guard_skip_message,
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A container root beside a host file that only exists outside it."""
    (tmp_path / "host-only").write_text("host")
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text("ID=busybox\n")
    (root / "data").mkdir()
    (root / "data" / "done").write_text("")
    links = {
        "abs-to-etc": "/etc",  # absolute: means the container's /etc
        "escape-abs": str(tmp_path / "host-only"),  # the host path does not exist inside
        "escape-rel": "../../../../host-only",  # '..' stops at the container's /
        "rel-to-done": "data/done",
        "dangling": "/nowhere",
        "loop-a": "loop-b",
        "loop-b": "loop-a",
        "file-as-dir": "etc/os-release/x",
    }
    for name, target in links.items():
        os.symlink(target, str(root / name))
    os.symlink("../etc", str(root / "data" / "up-to-etc"))
    return root


@pytest.mark.parametrize("path, cwd, expected", [
    pytest.param("/etc/os-release", "/", True, id="plain"),
    pytest.param("/", "/", True, id="root"),
    pytest.param("/missing", "/", False, id="missing"),
    pytest.param("/abs-to-etc/os-release", "/", True, id="absolute-symlink-inside"),
    pytest.param("/escape-abs", "/", False, id="absolute-symlink-to-host"),
    pytest.param("/escape-rel", "/", False, id="relative-symlink-out"),
    pytest.param("/../../host-only", "/", False, id="dotdot-out"),
    pytest.param("/../etc/os-release", "/", True, id="dotdot-at-root-stays"),
    pytest.param("/rel-to-done", "/", True, id="relative-symlink"),
    pytest.param("/data/up-to-etc/os-release", "/", True, id="relative-dotdot-symlink"),
    pytest.param("/dangling", "/", False, id="dangling"),
    pytest.param("/etc/os-release/x", "/", False, id="file-as-directory"),
    pytest.param("/file-as-dir", "/", False, id="symlink-through-file"),
    pytest.param("done", "/data", True, id="relative-to-cwd"),
    pytest.param("../etc/os-release", "/data", True, id="relative-dotdot-from-cwd"),
    pytest.param("./etc//os-release", "/", True, id="dots-and-double-slashes"),
])
def test_exists_in_root(tree: Path, path: str, cwd: str, expected: bool) -> None:
    assert exists_in_root(str(tree), path, cwd) is expected


def test_the_host_file_exists_outside(tree: Path) -> None:
    assert (tree.parent / "host-only").exists()  # so the False above is the rootfs boundary at work


def test_symlink_loop(tree: Path) -> None:
    with pytest.raises(GuardError, match="symbolic links"):
        exists_in_root(str(tree), "/loop-a")


def test_no_file_descriptor_leaks(tree: Path) -> None:
    before = len(os.listdir("/proc/self/fd"))
    for _attempt in range(20):
        exists_in_root(str(tree), "/data/up-to-etc/os-release")
        exists_in_root(str(tree), "/missing/deeper")
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.parametrize("creates, removes, expected", [
    (None, None, None),
    ("/data/done", None, "skipped, since /data/done exists"),
    ("/missing", None, None),
    (None, "/missing", "skipped, since /missing does not exist"),
    (None, "/data/done", None),
    ("/missing", "/missing", "skipped, since /missing does not exist"),
])
def test_guard_skip_message(tree: Path, creates: str, removes: str, expected: str) -> None:
    assert guard_skip_message(str(tree), creates, removes) == expected


def test_container_root_prefers_the_process_view(tmp_path: Path) -> None:
    assert container_root(os.getpid(), str(tmp_path)) == "/proc/%d/root" % os.getpid()
    assert container_root(0, str(tmp_path)) == str(tmp_path)
