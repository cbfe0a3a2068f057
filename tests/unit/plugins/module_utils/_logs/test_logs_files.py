# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Log files: the last lines read backwards (across blocks), scans from an offset, growth, truncation,
an unfinished last line, and what is no regular file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._logs import files
from ansible_collections.ocitools.runc.plugins.module_utils._logs.files import LogFile
from ansible_collections.ocitools.runc.plugins.module_utils._logs.selection import LogsError


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "BLOCK", 7)  # lines cross block boundaries


def _log(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "out.log"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data, count, lines", [
    pytest.param(b"one\ntwo\nthree\n", 2, ["two", "three"], id="last-two"),
    pytest.param(b"one\ntwo\nthree\n", 10, ["one", "two", "three"], id="fewer-than-asked"),
    pytest.param(b"one\ntwo\nthre", 2, ["two", "thre"], id="unfinished-last-line"),
    pytest.param(b"a\r\nb\r\n", 5, ["a", "b"], id="crlf"),
    pytest.param(b"\n\nx\n", 5, ["", "", "x"], id="empty-lines"),
    pytest.param(b"", 5, [], id="empty-file"),
    pytest.param(b"bad \xff byte\n", 1, ["bad \ufffd byte"], id="invalid-utf8"),
    pytest.param(b"".join(b"line %03d\n" % n for n in range(200)), 3, ["line 197", "line 198", "line 199"], id="many"),
])
def test_tail(tmp_path: Path, small_blocks: None, data: bytes, count: int, lines: list) -> None:
    with LogFile(str(_log(tmp_path, data))) as log:
        assert log.tail(count) == lines
        assert log.offset == len(data)


def test_scan_follows_growth_and_keeps_an_unfinished_line(tmp_path: Path, small_blocks: None) -> None:
    path = _log(tmp_path, b"first line\nsecond li")
    with LogFile(str(path)) as log:
        assert list(log.scan()) == ["first line"]
        assert log.unfinished() == "second li"
        with open(path, "ab") as handle:
            handle.write(b"ne\nthird\n")
        assert list(log.scan()) == ["second line", "third"]
        assert log.unfinished() == "" and list(log.scan()) == []


def test_unfinished_is_empty_when_complete_lines_came_meanwhile(tmp_path: Path) -> None:
    path = _log(tmp_path, b"a\n")
    with LogFile(str(path)) as log:
        list(log.scan())
        path.write_bytes(b"a\nb\nc")
        assert log.unfinished() == ""


def test_truncated_file_is_read_from_its_start(tmp_path: Path) -> None:
    path = _log(tmp_path, b"old 1\nold 2\nold 3\n")
    with LogFile(str(path)) as log:
        assert len(list(log.scan())) == 3
        with open(path, "wb") as handle:
            handle.write(b"new\n")
        assert list(log.scan()) == ["new"]


def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(LogsError, match="^log_path: .* is not a regular file"):
        LogFile(str(fifo))


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises((LogsError, OSError)):
        LogFile(str(tmp_path))
