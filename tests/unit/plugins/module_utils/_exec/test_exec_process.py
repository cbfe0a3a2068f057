# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_exec's options: checked with messages naming the option, and the process spec built
from the container's own process."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._common.process import merge_env
from ansible_collections.ocitools.runc.plugins.module_utils._exec.process import (
    ExecInputError,
    ExecRequest,
    build_process,
    command_argv,
    masked_env,
    normalize_capability,
    parse_user,
    request_from_params,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError

SECRET = "s3cr3t-value"

CONTAINER_PROCESS: t.Dict[str, t.Any] = {
    "terminal": True,
    "consoleSize": {"height": 24, "width": 80},
    "user": {"uid": 0, "gid": 0},
    "args": ["sh"],
    "env": ["PATH=/usr/bin:/bin", "TERM=xterm"],
    "cwd": "/srv",
    "capabilities": {
        "bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"],
        "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"],
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
    "apparmorProfile": "runc-default",
    "noNewPrivileges": True,
}


@pytest.mark.parametrize("argv, cmd, expected", [
    pytest.param(["echo", "a b"], None, ("echo", "a b"), id="argv"),
    pytest.param(None, "echo 'a b' c", ("echo", "a b", "c"), id="cmd-quoted"),
    pytest.param(None, 'sh -c "echo $HOME > /tmp/x"', ("sh", "-c", "echo $HOME > /tmp/x"), id="cmd-no-shell"),
])
def test_command_argv(argv: t.Optional[t.List[str]], cmd: t.Optional[str], expected: t.Tuple[str, ...]) -> None:
    assert command_argv(argv, cmd) == expected


@pytest.mark.parametrize("argv, cmd, message", [
    pytest.param(None, None, "one of argv or cmd is required", id="neither"),
    pytest.param(["a"], "a", "mutually exclusive", id="both"),
    pytest.param(None, "echo 'open", "cmd: cannot split", id="bad-quotes"),
    pytest.param([], None, "command is empty", id="empty-argv"),
    pytest.param(None, "   ", "command is empty", id="blank-cmd"),
])
def test_command_argv_refused(argv: t.Optional[t.List[str]], cmd: t.Optional[str], message: str) -> None:
    with pytest.raises(ExecInputError, match=message):
        command_argv(argv, cmd)


@pytest.mark.parametrize("user, expected", [
    (None, (None, None)), ("", (None, None)), ("1000", (1000, None)), ("1000:100", (1000, 100)), ("0:0", (0, 0)),
])
def test_parse_user(user: t.Optional[str], expected: t.Tuple[t.Optional[int], t.Optional[int]]) -> None:
    assert parse_user(user) == expected


@pytest.mark.parametrize("user", ["root", "1000:", ":1", "1:2:3", "-1", "4294967296", "10 00"])
def test_parse_user_refused(user: str) -> None:
    with pytest.raises(ExecInputError, match="^user: "):
        parse_user(user)


@pytest.mark.parametrize("name, expected", [
    ("CAP_NET_ADMIN", "CAP_NET_ADMIN"), ("cap_net_admin", "CAP_NET_ADMIN"), ("net_admin", "CAP_NET_ADMIN"),
    (" SYS_PTRACE ", "CAP_SYS_PTRACE"), ("CAP_CHECKPOINT_RESTORE", "CAP_CHECKPOINT_RESTORE"),
])
def test_normalize_capability(name: str, expected: str) -> None:
    assert normalize_capability(name) == expected


@pytest.mark.parametrize("name", ["CAP_NET_ADMINN", "ALL", "", "CAP_"])
def test_normalize_capability_refused(name: str) -> None:
    with pytest.raises(ExecInputError, match="^capabilities: unknown capability"):
        normalize_capability(name)


def params(**overrides: t.Any) -> t.Dict[str, t.Any]:
    base: t.Dict[str, t.Any] = {"id": "web", "argv": ["true"], "cmd": None, "stdin_add_newline": True}
    base.update(overrides)
    return base


