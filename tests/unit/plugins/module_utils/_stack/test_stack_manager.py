# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stack against a simulated runc holding many containers: one runc list, per-container results,
check mode, prune, pods, a failure in the middle."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.manager import ContainerTaskError
from ansible_collections.ocitools.runc.plugins.module_utils._image.annotations import DIGEST_ANNOTATION
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import CommandResult, ContainerIO
from ansible_collections.ocitools.runc.plugins.module_utils._stack.manager import manage_stack

READ_ONLY = {"state", "list", "spec"}
DEFAULT_SPEC = {"ociVersion": "1.0.2-dev", "process": {"args": ["sh"], "env": ["PATH=/bin"], "cwd": "/"},
                "root": {"path": "rootfs"}, "linux": {"namespaces": [{"type": "network"}, {"type": "mount"}]}}


class Container(t.NamedTuple):
    status: str
    bundle: str
    pid: int
    created: str


class SimulatedRunc:
    """The runc subcommands a stack uses, for any number of containers (by id)."""

    def __init__(self) -> None:
        self.containers: t.Dict[str, Container] = {}
        self.calls: t.List[t.List[str]] = []
        self.fail: t.Dict[str, str] = {}  # container id -> runc's message for its create
        self.exits: t.Set[str] = set()  # container ids whose process exits as soon as it runs
        self.next_pid = 100

    def subcommands(self) -> t.List[str]:
        return [call[0] for call in self.calls]

    def mutating(self) -> t.List[t.List[str]]:
        return [call for call in self.calls if call[0] not in READ_ONLY]

    def __call__(self, argv: t.Sequence[str], timeout: float, data: t.Optional[bytes] = None,
                 io: t.Optional[ContainerIO] = None) -> CommandResult:
        words = list(argv[1:])
        while words[0].startswith("--"):  # global flags and their values
            words = words[2:] if words[0] in ("--root", "--log", "--log-format") else words[1:]
        self.calls.append(words)
        command = words[0]
        container_id = words[-2] if command == "kill" else words[-1]  # kill ID SIGNAL
        if command == "list":
            return self._ok(argv, json.dumps([self._state(cid) for cid in sorted(self.containers)] or None))
        if command == "spec":
            bundle = Path(words[words.index("--bundle") + 1])
            (bundle / "config.json").write_text(json.dumps(DEFAULT_SPEC))
            return self._ok(argv)
        if command in ("create", "run"):
            if container_id in self.fail:
                return CommandResult(list(argv), 1, b"", ('level=error msg="%s"\n' % self.fail[container_id]).encode())
            self.next_pid += 1
            status = "running" if command == "run" else "created"
            status = "stopped" if command == "run" and container_id in self.exits else status
            self.containers[container_id] = Container(status, words[words.index("--bundle") + 1], self.next_pid,
                                                      "t%d" % self.next_pid)
            return self._ok(argv)
        if container_id not in self.containers:
            return CommandResult(list(argv), 1, b"", b'level=error msg="container does not exist"\n')
        if command == "state":
            return self._ok(argv, json.dumps(self._state(container_id)))
        if command == "delete":
            del self.containers[container_id]
        else:
            status = {"start": "running", "kill": "stopped", "pause": "paused", "resume": "running"}.get(command)
            if status:
                self.containers[container_id] = self.containers[container_id]._replace(status=status)
        return self._ok(argv)

    def _state(self, container_id: str) -> t.Dict[str, t.Any]:
        c = self.containers[container_id]
        return {"id": container_id, "pid": c.pid if c.status != "stopped" else 0, "status": c.status,
                "bundle": c.bundle, "rootfs": "", "created": c.created}

    @staticmethod
    def _ok(argv: t.Sequence[str], out: str = "") -> CommandResult:
        return CommandResult(list(argv), 0, out.encode())


@pytest.fixture
def sim() -> SimulatedRunc:
    return SimulatedRunc()


@pytest.fixture
def bundles(tmp_path: Path) -> Path:
    for name in ("web", "side", "db"):
        (tmp_path / "bundles" / name / "rootfs").mkdir(parents=True)
    return tmp_path / "bundles"


def declare(bundles: Path, container_id: str, **extra: t.Any) -> t.Dict[str, t.Any]:
    entry: t.Dict[str, t.Any] = {"id": container_id, "bundle": str(bundles / container_id), "args": ["sh", "-c", "sleep 9"],
                                 "stop_timeout": 0}
    entry.update(extra)
    return entry


