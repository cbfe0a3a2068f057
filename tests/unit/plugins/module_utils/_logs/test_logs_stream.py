# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A command's output streamed line by line (real processes): lines, a failure with its stderr, a command that
cannot run, and one killed after its timeout."""

from __future__ import annotations

import time

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._logs.stream import StreamFailed, stream_lines


def test_lines_as_they_come() -> None:
    assert list(stream_lines(["sh", "-c", "printf 'a\\nb\\nc'"], 10)) == [b"a\n", b"b\n", b"c"]


def test_non_zero_exit_keeps_stderr() -> None:
    lines = stream_lines(["sh", "-c", "echo out; echo 'Failed to parse timestamp: x' >&2; exit 1"], 10)
    assert next(lines) == b"out\n"
    with pytest.raises(StreamFailed) as caught:
        next(lines)
    assert caught.value.stderr == "Failed to parse timestamp: x"
    assert caught.value.msg == "sh failed (rc=1): Failed to parse timestamp: x"


def test_missing_command() -> None:
    with pytest.raises(StreamFailed, match="^cannot execute /no/such/journalctl: No such file or directory"):
        list(stream_lines(["/no/such/journalctl"], 10))


def test_killed_after_the_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(StreamFailed, match="^sleep failed \\(it was killed after 0.2 seconds\\): no message"):
        list(stream_lines(["sleep", "30"], 0.2))
    assert time.monotonic() - started < 10
