# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_container with supervisor=systemd against a simulated host (systemd and runc in one Runner):
what is called, in which order; check mode calls nothing that changes; the unit is written only when
it changed; switching supervisor both ways; refused options. The real thing runs on the machine lab
(tests/integration/test_supervised_containers.py)."""

from __future__ import annotations

import json
import os
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.manager import (
    ContainerManager,
    ContainerParams,
    ContainerTaskError,
)
from ansible_collections.ocitools.runc.plugins.module_utils._container.supervised import SupervisedManager
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import SystemdPlaces
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import CommandResult, ContainerIO
from ansible_collections.ocitools.runc.plugins.module_utils._stack.manager import Stack
from ansible_collections.ocitools.runc.plugins.module_utils._stack.reads import StackRunc

UNIT = "ocitools-runc-web.service"
READ_ONLY = {("systemctl", "show"), ("runc", "state"), ("runc", "list")}
_SHOW = ("LoadState={load}\nActiveState={active}\nSubState={sub}\nResult={result}\nMainPID={pid}\n"
         "ExecMainStatus={status}\nExecMainCode={code}\nExecMainStartTimestamp=Sun 2026-11-29 16:40:00 UTC\n"
         "ExecMainExitTimestamp=\nNRestarts={restarts}\nUnitFileState={file_state}\n")


class SimulatedHost:
    """systemd with one unit (its file in ``unit_dir``) running ``runc run`` of one container, and runc."""

    def __init__(self, unit_dir: Path) -> None:
        self.unit_dir = unit_dir
        self.active = "inactive"
        self.enabled = False
        self.restarts = 0
        self.container: t.Optional[str] = None  # runc status
        self.detached = False  # the container was made with runc run --detach (no unit owns it)
        self.reloaded_text: t.Optional[str] = None  # the unit file as systemd last loaded it
        self.calls: t.List[t.Tuple[str, str]] = []
        self.exits_at_once = False

    def mutating(self) -> t.List[t.Tuple[str, str]]:
        return [call for call in self.calls if call not in READ_ONLY]

    def __call__(self, argv: t.Sequence[str], timeout: float, data: t.Optional[bytes] = None,
                 io: t.Optional[ContainerIO] = None) -> CommandResult:
        program = os.path.basename(argv[0])
        words = [word for index, word in enumerate(argv[1:], 1)
                 if not word.startswith("--") and argv[index - 1] not in ("--root", "--bundle", "--signal", "--log", "--log-format")]
        self.calls.append((program, words[0]))
        out = getattr(self, "_%s_%s" % (program, words[0].replace("-", "_")))(words)
        if out is None:
            return CommandResult(list(argv), 1, b"", b'level=error msg="container does not exist"\n')
        return CommandResult(list(argv), 0, out.encode())

    # systemctl
    def _systemctl_show(self, words: t.List[str]) -> str:
        loaded = self.reloaded_text is not None
        return _SHOW.format(load="loaded" if loaded else "not-found", active=self.active,
                            sub="running" if self.active == "active" else "dead", result="success", pid=0,
                            status=0, code=0, restarts=self.restarts,
                            file_state=("enabled" if self.enabled else "disabled") if loaded else "")

    def _systemctl_daemon_reload(self, words: t.List[str]) -> str:
        path = self.unit_dir / UNIT
        self.reloaded_text = path.read_text() if path.exists() else None
        return ""

    def _systemctl_start(self, words: t.List[str]) -> str:
        assert self.reloaded_text is not None, "start of a unit systemd has not loaded"
        assert self.container is None, "runc run would fail: the container exists"
        self.active, self.container = ("failed", None) if self.exits_at_once else ("active", "running")
        return ""

    def _systemctl_stop(self, words: t.List[str]) -> str:
        self.active, self.container = "inactive", None
        return ""

    def _systemctl_restart(self, words: t.List[str]) -> str:
        self._systemctl_stop(words)
        return self._systemctl_start(words)

    def _systemctl_enable(self, words: t.List[str]) -> str:
        self.enabled = True
        return ""

    def _systemctl_disable(self, words: t.List[str]) -> str:
        self.enabled = False
        return ""

    def _systemctl_reset_failed(self, words: t.List[str]) -> str:
        self.active = "inactive"
        return ""

    # runc
    def _runc_state(self, words: t.List[str]) -> t.Optional[str]:
        if self.container is None:
            return None
        return json.dumps({"id": "web", "pid": 42, "status": self.container, "bundle": "/b", "rootfs": "",
                           "created": "t"})

    def _runc_list(self, words: t.List[str]) -> str:
        return "[%s]" % (self._runc_state(words) or "")

    def _runc_run(self, words: t.List[str]) -> str:
        self.container, self.detached = "running", True
        return ""

    def _runc_kill(self, words: t.List[str]) -> str:
        self.container = "stopped"
        return ""

    def _runc_delete(self, words: t.List[str]) -> str:
        self.container, self.detached = None, False
        return ""

    def _runc_pause(self, words: t.List[str]) -> str:
        self.container = "paused"
        return ""

    def _runc_resume(self, words: t.List[str]) -> str:
        self.container = "running"
        return ""

    def _runc_update(self, words: t.List[str]) -> str:
        return ""


@pytest.fixture
def places(tmp_path: Path) -> SystemdPlaces:
    for name in ("units", "records", "run-systemd"):
        (tmp_path / name).mkdir()
    return SystemdPlaces(str(tmp_path / "units"), str(tmp_path / "records"), str(tmp_path / "run-systemd"))


@pytest.fixture
def host(places: SystemdPlaces) -> SimulatedHost:
    return SimulatedHost(Path(places.unit_dir))


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "bundle"
    path.mkdir()
    _write_spec(path, ["sleep", "1000"])
    return path


def _write_spec(bundle: Path, args: t.List[str], memory: int = 100) -> None:
    spec = {"process": {"args": args, "env": ["SECRET=hunter2"]}, "linux": {"resources": {"memory": {"limit": memory}}}}
    (bundle / "config.json").write_text(json.dumps(spec))


def converge(host: SimulatedHost, places: SystemdPlaces, root: Path, check_mode: bool = False,
             **options: t.Any) -> t.Dict[str, t.Any]:
    base: t.Dict[str, t.Any] = {"id": "web", "state": "running", "root": str(root), "stop_timeout": 5,
                                "supervisor": "systemd"}
    base.update(options)
    params = ContainerParams.from_options(base)
    runc = Runc(GlobalOptions(command="/usr/sbin/runc"), runner=host, timeout=2)
    kind = SupervisedManager if params.supervisor == "systemd" else ContainerManager
    return kind(runc, params, check_mode=check_mode, places=places).run()


def test_first_run_writes_enables_starts_and_records(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                                     tmp_path: Path) -> None:
    result = converge(host, places, tmp_path / "root", bundle=str(bundle))

    assert result["changed"] and result["actions"] == ["write_unit", "enable", "start"]
    assert host.mutating() == [("systemctl", "daemon-reload"), ("systemctl", "enable"), ("systemctl", "start")]
    unit = Path(places.unit_dir) / UNIT
    assert oct(unit.stat().st_mode & 0o777) == "0o644"
    assert "ExecStart=/usr/sbin/runc --root %s run --bundle %s web\n" % (tmp_path / "root", bundle) in unit.read_text()
    record = Path(places.record_dir) / "web@ocitools.json"
    assert record.exists() and "hunter2" not in record.read_text()
    assert result["container"]["status"] == "running" and result["restarts"] == 0
    assert result["exit_status_reason"] is None and result["unit"]["name"] == UNIT
    assert result["diff"]["before"]["unit"] is None and "[Service]" in result["diff"]["after"]["unit"]


def test_second_run_changes_nothing_and_writes_nothing(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                                       tmp_path: Path) -> None:
    converge(host, places, tmp_path / "root", bundle=str(bundle))
    unit = Path(places.unit_dir) / UNIT
    written = unit.stat().st_mtime_ns
    host.calls.clear()

    again = converge(host, places, tmp_path / "root", bundle=str(bundle))

    assert not again["changed"] and again["actions"] == [] and again["drift"]["kind"] == "none"
    assert host.mutating() == [] and unit.stat().st_mtime_ns == written
    assert "unit" not in again["diff"]["before"]


@pytest.mark.parametrize("change,actions", [
    ({"stop_signal": "SIGINT"}, ["write_unit", "restart"]),
    ({"restart_policy": "on-failure"}, ["write_unit", "restart"]),
    ({"enabled": False}, ["disable"]),
    ({"state": "paused"}, ["pause"]),
    ({"state": "stopped"}, ["disable", "stop"]),  # not at boot either, unless enabled is given
    ({"state": "absent"}, ["stop", "disable", "remove_unit"]),
    ({"restart": True}, ["restart"]),
])
def test_check_mode_plans_and_calls_nothing_that_changes(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                                         tmp_path: Path, change: t.Dict[str, t.Any],
                                                         actions: t.List[str]) -> None:
    converge(host, places, tmp_path / "root", bundle=str(bundle))
    unit_text = (Path(places.unit_dir) / UNIT).read_text()
    host.calls.clear()

    planned = converge(host, places, tmp_path / "root", check_mode=True, bundle=str(bundle), **change)

    assert planned["changed"] and planned["actions"] == actions
    assert host.mutating() == []
    assert (Path(places.unit_dir) / UNIT).read_text() == unit_text


def test_check_mode_on_a_fresh_host_writes_no_file(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                                   tmp_path: Path) -> None:
    planned = converge(host, places, tmp_path / "root", check_mode=True, bundle=str(bundle))
    assert planned["actions"] == ["write_unit", "enable", "start"] and host.mutating() == []
    assert os.listdir(places.unit_dir) == [] and os.listdir(places.record_dir) == []


def test_spec_drift_restarts_through_systemd(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                             tmp_path: Path) -> None:
    converge(host, places, tmp_path / "root", bundle=str(bundle))
    _write_spec(bundle, ["sleep", "2000"])
    host.calls.clear()

    result = converge(host, places, tmp_path / "root", bundle=str(bundle))

    assert result["actions"] == ["restart"] and result["drift"]["fields"] == ["process.args"]
    assert host.mutating() == [("systemctl", "restart")]
    assert not converge(host, places, tmp_path / "root", bundle=str(bundle))["changed"]  # the record followed


def test_live_resources_are_updated_with_runc(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                              tmp_path: Path) -> None:
    converge(host, places, tmp_path / "root", bundle=str(bundle))
    _write_spec(bundle, ["sleep", "1000"], memory=200)
    host.calls.clear()

    result = converge(host, places, tmp_path / "root", bundle=str(bundle))

    assert result["actions"] == ["update"] and host.mutating() == [("runc", "update")]
    assert not converge(host, places, tmp_path / "root", bundle=str(bundle))["changed"]


def test_absent_stops_disables_removes_unit_and_record(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                                       tmp_path: Path) -> None:
    converge(host, places, tmp_path / "root", bundle=str(bundle))
    host.calls.clear()

    result = converge(host, places, tmp_path / "root", state="absent")

    assert result["actions"] == ["stop", "disable", "remove_unit"]
    assert host.mutating() == [("systemctl", "stop"), ("systemctl", "disable"), ("systemctl", "daemon-reload")]
    assert os.listdir(places.unit_dir) == [] and os.listdir(places.record_dir) == []
    assert not converge(host, places, tmp_path / "root", state="absent")["changed"]


def test_none_to_systemd_and_back_recreates_with_one_owner(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                                           tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    detached = converge(host, places, tmp_path / "root", bundle=str(bundle), supervisor="none")
    assert detached["actions"] == ["create", "start"] and host.detached
    assert detached["exit_code"] is None and detached["exit_status_reason"].startswith("unknown: runc keeps none")

    supervised = converge(host, places, tmp_path / "root", bundle=str(bundle))
    assert supervised["actions"] == ["write_unit", "enable", "remove_detached", "start"]
    assert not host.detached and host.active == "active"

    host.calls.clear()
    back = converge(host, places, tmp_path / "root", bundle=str(bundle), supervisor="none")
    assert back["actions"] == ["stop", "disable", "remove_unit", "create", "start"]
    assert host.detached and host.active == "inactive" and os.listdir(places.unit_dir) == []
    assert "[Service]" in back["diff"]["before"]["unit"] and back["diff"]["after"]["unit"] is None


def test_leaving_systemd_in_check_mode_plans_the_whole_way(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                                           tmp_path: Path) -> None:
    converge(host, places, tmp_path / "root", bundle=str(bundle))
    host.calls.clear()
    planned = converge(host, places, tmp_path / "root", check_mode=True, bundle=str(bundle), supervisor="none")
    assert planned["actions"] == ["stop", "disable", "remove_unit", "create", "start"]
    assert host.mutating() == []


def test_a_container_that_does_not_stay_up_fails_the_task(host: SimulatedHost, places: SystemdPlaces, bundle: Path,
                                                          tmp_path: Path) -> None:
    host.exits_at_once = True
    with pytest.raises(ContainerTaskError, match="unit ocitools-runc-web.service is failed .*journalctl -u"):
        converge(host, places, tmp_path / "root", bundle=str(bundle))


def test_a_container_that_stops_within_wait_started_fails_the_task(host: SimulatedHost, places: SystemdPlaces,
                                                                   bundle: Path, tmp_path: Path) -> None:
    original = host._systemctl_start

    def start_then_end(words: t.List[str]) -> str:
        original(words)
        host.container = "stopped"  # it ends at once; systemd would restart it (auto-restart: still up)
        return ""

    host._systemctl_start = start_then_end  # type: ignore[method-assign]
    with pytest.raises(ContainerTaskError, match="stopped within wait_started .* journalctl -u") as caught:
        converge(host, places, tmp_path / "root", bundle=str(bundle), wait_started=0.2)
    assert caught.value.details["actions"] == ["write_unit", "enable", "start"]


def test_without_systemd_the_task_says_so(host: SimulatedHost, tmp_path: Path, bundle: Path) -> None:
    places = SystemdPlaces(str(tmp_path), str(tmp_path), str(tmp_path / "no-such-dir"))
    with pytest.raises(ContainerTaskError, match="supervisor: systemd is not running on this host"):
        converge(host, places, tmp_path / "root", bundle=str(bundle))
    assert host.calls == []


@pytest.mark.parametrize("extra,message", [
    ({"state": "created"}, "state: created is not possible with supervisor=systemd"),
    ({"log_path": "/tmp/x.log"}, "log_path: with supervisor=systemd the container's output goes to the journal"),
    ({"preserve_fds": 2}, "preserve_fds: systemd passes no extra file descriptors"),
    ({"restart_delay": -1}, "restart_delay: must be between 0 and 3600"),
    ({"restart_window": 7200}, "restart_window: must be between 0 and 3600"),
])
def test_refused_options(extra: t.Dict[str, t.Any], message: str, bundle: Path) -> None:
    with pytest.raises(ContainerTaskError, match=message):
        ContainerParams.from_options(dict({"id": "web", "bundle": str(bundle), "state": "running",
                                           "supervisor": "systemd"}, **extra))


@pytest.mark.parametrize("state,enabled", [("running", True), ("paused", True), ("stopped", False)])
def test_enabled_follows_the_state_unless_given(state: str, enabled: bool, bundle: Path) -> None:
    options = {"id": "web", "bundle": str(bundle), "state": state, "supervisor": "systemd"}
    assert ContainerParams.from_options(options).enabled is enabled
    assert ContainerParams.from_options(dict(options, enabled=not enabled)).enabled is (not enabled)


def test_prune_removes_a_stopped_supervised_container_that_runc_does_not_list(
        host: SimulatedHost, places: SystemdPlaces, bundle: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    converge(host, places, root, bundle=str(bundle))
    host._systemctl_stop([])  # a hand systemctl stop: runc lists nothing, the enabled unit would start it at boot
    other_root = Path(places.unit_dir) / "ocitools-runc-db.service"  # a unit of another runc root stays
    other_root.write_text("[Service]\nExecStart=/usr/sbin/runc --root /run/other run --bundle /b db\n")
    host.calls.clear()
    runc = Runc(GlobalOptions(command="/usr/sbin/runc"), runner=host, timeout=2)

    def prune(check_mode: bool = False) -> t.Dict[str, t.Any]:
        return Stack(StackRunc(runc), [], str(root), prune=True, check_mode=check_mode, places=places).run()

    planned = prune(check_mode=True)
    assert [(entry["id"], entry["actions"]) for entry in planned["pruned"]] == [("web", ["disable", "remove_unit"])]
    assert host.mutating() == []
    done = prune()
    assert done["changed"] and done["pruned"][0]["actions"] == ["disable", "remove_unit"]
    assert os.listdir(places.unit_dir) == [other_root.name] and os.listdir(places.record_dir) == []
    assert not prune()["changed"]
