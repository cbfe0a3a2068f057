# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one module entry: shared options become a Runc client only when the task asks for it, every
failure (TaskError, RuncError, a bad id, OSError) becomes one clean failed result, warnings are
forwarded and the diff is kept only under --diff."""

from __future__ import annotations

import errno
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import (
    COMMON_ARGUMENT_SPEC,
    failure_result,
    run_task,
    runc_argument_spec,
    runc_client,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError, RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions

RunModule = t.Callable[..., t.Dict[str, t.Any]]
SHARED_DEFAULTS = {name: spec.get("default") for name, spec in COMMON_ARGUMENT_SPEC.items()}


def params(**given: t.Any) -> t.Dict[str, t.Any]:
    return dict(SHARED_DEFAULTS, **given)


def nowhere(_name: str) -> t.Optional[str]:
    return None


def test_client_from_params(fake_runc: Path, tmp_path: Path) -> None:
    criu = tmp_path / "criu"
    criu.write_text("")
    criu.chmod(0o755)
    runc = runc_client(params(executable=str(fake_runc), root="/run/r", debug=True, log="/l", log_format="json",
                              criu=str(criu), systemd_cgroup=True, rootless="auto", command_timeout=5), nowhere)
    assert runc.options == GlobalOptions(command=str(fake_runc), root="/run/r", debug=True, log="/l",
                                         log_format="json", criu=str(criu), systemd_cgroup=True, rootless="auto")
    assert runc.timeout == 5


def test_executable_is_looked_up_on_path(fake_runc: Path) -> None:
    assert runc_client(params(), lambda name: str(fake_runc) if name == "runc" else None).options.command == str(fake_runc)


@pytest.mark.parametrize("given, find, message", [
    pytest.param(dict(executable="no-such-runc"), nowhere, "executable: 'no-such-runc' was not found on PATH", id="not-on-path"),
    pytest.param(dict(executable="/no/sbin/runc"), nowhere, "executable: /no/sbin/runc is not an executable file",
                 id="path-missing"),
    pytest.param(dict(command_timeout=0), nowhere,
                 "command_timeout must be a number of seconds above 0 and at most 86400", id="timeout-0"),
    pytest.param(dict(command_timeout=-0.5), nowhere, "command_timeout must be a number of seconds above 0",
                 id="timeout-negative"),
    pytest.param(dict(command_timeout=86401), nowhere, "command_timeout must be a number of seconds above 0 and "
                 "at most 86400, got 86401", id="timeout-over-a-day"),
    pytest.param(dict(root="/proc/ocitools-root"), nowhere, "root: /proc/ocitools-root is on a proc file system",
                 id="root-on-proc"),
    pytest.param(dict(root="/etc/hostname"), nowhere, "root: /etc/hostname exists and is not a directory; give "
                 "runc's state directory (default /run/runc)", id="root-a-file"),
])
def test_bad_shared_option_is_a_task_error(given: t.Dict[str, t.Any], find: t.Any, message: str) -> None:
    with pytest.raises(TaskError) as caught:
        runc_client(params(**given), find)
    assert caught.value.msg.startswith(message)


def test_executable_path_not_executable(fake_runc: Path) -> None:
    fake_runc.chmod(0o644)
    with pytest.raises(TaskError, match="executable: %s is not an executable file" % fake_runc):
        runc_client(params(executable=str(fake_runc)), nowhere)


@pytest.mark.parametrize("mode, exists", [
    pytest.param(0o644, True, id="not-executable"),
    pytest.param(0o755, False, id="missing"),
])
def test_criu_not_executable(fake_runc: Path, tmp_path: Path, mode: int, exists: bool) -> None:
    criu = tmp_path / "criu"
    if exists:
        criu.write_text("")
        criu.chmod(mode)
    with pytest.raises(TaskError, match="criu: %s is not an executable file" % criu):
        runc_client(params(executable=str(fake_runc), criu=str(criu)), nowhere)


def test_failure_of_a_runc_error_keeps_everything() -> None:
    error = RuncError("runc start failed (exit 1): boom", argv=["runc", "start", "c1"], rc=1, stdout="o",
                      stderr="level=error msg=boom\n", runc_message="boom")
    assert failure_result(error) == {
        "msg": "runc start failed (exit 1): boom", "cmd": ["runc", "start", "c1"], "rc": 1, "stdout": "o",
        "stderr": "level=error msg=boom\n", "runc_message": "boom"}


@pytest.mark.parametrize("error, expected", [
    pytest.param(TaskError("bundle: bad", path="/b"), {"msg": "bundle: bad", "path": "/b"}, id="task-error"),
    pytest.param(InvalidContainerIdError("container id 'a b' is invalid"),
                 {"msg": "id: container id 'a b' is invalid"}, id="invalid-id"),
    pytest.param(PermissionError(errno.EACCES, "Permission denied", "/srv/x"),
                 {"path": "/srv/x", "errno": errno.EACCES}, id="os-error"),
    pytest.param(KeyError("x"), None, id="not-handled"),
])
def test_failure_result(error: BaseException, expected: t.Optional[t.Dict[str, t.Any]]) -> None:
    result = failure_result(error)
    if expected is None or "msg" in expected:
        assert result == expected
    else:
        assert result is not None and {key: result[key] for key in expected} == expected
        assert result["msg"].startswith("/srv/x: Permission denied; check that the path")


def test_module_options_extend_the_shared_ones() -> None:
    spec = runc_argument_spec(dict(name=dict(type="str", required=True)))
    assert spec["name"] == {"type": "str", "required": True}
    assert set(COMMON_ARGUMENT_SPEC) < set(spec)


# -- run_task, driven as a module --------------------------------------------------------------

def _main(task: t.Callable[..., t.Dict[str, t.Any]]) -> t.Callable[[], None]:
    return lambda: run_task(dict(name=dict(type="str")), task)


def test_result_warnings_and_no_diff_without_diff_mode(run_module: RunModule) -> None:
    def task(task_params: t.Any, make_runc: t.Any, check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
        return {"changed": True, "name": task_params["name"], "warnings": ["careful"], "diff": {"before": 1, "after": 2}}

    result = run_module(_main(task), {"name": "n"})
    assert (result["changed"], result["name"], result["warnings"], "diff" in result) == (True, "n", ["careful"], False)


def test_diff_kept_under_diff_mode_and_modes_reach_the_task(run_module: RunModule) -> None:
    seen: t.List[t.Tuple[bool, bool]] = []

    def task(task_params: t.Any, make_runc: t.Any, check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
        seen.append((check_mode, diff))
        return {"changed": False, "diff": {"before": {"a": 1}, "after": {"a": 1}}}

    result = run_module(_main(task), {}, check_mode=True, diff=True)
    assert result["diff"] == {"before": {"a": 1}, "after": {"a": 1}} and seen == [(True, True)]


def test_options_are_checked_before_runc_is_looked_for(run_module: RunModule) -> None:
    def task(task_params: t.Any, make_runc: t.Any, check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
        raise TaskError("name: bad", name=task_params["name"])

    result = run_module(_main(task), {"name": "x", "executable": "/no/such/runc"})
    assert (result["failed"], result["msg"], result["name"]) == (True, "name: bad", "x")


def _raise(error: Exception) -> None:
    raise error


@pytest.mark.parametrize("raised, message", [
    pytest.param(lambda make_runc: make_runc(), "executable: /no/such/runc is not an executable file", id="no-runc"),
    pytest.param(lambda make_runc: open("/proc/forbidden-root/x", "w"), "/proc/forbidden-root/x: No such file",
                 id="os-error"),
    pytest.param(lambda make_runc: _raise(RuncError("runc state failed (exit 1)", rc=1)),
                 "runc state failed (exit 1)", id="runc-error"),
])
def test_every_failure_is_clean(run_module: RunModule, raised: t.Callable[[t.Any], t.Any], message: str) -> None:
    def task(task_params: t.Any, make_runc: t.Any, check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
        raised(make_runc)
        return {}

    result = run_module(_main(task), {"executable": "/no/such/runc"})
    assert result["failed"] is True and result["msg"].startswith(message), result


def test_client_is_made_once(run_module: RunModule, fake_runc: Path) -> None:
    def task(task_params: t.Any, make_runc: t.Any, check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
        return {"changed": False, "same": make_runc() is make_runc()}

    assert run_module(_main(task), {"executable": str(fake_runc)})["same"] is True


@pytest.mark.parametrize("given, message", [
    pytest.param({"name": "/tmp\0x"}, "name: contains a NUL byte", id="nul-option"),
    pytest.param({"name": "n", "log": "/tmp/l\0g"}, "log: contains a NUL byte", id="nul-shared-option"),
    pytest.param({"env": {"S": "i10-secret\0"}}, "env.S: contains a NUL byte", id="nul-env"),
])
def test_nul_bytes_fail_before_the_task(run_module: RunModule, given: t.Dict[str, t.Any], message: str) -> None:
    ran: t.List[bool] = []

    def task(task_params: t.Any, make_runc: t.Any, check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
        ran.append(True)
        return {"changed": False}

    def main() -> None:
        run_task(dict(name=dict(type="str"), env=dict(type="dict", no_log=True)), task)

    # ansible-core 2.21 logs the invocation to syslog before the module runs, which itself fails cleanly on a NUL
    # byte in an option that is not no_log ("Failed to log to syslog"); a no_log task skips that log, as 2.19 does.
    result = run_module(main, dict(given, _ansible_no_log=True))
    assert result["failed"] is True and result["msg"].startswith(message), result
    assert "i10-secret" not in str(result) and ran == []
