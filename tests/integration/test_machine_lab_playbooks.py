# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbooks on separate systemd machines (tests/integration/machine_lab.py), over SSH, with runc inside:
runc_workloads on each, the fleet report, one container id on two machines at once, migration between machines."""

from __future__ import annotations

import json
import time
import typing as t
from pathlib import Path

import pytest
from machine_lab import MachineLab, changed_tasks
from workload_helpers import counter_workload, read_ints, wait_for

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"
BUNDLES = "var/lib/ocitools-runc/bundles"  # runc_workloads' default base directory, inside a machine


@pytest.fixture
def lab(machine_lab: MachineLab) -> t.Iterator[MachineLab]:
    """The machine lab, with every container inside the machines deleted after the test."""
    yield machine_lab
    for machine in machine_lab.machines:
        listed = machine_lab.machine_exec(machine.name, ["runc", "list", "--quiet"])
        for container_id in listed.stdout.split():
            machine_lab.machine_exec(machine.name, ["runc", "delete", "--force", container_id])


def _sleeper(container_id: str) -> t.Dict[str, t.Any]:
    return {"id": container_id, "rootfs": {"type": "busybox"}, "args": ["sh", "-c", "while true; do sleep 1; done"]}


def _inner_state(lab: MachineLab, machine: str, container_id: str) -> t.Dict[str, t.Any]:
    """``runc state`` of a container inside a machine (pids in the machine's pid namespace)."""
    result = lab.machine_exec(machine, ["runc", "state", container_id])
    assert result.returncode == 0, "%s in %s: %s" % (container_id, machine, result.stderr)
    return t.cast(t.Dict[str, t.Any], json.loads(result.stdout))


def _host_cgroups_named(name: str) -> t.Dict[str, t.Set[str]]:
    """Host processes by their cgroup (the pids controller's on cgroup v1, the unified one on v2) ending in /name."""
    found: t.Dict[str, t.Set[str]] = {}
    for cgroup_file in Path("/proc").glob("[0-9]*/cgroup"):
        try:
            lines = cgroup_file.read_text().splitlines()
        except OSError:  # the process has gone
            continue
        paths = [line.split(":", 2)[2] for line in lines
                 if "pids" in line.split(":", 2)[1].split(",") or line.startswith("0::")]
        if paths and paths[0].endswith("/" + name):
            found.setdefault(paths[0], set()).add(cgroup_file.parent.name)
    return found


def test_workloads_and_info_on_every_machine(ansible, lab: MachineLab) -> None:
    workloads = [_sleeper("ocitools-info-{{ inventory_hostname }}")]
    deploy = ansible.playbook(PLAYBOOKS / "workloads.yml", {"runc_workloads_list": workloads},
                              inventory=lab.inventory, extra_env=lab.env())
    assert deploy.rc == 0, deploy.stdout[-4000:]
    again = ansible.playbook(PLAYBOOKS / "workloads.yml", {"runc_workloads_list": workloads},
                             inventory=lab.inventory, extra_env=lab.env())
    assert again.rc == 0 and changed_tasks(again) == []

    report = ansible.playbook(PLAYBOOKS / "info.yml", {"info_stats": True}, inventory=lab.inventory, extra_env=lab.env())

    assert report.rc == 0, report.stdout[-4000:]
    shown = {task.host: task.result["msg"] for task in report.tasks if task.task == "Show this host's containers"}
    assert sorted(shown) == [machine.name for machine in lab.machines]
    for machine in lab.machines:
        header, line = shown[machine.name]
        assert header.startswith("%s: runc " % machine.name)
        assert header.endswith("1 containers, 1 running")
        assert line.startswith("ocitools-info-%s running " % machine.name)
    # each machine runs its own distro's runc (Debian 12: 1.1.5, Debian 13: 1.1.15)
    versions = {task.host: task.result["ansible_facts"]["info_summary"]["runc"] for task in report.tasks
                if task.task == "Summarise this host"}
    assert versions["ocitools-lab1"].startswith("1.1.5") and versions["ocitools-lab2"].startswith("1.1.15")
    totals = [task.result["msg"] for task in report.tasks if task.task == "Show the fleet totals"]
    assert totals and totals[0].startswith("3 hosts, 3 containers, 3 running; checkpoint usable on ")
    assert {"ocitools-lab2", "ocitools-lab3"} <= set(totals[0].split("usable on ", 1)[1].split(", "))


def test_same_container_id_on_two_machines(ansible, lab: MachineLab) -> None:
    container_id = "ocitools-twin"
    hosts = ["ocitools-lab1", "ocitools-lab2"]
    deploy = ansible.playbook(PLAYBOOKS / "workloads.yml",
                              {"runc_workloads_list": [_sleeper(container_id)], "workloads_hosts": ":".join(hosts)},
                              inventory=lab.inventory, extra_env=lab.env())
    assert deploy.rc == 0, deploy.stdout[-4000:]

    states = {host: _inner_state(lab, host, container_id) for host in hosts}
    assert {host: state["status"] for host, state in states.items()} == dict.fromkeys(hosts, "running")
    # Each machine is in its own cgroup (/MACHINE on the host), and runc inside it puts the container below its own
    # (here the SSH session's service): the same id gives two host cgroups with their own processes, neither /ID.
    cgroups = _host_cgroups_named(container_id)
    assert len(cgroups) == 2, cgroups
    assert sorted(path.split("/")[1] for path in cgroups) == hosts, cgroups
    assert "/" + container_id not in cgroups
    assert not set.intersection(*cgroups.values())
    print("one id, two machines: %s" % "; ".join("%s: pids %s" % (path, sorted(pids)) for path, pids in cgroups.items()))


def test_migrate_between_machines(ansible, lab: MachineLab) -> None:
    # Debian 13's CRIU 4.1.1 works inside the trixie machines (the bookworm machine's CRIU 3.17 does not on 6.x kernels)
    container_id = "ocitools-lab-counter"
    workload = counter_workload(container_id)
    source, target = "ocitools-lab2", "ocitools-lab3"
    source_log = lab.rootfs(source) / BUNDLES / container_id / "rootfs" / "count.log"
    target_log = lab.rootfs(target) / BUNDLES / container_id / "rootfs" / "count.log"
    deploy = ansible.playbook(PLAYBOOKS / "workloads.yml", {"runc_workloads_list": [workload], "workloads_hosts": source},
                              inventory=lab.inventory, extra_env=lab.env())
    assert deploy.rc == 0, deploy.stdout[-4000:]
    wait_for(lambda: len(read_ints(source_log)) >= 10, 30, "the counter on %s to reach 10" % source)

    started = time.monotonic()
    migrate = ansible.playbook(
        PLAYBOOKS / "migrate.yml",
        {"migrate_id": container_id, "migrate_from": source, "migrate_to": target, "migrate_workload": workload},
        inventory=lab.inventory, extra_env=lab.env())
    seconds = time.monotonic() - started

    assert migrate.rc == 0, migrate.stdout[-6000:]
    dumped = read_ints(source_log)[-1]
    wait_for(lambda: len(read_ints(target_log)) >= 3, 30, "the counter on %s to go on" % target)
    assert read_ints(target_log)[:3] == [dumped + 1, dumped + 2, dumped + 3]
    assert _inner_state(lab, target, container_id)["status"] == "running"
    assert lab.machine_exec(source, ["runc", "state", container_id]).returncode != 0
    print("migration between machines %.2fs (dumped at %d on %s, went on at %d on %s)"
          % (seconds, dumped, source, dumped + 1, target))
