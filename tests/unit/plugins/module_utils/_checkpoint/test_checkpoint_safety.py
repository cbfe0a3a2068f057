# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a dump may delete in image_path, symlinks, and the cause named when CRIU ran."""

from __future__ import annotations

import os
import stat
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.failure import CRIU_MISSING, likely_cause
from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.images import (
    foreign_files,
    inspect_images,
    prepare_image_dir,
    regular_files,
)

CHECKPOINT = ["inventory.img", "pstree.img", "core-1.img", "descriptors.json", "dump.log"]
PRE_DUMP = ["inventory.img", "pagemap-1.img", "pages-1.img", "dump.log"]


def _dir(tmp_path: Path, names: t.Sequence[str]) -> Path:
    path = tmp_path / "images"
    path.mkdir()
    for name in names:
        (path / name).write_text("x")
    return path


@pytest.mark.parametrize("names, foreign", [
    ([], []),
    (["notes.txt", "dump.log", "stats-dump"], []),  # never deleted by a dump: no concern
    (CHECKPOINT, []),
    (PRE_DUMP, []),
    (["keep.img"], ["keep.img"]),
    (["keep.img", "notes.txt"], ["keep.img"]),
    (["inventory.img", "descriptors.json"], ["descriptors.json", "inventory.img"]),  # partial
])
def test_foreign_files_are_image_files_of_no_known_set(tmp_path: Path, names: t.Sequence[str],
                                                       foreign: t.List[str]) -> None:
    path = _dir(tmp_path, names)
    assert foreign_files(inspect_images(str(path)), regular_files(str(path))) == foreign


def test_regular_files_of_a_missing_directory_is_empty(tmp_path: Path) -> None:
    assert regular_files(str(tmp_path / "missing")) == []


def test_prepare_image_dir_never_follows_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "users-dir"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(OSError):
        prepare_image_dir(str(link))
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_prepare_image_dir_creates_and_tightens(tmp_path: Path) -> None:
    path = tmp_path / "new"
    assert prepare_image_dir(str(path)) and stat.S_IMODE(os.stat(path).st_mode) == 0o700
    path.chmod(0o755)
    assert prepare_image_dir(str(path)) and stat.S_IMODE(os.stat(path).st_mode) == 0o700
    assert not prepare_image_dir(str(path))


def test_criu_missing_is_no_cause_once_criu_wrote_its_log() -> None:
    message = "open /run/x/criu.work/dump.log: no such file or directory criu"
    assert likely_cause(message) == CRIU_MISSING
    assert likely_cause(message, criu_ran=True) != CRIU_MISSING
