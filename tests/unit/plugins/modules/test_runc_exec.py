# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_exec's main() with arguments and a recording runner: the runc calls and the result like
ansible.builtin.command's; clean failures for a forbidden root, a missing runc and an unreadable bundle."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.modules import runc_exec

RunModule = t.Callable[..., t.Dict[str, t.Any]]


@pytest.fixture
def args(fake_runc: Path) -> t.Callable[..., t.Dict[str, t.Any]]:
    def make(**given: t.Any) -> t.Dict[str, t.Any]:
        return dict(dict(id="web", executable=str(fake_runc)), **given)

    return make


@pytest.mark.parametrize("given, rc, stdout, expected", [
    pytest.param(dict(argv=["echo", "hi"]), 0, "hi\n", {"changed": True, "rc": 0, "stdout_lines": ["hi"]}, id="argv"),
    pytest.param(dict(cmd="cat /etc/x", env={"A": "secret"}), 0, "", {"changed": True, "env": ["A=********"]}, id="cmd"),
    pytest.param(dict(argv=["false"]), 1, "", {"failed": True, "rc": 1, "msg": "non-zero return code"}, id="fails"),
])
def test_runc_calls_and_result(run_module: RunModule, runner: t.Any, state_json: t.Any, args: t.Any, bundle: Path,
                               given: t.Dict[str, t.Any], rc: int, stdout: str, expected: t.Dict[str, t.Any]) -> None:
    processes: t.List[t.Dict[str, t.Any]] = []
    runner.respond(stdout=state_json(id="web", bundle=str(bundle), pid=0))

    def capture(call: t.Any) -> None:
        processes.append(json.loads(Path(call.argv[call.argv.index("--process") + 1]).read_text()))

    runner.respond(stdout=stdout, rc=rc, action=capture)
    result = run_module(runc_exec.main, args(**given), runner=runner)
    exec_argv = runner.calls[1].argv
    assert exec_argv[exec_argv.index("exec"):][-1] == "web" and "--pid-file" in exec_argv
    assert processes[0]["args"] == (given.get("argv") or given["cmd"].split())
    assert {key: result[key] for key in expected} == expected
    assert "secret" not in json.dumps(result)


def test_check_mode_does_not_run(run_module: RunModule, runner: t.Any, state_json: t.Any, args: t.Any,
                                 bundle: Path) -> None:
    runner.respond(stdout=state_json(id="web", bundle=str(bundle)))
    result = run_module(runc_exec.main, args(argv=["touch", "/x"]), runner=runner, check_mode=True)
    assert len(runner.calls) == 1 and result["skipped"] and not result["changed"]


def test_forbidden_root_fails_cleanly(run_module: RunModule, runner: t.Any, recorded: t.Any, args: t.Any) -> None:
    runner.respond(stderr=recorded("err-state-missing.txt"), rc=1)
    result = run_module(runc_exec.main, args(argv=["true"], root="/proc/forbidden-root"), runner=runner)
    assert result["failed"] and result["msg"] == (
        "container 'web' does not exist under root /proc/forbidden-root: create and start it first")


def test_missing_executable_fails_cleanly(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_exec.main, args(argv=["true"], executable="no-such-runc-here"))
    assert result["failed"] and result["msg"].startswith("executable: 'no-such-runc-here' was not found on PATH")


def test_unreadable_bundle_fails_cleanly(run_module: RunModule, runner: t.Any, state_json: t.Any, args: t.Any,
                                         unreadable_bundle: Path) -> None:
    runner.respond(stdout=state_json(id="web", bundle=str(unreadable_bundle)))
    result = run_module(runc_exec.main, args(argv=["true"]), runner=runner)
    assert result["failed"] and result["msg"].startswith("cannot build the process from the container's config"), result
    assert len(runner.calls) == 1


def test_bad_option_is_refused_before_runc_is_looked_for(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_exec.main, args(argv=["true"], user="nobody", executable="/no/such/runc"))
    assert result["failed"] and result["msg"].startswith("user: "), result
