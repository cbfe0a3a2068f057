# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runc_machine role on real runc: systemd machines booted, run again, rebooted, stopped and removed."""

from __future__ import annotations

import os
import subprocess
import typing as t
from pathlib import Path

from machine_lab import LabMachine, MachineLab, changed_tasks, image_dir

HOST_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def _start_ticks(pid: int) -> int:
    """When the process started, in clock ticks since the kernel booted (field 22 of /proc/PID/stat)."""
    stat = Path("/proc/%d/stat" % pid).read_text()
    return int(stat.rsplit(")", 1)[1].split()[19])


def _out(lab: MachineLab, name: str, argv: t.Sequence[str], root: t.Optional[Path] = None) -> str:
    result = lab.machine_exec(name, argv, root=root)
    assert result.returncode == 0, "%s in %s: rc=%d %s" % (argv, name, result.returncode, result.stderr)
    return result.stdout.strip()


def test_machines_boot_systemd_with_their_own_name_run_and_tmp(machine_lab: MachineLab) -> None:
    for machine in machine_lab.machines:
        state = machine_lab.state(machine.name)
        assert state and state["status"] == "running", state
        assert _out(machine_lab, machine.name, ["cat", "/proc/1/comm"]) == "systemd"
        assert _out(machine_lab, machine.name, ["systemctl", "is-system-running"]) == "running"
        assert _out(machine_lab, machine.name, ["hostname"]) == machine.name
        mounts = _out(machine_lab, machine.name, ["findmnt", "--noheadings", "--output", "TARGET,FSTYPE", "--list"])
        assert {"/run tmpfs", "/tmp tmpfs"} <= {" ".join(line.split()) for line in mounts.splitlines()}
        major = {"bookworm": "12", "trixie": "13"}[machine.release]
        assert _out(machine_lab, machine.name, ["cat", "/etc/debian_version"]).startswith(major + ".")
        # its own disk: a file made in one machine is not in another
        assert machine_lab.rootfs(machine.name).is_dir()
    _out(machine_lab, "ocitools-lab1", ["touch", "/var/tmp/only-on-lab1"])
    assert (machine_lab.rootfs("ocitools-lab1") / "var/tmp/only-on-lab1").exists()
    assert not (machine_lab.rootfs("ocitools-lab2") / "var/tmp/only-on-lab1").exists()


def test_running_again_changes_nothing_nor_would_in_check_mode(machine_lab: MachineLab) -> None:
    pids = {m.name: machine_lab.state(m.name)["pid"] for m in machine_lab.machines}  # type: ignore[index]

    run = machine_lab.converge()
    check = machine_lab.converge(check=True)

    assert run.rc == 0, run.stdout[-4000:]
    assert changed_tasks(run) == []
    assert check.rc == 0 and changed_tasks(check) == [], check.stdout[-4000:]
    assert {m.name: machine_lab.state(m.name)["pid"] for m in machine_lab.machines} == pids  # type: ignore[index]


def test_rebooted_is_a_new_boot_with_an_empty_run(machine_lab: MachineLab) -> None:
    name = "ocitools-lab1"
    host_boot_id = HOST_BOOT_ID.read_text().strip()
    pid_before = machine_lab.state(name)["pid"]  # type: ignore[index]
    started_before = _start_ticks(pid_before)
    _out(machine_lab, name, ["touch", "/run/ocitools-before-reboot", "/var/tmp/ocitools-before-reboot"])
    assert _out(machine_lab, name, ["cat", str(HOST_BOOT_ID)]) == host_boot_id

    run = machine_lab.converge({"runc_machine_state": "rebooted"}, limit=name)

    assert run.rc == 0, run.stdout[-4000:]
    container_task = next(task for task in run.tasks if " : Bring to its declared state machine" in task.task and task.host == name)
    assert container_task.result["actions"] == ["stop", "delete", "create", "start"]
    pid_after = machine_lab.state(name)["pid"]  # type: ignore[index]
    assert _start_ticks(pid_after) > started_before  # systemd (pid 1 in the machine) started anew
    assert _out(machine_lab, name, ["systemctl", "is-system-running"]) == "running"
    assert machine_lab.machine_exec(name, ["test", "-e", "/run/ocitools-before-reboot"]).returncode == 1  # fresh /run
    assert machine_lab.machine_exec(name, ["test", "-e", "/var/tmp/ocitools-before-reboot"]).returncode == 0  # same disk
    # the kernel did not reboot: the machine sees the host's boot id, before and after
    assert _out(machine_lab, name, ["cat", str(HOST_BOOT_ID)]) == host_boot_id == HOST_BOOT_ID.read_text().strip()