def test_request_from_params_full() -> None:
    request = request_from_params(params(
        env={"SECRET": SECRET, "N": 3}, user="1000:100", additional_gids=[10, 20], stdin="data",
        capabilities=["net_admin", "CAP_NET_ADMIN", "sys_ptrace"], timeout=5.0, no_new_privileges=False,
        creates="/done", run_in_check_mode=True,
    ))
    assert request == ExecRequest(
        container_id="web", argv=("true",), env=(("SECRET", SECRET), ("N", "3")), uid=1000, gid=100,
        additional_gids=(10, 20), stdin=b"data\n", timeout=5.0,
        capabilities=("CAP_NET_ADMIN", "CAP_SYS_PTRACE"), no_new_privileges=False, creates="/done",
        run_in_check_mode=True,
    )


def test_stdin_without_newline() -> None:
    assert request_from_params(params(stdin="x", stdin_add_newline=False)).stdin == b"x"


@pytest.mark.parametrize("overrides, message", [
    pytest.param({"timeout": 0.0}, "^timeout: ", id="timeout-zero"),
    pytest.param({"detach": True, "stdin": "x"}, "^stdin: ", id="detach-stdin"),
    pytest.param({"additional_gids": [-1]}, "^additional_gids: ", id="negative-gid"),
    pytest.param({"env": {"A=B": SECRET}}, "^env: 'A=B' is not a valid", id="env-name"),
])
def test_request_refused(overrides: t.Dict[str, t.Any], message: str) -> None:
    with pytest.raises(ExecInputError, match=message) as caught:
        request_from_params(params(**overrides))
    assert SECRET not in str(caught.value)


def test_request_refuses_a_bad_id() -> None:
    with pytest.raises(InvalidContainerIdError):
        request_from_params(params(id="../etc"))


def test_merge_env_replaces_by_name_and_keeps_order() -> None:
    assert merge_env(["PATH=/bin", "TERM=xterm", "EMPTY"], [("TERM", "dumb"), ("NEW", "a=b")]) == [
        "PATH=/bin", "TERM=dumb", "EMPTY", "NEW=a=b"]


def test_build_process_inherits_the_container_process() -> None:
    process = build_process(CONTAINER_PROCESS, ExecRequest("web", ("id",)))
    assert process["args"] == ["id"]
    assert process["terminal"] is False and "consoleSize" not in process
    for key in ("env", "cwd", "user", "capabilities", "rlimits", "apparmorProfile", "noNewPrivileges"):
        assert process[key] == CONTAINER_PROCESS[key], key
    assert CONTAINER_PROCESS["terminal"] is True  # the container's config is not modified


def test_build_process_overrides() -> None:
    request = ExecRequest(
        "web", ("id",), env=(("SECRET", SECRET),), cwd="/tmp", uid=1000, gid=None, additional_gids=(5,),
        capabilities=("CAP_KILL", "CAP_NET_ADMIN"), no_new_privileges=False,
    )
    process = build_process(CONTAINER_PROCESS, request)
    assert process["env"] == ["PATH=/usr/bin:/bin", "TERM=xterm", "SECRET=" + SECRET]
    assert process["cwd"] == "/tmp"
    assert process["user"] == {"uid": 1000, "gid": 0, "additionalGids": [5]}
    for name in ("bounding", "effective", "permitted", "ambient"):
        assert process["capabilities"][name] == ["CAP_KILL", "CAP_NET_ADMIN"], name
    assert process["capabilities"]["inheritable"] == ["CAP_KILL"]
    assert process["noNewPrivileges"] is False


def test_capabilities_without_inheritable_leave_ambient_alone() -> None:
    process = build_process({"capabilities": {"bounding": []}}, ExecRequest("web", ("id",), capabilities=("CAP_KILL",)))
    assert process["capabilities"] == {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}


def test_build_process_from_an_empty_process() -> None:
    process = build_process({}, ExecRequest("web", ("id",)))
    assert process == {"terminal": False, "args": ["id"], "env": [], "cwd": "/", "user": {"uid": 0, "gid": 0}}


def test_masked_env() -> None:
    assert masked_env(ExecRequest("web", ("id",), env=(("SECRET", SECRET), ("B", "")))) == [
        "SECRET=********", "B=********"]
