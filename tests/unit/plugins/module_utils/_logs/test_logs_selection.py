# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lines kept (last N of those grep selects), the matched line, the last lines seen; bad patterns."""

from __future__ import annotations

import re

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._logs.selection import (
    SEEN_KEPT,
    LogsError,
    Selection,
    compile_pattern,
)

LINES = ["start", "error: a", "ok", "error: b", "ready 1", "error: c", "ready 2"]


@pytest.mark.parametrize("count, grep, kept", [
    pytest.param(3, None, ["ready 1", "error: c", "ready 2"], id="last-three"),
    pytest.param(0, None, LINES, id="all"),
    pytest.param(2, "^error", ["error: b", "error: c"], id="grep-then-last"),
    pytest.param(0, "^error", ["error: a", "error: b", "error: c"], id="grep-all"),
    pytest.param(5, "nothing", [], id="grep-none"),
])
def test_kept(count: int, grep: str, kept: list) -> None:
    selection = Selection(count, compile_pattern("grep", grep))
    assert selection.feed_all(LINES) is False
    assert list(selection.kept) == kept and selection.matched is None


def test_latest_match_is_reported() -> None:
    selection = Selection(2, wait_for=re.compile("ready"))
    assert selection.feed_all(LINES) is True
    assert selection.matched == "ready 2"


def test_keep_does_not_match_and_matches_does_not_keep() -> None:
    selection = Selection(5, wait_for=re.compile("ready"))
    selection.keep("ready")
    assert selection.matched is None and list(selection.kept) == ["ready"]
    assert selection.matches("ready now") and list(selection.kept) == ["ready"]


def test_seen_holds_the_last_lines_whatever_grep_keeps() -> None:
    selection = Selection(1, compile_pattern("grep", "never"))
    selection.feed_all(str(number) for number in range(50))
    assert list(selection.seen) == [str(number) for number in range(50 - SEEN_KEPT, 50)]


def test_bad_pattern_names_the_option() -> None:
    with pytest.raises(LogsError, match=r"^wait_for: '\(' is not a valid regular expression"):
        compile_pattern("wait_for", "(")


def test_no_pattern() -> None:
    assert compile_pattern("grep", None) is None
