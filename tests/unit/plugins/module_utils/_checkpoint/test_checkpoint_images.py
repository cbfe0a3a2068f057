# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which image directories are complete checkpoints, pre-dumps or leftovers (file sets as CRIU 4.1.1
and runc 1.1.5 left them), and the directory housekeeping around a dump."""

from __future__ import annotations

import os
import stat
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.images import (
    ImageSummary,
    classify,
    inspect_images,
    prepare_image_dir,
    remove_images,
    resolve_parent,
)

# A full dump of a busybox sh loop with runc 1.1.5 and CRIU 4.1.1 (work files elsewhere).
FULL_DUMP = [
    "cgroup.img", "core-1.img", "core-316.img", "descriptors.json", "fdinfo-2.img", "files.img", "fs-1.img",
    "ids-1.img", "inventory.img", "ipcns-var-11.img", "mm-1.img", "mountpoints-13.img", "pagemap-1.img",
    "pages-1.img", "pstree.img", "seccomp.img", "timens-0.img", "tmpfs-dev-41.tar.gz.img", "utsns-12.img",
]
PRE_DUMP = ["descriptors.json", "inventory.img", "pagemap-1.img", "pagemap-316.img", "pages-1.img", "pages-2.img"]
# What a dump that failed on a regular-file stdout left behind.
FAILED_DUMP = ["descriptors.json", "dump.log"]


@pytest.mark.parametrize("names, kind", [
    ([], "none"),
    (["dump.log", "restore.log", "stats-dump"], "none"),
    (FULL_DUMP, "checkpoint"),
    (FULL_DUMP + ["dump.log", "stats-dump", "restore.log"], "checkpoint"),
    (PRE_DUMP, "pre-dump"),
    (FAILED_DUMP, "partial"),
    ([n for n in FULL_DUMP if n != "inventory.img"], "partial"),
    ([n for n in FULL_DUMP if n != "descriptors.json"], "partial"),
    ([n for n in FULL_DUMP if not n.startswith("core-")], "partial"),
    (["inventory.img"], "partial"),
])
def test_classify(names: t.List[str], kind: str) -> None:
    assert classify(names) == kind


def _fill(directory: Path, names: t.Iterable[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / name).write_bytes(b"x" * 10)


def test_inspect_counts_files_and_bytes(tmp_path: Path) -> None:
    _fill(tmp_path / "img", FULL_DUMP)
    os.symlink("../pre", str(tmp_path / "img" / "parent"))
    summary = inspect_images(str(tmp_path / "img"))
    assert summary == ImageSummary(str(tmp_path / "img"), True, "checkpoint", len(FULL_DUMP), 10 * len(FULL_DUMP))
    assert summary.to_dict()["complete"] is True


def test_inspect_missing_and_not_a_directory(tmp_path: Path) -> None:
    assert inspect_images(str(tmp_path / "nope")).to_dict() == {
        "path": str(tmp_path / "nope"), "exists": False, "kind": "none", "files": 0, "bytes": 0, "complete": False}
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="not a directory"):
        inspect_images(str(tmp_path / "file"))


def test_prepare_creates_0700_and_tightens(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    old_umask = os.umask(0o077)
    try:
        assert prepare_image_dir(str(target)) is True
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert prepare_image_dir(str(target)) is False
    target.chmod(0o600)  # as runc 1.1 creates it
    assert prepare_image_dir(str(target)) is True
    assert stat.S_IMODE(target.stat().st_mode) == 0o700


def test_remove_images_keeps_logs(tmp_path: Path) -> None:
    _fill(tmp_path, FULL_DUMP + ["dump.log", "stats-dump", "notes.txt"])
    os.symlink("../pre", str(tmp_path / "parent"))
    removed = remove_images(str(tmp_path))
    assert removed == sorted(FULL_DUMP + ["parent"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.log", "notes.txt", "stats-dump"]


@pytest.mark.parametrize("parent, expected", [
    ("../pre", "/ck/pre"),
    ("/elsewhere/pre", "/elsewhere/pre"),
    ("pre", "/ck/final/pre"),
])
def test_resolve_parent_is_relative_to_the_image_dir(parent: str, expected: str) -> None:
    assert resolve_parent("/ck/final", parent) == expected
