# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SubprocessRunner with real (harmless) child processes: the Python running these tests."""

from __future__ import annotations

import os
import signal
import stat
import sys
import time
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncNotFoundError, RuncTimeoutError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import (
    CommandResult,
    ContainerIO,
    SubprocessRunner,
)

PY = sys.executable


def python(code: str, *args: str) -> t.List[str]:
    return [PY, "-c", code, *args]


def wait_until_gone(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def read_pid(path: Path, seconds: float = 5.0) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        if text.strip():
            return int(text)
        time.sleep(0.02)
    raise AssertionError("the child never wrote its pid to %s" % path)


# -- captured output --------------------------------------------------------------

def test_captures_rc_stdout_and_stderr() -> None:
    result = SubprocessRunner()(python("import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"), 10)
    assert result == CommandResult(result.argv, 3, b"out\n", b"err\n")
    assert (result.out, result.err) == ("out\n", "err\n")


def test_feeds_data_on_stdin() -> None:
    result = SubprocessRunner()(python("import sys; sys.stdout.write(sys.stdin.read().upper())"), 10, data=b"{\"a\": 1}")
    assert result.out == '{"A": 1}'


def test_stdin_is_empty_without_data() -> None:
    """No data: stdin is /dev/null, so a child reading it never waits for the caller's terminal."""
    result = SubprocessRunner()(python("import sys; print(repr(sys.stdin.read()))"), 10)
    assert result.out == "''\n"


def test_argv_is_not_a_shell_command() -> None:
    result = SubprocessRunner()(python("import sys; print(sys.argv[1:])", "$HOME", "a b", ";", "|"), 10)
    assert result.out == "['$HOME', 'a b', ';', '|']\n"


def test_env_replaces_the_environment() -> None:
    result = SubprocessRunner(env={"ONLY": "this"})(python("import os; print(os.environ.get('ONLY'), 'HOME' in os.environ)"), 10)
    assert result.out == "this False\n"


def test_undecodable_output_is_replaced_not_raised() -> None:
    result = CommandResult(["x"], 0, b"ok \xff", b"\xfe")
    assert (result.out, result.err) == ("ok \ufffd", "\ufffd")


# -- timeouts ------------------------------------------------------------------------

SLEEPER = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); print('started', flush=True); time.sleep(60)"


def test_timeout_raises_kills_the_child_and_keeps_partial_output(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(RuncTimeoutError, match="did not finish within 0.5 seconds and was killed") as caught:
        SubprocessRunner()(python(SLEEPER, str(pid_file)), 0.5)
    assert time.monotonic() - started < 10
    assert wait_until_gone(read_pid(pid_file)), "the timed-out child is still alive"
    # runc events streams until stopped: what it printed before the timeout must survive.
    assert caught.value.stdout == "started\n"
    assert caught.value.argv[:2] == [PY, "-c"]


def test_timeout_with_io_kills_the_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    io = ContainerIO(stdout=str(tmp_path / "out"), stderr=str(tmp_path / "err"))
    with pytest.raises(RuncTimeoutError, match="was killed"):
        SubprocessRunner()(python(SLEEPER, str(pid_file)), 0.5, io=io)
    assert wait_until_gone(read_pid(pid_file)), "the timed-out child is still alive"


# -- missing executables ---------------------------------------------------------------

def test_missing_executable(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-runc")
    with pytest.raises(RuncNotFoundError, match="cannot execute %s" % missing) as caught:
        SubprocessRunner()([missing, "--version"], 5)
    assert caught.value.argv == [missing, "--version"]


def test_missing_executable_with_io(tmp_path: Path) -> None:
    with pytest.raises(RuncNotFoundError, match="cannot execute"):
        SubprocessRunner()([str(tmp_path / "no-such-runc")], 5, io=ContainerIO())


def test_file_that_is_not_executable(tmp_path: Path) -> None:
    script = tmp_path / "runc"
    script.write_text("not a program\n")
    script.chmod(stat.S_IRUSR | stat.S_IWUSR)
    if os.access(str(script), os.X_OK):
        pytest.skip("root may execute any file here (no noexec semantics for this user)")
    with pytest.raises(RuncNotFoundError, match="Permission denied"):
        SubprocessRunner()([str(script)], 5)


# -- io binding (detached containers) -------------------------------------------------------

def test_io_writes_to_the_files_and_reads_stdin_from_file(tmp_path: Path) -> None:
    stdin = tmp_path / "in"
    stdin.write_text("from file")
    io = ContainerIO(stdin=str(stdin), stdout=str(tmp_path / "out"), stderr=str(tmp_path / "err"))
    code = "import sys; print(sys.stdin.read()); print('oops', file=sys.stderr); sys.exit(4)"
    result = SubprocessRunner()(python(code), 10, io=io)
    assert (result.rc, result.stdout, result.stderr) == (4, b"", b"")
    assert (tmp_path / "out").read_text() == "from file\n"
    assert (tmp_path / "err").read_text() == "oops\n"


def test_io_appends_and_shares_one_file_for_stdout_and_stderr(tmp_path: Path) -> None:
    log = tmp_path / "both"
    log.write_text("before\n")
    io = ContainerIO(stdout=str(log), stderr=str(log))
    SubprocessRunner()(python("import sys; print('o', flush=True); print('e', file=sys.stderr, flush=True)"), 10, io=io)
    assert log.read_text() == "before\no\ne\n"


def test_io_does_not_wait_for_a_grandchild_holding_stdout(tmp_path: Path) -> None:
    """Like ``runc run --detach``: the container outlives runc and keeps runc's stdout."""
    out = tmp_path / "out"
    spawn = ("import subprocess, sys; "
             "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); "
             "print(child.pid, flush=True)")
    started = time.monotonic()
    result = SubprocessRunner()(python(spawn), 20, io=ContainerIO(stdout=str(out), stderr=str(out)))
    elapsed = time.monotonic() - started
    grandchild = read_pid(out)
    try:
        assert result.rc == 0
        assert elapsed < 10, "the runner waited %.1fs for the grandchild" % elapsed
    finally:
        os.kill(grandchild, signal.SIGKILL)


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="os.pidfd_open needs Python 3.9+ on Linux 5.3+")
def test_io_waits_for_the_command_without_polling_sleeps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Popen.wait(timeout) polls with sleeps of up to 50 ms, which would nearly double a runc create.
    def no_sleep(seconds: float) -> None:
        raise AssertionError("the runner slept %s s while waiting" % seconds)

    monkeypatch.setattr(time, "sleep", no_sleep)
    result = SubprocessRunner()(["sleep", "0.06"], timeout=10, io=ContainerIO(stdout=str(tmp_path / "out")))
    assert result.rc == 0
