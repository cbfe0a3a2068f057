# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Runc client against a recording runner: exact argv of every method, timeouts, the
private JSON log, error mapping, version gates and id validation before any call."""

from __future__ import annotations

import json
import os
import stat
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import DEFAULT_TIMEOUT, Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import (
    ContainerNotFoundError,
    InvalidContainerIdError,
    RuncError,
    RuncParseError,
    RuncTimeoutError,
    RuncUnsupportedError,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.criu_options import CheckpointOptions, RestoreOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.exec_options import ExecOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import (
    CreateOptions,
    DeleteOptions,
    KillOptions,
    RunOptions,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.update_options import UpdateOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import RuncVersion
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import ContainerIO

Recorded = t.Callable[[str], str]
IO = ContainerIO(stdout="/tmp/c.out", stderr="/tmp/c.err")
PROCESS = {"args": ["/bin/echo", "SECRET=1"], "cwd": "/", "env": ["PATH=/bin"]}

RUNC_10 = "runc version 1.0.3\ncommit: v1.0.3-0-gf46b6ba2\nspec: 1.0.2-dev\n"
RUNC_13 = "runc version 1.3.0\ncommit: v1.3.0-0-g4ca628d1\nspec: 1.2.1\ngo: go1.23.8\nlibseccomp: 2.5.6\n"


def log_path_of(argv: t.List[str]) -> str:
    return argv[argv.index("--log") + 1]


def write_runc_log(*messages: str) -> t.Callable[[t.Any], None]:
    """A runner action: runc writes its errors to the ``--log`` it was given, as JSON."""
    def action(call: t.Any) -> None:
        with open(log_path_of(call.argv), "a", encoding="utf-8") as log:
            for message in messages:
                log.write(json.dumps({"level": "error", "msg": message, "time": "t"}) + "\n")
    return action


def private_log_args(argv: t.List[str]) -> t.List[str]:
    return ["--log", log_path_of(argv), "--log-format", "json"]


# -- THE acceptance test: version ----------------------------------------------------------------

def test_version_of_runc_115_has_every_field(runner: t.Any, recorded: Recorded) -> None:
    runner.respond(stdout=recorded("version.txt"))
    version = Runc(runner=runner).version()
    assert version == RuncVersion(version="1.1.5+ds1", commit="1.1.5+ds1-1+deb12u1", spec="1.0.2-dev",
                                  go="go1.19.8", libseccomp="2.5.4")
    assert all(version.to_dict().values()), version
    assert runner.last.argv == ["runc", "--version"]


@pytest.mark.parametrize("output, expected", [
    pytest.param(RUNC_10, {"version": "1.0.3", "commit": "v1.0.3-0-gf46b6ba2", "spec": "1.0.2-dev", "go": "",
                           "libseccomp": ""}, id="runc-1.0"),
    pytest.param(RUNC_13, {"version": "1.3.0", "commit": "v1.3.0-0-g4ca628d1", "spec": "1.2.1", "go": "go1.23.8",
                           "libseccomp": "2.5.6"}, id="runc-1.3"),
])
def test_version_other_releases(runner: t.Any, output: str, expected: t.Dict[str, str]) -> None:
    runner.respond(stdout=output)
    assert Runc(runner=runner).version().to_dict() == expected


@pytest.mark.parametrize("output", ["", "Usage: runc\n", "commit: x\n"], ids=["empty", "usage", "no-version"])
def test_version_malformed(runner: t.Any, output: str) -> None:
    runner.respond(stdout=output)
    with pytest.raises(RuncParseError, match="`runc --version` printed no 'runc version X' line"):
        Runc(runner=runner).version()


def test_version_is_cached(runc_115: Runc, runner: t.Any) -> None:
    assert runc_115.version() is runc_115.version()
    assert len(runner.calls) == 1


# -- argv of every method ------------------------------------------------------------------------

# (method call, canned stdout, expected argv after "runc")
ARGV_CASES = [
    ("list", lambda r: r.list(), "null", ["list", "--format", "json"]),
    ("state", lambda r: r.state("c1"), None, ["state", "c1"]),
    ("find", lambda r: r.find("c1"), None, ["state", "c1"]),
    ("ps", lambda r: r.ps("c1"), "[1, 2]", ["ps", "--format", "json", "c1"]),
    ("top", lambda r: r.top("c1"), "UID PID CMD\n", ["ps", "--format", "table", "c1"]),
    ("top-ps-args", lambda r: r.top("c1", ["-o", "pid,args"]), "PID COMMAND\n",
     ["ps", "--format", "table", "c1", "-o", "pid,args"]),
    ("stats", lambda r: r.stats("c1"), '{"type": "stats", "id": "c1", "data": {}}', ["events", "--stats", "c1"]),
    ("start", lambda r: r.start("c1"), "", ["start", "c1"]),
    ("delete", lambda r: r.delete("c1"), "", ["delete", "c1"]),
    ("delete-force", lambda r: r.delete("c1", DeleteOptions(force=True)), "", ["delete", "--force", "c1"]),
    ("kill-default", lambda r: r.kill("c1"), "", ["kill", "c1", "SIGTERM"]),
    ("kill-all-number", lambda r: r.kill("c1", KillOptions(signal=9, all=True)), "", ["kill", "--all", "c1", "9"]),
    ("kill-short-name", lambda r: r.kill("c1", KillOptions(signal="hup")), "", ["kill", "c1", "SIGHUP"]),
    ("pause", lambda r: r.pause("c1"), "", ["pause", "c1"]),
    ("resume", lambda r: r.resume("c1"), "", ["resume", "c1"]),
    ("update-flags", lambda r: r.update("c1", UpdateOptions(memory=1024, pids_limit=5)), "",
     ["update", "--memory", "1024", "--pids-limit", "5", "c1"]),
    ("checkpoint", lambda r: r.checkpoint("c1", CheckpointOptions(image_path="/img", leave_running=True)), "",
     ["checkpoint", "--image-path", "/img", "--leave-running", "c1"]),
    ("version", lambda r: r.version(), "runc version 1.1.5\n", ["--version"]),
]


@pytest.mark.parametrize("call, stdout, expected", [
    pytest.param(call, stdout, expected, id=name) for name, call, stdout, expected in ARGV_CASES])
def test_argv(runc: Runc, runner: t.Any, recorded: Recorded, call: t.Callable[[Runc], t.Any],
              stdout: t.Optional[str], expected: t.List[str]) -> None:
    runner.respond(stdout=recorded("state-running.json") if stdout is None else stdout)
    call(runc)
    assert runner.last.argv == ["runc"] + expected
    assert runner.last.timeout == DEFAULT_TIMEOUT
    assert (runner.last.data, runner.last.io) == (None, None)


def test_global_options_precede_the_subcommand(runner: t.Any) -> None:
    options = GlobalOptions(command="/usr/sbin/runc", root="/run/r", debug=True, criu="/c", systemd_cgroup=True,
                            rootless="false")
    Runc(options, runner=runner).start("c1")
    assert runner.last.argv == ["/usr/sbin/runc", "--root", "/run/r", "--debug", "--criu", "/c", "--systemd-cgroup",
                                "--rootless", "false", "start", "c1"]


def test_create_argv_io_and_private_log(runc: Runc, runner: t.Any) -> None:
    runc.create("c1", CreateOptions(bundle="/b", pid_file="/p", io=IO))
    argv = runner.last.argv
    assert argv == ["runc", *private_log_args(argv), "create", "--bundle", "/b", "--pid-file", "/p", "c1"]
    assert runner.last.io == IO
    assert not os.path.exists(log_path_of(argv)), "the private log must be removed afterwards"


@pytest.mark.parametrize("options, io", [
    pytest.param(RunOptions(bundle="/b", io=IO), IO, id="detached-binds-io"),
    pytest.param(RunOptions(bundle="/b", detach=False, keep=True), None, id="foreground-captures"),
])
def test_run_argv(runc: Runc, runner: t.Any, options: RunOptions, io: t.Optional[ContainerIO]) -> None:
    runner.respond(stdout="hello\n")
    result = runc.run("c1", options)
    argv = runner.last.argv
    assert argv == ["runc", *private_log_args(argv), "run", *options.args(), "c1"]
    assert runner.last.io == io
    assert (result.rc, result.out) == (0, "hello\n")


@pytest.mark.parametrize("options, io", [
    pytest.param(RestoreOptions(image_path="/img", bundle="/b", io=IO), IO, id="detached-binds-io"),
    pytest.param(RestoreOptions(image_path="/img", detach=False), None, id="foreground"),
])
def test_restore_argv(runc: Runc, runner: t.Any, options: RestoreOptions, io: t.Optional[ContainerIO]) -> None:
    runc.restore("c1", options)
    argv = runner.last.argv
    assert argv == ["runc", *private_log_args(argv), "restore", *options.args(), "c1"]
    assert runner.last.io == io


def test_update_sends_resources_as_json_on_stdin(runc: Runc, runner: t.Any) -> None:
    resources = {"memory": {"limit": 67108864}, "pids": {"limit": 64}}
    runc.update("c1", UpdateOptions(resources=resources))
    assert runner.last.argv == ["runc", "update", "--resources", "-", "c1"]
    assert json.loads(runner.last.data.decode("utf-8")) == resources


def test_list_parses_recorded_output(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond(stdout=recorded("list-three.json"))
    assert [c.id for c in runc.list()] == ["fx-created", "fx-paused", "fx-running"]


def test_top_parses_recorded_output(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond(stdout=recorded("ps-table-ef.txt"))
    assert runc.top("fx-running", ["-ef"]).to_dicts()[0]["CMD"] == "sh -c while true; do sleep 1; done"


def test_features(runc_115: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond(stdout=recorded("features.json"))
    assert runc_115.features()["ociVersionMax"] == "1.0.2-dev"
    assert [call.argv for call in runner.calls] == [["runc", "--version"], ["runc", "features"]]


def test_features_on_runc_10_is_unsupported(runner: t.Any) -> None:
    runner.respond(stdout=RUNC_10)
    with pytest.raises(RuncUnsupportedError) as caught:
        Runc(runner=runner).features()
    assert str(caught.value) == "runc 1.0.3 has no 'features' command; it was added in runc 1.1"
    assert [call.argv for call in runner.calls] == [["runc", "--version"]]


def test_default_spec_reads_back_what_runc_spec_wrote(runc: Runc, runner: t.Any) -> None:
    spec = {"ociVersion": "1.0.2-dev", "process": {"args": ["sh"]}}
    bundles: t.List[str] = []

    def runc_spec(call: t.Any) -> None:
        bundle = call.argv[call.argv.index("--bundle") + 1]
        bundles.append(bundle)
        Path(bundle, "config.json").write_text(json.dumps(spec))

    runner.respond(action=runc_spec)
    assert runc.default_spec(rootless=True) == spec
    assert runner.last.argv == ["runc", "spec", "--bundle", bundles[0], "--rootless"]
    assert not os.path.exists(bundles[0]), "the temporary bundle must be removed"


# -- exec ---------------------------------------------------------------------------------------------

class ProcessFileSeen(t.NamedTuple):
    path: str
    mode: int
    content: t.Any


def capture_process_file(seen: t.List[ProcessFileSeen]) -> t.Callable[[t.Any], None]:
    def action(call: t.Any) -> None:
        path = call.argv[call.argv.index("--process") + 1]
        seen.append(ProcessFileSeen(path, stat.S_IMODE(os.stat(path).st_mode), json.loads(Path(path).read_text())))
    return action


def test_exec_with_process_spec_file(runc: Runc, runner: t.Any, tmp_path: Path) -> None:
    seen: t.List[ProcessFileSeen] = []
    runner.respond(stdout="SECRET=1\n", rc=3, action=capture_process_file(seen))
    result = runc.exec("c1", ExecOptions(process=PROCESS), tmpdir=str(tmp_path))
    argv = runner.last.argv
    assert argv == ["runc", *private_log_args(argv), "exec", "--process", seen[0].path, "c1"]
    assert seen[0].mode == 0o600
    assert seen[0].content == PROCESS
    assert os.path.dirname(seen[0].path) == str(tmp_path)
    assert not os.path.exists(seen[0].path), "the process file must be removed"
    # The process's own status is a result, not an error.
    assert (result.rc, result.out) == (3, "SECRET=1\n")


@pytest.mark.parametrize("canned", [
    pytest.param({"rc": 255, "action_log": "exec failed: cannot exec in a paused container"}, id="runc-error"),
    pytest.param({"error": RuncTimeoutError("timed out")}, id="timeout"),
])
def test_exec_removes_the_process_file_on_error(runc: Runc, runner: t.Any, tmp_path: Path,
                                                canned: t.Dict[str, t.Any]) -> None:
    seen: t.List[ProcessFileSeen] = []
    capture = capture_process_file(seen)
    log_message = canned.get("action_log")

    def action(call: t.Any) -> None:
        capture(call)
        if log_message:
            write_runc_log(log_message)(call)

    runner.respond(action=action, rc=canned.get("rc", 0), error=canned.get("error"))
    with pytest.raises(RuncError):
        runc.exec("c1", ExecOptions(process=PROCESS), tmpdir=str(tmp_path))
    assert seen and not os.path.exists(seen[0].path)
    assert list(tmp_path.iterdir()) == []


def test_exec_with_flags_and_command(runc: Runc, runner: t.Any) -> None:
    options = ExecOptions(command=["sh", "-c", "echo hi"], env=["A=1"], user="0", cwd="/tmp")
    runc.exec("c1", options, stdin=b"input")
    argv = runner.last.argv
    assert argv == ["runc", *private_log_args(argv), "exec", "--cwd", "/tmp", "--env", "A=1", "--user", "0", "c1",
                    "sh", "-c", "echo hi"]
    assert runner.last.data == b"input"
    assert runner.last.io is None


def test_exec_detached_binds_io(runc: Runc, runner: t.Any) -> None:
    runc.exec("c1", ExecOptions(command=["sleep", "9"], detach=True, io=IO))
    assert runner.last.io == IO
    assert "--detach" in runner.last.argv


def test_exec_runc_failure_raises_with_the_logged_message(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    message = "exec failed: cannot exec in a paused container (use --ignore-paused to override)"
    runner.respond(rc=255, action=write_runc_log(message))
    with pytest.raises(RuncError) as caught:
        runc.exec("fx-paused", ExecOptions(command=["true"]))
    assert caught.value.runc_message == message
    assert caught.value.rc == 255


def test_exec_process_stderr_that_looks_like_a_runc_log_is_not_a_failure(runc: Runc, runner: t.Any) -> None:
    """Only runc's own log tells runc's failure from the process's: its stderr is the process's."""
    runner.respond(rc=0, stderr='time="t" level=error msg="the app logs like logrus"\n')
    result = runc.exec("c1", ExecOptions(command=["app"]))
    assert result.rc == 0
    assert "the app logs like logrus" in result.err


# -- timeouts -------------------------------------------------------------------------------------------

def test_client_default_timeout(runner: t.Any) -> None:
    Runc(runner=runner, timeout=7.5).pause("c1")
    assert runner.last.timeout == 7.5


PER_CALL_TIMEOUT = [
    ("create", lambda r: r.create("c1", CreateOptions(bundle="/b"), timeout=3)),
    ("run", lambda r: r.run("c1", RunOptions(bundle="/b"), timeout=3)),
    ("start", lambda r: r.start("c1", timeout=3)),
    ("delete", lambda r: r.delete("c1", timeout=3)),
    ("kill", lambda r: r.kill("c1", timeout=3)),
    ("pause", lambda r: r.pause("c1", timeout=3)),
    ("resume", lambda r: r.resume("c1", timeout=3)),
    ("update", lambda r: r.update("c1", UpdateOptions(memory=1), timeout=3)),
    ("exec", lambda r: r.exec("c1", ExecOptions(command=["id"]), timeout=3)),
    ("checkpoint", lambda r: r.checkpoint("c1", CheckpointOptions(), timeout=3)),
    ("restore", lambda r: r.restore("c1", RestoreOptions(), timeout=3)),
]


@pytest.mark.parametrize("call", [pytest.param(call, id=name) for name, call in PER_CALL_TIMEOUT])
def test_per_call_timeout(runner: t.Any, call: t.Callable[[Runc], t.Any]) -> None:
    call(Runc(runner=runner, timeout=99))
    assert runner.last.timeout == 3


# -- errors ----------------------------------------------------------------------------------------------

def test_state_of_missing_container_raises_not_found(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond(rc=1, stderr=recorded("err-state-missing.txt"))
    with pytest.raises(ContainerNotFoundError) as caught:
        runc.state("fx-missing")
    error = caught.value
    assert error.runc_message == "container does not exist"
    assert str(error) == "runc state failed (exit 1): container does not exist"
    assert error.as_dict() == {"cmd": ["runc", "state", "fx-missing"], "rc": 1, "stdout": "",
                               "stderr": recorded("err-state-missing.txt"), "runc_message": "container does not exist"}


def test_find_of_missing_container_is_none(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond(rc=1, stderr=recorded("err-state-missing.txt"))
    assert runc.find("fx-missing") is None


def test_find_of_existing_container(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond(stdout=recorded("state-paused.json"))
    found = runc.find("fx-paused")
    assert found is not None and found.status == "paused"


def test_find_does_not_hide_other_errors(runc: Runc, runner: t.Any) -> None:
    runner.respond(rc=1, stderr='level=error msg="open /run/r/state.json: permission denied"\n')
    with pytest.raises(RuncError, match="permission denied") as caught:
        runc.find("c1")
    assert not isinstance(caught.value, ContainerNotFoundError)


@pytest.mark.parametrize("name, call, rc", [
    pytest.param("err-create-exists.txt", lambda r: r.start("fx-created"), 1, id="create-exists"),
    pytest.param("err-delete-running.txt", lambda r: r.delete("fx-running"), 1, id="delete-running"),
    pytest.param("err-kill-stopped.txt", lambda r: r.kill("fx-stopped"), 1, id="kill-stopped"),
    pytest.param("err-checkpoint-regular-file.txt", lambda r: r.checkpoint("fx-fileout", CheckpointOptions()), 1,
                 id="checkpoint-two-messages"),
])
def test_recorded_failures_keep_runcs_message(runc: Runc, runner: t.Any, recorded: Recorded, name: str,
                                              call: t.Callable[[Runc], t.Any], rc: int) -> None:
    stderr = recorded(name)
    runner.respond(rc=rc, stderr=stderr)
    with pytest.raises(RuncError) as caught:
        call(runc)
    error = caught.value
    assert not isinstance(error, ContainerNotFoundError)
    assert error.stderr == stderr
    assert error.runc_message
    for line in stderr.splitlines():
        message = line.split('msg="', 1)[1].rstrip('"').replace("\\n", "\n")
        assert message in error.runc_message
        assert message in str(error)


def test_private_log_message_when_stderr_is_empty(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    """With the container's stdio redirected, runc's message is only in --log."""
    log_line = recorded("err-log-json.jsonl")

    def runc_create(call: t.Any) -> None:
        Path(log_path_of(call.argv)).write_text(log_line)

    runner.respond(rc=1, stderr="", action=runc_create)
    with pytest.raises(RuncError) as caught:
        runc.create("fx-nobin", CreateOptions(bundle="/b", io=IO))
    expected = json.loads(log_line)["msg"]
    assert caught.value.runc_message == expected
    assert caught.value.stderr == ""
    assert expected in str(caught.value)


def test_private_log_message_and_stderr_are_not_repeated(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    log_line = recorded("err-log-json.jsonl")
    stderr = recorded("err-log-json.stderr.txt")
    runner.respond(rc=1, stderr=stderr, action=lambda call: Path(log_path_of(call.argv)).write_text(log_line))
    with pytest.raises(RuncError) as caught:
        runc.run("fx-nobin", RunOptions(bundle="/b"))
    message = json.loads(log_line)["msg"]
    assert str(caught.value) == "runc run failed (exit 1): " + message
    assert caught.value.stderr == stderr


def test_users_own_log_is_kept_and_read_from_where_this_call_began(runner: t.Any, tmp_path: Path) -> None:
    log = tmp_path / "runc.log"
    log.write_text('{"level":"error","msg":"an older failure"}\n')
    runc = Runc(GlobalOptions(log=str(log), log_format="json"), runner=runner)
    runner.respond(rc=1, action=lambda call: log.open("a").write('{"level":"error","msg":"this failure"}\n'))
    with pytest.raises(RuncError) as caught:
        runc.create("c1", CreateOptions(bundle="/b"))
    assert runner.last.argv == ["runc", "--log", str(log), "--log-format", "json", "create", "--bundle", "/b", "c1"]
    assert caught.value.runc_message == "this failure"


def test_failure_without_any_message_keeps_stdout(runc: Runc, runner: t.Any) -> None:
    runner.respond(rc=2, stdout="something on stdout\n")
    with pytest.raises(RuncError, match=r"runc pause failed \(exit 2\): something on stdout"):
        runc.pause("c1")


def test_unparseable_success_output_raises(runc: Runc, runner: t.Any) -> None:
    runner.respond(stdout="")
    with pytest.raises(RuncParseError, match="runc state: output is not JSON"):
        runc.state("c1")


# -- version gates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("options, flag", [
    pytest.param(CheckpointOptions(tcp_skip_in_flight=True), "tcp_skip_in_flight", id="tcp-skip-in-flight"),
    pytest.param(CheckpointOptions(link_remap=True), "link_remap", id="link-remap"),
    pytest.param(RestoreOptions(manage_cgroups_mode="ignore"), "manage_cgroups_mode=ignore", id="cgroups-mode-ignore"),
])
def test_flags_of_runc_12_are_refused_on_115(runc_115: Runc, runner: t.Any, options: CheckpointOptions,
                                             flag: str) -> None:
    with pytest.raises(RuncUnsupportedError) as caught:
        runc_115.checkpoint("c1", options)
    assert str(caught.value) == "%s needs runc 1.2.0 or newer; this runc is 1.1.5+ds1" % flag
    assert [call.argv for call in runner.calls] == [["runc", "--version"]]


def test_flags_of_runc_12_pass_on_13(runner: t.Any) -> None:
    runner.respond_to("--version", stdout=RUNC_13)
    Runc(runner=runner).checkpoint("c1", CheckpointOptions(tcp_skip_in_flight=True, link_remap=True))
    assert runner.last.argv == ["runc", "checkpoint", "--tcp-skip-in-flight", "--link-remap", "c1"]


def test_a_flag_like_word_in_an_exec_command_needs_no_version(runc: Runc, runner: t.Any) -> None:
    """Only options are version-gated: a command's own arguments are not runc flags."""
    runc.exec("c1", ExecOptions(command=["grep", "--link-remap", "/etc/criu.conf"]))
    assert len(runner.calls) == 1
    assert runner.last.argv[-3:] == ["grep", "--link-remap", "/etc/criu.conf"]


