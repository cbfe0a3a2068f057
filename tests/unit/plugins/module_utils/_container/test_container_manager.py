# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ContainerManager against a simulated runc (a Runner that keeps container status):
parameter checks, check mode, records, live updates, stop escalation, cleanup on failure."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.manager import (
    ContainerManager,
    ContainerParams,
    ContainerTaskError,
)
from ansible_collections.ocitools.runc.plugins.module_utils._container.task import manage_container
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import CommandResult, ContainerIO

SUBCOMMANDS = ("state", "create", "run", "start", "kill", "delete", "pause", "resume", "update")
MUTATING = set(SUBCOMMANDS) - {"state"}


class SimulatedRunc:
    """Answers the runc subcommands the manager uses, for one container at a time.

    ``ignores`` lists signals the container's process ignores; ``fail`` maps a
    subcommand to runc's error message; ``exits_on_start`` makes it stop at once.
    """

    def __init__(self) -> None:
        self.status: t.Optional[str] = None
        self.created = 0
        self.calls: t.List[t.List[str]] = []
        self.ignores: t.Set[str] = set()
        self.fail: t.Dict[str, str] = {}
        self.exits_on_start = False

    def mutating(self) -> t.List[t.List[str]]:
        return [call for call in self.calls if call[0] in MUTATING]

    def __call__(self, argv: t.Sequence[str], timeout: float, data: t.Optional[bytes] = None,
                 io: t.Optional[ContainerIO] = None) -> CommandResult:
        command = [arg for arg in argv if arg in SUBCOMMANDS][:1] + list(argv[-2:])
        self.calls.append([command[0]] + list(argv[argv.index(command[0]) + 1:]))
        if command[0] in self.fail:
            if command[0] in ("create", "run"):
                self._create(self.calls[-1])  # runc failed after making the container
            return CommandResult(list(argv), 1, b"", ('level=error msg="%s"\n' % self.fail[command[0]]).encode())
        if command[0] not in ("create", "run") and self.status is None:
            return CommandResult(list(argv), 1, b"", b'level=error msg="container does not exist"\n')
        getattr(self, "_" + command[0])(self.calls[-1])
        out = self._state_json() if command[0] == "state" else b""
        return CommandResult(list(argv), 0, out)

    def _state_json(self) -> bytes:
        return json.dumps({"id": "web", "pid": 10 + self.created, "status": self.status, "bundle": self.bundle,
                           "rootfs": "", "created": "t%d" % self.created}).encode()

    def _state(self, call: t.List[str]) -> None:
        pass

    def _create(self, call: t.List[str]) -> None:
        self.bundle = call[call.index("--bundle") + 1]
        self.status, self.created = "created", self.created + 1

    def _run(self, call: t.List[str]) -> None:
        self._create(call)
        self._start(call)

    def _start(self, call: t.List[str]) -> None:
        self.status = "stopped" if self.exits_on_start else "running"

    def _kill(self, call: t.List[str]) -> None:
        if call[-1] not in self.ignores:
            self.status = "stopped"

    def _delete(self, call: t.List[str]) -> None:
        self.status = None

    def _pause(self, call: t.List[str]) -> None:
        self.status = "paused"

    def _resume(self, call: t.List[str]) -> None:
        self.status = "running"

    def _update(self, call: t.List[str]) -> None:
        pass


@pytest.fixture
def sim() -> SimulatedRunc:
    return SimulatedRunc()


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "bundle"
    path.mkdir()
    spec = {"process": {"args": ["sh"], "env": ["K=v"]}, "linux": {"resources": {"memory": {"limit": 100}}}}
    (path / "config.json").write_text(json.dumps(spec))
    return path


def options(root: Path, bundle: t.Optional[Path], **extra: t.Any) -> t.Dict[str, t.Any]:
    base: t.Dict[str, t.Any] = {"id": "web", "state": "running", "bundle": str(bundle) if bundle else None,
                                "root": str(root), "stop_timeout": 0, "wait_started": 0}
    base.update(extra)
    return base


def manage(sim: SimulatedRunc, opts: t.Dict[str, t.Any], check_mode: bool = False) -> t.Dict[str, t.Any]:
    return manage_container(opts, lambda: Runc(GlobalOptions(), runner=sim), check_mode, diff=True)


