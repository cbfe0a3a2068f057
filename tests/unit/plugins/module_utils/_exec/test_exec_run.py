# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_exec's flow against a recording runner: state first, then guards and check mode, then
one exec with a process spec; results shaped like ansible.builtin.command's."""

from __future__ import annotations

import json
import os
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._exec import run as exec_run
from ansible_collections.ocitools.runc.plugins.module_utils._exec.process import ExecRequest
from ansible_collections.ocitools.runc.plugins.module_utils._exec.run import CHECK_MODE_MSG, run_exec
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncTimeoutError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions

SECRET = "s3cr3t-value"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "bundle"
    (path / "rootfs" / "data").mkdir(parents=True)
    (path / "rootfs" / "data" / "done").write_text("")
    process = {"args": ["sh"], "env": ["PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "terminal": True}
    (path / "config.json").write_text(json.dumps({"process": process}))
    return path


@pytest.fixture
def with_state(runner: t.Any, bundle: Path) -> t.Callable[[str], None]:
    def answer(status: str) -> None:
        state = {"id": "web", "pid": 0, "status": status, "bundle": str(bundle), "rootfs": str(bundle / "rootfs"),
                 "created": "2024-01-01T00:00:00Z", "owner": ""}
        runner.respond_to("state", stdout=json.dumps(state))
    return answer


@pytest.fixture
def runc(runner: t.Any, tmp_path: Path) -> Runc:
    (tmp_path / "root").mkdir()
    return Runc(GlobalOptions(root=str(tmp_path / "root")), runner=runner)


def subcommands(runner: t.Any) -> t.List[str]:
    return [next(arg for arg in call.argv if arg in ("state", "exec", "ps")) for call in runner.calls]


def request(**values: t.Any) -> ExecRequest:
    values.setdefault("argv", ("sh", "-c", "echo hi"))
    return ExecRequest("web", **values)


def test_runs_with_a_process_spec(runc: Runc, runner: t.Any, with_state: t.Any) -> None:
    with_state("running")
    seen: t.Dict[str, t.Any] = {}

    def capture(call: t.Any) -> None:
        path = call.argv[call.argv.index("--process") + 1]
        seen["mode"] = os.stat(path).st_mode & 0o777
        seen["process"] = json.loads(Path(path).read_text())
        seen["data"] = call.data

    runner.respond(stdout="hi\n", stderr="warn\n", action=capture)
    outcome = run_exec(runc, request(env=(("SECRET", SECRET),), stdin=b"in\n"), check_mode=False)
    assert not outcome.failed
    result = outcome.result
    assert (result["rc"], result["stdout"], result["stderr"]) == (0, "hi", "warn")  # strip_empty_ends
    assert (result["stdout_lines"], result["stderr_lines"], result["changed"]) == (["hi"], ["warn"], True)
    assert result["cmd"] == ["sh", "-c", "echo hi"] and result["env"] == ["SECRET=********"]
    assert {"start", "end", "delta"} <= set(result)
    assert SECRET not in json.dumps(result)
    assert seen["mode"] == 0o600 and seen["data"] == b"in\n"
    assert seen["process"]["env"] == ["PATH=/bin", "SECRET=" + SECRET]
    assert seen["process"]["terminal"] is False
    assert subcommands(runner) == ["state", "exec"]
    exec_argv = runner.last.argv
    assert "--pid-file" in exec_argv and exec_argv[-1] == "web"


def test_non_zero_rc_fails_with_the_output(runc: Runc, runner: t.Any, with_state: t.Any) -> None:
    with_state("running")
    runner.respond(stdout="out\n", stderr="err\n", rc=3)
    outcome = run_exec(runc, request(), check_mode=False)
    assert outcome.failed
    assert (outcome.result["msg"], outcome.result["rc"], outcome.result["stdout"]) == ("non-zero return code", 3, "out")


@pytest.mark.parametrize("status, message", [
    ("paused", "container 'web' is paused: resume it"),
    ("stopped", "container 'web' is stopped"),
    ("creating", "container 'web' is still being created"),
])
def test_a_container_that_cannot_exec(runc: Runc, runner: t.Any, with_state: t.Any, status: str, message: str) -> None:
    with_state(status)
    outcome = run_exec(runc, request(), check_mode=False)
    assert outcome.failed and outcome.result["msg"].startswith(message)
    assert subcommands(runner) == ["state"]


def test_a_missing_container(runc: Runc, runner: t.Any, tmp_path: Path) -> None:
    runner.respond(stderr='time="x" level=error msg="container does not exist"', rc=1)
    outcome = run_exec(runc, request(), check_mode=False)
    assert outcome.failed
    assert outcome.result["msg"] == "container 'web' does not exist under root %s: create and start it first" % (
        tmp_path / "root")


def test_a_created_container_takes_an_exec(runc: Runc, runner: t.Any, with_state: t.Any) -> None:
    with_state("created")
    assert not run_exec(runc, request(), check_mode=False).failed
    assert subcommands(runner) == ["state", "exec"]


@pytest.mark.parametrize("guards, message", [
    ({"creates": "/data/done"}, "skipped, since /data/done exists"),
    ({"removes": "/data/missing"}, "skipped, since /data/missing does not exist"),
])
def test_guards_skip(runc: Runc, runner: t.Any, with_state: t.Any, guards: t.Dict[str, str], message: str) -> None:
    with_state("running")
    for check_mode in (False, True):
        outcome = run_exec(runc, request(**guards), check_mode=check_mode)
        assert (outcome.failed, outcome.result["changed"], outcome.result["msg"]) == (False, False, message)
    assert "exec" not in subcommands(runner)


@pytest.mark.parametrize("guards, changed, skipped", [
    ({}, False, True),
    ({"creates": "/data/missing"}, True, False),
])
def test_check_mode_does_not_run(runc: Runc, runner: t.Any, with_state: t.Any, guards: t.Dict[str, str],
                                 changed: bool, skipped: bool) -> None:
    with_state("running")
    outcome = run_exec(runc, request(**guards), check_mode=True)
    assert outcome.result["msg"] == CHECK_MODE_MSG
    assert (outcome.result["changed"], outcome.result["skipped"]) == (changed, skipped)
    assert subcommands(runner) == ["state"]


def test_check_mode_with_a_container_not_there_yet(runc: Runc, runner: t.Any) -> None:
    runner.respond(stderr='time="x" level=error msg="container does not exist"', rc=1)
    outcome = run_exec(runc, request(), check_mode=True)
    assert not outcome.failed and outcome.result["skipped"] is True
    assert "does not exist" in outcome.result["msg"]


def test_run_in_check_mode(runc: Runc, runner: t.Any, with_state: t.Any) -> None:
    with_state("running")
    outcome = run_exec(runc, request(run_in_check_mode=True), check_mode=True)
    assert outcome.result["rc"] == 0 and subcommands(runner) == ["state", "exec"]


def test_detach_returns_the_pid(runc: Runc, runner: t.Any, with_state: t.Any) -> None:
    with_state("running")

    def write_pid(call: t.Any) -> None:
        Path(call.argv[call.argv.index("--pid-file") + 1]).write_text("4242")

    runner.respond(action=write_pid)
    outcome = run_exec(runc, request(detach=True), check_mode=False)
    assert (outcome.result["pid"], outcome.result["rc"], outcome.result["changed"]) == (4242, 0, True)
    assert "--detach" in runner.last.argv
    assert runner.last.io is not None and runner.last.io.stdin == os.devnull


def test_timeout_kills_the_process(runc: Runc, runner: t.Any, with_state: t.Any, monkeypatch: t.Any) -> None:
    with_state("running")
    killed: t.List[t.Tuple[str, int]] = []

    def kill(client: Runc, container_id: str, pid: int) -> t.List[int]:
        killed.append((container_id, pid))
        return [pid, pid + 1]

    def started_then_timed_out(call: t.Any) -> None:
        Path(call.argv[call.argv.index("--pid-file") + 1]).write_text("777")
        raise RuncTimeoutError("runc exec did not finish", argv=call.argv, stdout="partial")

    monkeypatch.setattr(exec_run, "kill_exec_process", kill)
    runner.respond(action=started_then_timed_out)
    outcome = run_exec(runc, request(timeout=1.5), check_mode=False)
    assert runner.last.timeout == 1.5
    assert killed == [("web", 777)]
    assert outcome.failed
    assert outcome.result["msg"] == (
        "the command did not finish within 1.5 seconds (timeout) and was killed with its processes in the container"
        " (host pids 777, 778)")
    assert (outcome.result["rc"], outcome.result["stdout"], outcome.result["pid"]) == (-9, "partial", 777)


def test_timeout_defaults_to_command_timeout(runner: t.Any, with_state: t.Any, tmp_path: Path) -> None:
    with_state("running")
    runc = Runc(GlobalOptions(root=str(tmp_path)), runner=runner, timeout=42.0)
    run_exec(runc, request(), check_mode=False)
    assert runner.last.timeout == 42.0


def test_an_unreadable_config(runc: Runc, runner: t.Any, with_state: t.Any, bundle: Path) -> None:
    with_state("running")
    (bundle / "config.json").unlink()
    outcome = run_exec(runc, request(), check_mode=False)
    assert outcome.failed and outcome.result["msg"].startswith("cannot build the process from the container's config")


@pytest.mark.parametrize("strip, expected, lines", [
    (True, ("a\n\nb", ""), ["a", "", "b"]),
    (False, ("a\n\nb\r\n\n", "\n"), ["a", "", "b", ""]),
])
def test_strip_empty_ends_drops_only_trailing_newlines(runc: Runc, runner: t.Any, with_state: t.Any, strip: bool,
                                                       expected: t.Tuple[str, str], lines: t.List[str]) -> None:
    with_state("running")
    runner.respond(stdout="a\n\nb\r\n\n", stderr="\n")
    result = run_exec(runc, request(strip_empty_ends=strip), check_mode=False).result
    assert (result["stdout"], result["stderr"]) == expected
    assert result["stdout_lines"] == lines


def test_timeout_after_the_process_exited_says_its_output_stayed_open(runc: Runc, runner: t.Any, with_state: t.Any,
                                                                      monkeypatch: t.Any) -> None:
    with_state("running")
    monkeypatch.setattr(exec_run, "kill_exec_process", lambda client, container_id, pid: [pid + 5])

    def exited_but_pipes_open(call: t.Any) -> None:
        Path(call.argv[call.argv.index("--pid-file") + 1]).write_text("777")
        raise RuncTimeoutError("runc exec did not finish", argv=call.argv, stdout="started\n")

    runner.respond(action=exited_but_pipes_open)
    outcome = run_exec(runc, request(timeout=8.0), check_mode=False)
    assert outcome.failed and outcome.result["stdout"] == "started"
    assert outcome.result["msg"].startswith("the command's process exited, but its stdout or stderr stayed open "
                                            "until the timeout of 8.0 seconds")
    assert outcome.result["msg"].endswith("its processes in the container were killed (host pids 782)")


def test_no_state_root_means_no_container_and_no_runc_call(runner: t.Any, tmp_path: Path) -> None:
    runc = Runc(GlobalOptions(root=str(tmp_path / "missing")), runner=runner)
    outcome = run_exec(runc, request(), check_mode=True)
    assert outcome.result.get("skipped") and "does not exist under root" in outcome.result["msg"]
    assert runner.calls == [] and not (tmp_path / "missing").exists()
