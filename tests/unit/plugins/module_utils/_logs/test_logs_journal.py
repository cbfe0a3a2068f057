# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""journalctl's argv, and its JSON lines parsed: text, byte-array and repeated MESSAGE fields, cursors."""

from __future__ import annotations

import json

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._logs.journal import (
    JournalEntry,
    JournalQuery,
    journalctl_argv,
    parse_entry,
)

UNIT = "ocitools-runc-api.service"
BASE = ["journalctl", "--output", "json", "--all", "--no-pager", "--quiet", "_SYSTEMD_UNIT=" + UNIT]


@pytest.mark.parametrize("query, extra", [
    pytest.param(JournalQuery(UNIT), [], id="everything"),
    pytest.param(JournalQuery(UNIT, since="-10min", lines=5), ["--since", "-10min", "--lines", "5"], id="since-lines"),
    pytest.param(JournalQuery(UNIT, since="today", cursor="s=1;i=2"), ["--after-cursor", "s=1;i=2"], id="cursor-wins"),
])
def test_argv(query: JournalQuery, extra: list) -> None:
    assert journalctl_argv("journalctl", query) == BASE + extra


def _line(**fields: object) -> bytes:
    return json.dumps(dict({"__CURSOR": "s=abc;i=1", "_SYSTEMD_UNIT": UNIT}, **fields)).encode()


@pytest.mark.parametrize("message, text", [
    pytest.param("listening on 8080", "listening on 8080", id="text"),
    pytest.param(list("héllo\n".encode("utf-8")), "héllo", id="byte-array"),
    pytest.param([104, 105, 0xff, 10], "hi\ufffd", id="invalid-utf8-bytes"),
    pytest.param(["first", "second"], "first", id="repeated-field"),
    pytest.param([[104, 105], "x"], "hi", id="repeated-byte-arrays"),
    pytest.param([], "", id="empty-array"),
])
def test_message_forms(message: object, text: str) -> None:
    assert parse_entry(_line(MESSAGE=message)) == JournalEntry("s=abc;i=1", text)


@pytest.mark.parametrize("line", [
    pytest.param(b"-- No entries --", id="not-json"),
    pytest.param(b"[1, 2]", id="not-an-object"),
    pytest.param(_line(), id="no-message"),
    pytest.param(_line(MESSAGE=None), id="null-message"),
    pytest.param(_line(MESSAGE=[1, "x"]), id="mixed-array"),
    pytest.param(_line(MESSAGE=[300]), id="not-bytes"),
])
def test_lines_without_a_message_are_skipped(line: bytes) -> None:
    assert parse_entry(line) is None


def test_missing_cursor_is_empty() -> None:
    assert parse_entry(json.dumps({"MESSAGE": "x"})) == JournalEntry("", "x")