def test_tarball_machine_stopped_then_absent_leaves_nothing(machine_lab: MachineLab, tmp_path: Path) -> None:
    image = image_dir(machine_lab.cache_dir, "bookworm", machine_lab.packages)
    assert image is not None, "the lab's bookworm image is not in %s" % machine_lab.cache_dir
    tarball = tmp_path / "rootfs.tar"
    subprocess.run(["tar", "--create", "--numeric-owner", "--file", str(tarball), "--directory", str(image / "rootfs"), "."],
                   check=True, capture_output=True, timeout=300)
    root = tmp_path / "runc-root"
    machine = LabMachine("ocitools-lab-tarball", "bookworm", "127.0.0.23", 2223)
    machine_vars = dict(machine_lab.machine_vars(machine), runc_machine_root=str(root),
                        runc_machine_base_dir=str(tmp_path / "machines"), runc_machine_rootfs_type="tarball",
                        runc_machine_rootfs_src=str(tarball),
                        # "hello" is not in the image: apt installs it inside the machine after boot
                        runc_machine_packages=["runc", "hello"])
    inventory = machine_lab.write_local_inventory(tmp_path / "inventory.json", {machine.name: machine_vars})
    try:
        running = machine_lab.converge(inventory=inventory)
        assert running.rc == 0, running.stdout[-4000:]
        assert _out(machine_lab, machine.name, ["systemctl", "is-system-running"], root=root) == "running"
        assert _out(machine_lab, machine.name, ["hello"], root=root) == "Hello, world!"

        stopped = machine_lab.converge({"runc_machine_state": "stopped"}, inventory=inventory)
        assert stopped.rc == 0, stopped.stdout[-4000:]
        assert (machine_lab.state(machine.name, root=root) or {}).get("status") == "stopped"
        again = machine_lab.converge({"runc_machine_state": "stopped"}, inventory=inventory)
        assert again.rc == 0 and changed_tasks(again) == []

        absent = machine_lab.converge({"runc_machine_state": "absent"}, inventory=inventory)
        assert absent.rc == 0, absent.stdout[-4000:]
        assert machine_lab.state(machine.name, root=root) is None
        assert sorted(os.listdir(root)) == []  # nothing of it under the runc root: no state, record or lock
        assert not (tmp_path / "machines" / machine.name).exists()
    finally:
        subprocess.run(["runc", "--root", str(root), "delete", "--force", machine.name], capture_output=True, check=False)


def test_bad_name_fails_clearly_and_removes_nothing(machine_lab: MachineLab, tmp_path: Path) -> None:
    # "absent" of a name with "/.." would otherwise remove the base directory itself
    (tmp_path / "machines").mkdir()
    machine = LabMachine("bad name/..", "bookworm", "127.0.0.23", 2223)
    machine_vars = dict(machine_lab.machine_vars(machine), runc_machine_root=str(tmp_path / "root"),
                        runc_machine_base_dir=str(tmp_path / "machines"), runc_machine_state="absent")
    inventory = machine_lab.write_local_inventory(tmp_path / "inventory.json", {"bad": machine_vars})

    run = machine_lab.converge(inventory=inventory)

    assert run.rc != 0
    failed = [task for task in run.tasks if task.failed]
    assert failed and "runc_machine_name \"bad name/..\" is not a runc container id" in failed[0].result["msg"]
    assert (tmp_path / "machines").is_dir()
