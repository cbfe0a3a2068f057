# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ansible glue: shared options become a Runc client, bad ones a fail_json naming the option."""

from __future__ import annotations

import contextlib
import json
import typing as t
from pathlib import Path

import pytest

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError, RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import (
    fail_with_error,
    runc_argument_spec,
    runc_from_module,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import GlobalOptions

try:  # ansible-core 2.19+
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # older cores: the classic set_module_args pattern
    @contextlib.contextmanager  # type: ignore[no-redef]
    def patch_module_args(args: t.Optional[t.Dict[str, t.Any]] = None) -> t.Iterator[None]:
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode("utf-8")
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


MakeModule = t.Callable[[t.Dict[str, t.Any]], AnsibleModule]
Capture = pytest.CaptureFixture


@pytest.fixture
def make_module() -> t.Iterator[MakeModule]:
    """``make_module(args)``: an AnsibleModule with the shared options; its args stay patched
    in until the test ends, since fail_json needs them too."""
    with contextlib.ExitStack() as stack:
        def make(args: t.Dict[str, t.Any]) -> AnsibleModule:
            stack.enter_context(patch_module_args(args))
            return AnsibleModule(argument_spec=runc_argument_spec(name=dict(type="str")), supports_check_mode=True)
        yield make


def failure(capsys: Capture, call: t.Callable[[], t.Any]) -> t.Dict[str, t.Any]:
    """The JSON a module prints when ``call`` makes it fail_json."""
    with pytest.raises(SystemExit) as caught:
        call()
    assert caught.value.code == 1
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True
    return result


@pytest.fixture
def fake_runc(tmp_path: Path) -> Path:
    """An executable file that stands in for runc (never run by these tests)."""
    path = tmp_path / "bin" / "runc"
    path.parent.mkdir()
    path.write_text("#!/bin/false\n")
    path.chmod(0o755)
    return path


def test_client_from_module_params(make_module: MakeModule, fake_runc: Path, tmp_path: Path) -> None:
    criu = tmp_path / "criu"
    criu.write_text("")
    criu.chmod(0o755)
    module = make_module({"executable": str(fake_runc), "root": "/run/r", "debug": True, "log": "/l",
                          "log_format": "json", "criu": str(criu), "systemd_cgroup": True, "rootless": "auto",
                          "command_timeout": 5})
    runc = runc_from_module(module)
    assert runc.options == GlobalOptions(command=str(fake_runc), root="/run/r", debug=True, log="/l",
                                         log_format="json", criu=str(criu), systemd_cgroup=True, rootless="auto")
    assert runc.timeout == 5


def test_executable_is_looked_up_on_path(make_module: MakeModule, fake_runc: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(fake_runc.parent))
    assert runc_from_module(make_module({})).options.command == str(fake_runc)


def test_executable_missing_on_path(make_module: MakeModule, capsys: Capture, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    module = make_module({"executable": "no-such-runc"})
    result = failure(capsys, lambda: runc_from_module(module))
    assert result["msg"].startswith("executable: 'no-such-runc' was not found on PATH")
    assert "install runc" in result["msg"]


def test_executable_path_missing(make_module: MakeModule, capsys: Capture, tmp_path: Path) -> None:
    missing = str(tmp_path / "sbin" / "runc")
    result = failure(capsys, lambda: runc_from_module(make_module({"executable": missing})))
    assert result["msg"].startswith("executable: %s is not an executable file" % missing)


def test_executable_path_not_executable(make_module: MakeModule, capsys: Capture, fake_runc: Path) -> None:
    fake_runc.chmod(0o644)
    result = failure(capsys, lambda: runc_from_module(make_module({"executable": str(fake_runc)})))
    assert result["msg"].startswith("executable: %s is not an executable file" % fake_runc)


@pytest.mark.parametrize("mode, exists", [
    pytest.param(0o644, True, id="not-executable"),
    pytest.param(0o755, False, id="missing"),
])
def test_criu_not_executable(make_module: MakeModule, capsys: Capture, fake_runc: Path, tmp_path: Path,
                             mode: int, exists: bool) -> None:
    criu = tmp_path / "criu"
    if exists:
        criu.write_text("")
        criu.chmod(mode)
    module = make_module({"executable": str(fake_runc), "criu": str(criu)})
    result = failure(capsys, lambda: runc_from_module(module))
    assert result["msg"].startswith("criu: %s is not an executable file" % criu)


@pytest.mark.parametrize("timeout", [0, -1, -0.5])
def test_command_timeout_must_be_positive(make_module: MakeModule, capsys: Capture, fake_runc: Path,
                                          timeout: float) -> None:
    module = make_module({"executable": str(fake_runc), "command_timeout": timeout})
    result = failure(capsys, lambda: runc_from_module(module))
    assert result["msg"].startswith("command_timeout must be a number of seconds above 0 and at most 86400")


def test_fail_with_runc_error_keeps_everything(make_module: MakeModule, capsys: Capture, fake_runc: Path) -> None:
    module = make_module({"executable": str(fake_runc)})
    error = RuncError("runc start failed (exit 1): boom", argv=["runc", "start", "c1"], rc=1, stdout="o",
                      stderr="level=error msg=boom\n", runc_message="boom")
    result = failure(capsys, lambda: fail_with_error(module, error, container="c1"))
    assert result["msg"] == "runc start failed (exit 1): boom"
    assert {key: result[key] for key in ("cmd", "rc", "stdout", "stderr", "runc_message", "container")} == {
        "cmd": ["runc", "start", "c1"], "rc": 1, "stdout": "o", "stderr": "level=error msg=boom\n",
        "runc_message": "boom", "container": "c1"}


def test_fail_with_invalid_id_names_the_option(make_module: MakeModule, capsys: Capture, fake_runc: Path) -> None:
    module = make_module({"executable": str(fake_runc)})
    result = failure(capsys, lambda: fail_with_error(module, InvalidContainerIdError("container id 'a b' is invalid")))
    assert result["msg"] == "id: container id 'a b' is invalid"


def test_module_options_extend_the_shared_ones() -> None:
    spec = runc_argument_spec(name=dict(type="str", required=True))
    assert spec["name"] == {"type": "str", "required": True}
    assert {"executable", "root", "debug", "log", "log_format", "criu", "systemd_cgroup", "rootless",
            "command_timeout"} <= set(spec)
