# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the output is (a table), a process's stdout file found through /proc, and a unit's bundle."""

from __future__ import annotations

import subprocess
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._logs.source import (
    FILE,
    JOURNAL,
    Choice,
    Facts,
    SourceMissing,
    choose,
    container_stdout,
    unit_bundle,
)

UNIT = "ocitools-runc-api.service"


def _facts(source: str = "auto", unit_exists: bool = False, log_path: t.Optional[str] = None,
           stdout_path: t.Optional[str] = None, problem: str = "its stdout is /dev/null") -> Facts:
    return Facts(source, UNIT, unit_exists, log_path, stdout_path, "" if stdout_path else problem)


@pytest.mark.parametrize("facts, choice", [
    pytest.param(_facts(unit_exists=True), Choice(JOURNAL), id="auto-supervised"),
    pytest.param(_facts(unit_exists=False, log_path="/l"), Choice(FILE, "/l"), id="auto-log_path"),
    pytest.param(_facts(unit_exists=False, stdout_path="/o"), Choice(FILE, "/o"), id="auto-found-stdout"),
    pytest.param(_facts(log_path="/l", stdout_path="/o"), Choice(FILE, "/l"), id="log_path-before-stdout"),
    pytest.param(_facts("journal"), Choice(JOURNAL), id="journal-without-unit"),
    pytest.param(_facts("file", unit_exists=True, log_path="/l"), Choice(FILE, "/l"), id="file-of-supervised"),
])
def test_choice(facts: Facts, choice: Choice) -> None:
    assert choose(facts) == choice


def test_supervised_with_log_path_warns() -> None:
    choice = choose(_facts(unit_exists=True, log_path="/l"))
    assert choice.kind == JOURNAL and choice.warning is not None
    assert choice.warning.startswith("log_path /l is not read: the container is supervised (unit %s)" % UNIT)


@pytest.mark.parametrize("source, supervised", [("auto", True), ("file", False)])
def test_nothing_to_read_says_why(source: str, supervised: bool) -> None:
    with pytest.raises(SourceMissing) as caught:
        choose(_facts(source))
    assert caught.value.msg.startswith("log_path: not given, and the container's output is no file to read")
    assert ("nor supervised (no unit %s)" % UNIT in caught.value.msg) is supervised
    assert "its stdout is /dev/null" in caught.value.msg


def test_stdout_of_a_process_writing_to_a_file(tmp_path: Path) -> None:
    log = tmp_path / "out.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(["sleep", "30"], stdout=out)
    try:
        assert container_stdout(proc.pid) == (str(log), "")
        log.unlink()
        log.write_text("another file at the same path\n")
        path, problem = container_stdout(proc.pid)
        assert path is None and "is no file at that path on this host" in problem
    finally:
        proc.kill()
        proc.wait()


def test_stdout_that_is_no_file() -> None:
    proc = subprocess.Popen(["sleep", "30"], stdout=subprocess.DEVNULL)
    try:
        assert container_stdout(proc.pid) == (None, "its stdout is /dev/null")
    finally:
        proc.kill()
        proc.wait()


def test_no_process() -> None:
    assert container_stdout(0) == (None, "the container has no running process")
    path, problem = container_stdout(2 ** 22 + 1)
    assert path is None and problem.startswith("cannot see the stdout of its process")


@pytest.mark.parametrize("text, bundle", [
    pytest.param("[Service]\nExecStart=/usr/sbin/runc --root /run/r run --bundle /srv/b api\n", "/srv/b", id="flag"),
    pytest.param("ExecStart=runc run --bundle=/srv/b api\n", "/srv/b", id="equals"),
    pytest.param("ExecStart=runc run -b '/srv/my b' api\n", "/srv/my b", id="quoted"),
    pytest.param('ExecStart=runc run --bundle "/srv/100%% \\"$$x\\"" api\n', '/srv/100% "$x"', id="systemd-escapes"),
    pytest.param("ExecStart=runc run api\n", None, id="no-bundle"),
    pytest.param("ExecStart=runc run --bundle 'unclosed\n", None, id="bad-quotes"),
    pytest.param("[Service]\nType=simple\n", None, id="no-exec-start"),
])
def test_unit_bundle(text: str, bundle: t.Optional[str]) -> None:
    assert unit_bundle(text) == bundle
