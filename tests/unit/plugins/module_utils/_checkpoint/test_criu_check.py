# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""criu check: usable or not, with the reason; never an exception."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.criu_check import check_criu, parse_criu_version
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncTimeoutError

VDSO_FAILURE = (
    "Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\n"
    "Error (criu/crtools.c:260): Could not initialize kernel features detection.\n"
)


@pytest.fixture
def fake_criu(tmp_path: Path) -> str:
    path = tmp_path / "criu"
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize("output, expected", [
    ("Version: 3.17.1\n", "3.17.1"),
    ("Version: 4.1.1\nGitID: v4.1.1\n", "4.1.1"),
    ("something else\n", None),
])
def test_parse_criu_version(output: str, expected: t.Optional[str]) -> None:
    assert parse_criu_version(output) == expected


def test_usable(runner: t.Any, fake_criu: str) -> None:
    runner.respond(stdout="Version: 4.1.1\n")
    runner.respond(stdout="Looks good.\n")
    status = check_criu(fake_criu, runner, timeout=7)
    assert status.to_dict() == {"usable": True, "path": fake_criu, "version": "4.1.1", "message": "Looks good."}
    assert [call.argv for call in runner.calls] == [[fake_criu, "--version"], [fake_criu, "check"]]
    assert {call.timeout for call in runner.calls} == {7}


def test_check_fails(runner: t.Any, fake_criu: str) -> None:
    runner.respond(stdout="Version: 3.17.1\n")
    runner.respond(stderr=VDSO_FAILURE, rc=1)
    status = check_criu(fake_criu, runner)
    assert (status.usable, status.version) == (False, "3.17.1")
    assert status.message.startswith("criu check failed (exit 1): Error (criu/vdso.c:381)")


def test_check_times_out(runner: t.Any, fake_criu: str) -> None:
    runner.respond(error=RuncTimeoutError("criu --version did not finish within 30 seconds"))
    status = check_criu(fake_criu, runner)
    assert not status.usable and "did not finish" in status.message


def test_not_found(runner: t.Any, tmp_path: Path) -> None:
    status = check_criu(str(tmp_path / "no-criu"), runner)
    assert (status.usable, status.path) == (False, None)
    assert "was not found" in status.message and not runner.calls