def stack(sim: SimulatedRunc, tmp_path: Path, containers: t.List[t.Dict[str, t.Any]], check_mode: bool = False,
          prune: bool = False) -> t.Dict[str, t.Any]:
    options = {"root": str(tmp_path / "root"), "containers": containers, "prune": prune}
    return manage_stack(options, lambda: Runc(GlobalOptions(root=str(tmp_path / "root")), runner=sim), check_mode, diff=True)


def actions(result: t.Mapping[str, t.Any]) -> t.Dict[str, t.List[str]]:
    return {entry["id"]: entry["actions"] for entry in result["containers"]}


def test_converge_then_a_no_op_reads_runc_once(sim: SimulatedRunc, tmp_path: Path, bundles: Path) -> None:
    containers = [declare(bundles, "web"), declare(bundles, "db", state="paused")]
    first = stack(sim, tmp_path, containers)
    assert first["changed"] and actions(first) == {"web": ["create", "start"], "db": ["create", "start", "pause"]}
    assert all(entry["config_changed"] for entry in first["containers"])
    assert json.loads((bundles / "web" / "config.json").read_text())["process"]["args"] == ["sh", "-c", "sleep 9"]
    # one runc list before, one after the actions: no runc state per container
    assert sim.subcommands() == ["list", "spec", "run", "run", "pause", "list"]

    sim.calls.clear()
    again = stack(sim, tmp_path, containers)
    assert not again["changed"] and actions(again) == {"web": [], "db": []}
    assert sim.subcommands() == ["list", "spec"]  # no runc state per container
    assert again["containers"][1]["container"]["status"] == "paused"


def test_check_mode_mutates_nothing_and_writes_nothing(sim: SimulatedRunc, tmp_path: Path, bundles: Path) -> None:
    result = stack(sim, tmp_path, [declare(bundles, "web")], check_mode=True)
    assert actions(result) == {"web": ["create", "start"]} and result["containers"][0]["config_changed"]
    assert sim.mutating() == [] and not (bundles / "web" / "config.json").exists()
    assert not (tmp_path / "root").exists()  # no lock file, no record
    assert "list" not in sim.subcommands()  # runc 1.1 would create the missing state root to answer
    headers = [part["before_header"] for part in result["diff"]]
    assert headers == ["web config.json", "web container"]


def test_prune_removes_undeclared_containers(sim: SimulatedRunc, tmp_path: Path, bundles: Path) -> None:
    stack(sim, tmp_path, [declare(bundles, "web"), declare(bundles, "db")])
    check = stack(sim, tmp_path, [declare(bundles, "web")], check_mode=True, prune=True)
    assert check["pruned"] == [{"id": "db", "changed": True, "actions": ["stop", "delete"]}]
    assert "db" in sim.containers
    result = stack(sim, tmp_path, [declare(bundles, "web")], prune=True)
    assert result["changed"] and result["pruned"][0]["actions"] == ["stop", "delete"]
    assert list(sim.containers) == ["web"]
    assert not stack(sim, tmp_path, [declare(bundles, "web")], prune=True)["changed"]


def test_a_pod_follows_the_container_whose_namespace_it_joins(sim: SimulatedRunc, tmp_path: Path, bundles: Path) -> None:
    side = declare(bundles, "side", namespaces={"network": "container:web"})
    stack(sim, tmp_path, [side, declare(bundles, "web")])
    web_pid = sim.containers["web"].pid
    spec = json.loads((bundles / "side" / "config.json").read_text())
    assert {"type": "network", "path": "/proc/%d/ns/net" % web_pid} in spec["linux"]["namespaces"]
    assert not stack(sim, tmp_path, [side, declare(bundles, "web")])["changed"]

    changed_web = declare(bundles, "web", args=["sh", "-c", "sleep 10"])
    check = stack(sim, tmp_path, [side, changed_web], check_mode=True)
    assert actions(check) == {"side": ["stop", "delete", "create", "start"], "web": ["stop", "delete", "create", "start"]}
    result = stack(sim, tmp_path, [side, changed_web])
    assert actions(result) == actions(check)
    assert [entry["id"] for entry in result["containers"]] == ["side", "web"]  # declared order
    spec = json.loads((bundles / "side" / "config.json").read_text())
    assert {"type": "network", "path": "/proc/%d/ns/net" % sim.containers["web"].pid} in spec["linux"]["namespaces"]