# -- ids are validated before any call ---------------------------------------------------------------------

ID_CALLS = [
    ("state", lambda r, i: r.state(i)),
    ("find", lambda r, i: r.find(i)),
    ("ps", lambda r, i: r.ps(i)),
    ("top", lambda r, i: r.top(i)),
    ("stats", lambda r, i: r.stats(i)),
    ("create", lambda r, i: r.create(i, CreateOptions(bundle="/b"))),
    ("run", lambda r, i: r.run(i, RunOptions(bundle="/b"))),
    ("start", lambda r, i: r.start(i)),
    ("delete", lambda r, i: r.delete(i)),
    ("kill", lambda r, i: r.kill(i)),
    ("pause", lambda r, i: r.pause(i)),
    ("resume", lambda r, i: r.resume(i)),
    ("update", lambda r, i: r.update(i, UpdateOptions(memory=1))),
    ("exec", lambda r, i: r.exec(i, ExecOptions(process=PROCESS))),
    ("checkpoint", lambda r, i: r.checkpoint(i, CheckpointOptions())),
    ("restore", lambda r, i: r.restore(i, RestoreOptions())),
]


@pytest.mark.parametrize("container_id", ["../etc", "a b", "", "--force"], ids=["escape", "space", "empty", "flag"])
@pytest.mark.parametrize("call", [pytest.param(call, id=name) for name, call in ID_CALLS])
def test_invalid_id_raises_before_any_runner_call(runc: Runc, runner: t.Any,
                                                  call: t.Callable[[Runc, str], t.Any], container_id: str) -> None:
    with pytest.raises(InvalidContainerIdError):
        call(runc, container_id)
    assert runner.calls == []
