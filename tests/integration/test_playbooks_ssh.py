# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbooks against two hosts over real SSH (tests/integration/ssh_hosts.py): ping, fleet report, migration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest
from criu_fixtures import working_criu  # noqa: F401 # pylint: disable=unused-import
from ssh_hosts import SshHosts, ssh_hosts  # noqa: F401 # pylint: disable=unused-import
from workload_helpers import counter_workload, read_ints, wait_for

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"
# Ids carry the pid: hosts of parallel sessions share this machine's cgroup tree (/ID).
SUFFIX = str(os.getpid())


@pytest.fixture
def fleet(ssh_hosts: SshHosts) -> t.Iterator[SshHosts]:
    """The SSH test hosts, with every container deleted after the test."""
    yield ssh_hosts
    ssh_hosts.delete_containers()


def _runc_state(root: Path, container_id: str) -> t.Optional[t.Dict[str, t.Any]]:
    result = subprocess.run(["runc", "--root", str(root), "state", container_id],
                            capture_output=True, text=True, timeout=60, check=False)
    return json.loads(result.stdout) if result.returncode == 0 else None


def test_ping_over_ssh(ansible, fleet: SshHosts) -> None:
    results = fleet.workdir / "ping-results.jsonl"
    started = time.monotonic()
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible"), "all", "-i", str(fleet.inventory), "-m", "ansible.builtin.ping"],
        capture_output=True, text=True, env=ansible.env(results, fleet.env()), timeout=120, check=False)
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert sorted((r["host"], r["status"], r["result"].get("ping")) for r in records) == [
        ("host1", "ok", "pong"), ("host2", "ok", "pong")]
    for host in fleet.hosts:  # the sessions really went to each host's own sshd
        assert "Accepted publickey for root" in (host.base_dir.parent / "sshd.log").read_text()
    print("sshd start %.2fs, ping %.2fs" % (fleet.start_seconds, seconds))


def test_info_reports_every_host(ansible, fleet: SshHosts) -> None:
    workloads = [{"id": "info-{{ inventory_hostname }}-" + SUFFIX, "rootfs": {"type": "busybox"},
                  "args": ["sh", "-c", "while true; do sleep 1; done"]}]
    deploy = ansible.playbook(PLAYBOOKS / "workloads.yml", {"runc_workloads_list": workloads},
                              inventory=fleet.inventory, extra_env=fleet.env())
    assert deploy.rc == 0, deploy.stdout + deploy.stderr

    report = ansible.playbook(PLAYBOOKS / "info.yml", {"info_stats": True},
                              inventory=fleet.inventory, extra_env=fleet.env())

    assert report.rc == 0, report.stdout + report.stderr
    shown = {task.host: task.result["msg"] for task in report.tasks if task.task == "Show this host's containers"}
    for host in fleet.hosts:
        container_id = "info-%s-%s" % (host.name, SUFFIX)
        assert shown[host.name][0].startswith("%s: runc " % host.name)
        assert "root %s: 1 containers, 1 running" % host.runc_root in shown[host.name][0]
        assert shown[host.name][1].startswith("%s running " % container_id)
    totals = [task.result["msg"] for task in report.tasks if task.task == "Show the fleet totals"]
    assert totals and totals[0].startswith("2 hosts, 2 containers, 2 running")


def test_migrate_moves_a_running_counter(ansible, fleet: SshHosts, working_criu) -> None:
    container_id = "counter-" + SUFFIX
    workload = counter_workload(container_id)
    source, target = fleet.host("host1"), fleet.host("host2")
    source_log = source.base_dir / "bundles" / container_id / "rootfs" / "count.log"
    target_log = target.base_dir / "bundles" / container_id / "rootfs" / "count.log"
    deploy = ansible.playbook(PLAYBOOKS / "workloads.yml", {"runc_workloads_list": [workload], "workloads_hosts": "host1"},
                              inventory=fleet.inventory, extra_env=fleet.env())
    assert deploy.rc == 0, deploy.stdout + deploy.stderr
    wait_for(lambda: len(read_ints(source_log)) >= 10, 20, "the counter on host1 to reach 10")

    started = time.monotonic()
    migrate = ansible.playbook(
        PLAYBOOKS / "migrate.yml",
        {"migrate_id": container_id, "migrate_from": "host1", "migrate_to": "host2", "migrate_workload": workload,
         "runc_criu": str(working_criu.path)},
        inventory=fleet.inventory, extra_env=fleet.env())
    seconds = time.monotonic() - started

    assert migrate.rc == 0, migrate.stdout + migrate.stderr
    dumped = read_ints(source_log)[-1]
    wait_for(lambda: len(read_ints(target_log)) >= 3, 20, "the counter on host2 to go on")
    assert read_ints(target_log)[:3] == [dumped + 1, dumped + 2, dumped + 3]
    assert (_runc_state(target.runc_root, container_id) or {}).get("status") == "running"
    assert _runc_state(source.runc_root, container_id) is None
    assert not (source.base_dir / "migrate" / container_id).exists()
    print("migration %.2fs (counter dumped at %d on host1, went on at %d on host2)" % (seconds, dumped, dumped + 1))
