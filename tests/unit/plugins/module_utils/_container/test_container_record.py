# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-container record beside runc's state: round trip, privacy, and what counts as none."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.record import (
    ContainerRecord,
    read_record,
    record_path,
    remove_record,
    write_record,
)

RECORD = ContainerRecord(digest="sha256:ab", bundle="/b", created="2024-01-01T00:00:00Z", salt="s", spec={"a": 1})


def test_round_trip_and_private_file(tmp_path: Path) -> None:
    write_record(str(tmp_path), "web", RECORD)
    path = Path(record_path(str(tmp_path), "web"))
    assert path.name == "web@ocitools.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_record(str(tmp_path), "web") == RECORD
    assert os.listdir(str(tmp_path)) == ["web@ocitools.json"]  # no temp file left


def test_missing_record_is_none(tmp_path: Path) -> None:
    assert read_record(str(tmp_path / "no-root"), "web") is None


@pytest.mark.parametrize("content", ["not json", "[]", json.dumps({"format": 99}), json.dumps({"format": 1, "digest": "x"})])
def test_unusable_record_is_none(tmp_path: Path, content: str) -> None:
    Path(record_path(str(tmp_path), "web")).write_text(content)
    assert read_record(str(tmp_path), "web") is None


def test_remove_is_idempotent(tmp_path: Path) -> None:
    write_record(str(tmp_path), "web", RECORD)
    remove_record(str(tmp_path), "web")
    remove_record(str(tmp_path), "web")
    assert read_record(str(tmp_path), "web") is None
