# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host-side file helper of the runc connection: paths resolve inside the root, on a real file system.

A temporary directory stands in for the container's root (the helper only ever gets a directory fd);
``outside`` is a sibling directory that plays the host: nothing may ever reach it."""

from __future__ import annotations

import io
import os
import stat
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._connection import rootfs_io
from ansible_collections.ocitools.runc.plugins.module_utils._connection.rootfs_io import RootfsIOError


@pytest.fixture
def tree(tmp_path: Path) -> t.Iterator[t.Tuple[int, Path, Path]]:
    """(root fd, root, outside): root/etc/shadow is the container's, outside/etc/shadow the "host's"."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    for base in (root, outside):
        (base / "etc").mkdir(parents=True)
        (base / "tmp").mkdir()
    (root / "etc" / "shadow").write_text("container\n")
    (outside / "etc" / "shadow").write_text("host\n")
    links = {
        "tmp/abs": "/etc/shadow",
        "tmp/rel": "../../../../../../../../../etc/shadow",
        "tmp/dir": "/etc",
        "tmp/outside": str(outside / "etc" / "shadow"),  # an absolute host path means the same path in the root
        "tmp/chain": "abs",
        "tmp/loop": "loop",
        "tmp/slash": "/",
        "tmp/fifo-link": "/tmp/fifo",
    }
    for link, target in links.items():
        (root / link).symlink_to(target)
    os.mkfifo(str(root / "tmp" / "fifo"))
    fd = os.open(str(root), os.O_RDONLY | os.O_DIRECTORY)
    yield fd, root, outside
    os.close(fd)


def _put(fd: int, path: str, data: bytes) -> None:
    rootfs_io.write_file(fd, path, io.BytesIO(data), len(data))


def _get(fd: int, path: str) -> bytes:
    sink = io.BytesIO()
    rootfs_io.read_file(fd, path, sink)
    return sink.getvalue()


@pytest.mark.parametrize("path", ["/etc/shadow", "/tmp/abs", "/tmp/rel", "/tmp/dir/shadow", "/tmp/chain",
                                  "/../../etc/shadow", "/tmp/../../etc/./shadow"])
def test_every_way_to_etc_shadow_reaches_the_roots_own(tree, path: str) -> None:
    fd, root, outside = tree
    assert _get(fd, path) == b"container\n"
    _put(fd, path, b"new\n")
    assert (root / "etc" / "shadow").read_bytes() == b"new\n"
    assert (outside / "etc" / "shadow").read_bytes() == b"host\n"
    assert not os.path.islink(str(root / "etc" / "shadow"))


def test_an_absolute_host_path_in_a_link_is_a_path_inside_the_root(tree) -> None:
    fd, root, outside = tree
    with pytest.raises(RootfsIOError, match="does not exist in the container"):
        _put(fd, "/tmp/outside", b"x")
    assert (outside / "etc" / "shadow").read_bytes() == b"host\n"
    assert not (root / str(outside).lstrip("/")).exists()


@pytest.mark.parametrize("path, message", [
    pytest.param("/tmp/loop", "more than 40 symlinks", id="loop"),
    pytest.param("/tmp/slash", "resolves to a directory", id="link-to-root"),
    pytest.param("/", "resolves to a directory", id="root"),
    pytest.param("/etc/..", "resolves to a directory", id="dotdot-last"),
    pytest.param("/etc/shadow/x", "'shadow' is not a directory", id="file-as-directory"),
    pytest.param("/nope/x", "directory 'nope' does not exist", id="missing-directory"),
    pytest.param("relative", "is not absolute", id="relative"),
])
def test_paths_that_cannot_be_written(tree, path: str, message: str) -> None:
    fd, _root, _outside = tree
    with pytest.raises(RootfsIOError, match=message):
        _put(fd, path, b"x")


def test_a_new_file_gets_mode_0600_and_its_directorys_owner(tree) -> None:
    fd, root, _outside = tree
    os.chown(str(root / "tmp"), 1234, 5678)
    _put(fd, "/tmp/new", b"data")
    info = (root / "tmp" / "new").stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o600, 1234, 5678)
    assert sorted(os.listdir(str(root / "tmp"))) == sorted(["abs", "rel", "dir", "outside", "chain", "loop", "slash",
                                                            "fifo-link", "fifo", "new"])  # no temporary left


def test_a_replaced_file_keeps_its_owner_and_mode(tree) -> None:
    fd, root, _outside = tree
    shadow = root / "etc" / "shadow"
    os.chown(str(shadow), 42, 43)
    shadow.chmod(0o640)
    _put(fd, "/tmp/abs", b"replaced")
    info = shadow.stat()
    assert (shadow.read_bytes(), stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (b"replaced", 0o640, 42, 43)


def test_short_input_fails_and_leaves_nothing(tree) -> None:
    fd, root, _outside = tree
    with pytest.raises(RootfsIOError, match="input ended after 3 of 10 bytes"):
        rootfs_io.write_file(fd, "/etc/shadow", io.BytesIO(b"abc"), 10)
    assert (root / "etc" / "shadow").read_bytes() == b"container\n"
    assert os.listdir(str(root / "etc")) == ["shadow"]


def test_a_directory_is_not_replaced(tree) -> None:
    fd, _root, _outside = tree
    with pytest.raises(RootfsIOError, match="is a directory"):
        _put(fd, "/tmp/dir/../tmp", b"x")  # /tmp/dir is /etc, its parent the root


@pytest.mark.parametrize("path", ["/tmp/fifo", "/tmp/fifo-link"])
def test_only_regular_files_are_fetched(tree, path: str) -> None:
    fd, _root, _outside = tree
    with pytest.raises(RootfsIOError, match="is not a regular file"):
        _get(fd, path)


def test_fetching_a_missing_file(tree) -> None:
    fd, _root, _outside = tree
    with pytest.raises(RootfsIOError, match="/etc/passwd does not exist in the container"):
        _get(fd, "/etc/passwd")


def test_the_root_of_a_process_must_be_the_containers_rootfs(tmp_path: Path) -> None:
    fd = rootfs_io.open_container_root(os.getpid(), "/")  # this process's root is the host's /
    try:
        assert os.fstat(fd).st_ino == os.stat("/").st_ino
    finally:
        os.close(fd)
    with pytest.raises(RootfsIOError, match="is not the container's rootfs"):
        rootfs_io.open_container_root(os.getpid(), str(tmp_path))
    with pytest.raises(RootfsIOError, match="is gone"):
        rootfs_io.open_container_root(2 ** 22 + 1, "/")


@pytest.mark.parametrize("argv", [[], ["put", "1", "/", "/x"], ["fetch", "1", "/", "/x", "3"], ["get", "1", "/", "/x"]])
def test_bad_usage_exits_2(argv: t.List[str], capsys) -> None:
    assert rootfs_io.main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_an_error_is_one_line_and_exit_1(capsys) -> None:
    assert rootfs_io.main(["fetch", str(os.getpid()), "/nonexistent-rootfs", "/etc/hostname"]) == 1
    assert capsys.readouterr().err == "rootfs_io: cannot stat the container's rootfs /nonexistent-rootfs on the host: " \
                                      "No such file or directory\n"
