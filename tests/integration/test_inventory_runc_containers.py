# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``ocitools.runc.runc_containers`` inventory plugin over real SSH: two hosts with three containers each,
grouped by status, host and annotation; a play over ``status_running`` runs in exactly the running ones."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest
from runc_targets import Target, Targets
from ssh_hosts import SshHost, SshHosts, ssh_hosts  # noqa: F401 # pylint: disable=unused-import

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def fleet(ssh_hosts: SshHosts, tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[t.Tuple[Targets, t.Dict[str, Target]]]:
    """On each host: web (running), db (running), job (stopped: its process exits at once)."""
    targets = Targets(ssh_hosts, tmp_path_factory.mktemp("runc-fleet"))
    made: t.Dict[str, Target] = {}
    try:
        for host in ssh_hosts.hosts:
            made["web@" + host.name] = targets.busybox(host, "web-" + host.name, annotations={"app": "web"})
            made["db@" + host.name] = targets.busybox(host, "db-" + host.name, annotations={"app": "db"})
            made["job@" + host.name] = targets.busybox(host, "job-" + host.name, args=["true"],
                                                       annotations={"app": "batch"})
        deadline = time.monotonic() + 20
        for key, target in made.items():
            while key.startswith("job@") and '"status": "stopped"' not in targets.state(target):
                assert time.monotonic() < deadline, "%s did not stop" % target.id
                time.sleep(0.05)
        yield targets, made
    finally:
        targets.delete_all()


def _host_entry(targets: Targets, host: SshHost) -> t.Dict[str, t.Any]:
    host_vars = targets.host_vars(host)
    return {
        "name": host.name,
        "address": host.address,
        "roots": [host_vars.pop("ansible_runc_root")],
        "vars": {key: value for key, value in host_vars.items() if key != "ansible_runc_host"},
    }


def _source(targets: Targets, name: str, hosts: t.List[t.Dict[str, t.Any]]) -> Path:
    path = targets.workdir / name
    path.write_text(json.dumps({
        "plugin": "ocitools.runc.runc_containers",
        "hosts": hosts,
        "keyed_groups": [{"key": "runc_container.annotations['app']", "prefix": "app"}],
        "compose": {"container_pid": "runc_container.pid"},
    }))
    return path


def _inventory(ansible, args: t.List[str], env: t.Mapping[str, str]) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([str(BIN / "ansible-inventory"), *args], capture_output=True, text=True,
                          env=ansible.env(ansible.workdir / "unused.jsonl", env), timeout=300, check=False)


def _plain(value: t.Any) -> t.Any:
    """A value of ``ansible-inventory --list``, without the wrapper that marks inventory data as not trusted."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _name(target: Target) -> str:
    return "%s@%s" % (target.id, target.host.name)


def test_graph_groups_by_status_host_and_annotation(ansible, fleet) -> None:
    targets, made = fleet
    source = _source(targets, "fleet.runc.yml", [_host_entry(targets, host) for host in targets.hosts.hosts])
    started = time.monotonic()
    graph = _inventory(ansible, ["-i", str(source), "--graph"], targets.hosts.env())
    seconds = time.monotonic() - started
    assert graph.returncode == 0, graph.stdout + graph.stderr
    assert "[WARNING]" not in graph.stderr, graph.stderr
    listed = _inventory(ansible, ["-i", str(source), "--list"], targets.hosts.env())
    data = json.loads(listed.stdout)

    def members(group: str) -> t.Set[str]:
        return set(data.get(group, {}).get("hosts", []))

    names = {key: _name(target) for key, target in made.items()}
    assert members("status_running") == {names[k] for k in names if not k.startswith("job@")}
    assert members("status_stopped") == {names["job@host1"], names["job@host2"]}
    assert members("app_web") == {names["web@host1"], names["web@host2"]}
    assert members("app_batch") == {names["job@host1"], names["job@host2"]}
    assert members("runc_host_host1") == {names[k] for k in names if k.endswith("@host1")}
    assert members("runc_containers") == set(names.values())
    for group in ("status_running", "status_stopped", "app_web", "app_db", "app_batch"):
        assert "@%s:" % group in graph.stdout
    web1 = _plain(data["_meta"]["hostvars"][names["web@host1"]])
    assert web1["ansible_connection"] == "ocitools.runc.runc"
    assert web1["ansible_runc_container_id"] == made["web@host1"].id
    assert web1["ansible_runc_host"] == "127.0.0.11"
    assert web1["runc_container"]["status"] == "running"
    assert web1["runc_container"]["annotations"] == {"app": "web"}
    assert web1["container_pid"] == web1["runc_container"]["pid"] > 0
    print("ansible-inventory --graph, 2 hosts x 3 containers over ssh: %.2fs" % seconds)


def test_a_play_over_status_running_runs_in_exactly_those(ansible, fleet) -> None:
    targets, made = fleet
    source = _source(targets, "play.runc.yml", [_host_entry(targets, host) for host in targets.hosts.hosts])
    play = targets.workdir / "running.yml"
    play.write_text(json.dumps([{"name": "running", "hosts": "status_running", "gather_facts": False, "tasks": [
        {"name": "mark", "ansible.builtin.raw": "echo {{ runc_container.id }} > /tmp/marked; cat /tmp/marked"}]}]))
    run = ansible.playbook(play, inventory=source, extra_env=targets.hosts.env())
    assert run.rc == 0, run.stdout + run.stderr
    ran = {task.host: task.result["stdout"].strip() for task in run.tasks if task.status == "ok"}
    running = {key: target for key, target in made.items() if not key.startswith("job@")}
    assert ran == {_name(target): target.id for target in running.values()}
    for target in running.values():  # the file is in each container's own rootfs
        assert (target.rootfs / "tmp" / "marked").read_text() == target.id + "\n"
    for key in ("job@host1", "job@host2"):
        assert not (made[key].rootfs / "tmp" / "marked").exists()


def test_an_unreachable_host_is_named_and_skipped(ansible, fleet) -> None:
    targets, made = fleet
    down = {"name": "down", "address": "127.0.0.19", "vars": {"ansible_port": targets.hosts.hosts[0].port}}
    source = _source(targets, "down.runc.yml", [_host_entry(targets, targets.hosts.host("host1")), down])
    listed = _inventory(ansible, ["-i", str(source), "--list"], targets.hosts.env())
    assert listed.returncode == 0, listed.stderr
    assert "skipping down: cannot list the containers of host down (127.0.0.19)" in listed.stderr
    hosts = set(json.loads(listed.stdout)["_meta"]["hostvars"])
    assert hosts == {_name(target) for key, target in made.items() if key.endswith("@host1")}

    strict = targets.workdir / "strict.runc.yml"
    strict.write_text(json.dumps(dict(json.loads(source.read_text()), host_errors="fail")))
    env = dict(targets.hosts.env(), ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
    failed = _inventory(ansible, ["-i", str(strict), "--list"], env)
    assert failed.returncode != 0
    assert "cannot list the containers of host down (127.0.0.19)" in failed.stderr
