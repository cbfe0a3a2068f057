# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_info's containers: one list call, ids filtered from it, extras only where asked."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._info.containers import (
    InfoRequest,
    gather_info,
    stats_summary,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import parse_event
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.exit_status import UNSUPERVISED

Recorded = t.Callable[[str], str]


@pytest.fixture
def runc(runner: t.Any, tmp_path: Path) -> Runc:
    return Runc(GlobalOptions(root=str(tmp_path)), runner=runner)


def subcommands(runner: t.Any) -> t.List[str]:
    return [next(arg for arg in call.argv if not arg.startswith("-") and arg != "runc" and "/" not in arg)
            for call in runner.calls]


def test_every_container_in_one_call(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond_to("list", stdout=recorded("list-three.json"))
    result = gather_info(runc, InfoRequest(host=False))
    assert result["changed"] is False and "host" not in result
    assert [c["id"] for c in result["containers"]] == ["fx-created", "fx-paused", "fx-running"]
    running = result["containers"][2]
    assert running == {
        "id": "fx-running", "exists": True, "pid": 17583, "status": "running",
        "bundle": "/tmp/ocit-fixtures.g8mzf8b9/bundles/fx-running", "rootfs": "/tmp/ocit-fixtures.g8mzf8b9/rootfs",
        "created": "2026-11-29T02:03:44.623834231Z", "owner": "root", "oci_version": "1.0.2-dev",
        "annotations": {"org.example.owner": "fixtures", "org.example/role": "web"},
        "exit_status": None, "exit_status_reason": UNSUPERVISED,
    }
    assert subcommands(runner) == ["list"]


def test_ids_are_filtered_from_the_one_list(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond_to("list", stdout=recorded("list-three.json"))
    result = gather_info(runc, InfoRequest(ids=["nope", "fx-running", "nope"], host=False))
    assert [(c["id"], c["exists"]) for c in result["containers"]] == [("nope", False), ("fx-running", True)]
    assert result["containers"][0] == {"id": "nope", "exists": False}
    assert subcommands(runner) == ["list"]


def test_empty_list(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond_to("list", stdout=recorded("list-empty.json"))
    assert gather_info(runc, InfoRequest(host=False))["containers"] == []


def test_a_missing_root_is_not_listed(runner: t.Any, tmp_path: Path) -> None:
    runc = Runc(GlobalOptions(root=str(tmp_path / "missing")), runner=runner)
    result = gather_info(runc, InfoRequest(ids=["web"], host=False))
    assert result["containers"] == [{"id": "web", "exists": False}]
    assert not runner.calls and not (tmp_path / "missing").exists()


def test_a_bad_id_is_refused() -> None:
    with pytest.raises(InvalidContainerIdError):
        InfoRequest(ids=["../x"])


def test_extras_for_live_containers_only(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    stopped = recorded("state-stopped.json").replace("\n", "")
    runner.respond_to("list", stdout="[%s]" % stopped)
    result = gather_info(runc, InfoRequest(ps=True, top=True, stats=True, host=False))
    assert {key: result["containers"][0][key] for key in ("status", "ps", "top", "stats")} == {
        "status": "stopped", "ps": None, "top": None, "stats": None}
    assert subcommands(runner) == ["list"]


def test_extras(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond_to("list", stdout=recorded("list-three.json"))
    runner.respond_to("table", stdout=recorded("ps-table-o.txt"))
    runner.respond_to("json", stdout=recorded("ps-json.txt"))
    runner.respond_to("--stats", stdout=recorded("events-stats.json"))
    result = gather_info(runc, InfoRequest(ids=["fx-running"], ps=True, top=True, ps_options=["-o", "pid,args"],
                                           stats=True, host=False))
    entry = result["containers"][0]
    assert entry["ps"] and all(isinstance(pid, int) for pid in entry["ps"])
    assert entry["top"] and set(entry["top"][0]) == {"PID", "USER", "STAT", "COMMAND"}
    assert set(entry["stats"]) == {"cpu", "memory", "pids", "blkio"}
    ps_table_call = [call.argv for call in runner.calls if "table" in call.argv][0]
    assert ps_table_call[-3:] == ["fx-running", "-o", "pid,args"]


def test_an_extra_that_fails_is_reported(runc: Runc, runner: t.Any, recorded: Recorded) -> None:
    runner.respond_to("list", stdout=recorded("list-three.json"))
    runner.respond_to("ps", stderr='time="x" level=error msg="container does not exist"', rc=1)
    entry = gather_info(runc, InfoRequest(ids=["fx-running"], ps=True, host=False))["containers"][0]
    assert entry["ps"] is None and "container does not exist" in entry["ps_error"]


def test_spec(runc: Runc, runner: t.Any, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "config.json").write_text('{"process": {"args": ["sh"], "env": ["A=secret"]}}')
    runner.respond_to("list", stdout='[{"id": "a", "pid": 1, "status": "running", "bundle": "%s"},'
                                     ' {"id": "b", "pid": 0, "status": "stopped", "bundle": "/gone"}]' % bundle)
    a, b = gather_info(runc, InfoRequest(spec=True, host=False))["containers"]
    assert (a["spec"]["args"], a["spec"]["env"]) == (["sh"], ["A"])
    assert b["spec"] is None and b["spec_error"].startswith("bundle: /gone is not a directory")


def test_stats_summary(recorded: Recorded) -> None:
    summary = stats_summary(parse_event(recorded("events-stats.json")))
    assert summary["pids"] == {"current": 2}
    assert summary["memory"]["usage"]["usage"] == 675840
    assert summary["cpu"]["usage"]["total"] == 10820423
    assert "cpuset" not in summary and "raw" not in summary["memory"]


SHOW_RESTARTED = (Path(__file__).resolve().parents[3] / "fixtures" / "systemd-252" / "show-restarted.txt").read_text()


def test_a_supervised_container_has_its_exit_status_from_systemd(runc: Runc, runner: t.Any, recorded: Recorded,
                                                                 tmp_path: Path) -> None:
    units = tmp_path / "units"
    units.mkdir()
    (units / "ocitools-runc-fx-running.service").write_text("[Service]\n")
    (units / "ocitools-runc-stopped-one.service").write_text("[Service]\n")
    runner.respond_to("list", stdout=recorded("list-three.json"))
    runner.respond_to("show", stdout=SHOW_RESTARTED)

    result = gather_info(runc, InfoRequest(ids=["fx-running", "fx-paused", "stopped-one", "nothing"], host=False,
                                           unit_dir=str(units)))

    running, paused, stopped, nothing = result["containers"]
    assert running["exit_status"] == {"unit": "ocitools-runc-fx-running.service", "active_state": "active",
                                      "exit_code": None, "oom_killed": False, "started_at": "2026-11-29T17:00:00+00:00",
                                      "finished_at": None, "restarts": 1}
    assert "exit_status_reason" not in running
    assert paused["exit_status"] is None and paused["exit_status_reason"] == UNSUPERVISED
    assert not stopped["exists"] and stopped["exit_status"]["unit"] == "ocitools-runc-stopped-one.service"
    assert nothing == {"id": "nothing", "exists": False}
    assert [call.argv[-1] for call in runner.calls if "show" in call.argv] == [
        "ocitools-runc-fx-running.service", "ocitools-runc-stopped-one.service"]


def test_a_failing_systemctl_is_reported_not_raised(runc: Runc, runner: t.Any, recorded: Recorded,
                                                    tmp_path: Path) -> None:
    (tmp_path / "ocitools-runc-fx-running.service").write_text("[Service]\n")
    runner.respond_to("list", stdout=recorded("list-three.json"))
    runner.respond_to("show", stderr="Failed to connect to bus: No such file or directory", rc=1)
    result = gather_info(runc, InfoRequest(ids=["fx-running"], host=False, unit_dir=str(tmp_path)))
    entry = result["containers"][0]
    assert entry["exit_status"] is None and "Failed to connect to bus" in entry["exit_status_reason"]
