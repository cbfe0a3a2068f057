# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ocitools.runc.runc_exec against the real runc, through ansible-core."""

from __future__ import annotations

import hashlib
import json
import time
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import KillOptions, RunOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import ContainerIO

CONTAINER = "exec-target"
LOOP = ["sh", "-c", "while true; do sleep 1; done"]
SECRET = "hunter2-correct-horse-battery"
FIVE_MB = 5 * 1024 * 1024
LINE = "0123456789abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def runc(runc_root: Path) -> Runc:
    return Runc(GlobalOptions(root=str(runc_root)), timeout=30)


@pytest.fixture
def container(runc: Runc, bundle_factory: t.Callable[..., Path], tmp_path: Path) -> str:
    """A running busybox container (stdio in files: never a pipe)."""
    bundle = bundle_factory(CONTAINER, LOOP)
    io = ContainerIO(stdout=str(tmp_path / "init.out"), stderr=str(tmp_path / "init.err"))
    runc.run(CONTAINER, RunOptions(bundle=str(bundle), io=io))
    return CONTAINER


@pytest.fixture
def exec_args(runc_root: Path) -> t.Callable[..., t.Dict[str, t.Any]]:
    def args(**values: t.Any) -> t.Dict[str, t.Any]:
        values.setdefault("id", CONTAINER)
        values["root"] = str(runc_root)
        return values
    return args


def test_stdout_stderr_and_rc(ansible: t.Any, container: str, exec_args: t.Any) -> None:
    task = ansible.module("runc_exec", exec_args(argv=["sh", "-c", "echo to-out; echo to-err >&2; exit 3"]))
    assert task.failed
    result = task.result
    assert (result["msg"], result["rc"]) == ("non-zero return code", 3)
    assert (result["stdout"], result["stderr"]) == ("to-out", "to-err")  # strip_empty_ends, as command
    assert (result["stdout_lines"], result["stderr_lines"]) == (["to-out"], ["to-err"])
    assert result["cmd"] == ["sh", "-c", "echo to-out; echo to-err >&2; exit 3"]
    assert {"start", "end", "delta"} <= set(result)


def test_cmd_is_split_like_the_command_module(ansible: t.Any, container: str, exec_args: t.Any) -> None:
    task = ansible.module("runc_exec", exec_args(cmd="echo 'a  b' $HOME"))
    assert task.status == "ok" and task.changed
    assert task.result["stdout"] == "a  b $HOME"  # quotes kept the spaces; no shell expanded $HOME


def test_env_reaches_the_process_and_its_value_is_never_shown(ansible: t.Any, container: str, exec_args: t.Any) -> None:
    # The process proves it got the value by its hash, so the value itself is nowhere in the task's args.
    args = exec_args(argv=["sh", "-c", 'printf %s "$DB_PASSWORD" | sha256sum'], env={"DB_PASSWORD": SECRET})
    run = ansible.module_run("runc_exec", args, verbosity=3)
    task = run.tasks[0]
    assert task.status == "ok", task.result
    assert task.result["stdout"].split()[0] == hashlib.sha256(SECRET.encode()).hexdigest()
    assert task.result["env"] == ["DB_PASSWORD=********"]
    assert SECRET not in json.dumps(task.result)
    assert SECRET not in run.stdout and SECRET not in run.stderr
    assert "DB_PASSWORD" in run.stdout  # -vvv did print the invocation, with the value masked


def test_stdin_round_trips(ansible: t.Any, container: str, exec_args: t.Any) -> None:
    data = "line one\nline two with ümlaut\n\nlast"
    with_newline = ansible.module("runc_exec", exec_args(argv=["cat"], stdin=data, strip_empty_ends=False))
    exact = ansible.module("runc_exec", exec_args(argv=["cat"], stdin=data, stdin_add_newline=False,
                                                  strip_empty_ends=False))
    assert with_newline.result["stdout"] == data + "\n"
    assert exact.result["stdout"] == data


