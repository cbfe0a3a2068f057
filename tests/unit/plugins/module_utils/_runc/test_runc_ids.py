# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container ids: runc's own rule (^[\\w+-.]+$, not "." or "..")."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.ids import MAX_ID_LENGTH, validate_container_id


@pytest.mark.parametrize("container_id", [
    pytest.param("web", id="word"),
    pytest.param("a", id="one-char"),
    pytest.param("web_1.2-3+x", id="all-allowed-punctuation"),
    pytest.param("...", id="three-dots"),
    pytest.param(".hidden", id="leading-dot"),
    pytest.param("0123456789", id="digits"),
    pytest.param("x" * 227, id="max-length"),
])
def test_valid_ids_are_returned(container_id: str) -> None:
    assert validate_container_id(container_id) == container_id


@pytest.mark.parametrize("container_id, message", [
    pytest.param("", "non-empty string", id="empty"),
    pytest.param(None, "non-empty string", id="none"),
    pytest.param(12, "non-empty string", id="int"),
    pytest.param(".", "names a directory", id="dot"),
    pytest.param("..", "names a directory", id="dot-dot"),
    pytest.param("x" * 228, r"at most 227 are allowed \(files named after it", id="too-long"),
    pytest.param("a/b", "only ASCII letters", id="slash"),
    pytest.param("../escape", "only ASCII letters", id="path-escape"),
    pytest.param("has space", "only ASCII letters", id="space"),
    pytest.param("tab\t", "only ASCII letters", id="tab"),
    pytest.param("new\nline", "only ASCII letters", id="newline"),
    pytest.param("trailing\n", "only ASCII letters", id="trailing-newline"),
    pytest.param("caf\u00e9", "only ASCII letters", id="non-ascii-letter"),
    pytest.param("semi;colon", "only ASCII letters", id="shell-metachar"),
    # runc's pattern allows these, but its CLI would read them as flags.
    pytest.param("--force", "read it as a flag", id="long-flag"),
    pytest.param("-x", "read it as a flag", id="short-flag"),
])
def test_invalid_ids_are_refused_with_the_reason(container_id: t.Any, message: str) -> None:
    with pytest.raises(InvalidContainerIdError, match=message):
        validate_container_id(container_id)


def test_invalid_id_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        validate_container_id("a b")


def test_the_longest_id_leaves_every_file_named_after_it_within_name_max() -> None:
    longest = "x" * MAX_ID_LENGTH
    names = [longest + "@ocitools.lock", longest + "@ocitools.json", "." + longest + "@ocitools.json.abcdefgh.tmp"]
    assert max(len(name) for name in names) == 255
