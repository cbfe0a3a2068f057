# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_info's main() with arguments and a recording runner: one ``runc list``, the containers and
host facts; a forbidden (missing) root holds no containers; clean failures for a missing runc, and
an unreadable bundle is reported per container."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.modules import runc_info

RunModule = t.Callable[..., t.Dict[str, t.Any]]


@pytest.fixture
def args(fake_runc: Path, tmp_path: Path) -> t.Callable[..., t.Dict[str, t.Any]]:
    root = tmp_path / "root"
    root.mkdir()

    def make(**given: t.Any) -> t.Dict[str, t.Any]:
        return dict(dict(executable=str(fake_runc), root=str(root), host=False), **given)

    return make


@pytest.mark.parametrize("given, expected", [
    pytest.param({}, [("fx-created", True), ("fx-paused", True), ("fx-running", True)], id="all"),
    pytest.param({"id": ["fx-running", "gone"]}, [("fx-running", True), ("gone", False)], id="named"),
])
def test_one_list_call(run_module: RunModule, runner: t.Any, recorded: t.Any, args: t.Any,
                       given: t.Dict[str, t.Any], expected: t.List[t.Tuple[str, bool]]) -> None:
    runner.respond(stdout=recorded("list-three.json"))
    result = run_module(runc_info.main, args(**given), runner=runner)
    assert [call.argv[-3:] for call in runner.calls] == [["list", "--format", "json"]]
    assert [(entry["id"], entry["exists"]) for entry in result["containers"]] == expected
    assert result["changed"] is False and "host" not in result


def test_forbidden_root_holds_no_containers(run_module: RunModule, runner: t.Any, args: t.Any) -> None:
    result = run_module(runc_info.main, args(root="/proc/forbidden-root"), runner=runner)
    assert result["containers"] == [] and runner.calls == []


def test_missing_executable_fails_cleanly(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_info.main, args(executable="/no/such/runc"))
    assert result["failed"] and result["msg"].startswith("executable: /no/such/runc is not an executable file")


def test_unreadable_bundle_is_reported_per_container(run_module: RunModule, runner: t.Any, state_json: t.Any,
                                                     args: t.Any, unreadable_bundle: Path) -> None:
    runner.respond(stdout="[%s]" % state_json(id="web", bundle=str(unreadable_bundle)))
    result = run_module(runc_info.main, args(spec=True), runner=runner)
    entry = result["containers"][0]
    assert entry["spec"] is None and entry["spec_error"].startswith("bundle: cannot read %s/config.json" % unreadable_bundle)


def test_bad_id_is_refused_before_runc_is_looked_for(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_info.main, args(id=["a b"], executable="/no/such/runc"))
    assert result["failed"] and result["msg"].startswith("id: "), result
    json.dumps(result)


def test_features_without_host_facts_is_refused_before_runc_is_looked_for(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_info.main, args(features=True, host=False, executable="/no/such/runc"))
    assert result["failed"] and result["msg"].startswith("features: "), result