def test_timeout_kills_the_process_in_the_container(ansible: t.Any, runc: Runc, container: str, exec_args: t.Any) -> None:
    timeout = 2.0
    started = time.monotonic()
    task = ansible.module("runc_exec", exec_args(argv=["sh", "-c", "sleep 1000 & sleep 1001"], timeout=timeout))
    elapsed = time.monotonic() - started
    assert task.failed
    assert task.result["msg"].startswith("the command did not finish within 2.0 seconds (timeout) and was killed")
    assert task.result["rc"] == -9
    delta = task.result["delta"]  # H:MM:SS.ffffff
    assert float(delta.split(":")[-1]) < timeout + 3
    assert elapsed < timeout + 15  # ansible's own start-up included
    commands = [row["CMD"] for row in runc.top(container).to_dicts()]
    assert not [cmd for cmd in commands if "sleep 100" in cmd], commands


def test_five_megabytes_come_back_byte_identical(ansible: t.Any, container: str, exec_args: t.Any) -> None:
    expected = ((LINE + "\n") * (FIVE_MB // len(LINE) + 1))[:FIVE_MB]
    started = time.monotonic()
    task = ansible.module("runc_exec", exec_args(argv=["sh", "-c", "yes %s | head -c %d" % (LINE, FIVE_MB)]))
    elapsed = time.monotonic() - started
    assert task.status == "ok"
    stdout = task.result["stdout"]
    assert len(stdout) == FIVE_MB
    assert hashlib.sha256(stdout.encode()).hexdigest() == hashlib.sha256(expected.encode()).hexdigest()
    print("5 MB exec: module delta %s, whole ansible run %.2f s" % (task.result["delta"], elapsed))
    assert elapsed < 30


def test_binary_output_does_not_crash(ansible: t.Any, container: str, exec_args: t.Any) -> None:
    task = ansible.module("runc_exec", exec_args(argv=["printf", "ok\\377\\376\\000end"]))
    assert task.status == "ok", task.result
    assert task.result["stdout"].startswith("ok\ufffd\ufffd") and task.result["stdout"].endswith("end")


def test_creates_inside_the_container_and_check_mode(ansible: t.Any, container: str, exec_args: t.Any) -> None:
    # /dev/shm is a tmpfs inside the container: only the container's own view of its files has it.
    args = exec_args(argv=["touch", "/dev/shm/initialised"], creates="/dev/shm/initialised")
    checked = ansible.module("runc_exec", args, check=True)
    assert (checked.status, checked.changed, checked.result["msg"]) == (
        "ok", True, "Command would have run if not in check mode")
    first = ansible.module("runc_exec", args)
    second = ansible.module("runc_exec", args)
    assert (first.status, first.changed) == ("ok", True)
    assert (second.status, second.changed) == ("ok", False)
    assert second.result["msg"] == "skipped, since /dev/shm/initialised exists"


def test_detach_returns_a_pid_in_the_container(ansible: t.Any, runc: Runc, container: str, exec_args: t.Any) -> None:
    task = ansible.module("runc_exec", exec_args(argv=["sleep", "300"], detach=True))
    assert (task.status, task.changed) == ("ok", True)
    assert task.result["pid"] in runc.ps(container)


def test_user_and_cwd(ansible: t.Any, container: str, exec_args: t.Any) -> None:
    task = ansible.module("runc_exec", exec_args(argv=["sh", "-c", "id -u; id -g; pwd"], user="1000:1001", cwd="/tmp"))
    assert task.result["stdout_lines"] == ["1000", "1001", "/tmp"]


def test_paused_stopped_and_missing_containers(ansible: t.Any, runc: Runc, container: str, exec_args: t.Any) -> None:
    runc.pause(container)
    paused = ansible.module("runc_exec", exec_args(argv=["true"]))
    runc.resume(container)
    runc.kill(container, KillOptions(signal="KILL"))
    deadline = time.monotonic() + 5
    while runc.state(container).status != "stopped" and time.monotonic() < deadline:
        time.sleep(0.05)
    stopped = ansible.module("runc_exec", exec_args(argv=["true"]))
    missing = ansible.module("runc_exec", exec_args(id="no-such-container", argv=["true"]))
    assert paused.failed and paused.result["msg"].startswith("container 'exec-target' is paused")
    assert stopped.failed and stopped.result["msg"].startswith("container 'exec-target' is stopped")
    assert missing.failed and missing.result["msg"].startswith("container 'no-such-container' does not exist under root")


def test_bad_input_names_the_option(ansible: t.Any, container: str, exec_args: t.Any) -> None:
    task = ansible.module("runc_exec", exec_args(argv=["true"], capabilities=["CAP_NOPE"]))
    assert task.failed and task.result["msg"].startswith("capabilities: unknown capability 'CAP_NOPE'")
