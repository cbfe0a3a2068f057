# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_container's main() with arguments and a recording runner: the runc calls it makes and
its result, and a clean failure (never a traceback) for a forbidden root, a missing runc and an
unreadable bundle."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.modules import runc_container

RunModule = t.Callable[..., t.Dict[str, t.Any]]
MISSING = "err-state-missing.txt"


def _subcommand(argv: t.List[str]) -> t.List[str]:
    """argv past runc's global flags (--root R, the client's private --log L --log-format json)."""
    rest = argv[1:]
    while rest and rest[0].startswith("--"):
        rest = rest[2:]
    return rest


@pytest.fixture
def args(fake_runc: Path, bundle: Path, tmp_path: Path) -> t.Callable[..., t.Dict[str, t.Any]]:
    root = tmp_path / "root"
    root.mkdir()

    def make(**given: t.Any) -> t.Dict[str, t.Any]:
        return dict(dict(id="web", bundle=str(bundle), executable=str(fake_runc), root=str(root), wait_started=0), **given)

    return make


# (name, args, canned runc answers in order as (recorded file or JSON, rc), expected subcommands, expected result)
CASES = [
    pytest.param(
        dict(state="running"),
        [(MISSING, 1), ("", 0), ("running", 0)],
        [["state", "web"], ["run", "--bundle", "<bundle>", "--detach", "web"], ["state", "web"]],
        {"changed": True, "actions": ["create", "start"], "status": "running"},
        id="absent-to-running",
    ),
    pytest.param(
        dict(state="absent"),
        [(MISSING, 1)],
        [["state", "web"]],
        {"changed": False, "actions": [], "status": None},
        id="absent-stays-absent",
    ),
    pytest.param(
        dict(state="paused", _check=True),
        [(MISSING, 1)],
        [["state", "web"]],
        {"changed": True, "actions": ["create", "start", "pause"], "status": None},
        id="check-mode-plans-only",
    ),
]


@pytest.mark.parametrize("given, answers, subcommands, expected", CASES)
def test_runc_calls_and_result(run_module: RunModule, runner: t.Any, recorded: t.Any, state_json: t.Any,
                               args: t.Any, bundle: Path, given: t.Dict[str, t.Any],
                               answers: t.List[t.Tuple[str, int]], subcommands: t.List[t.List[str]],
                               expected: t.Dict[str, t.Any]) -> None:
    check_mode = given.pop("_check", False)
    for answer, rc in answers:
        if answer.endswith(".txt"):
            runner.respond(stderr=recorded(answer), rc=rc)
        elif answer:
            runner.respond(stdout=state_json(id="web", status=answer, bundle=str(bundle)), rc=rc)
        else:
            runner.respond(rc=rc)
    result = run_module(runc_container.main, args(**given), runner=runner, check_mode=check_mode)
    assert not result.get("failed"), result.get("msg")
    wanted = [[str(bundle) if word == "<bundle>" else word for word in argv] for argv in subcommands]
    assert [_subcommand(call.argv) for call in runner.calls] == wanted
    assert (result["changed"], result["actions"], result["container"].get("status")) == (
        expected["changed"], expected["actions"], expected["status"])


def test_diff_only_with_diff_mode(run_module: RunModule, runner: t.Any, recorded: t.Any, args: t.Any) -> None:
    runner.respond(stderr=recorded(MISSING), rc=1)
    assert "diff" not in run_module(runc_container.main, args(), runner=runner, check_mode=True)
    runner.respond(stderr=recorded(MISSING), rc=1)
    diffed = run_module(runc_container.main, args(), runner=runner, check_mode=True, diff=True)
    assert diffed["diff"]["before"]["status"] == "absent" and diffed["diff"]["after"]["status"] == "running"


def test_forbidden_root_fails_cleanly(run_module: RunModule, runner: t.Any, args: t.Any) -> None:
    result = run_module(runc_container.main, args(root="/proc/forbidden-root"), runner=runner)
    assert result["failed"] and result["msg"].startswith(
        "root: /proc/forbidden-root is on a proc file system, where no directory or file of ours can be made"), result
    assert runner.calls == []


def test_missing_executable_fails_cleanly(run_module: RunModule, args: t.Any, tmp_path: Path) -> None:
    result = run_module(runc_container.main, args(executable=str(tmp_path / "no-runc")))
    assert result["failed"] and result["msg"].startswith("executable: %s is not an executable file" % (tmp_path / "no-runc"))


def test_unreadable_bundle_fails_cleanly(run_module: RunModule, runner: t.Any, args: t.Any,
                                         unreadable_bundle: Path) -> None:
    result = run_module(runc_container.main, args(bundle=str(unreadable_bundle)), runner=runner)
    assert result["failed"] and result["msg"].startswith("bundle: cannot read %s/config.json" % unreadable_bundle), result
    assert runner.calls == []


def test_bad_id_is_refused_before_runc_is_looked_for(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_container.main, args(id="a/b", executable="/no/such/runc"))
    assert result["failed"] and result["msg"].startswith("id: "), result


@pytest.mark.parametrize("given,message", [
    ({"state": "created"}, "state: created is not possible with supervisor=systemd"),
    ({"restart_policy": "sometimes"}, "value of restart_policy must be one of: no, on-failure, always"),
])
def test_supervision_options_are_checked_before_anything_runs(run_module: RunModule, runner: t.Any, args: t.Any,
                                                              given: t.Dict[str, t.Any], message: str) -> None:
    result = run_module(runc_container.main, args(supervisor="systemd", **given), runner=runner)
    assert result["failed"] and message in result["msg"], result
    assert runner.calls == []


def test_unsupervised_result_says_why_the_exit_status_is_unknown(run_module: RunModule, runner: t.Any,
                                                                 recorded: t.Any, args: t.Any) -> None:
    runner.respond(stderr=recorded(MISSING), rc=1)
    result = run_module(runc_container.main, args(), runner=runner, check_mode=True)
    assert [result[name] for name in ("exit_code", "oom_killed", "started_at", "finished_at", "restarts")] == [None] * 5
    assert result["exit_status_reason"].startswith("unknown: runc keeps none for a detached container")
