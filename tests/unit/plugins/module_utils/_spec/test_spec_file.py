# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""config.json on disk: deterministic rendering, reading, mode/owner handling and atomic writes."""

from __future__ import annotations

import json
import os
import stat
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._spec.file import (
    FileAttributes,
    attribute_changes,
    attributes_for_write,
    attributes_from_params,
    bundle_mode_change,
    current_attributes,
    ensure_bundle,
    is_unreadable,
    parse_mode,
    read_spec,
    render_spec,
    set_attributes,
    write_spec_file,
)
from ansible_collections.ocitools.runc.plugins.module_utils._spec.validation import SpecInputError

SPEC = {"ociVersion": "1.0.2-dev", "process": {"args": ["sh"], "env": ["A=é"]}, "root": {"path": "rootfs"}}


def test_render_keeps_key_order_with_tabs_and_a_newline() -> None:
    data = render_spec(SPEC)
    assert data.startswith(b'{\n\t"ociVersion": "1.0.2-dev",\n\t"process": {') and data.endswith(b"}\n")
    assert json.loads(data) == SPEC and "é".encode("utf-8") in data
    assert render_spec(json.loads(data)) == data


def test_read_spec(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    assert read_spec(str(path)) is None
    path.write_text(json.dumps(SPEC))
    assert read_spec(str(path)) == SPEC
    for text in ("{", "[1]", ""):
        path.write_text(text)
        assert is_unreadable(read_spec(str(path)))


@pytest.mark.parametrize("mode, value", [("0644", 0o644), ("644", 0o644), (0o600, 0o600), ("1777", 0o1777)])
def test_parse_mode(mode: t.Any, value: int) -> None:
    assert parse_mode(mode) == value


@pytest.mark.parametrize("mode", ["u+rw", "0999", "77777", True])
def test_bad_mode_names_the_option(mode: t.Any) -> None:
    with pytest.raises(SpecInputError, match="^mode: "):
        parse_mode(mode)


def test_owner_and_group_by_name_or_number() -> None:
    assert attributes_from_params({"mode": "0600", "owner": "root", "group": "0"}) == FileAttributes(0o600, 0, 0)
    assert attributes_from_params({"mode": "0644"}) == FileAttributes(0o644)
    with pytest.raises(SpecInputError, match="^owner: 'no-such-user-x' does not exist"):
        attributes_from_params({"owner": "no-such-user-x"})
    with pytest.raises(SpecInputError, match="^group: "):
        attributes_from_params({"group": "no-such-group-x"})


def test_attribute_changes_and_attributes_for_write() -> None:
    current = FileAttributes(0o644, 0, 0)
    assert attribute_changes(current, FileAttributes(0o644)) == FileAttributes()
    assert attribute_changes(current, FileAttributes(0o600, 0, 5)) == FileAttributes(0o600, None, 5)
    assert attribute_changes(None, FileAttributes(0o600)) == FileAttributes(0o600)
    assert attributes_for_write(FileAttributes(0o600, 7, 8), FileAttributes(0o644)) == FileAttributes(0o644, 7, 8)
    assert attributes_for_write(None, FileAttributes(0o644)) == FileAttributes(0o644)
    assert FileAttributes(0o640, 0, 0).shown() == {"mode": "0640", "owner": "root", "group": "root"}


def test_write_atomically_replaces_with_mode_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text("old")
    old_inode = path.stat().st_ino
    write_spec_file(str(path), b"new\n", FileAttributes(0o640, os.getuid(), os.getgid()))
    assert path.read_bytes() == b"new\n" and path.stat().st_ino != old_inode
    assert current_attributes(str(path)) == FileAttributes(0o640, os.getuid(), os.getgid())
    assert sorted(os.listdir(tmp_path)) == ["config.json"]
    set_attributes(str(path), FileAttributes(mode=0o600))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert current_attributes(str(tmp_path / "missing")) is None


def test_failed_write_removes_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_spec_file(str(tmp_path / "config.json"), b"x", FileAttributes(0o644))
    assert os.listdir(tmp_path) == []


def test_ensure_bundle_creates_0700_despite_the_umask(tmp_path: Path) -> None:
    bundle = tmp_path / "a" / "bundle"
    old = os.umask(0o277)
    try:
        ensure_bundle(str(bundle))
    finally:
        os.umask(old)
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o700
    ensure_bundle(str(bundle))  # present: nothing to do


@pytest.mark.parametrize("mode, has_env, expected", [
    (0o755, True, (0o755, 0o750)),
    (0o751, True, (0o751, 0o750)),
    (0o750, True, None),
    (0o755, False, None),
])
def test_bundle_loses_others_permissions_only_with_env(tmp_path: Path, mode: int, has_env: bool,
                                                       expected: t.Optional[t.Tuple[int, int]]) -> None:
    tmp_path.chmod(mode)
    assert bundle_mode_change(str(tmp_path), has_env) == expected
    assert bundle_mode_change(str(tmp_path / "missing"), True) is None
