# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RuncError keeps everything runc said: its message, stderr and output."""

from __future__ import annotations

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import (
    ContainerNotFoundError,
    InvalidContainerIdError,
    RuncError,
    RuncNotFoundError,
    RuncParseError,
    RuncTimeoutError,
    RuncUnsupportedError,
)

ARGV = ["runc", "--root", "/r", "start", "c1"]


def test_attributes_and_as_dict() -> None:
    error = RuncError("runc start failed (exit 1)", argv=ARGV, rc=1, stdout="out", stderr="err", runc_message="boom")
    assert (error.argv, error.rc, error.stdout, error.stderr, error.runc_message) == (ARGV, 1, "out", "err", "boom")
    assert error.as_dict() == {"cmd": ARGV, "rc": 1, "stdout": "out", "stderr": "err", "runc_message": "boom"}


def test_argv_is_copied() -> None:
    argv = list(ARGV)
    error = RuncError("x", argv=argv)
    argv.append("later")
    assert error.argv == ARGV


@pytest.mark.parametrize("message, runc_message, stderr, expected", [
    pytest.param("failed", "", "", "failed", id="message-only"),
    pytest.param("failed", "no such file", "", "failed; runc said: no such file", id="runc-message-added"),
    pytest.param("failed: no such file", "no such file", "", "failed: no such file", id="runc-message-not-repeated"),
    pytest.param("failed", "", "warning: x\n\n", "failed; stderr: warning: x", id="stderr-kept"),
    pytest.param("failed: boom", "boom", 'time="t" level=error msg="boom"\nother line\n',
                 "failed: boom; stderr: other line", id="stderr-line-repeating-runc-message-dropped"),
    pytest.param("failed: a; b", "a; b", "a\nb\nc\n", "failed: a; b; stderr: c",
                 id="each-joined-message-part-recognised"),
])
def test_describe_never_loses_stderr(message: str, runc_message: str, stderr: str, expected: str) -> None:
    error = RuncError(message, argv=ARGV, rc=1, stderr=stderr, runc_message=runc_message)
    assert str(error) == expected
    assert error.describe() == expected


def test_long_stderr_keeps_its_tail() -> None:
    stderr = "x" * 5000 + "THE END"
    text = str(RuncError("failed", stderr=stderr))
    assert text.endswith("THE END")
    assert "..." in text
    assert len(text) < 4100


@pytest.mark.parametrize("kind", [
    RuncNotFoundError, RuncTimeoutError, ContainerNotFoundError, RuncParseError, RuncUnsupportedError,
])
def test_client_errors_are_runc_errors(kind: type) -> None:
    error = kind("m", argv=ARGV)
    assert isinstance(error, RuncError)
    assert error.as_dict()["cmd"] == ARGV


def test_invalid_id_is_a_value_error_not_a_runc_error() -> None:
    assert issubclass(InvalidContainerIdError, ValueError)
    assert not issubclass(InvalidContainerIdError, RuncError)
