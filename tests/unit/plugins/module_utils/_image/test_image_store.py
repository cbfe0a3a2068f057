# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The store on disk: records, completeness, install by rename, removal, and reading a layout."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._image.errors import ImageError
from ansible_collections.ocitools.runc.plugins.module_utils._image.reference import parse_reference
from ansible_collections.ocitools.runc.plugins.module_utils._image.store import ImageStore, RefRecord, read_layout

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "image"
MANIFEST = "sha256:c407a3b6c569312a057f219544a7370bc0d9744d5687a5f67f2f9d0b731ec9e5"
CONFIG = "sha256:198ecc5807589a8a409a69bad3e1597191dbf1f568d198e1a44af3ff9444fc2d"
REF = parse_reference("docker://127.0.0.1:5000/app:1")


def make_layout(folder: Path) -> Path:
    blobs = folder / "blobs" / "sha256"
    blobs.mkdir(parents=True)
    shutil.copy(FIXTURES / "layout-index.json", folder / "index.json")
    shutil.copy(FIXTURES / "layout-manifest.json", blobs / MANIFEST.split(":")[1])
    shutil.copy(FIXTURES / "layout-config.json", blobs / CONFIG.split(":")[1])
    return folder


def test_read_layout(tmp_path: Path) -> None:
    manifest, config = read_layout(str(make_layout(tmp_path / "layout")))
    assert manifest == MANIFEST and config["config"]["WorkingDir"] == "/tmp"
    os.unlink(tmp_path / "layout" / "blobs" / "sha256" / CONFIG.split(":")[1])
    with pytest.raises(ImageError) as caught:
        read_layout(str(tmp_path / "layout"))
    assert "cannot be read" in caught.value.msg


def test_install_record_and_remove(tmp_path: Path) -> None:
    store = ImageStore(str(tmp_path / "store"))
    assert store.read_ref(REF) is None and store.digests() == [] and store.records() == []
    store.ensure()
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o711
    work = Path(store.work_dir())
    make_layout(work / "layout")
    (work / "rootfs" / "bin").mkdir(parents=True)
    assert not store.complete(MANIFEST)
    store.install(MANIFEST, str(work / "layout"), str(work / "rootfs"))
    assert store.complete(MANIFEST) and os.path.isdir(os.path.join(store.rootfs(MANIFEST), "bin"))
    assert store.config(MANIFEST)["os"] == "linux"

    record = RefRecord(REF.text, MANIFEST, MANIFEST, "")
    store.write_ref(REF, record)
    assert store.read_ref(REF) == record and store.records() == [record]
    assert store.digests() == [MANIFEST]

    store.remove_ref(REF)
    store.remove_ref(REF)  # twice is fine
    store.remove_digest(MANIFEST)
    assert store.digests() == [] and not store.complete(MANIFEST)


def test_install_keeps_a_digest_already_there(tmp_path: Path) -> None:
    store = ImageStore(str(tmp_path))
    store.ensure()
    os.makedirs(store.rootfs(MANIFEST))
    Path(store.rootfs(MANIFEST), "marker").write_text("first")
    work = Path(store.work_dir())
    make_layout(work / "layout")
    (work / "rootfs").mkdir()
    store.install(MANIFEST, str(work / "layout"), str(work / "rootfs"))
    assert Path(store.rootfs(MANIFEST), "marker").read_text() == "first"
    assert store.complete(MANIFEST)


def test_bad_records_are_none_and_tmp_is_cleared(tmp_path: Path) -> None:
    store = ImageStore(str(tmp_path))
    store.ensure()
    refs = tmp_path / "refs"
    (refs / (REF.key + ".json")).write_text("{")
    assert store.read_ref(REF) is None
    (refs / (REF.key + ".json")).write_text(json.dumps({"format": 1, "reference": "x", "resolved": "y",
                                                        "manifest": "not-a-digest", "platform": ""}))
    assert store.read_ref(REF) is None and store.records() == []
    (tmp_path / "images" / "not-hex").mkdir()
    assert store.digests() == []
    Path(store.work_dir(), "half").mkdir()
    store.clear_tmp()
    assert os.listdir(tmp_path / "tmp") == []