def test_a_failure_names_the_container_and_reports_the_ones_before(sim: SimulatedRunc, tmp_path: Path, bundles: Path) -> None:
    sim.fail["db"] = "bad rootfs"
    with pytest.raises(ContainerTaskError) as caught:
        stack(sim, tmp_path, [declare(bundles, "web"), declare(bundles, "db")])
    assert caught.value.msg.startswith("containers[1] (db): bundle: runc could not create container db")
    assert [entry["id"] for entry in caught.value.details["containers"]] == ["web"]
    assert list(sim.containers) == ["web"]


def test_an_exit_seen_in_the_final_list_fails_and_the_others_are_recorded(sim: SimulatedRunc, tmp_path: Path,
                                                                          bundles: Path) -> None:
    sim.exits.add("web")
    with pytest.raises(ContainerTaskError) as caught:
        stack(sim, tmp_path, [declare(bundles, "web"), declare(bundles, "db")])
    assert caught.value.msg.startswith("containers[0] (web): container web exited right after start")
    assert list(sim.containers) == ["db"]  # the exited one was deleted
    assert sim.subcommands()[:5] == ["list", "spec", "run", "run", "list"]  # then the exited one is deleted
    assert not stack(sim, tmp_path, [declare(bundles, "db")])["changed"]
    assert not any("no record" in warning for warning in stack(sim, tmp_path, [declare(bundles, "db")])["warnings"])


def test_a_bad_entry_fails_before_runc_is_looked_up(tmp_path: Path, bundles: Path) -> None:
    def no_runc() -> Runc:
        raise AssertionError("runc was looked up")

    with pytest.raises(ContainerTaskError, match=r"^containers\[1\]\.args: the command is empty"):
        manage_stack({"containers": [declare(bundles, "web"), declare(bundles, "db", args=[])]}, no_runc, False, False)


IMAGE_CONFIG = {"config": {"Entrypoint": ["/bin/app"], "Cmd": ["--serve"], "Env": ["MODE=prod"], "WorkingDir": "/srv"}}


def test_an_image_entry_gets_the_image_defaults(sim: SimulatedRunc, tmp_path: Path, bundles: Path,
                                                store_image: t.Callable[..., Path]) -> None:
    digest = "sha256:" + "c" * 64
    rootfs = store_image(tmp_path / "store", "docker://r/app:1", digest, IMAGE_CONFIG, "root:x:0:0::/:/bin/sh\n")
    entry = {"id": "web", "bundle": str(bundles / "web"), "image": "r/app:1", "image_store": str(tmp_path / "store"),
             "env": {"EXTRA": "1"}, "stop_timeout": 0}
    first = stack(sim, tmp_path, [entry])
    assert actions(first) == {"web": ["create", "start"]} and first["containers"][0]["config_changed"]
    spec = json.loads((bundles / "web" / "config.json").read_text())
    assert spec["process"]["args"] == ["/bin/app", "--serve"] and spec["process"]["cwd"] == "/srv"
    assert {"MODE=prod", "EXTRA=1"} <= set(spec["process"]["env"]) and spec["root"]["path"] == str(rootfs)
    assert spec["annotations"][DIGEST_ANNOTATION] == digest  # runc_container's image drift reads it
    assert not stack(sim, tmp_path, [entry])["changed"]


def test_an_image_not_in_the_store_fails_before_runc_is_looked_up(tmp_path: Path, bundles: Path) -> None:
    def no_runc() -> Runc:
        raise AssertionError("runc was looked up")

    entry = {"id": "web", "bundle": str(bundles / "web"), "image": "r/app:1", "image_store": str(tmp_path / "none")}
    with pytest.raises(ContainerTaskError, match=r"^containers\[0\]\.image: docker://r/app:1 is not in the image store"):
        manage_stack({"containers": [entry]}, no_runc, False, False)


def test_a_supervised_entry_goes_to_systemd(sim: SimulatedRunc, tmp_path: Path, bundles: Path) -> None:
    # this unit-test host runs no systemd: the supervised entry fails, naming itself, before any change
    assert not Path("/run/systemd/system").is_dir(), "the unit tests expect a host without systemd"
    with pytest.raises(ContainerTaskError) as caught:
        stack(sim, tmp_path, [declare(bundles, "web"), declare(bundles, "db", supervisor="systemd")])
    assert caught.value.msg.startswith("containers[1] (db): supervisor: systemd is not running on this host")
    assert list(sim.containers) == ["web"]