@pytest.mark.parametrize("extra,message", [
    ({"id": "../x"}, "id: container id '../x' is invalid"),
    ({"id": ""}, "id: container id must be a non-empty string"),
    ({"bundle": ""}, "bundle: required when state is running"),
    ({"stop_signal": "SIGNOPE"}, "stop_signal: unknown signal"),
    ({"stop_timeout": -1}, "stop_timeout: must not be negative"),
])
def test_bad_parameters_fail_before_runc(tmp_path: Path, bundle: Path, extra, message: str) -> None:
    def no_runc() -> Runc:
        raise AssertionError("runc was looked up")

    with pytest.raises(ContainerTaskError) as caught:
        manage_container(dict(options(tmp_path, bundle), **extra), no_runc, False, False)
    assert caught.value.msg.startswith(message)


def test_started_is_running_and_signals_are_normalised(tmp_path: Path, bundle: Path) -> None:
    params = ContainerParams.from_options(options(tmp_path, bundle, state="started", stop_signal="int"))
    assert (params.state, params.stop_signal) == ("running", "SIGINT")


def test_check_mode_plans_without_mutating_or_writing(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    result = manage(sim, options(tmp_path / "root", bundle), check_mode=True)
    assert (result["changed"], result["actions"], result["container"]) == (True, ["create", "start"], {})
    assert result["diff"] == {"before": {"status": "absent", "bundle": None},
                              "after": {"status": "running", "bundle": str(bundle)}}
    assert sim.mutating() == [] and not (tmp_path / "root").exists()


def test_a_rootfs_still_to_be_unpacked_fails_for_real_and_warns_in_check_mode(sim: SimulatedRunc, tmp_path: Path,
                                                                              bundle: Path) -> None:
    spec = json.loads((bundle / "config.json").read_text())
    spec["root"] = {"path": "rootfs"}  # an earlier task of the play unpacks it; check mode skipped that task
    (bundle / "config.json").write_text(json.dumps(spec))
    planned = manage(sim, options(tmp_path / "root", bundle), check_mode=True)
    assert planned["actions"] == ["create", "start"] and sim.mutating() == []
    assert any("does not exist or is not a directory" in w and "check mode" in w for w in planned["warnings"])
    with pytest.raises(ContainerTaskError) as caught:
        manage(sim, options(tmp_path / "root", bundle))
    assert caught.value.msg.startswith("bundle: the root filesystem %s/rootfs" % bundle) and sim.mutating() == []


def test_a_log_directory_still_to_be_made_fails_for_real_and_warns_in_check_mode(
        sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    log_path = str(tmp_path / "logs" / "web.log")  # an earlier task makes tmp_path/logs; check mode skipped it
    planned = manage(sim, options(tmp_path / "root", bundle, log_path=log_path), check_mode=True)
    assert planned["actions"] == ["create", "start"] and sim.mutating() == []
    expected = "log_path: directory %s/logs does not exist" % tmp_path
    assert any(w.startswith(expected) and "check mode" in w for w in planned["warnings"])
    with pytest.raises(ContainerTaskError) as caught:
        manage(sim, options(tmp_path / "root", bundle, log_path=log_path))
    assert caught.value.msg.startswith("log_path: directory %s/logs does not exist" % tmp_path)
    assert sim.mutating() == []


def test_create_writes_a_record_and_a_repeat_changes_nothing(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    assert manage(sim, options(tmp_path, bundle))["actions"] == ["create", "start"]
    record = json.loads((tmp_path / "web@ocitools.json").read_text())
    assert (record["bundle"], record["created"]) == (str(bundle), "t1")
    sim.calls.clear()
    assert manage(sim, options(tmp_path, bundle))["changed"] is False
    assert sim.mutating() == []


def test_resource_change_is_updated_live(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    manage(sim, options(tmp_path, bundle))
    (bundle / "config.json").write_text(json.dumps(
        {"process": {"args": ["sh"], "env": ["K=v"]}, "linux": {"resources": {"memory": {"limit": 200}}}}))
    sim.calls.clear()
    result = manage(sim, options(tmp_path, bundle))
    assert result["actions"] == ["update"]
    assert sim.mutating() == [["update", "--resources", "-", "web"]]
    assert manage(sim, options(tmp_path, bundle))["changed"] is False  # the record was refreshed


def test_stale_record_means_unknown_drift(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    manage(sim, options(tmp_path, bundle))
    sim.created += 1  # the container was recreated outside the module: the record is for the old one
    (bundle / "config.json").write_text(json.dumps({"process": {"args": ["other"]}}))
    result = manage(sim, options(tmp_path, bundle))
    assert (result["actions"], result["drift"]["kind"]) == ([], "none")
    assert "no record" in result["warnings"][0]


def test_stop_escalates_to_sigkill_for_all(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    manage(sim, options(tmp_path, bundle))
    sim.ignores.add("SIGTERM")
    sim.calls.clear()
    assert manage(sim, options(tmp_path, bundle, state="stopped"))["actions"] == ["stop"]
    assert sim.mutating() == [["kill", "web", "SIGTERM"], ["kill", "--all", "web", "SIGKILL"]]


def test_created_container_is_stopped_with_sigkill(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    manage(sim, options(tmp_path, bundle, state="stopped"))
    assert ["kill", "web", "SIGKILL"] in sim.mutating()


@pytest.mark.parametrize("subcommand,state", [("create", "created"), ("run", "running")])
def test_failed_create_is_deleted(sim: SimulatedRunc, tmp_path: Path, bundle: Path, subcommand: str, state: str) -> None:
    sim.fail[subcommand] = "bad spec"  # running is reached with one runc run (create and start)
    with pytest.raises(ContainerTaskError) as caught:
        manage(sim, options(tmp_path, bundle, state=state))
    assert caught.value.msg.startswith("bundle: runc could not create container web from %s" % bundle)
    assert caught.value.details["runc_message"] == "bad spec"
    assert sim.status is None and not (tmp_path / "web@ocitools.json").exists()


def test_exit_right_after_start_fails_and_deletes(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    log = tmp_path / "web.log"
    log.write_text("line 1\nfatal: no config\n")
    sim.exits_on_start = True
    with pytest.raises(ContainerTaskError) as caught:
        manage(sim, options(tmp_path, bundle, log_path=str(log), wait_started=0.1))
    assert "exited right after start" in caught.value.msg and "fatal: no config" in caught.value.msg
    assert caught.value.details["status"] == "stopped"
    assert sim.status is None


def test_no_wait_by_default_and_an_exit_seen_in_the_final_state_fails(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    log = tmp_path / "web.log"
    log.write_text("fatal: no config\n")
    sim.exits_on_start = True
    opts = options(tmp_path, bundle, log_path=str(log))
    del opts["wait_started"]
    with pytest.raises(ContainerTaskError) as caught:
        manage(sim, opts)
    assert "exited right after start" in caught.value.msg and "fatal: no config" in caught.value.msg
    assert caught.value.details["actions"] == ["create", "start"]
    # no poll: one runc run (create and start), the final state (which would also give the record), the clean-up
    assert [call[0] for call in sim.calls] == ["state", "run", "state", "state", "delete"]
    assert sim.status is None


def test_a_no_op_reads_the_container_once(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    manage(sim, options(tmp_path, bundle))
    sim.calls.clear()
    result = manage(sim, options(tmp_path, bundle))
    assert result["actions"] == [] and result["container"]["status"] == "running"
    assert [call[0] for call in sim.calls] == ["state"]


def test_failing_step_names_the_action(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    manage(sim, options(tmp_path, bundle))
    sim.fail["pause"] = "freezer broken"
    with pytest.raises(ContainerTaskError) as caught:
        manage(sim, options(tmp_path, bundle, state="paused"))
    assert caught.value.msg.startswith("pause of container web failed") and "freezer broken" in caught.value.msg


def test_manager_uses_the_given_root_for_its_files(sim: SimulatedRunc, tmp_path: Path, bundle: Path) -> None:
    params = ContainerParams.from_options(options(tmp_path / "r", bundle, state="created"))
    ContainerManager(Runc(GlobalOptions(), runner=sim), params).run()
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["web@ocitools.json", "web@ocitools.lock"]
    ContainerManager(Runc(GlobalOptions(), runner=sim), ContainerParams.from_options(options(tmp_path / "r", None, state="absent"))).run()
    assert list((tmp_path / "r").iterdir()) == []
