# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet scale (issue 14): one runc_stack task converging 20 containers on each of 10 runc machines over SSH.

    .venvs/dev/bin/python benchmarks/fleet.py [--hosts 10] [--containers 20] [--reps 3]

Needs root, runc and the cached bookworm image of the machine lab (tests/integration/machine_lab.py: it is built once
into /var/cache/ocitools-machines, or OCITOOLS_MACHINE_CACHE, if missing). Run it under the lab lock
(``flock /work/wt/lab.lock ...`` on the shared development machine).

1. boots ``--hosts`` machines with the runc_machine role (tests/integration/playbooks/machines.yml; forks = hosts):
   ocitools-fleet01.. with sshd on 127.0.0.41.. port 2222 (so they never meet the lab's 127.0.0.21-23), their own
   runc root and rootfs copies in a temporary directory;
2. gives each a busybox rootfs for the containers (untimed, over SSH);
3. times ``ansible-playbook`` of one ``ocitools.runc.runc_stack`` task (``--containers`` containers from absent)
   over SSH with pipelining and forks = hosts: on the first host alone (A), then on every host (B), A B A B ...;
   every container is removed (untimed) before each side;
4. removes the machines (state absent) and checks that nothing is left under their runc root.

It prints the median wall time of each side and the median of the per-pair ratios B/A; the goal is that ten hosts
cost no more than 2x one host on this 2-core machine. Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "tests" / "integration"))

from machine_lab import LAB_PACKAGES, MACHINES_PLAYBOOK, LabMachine, MachineLab  # noqa: E402
from ssh_hosts import ansible_ssh_env, close_control_masters, keygen, ssh_group_vars, write_ansible_cfg  # noqa: E402

GOAL = 2.0
RELEASE = "bookworm"  # the lab's cached image (same package list)
ROOTFS = "/srv/fleet/rootfs"
STOPS_ON_TERM = ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]


def fleet_machines(count: int) -> t.List[LabMachine]:
    return [LabMachine("ocitools-fleet%02d" % number, RELEASE, "127.0.0.%d" % (40 + number))
            for number in range(1, count + 1)]


class Fleet:
    """The machines (made on this host with connection local) and the plays that reach them over SSH."""

    def __init__(self, workdir: Path, machines: t.Sequence[LabMachine], containers: int) -> None:
        self.workdir = workdir
        self.lab = MachineLab(workdir, runner=None, machines=machines)  # only its paths and machine variables
        self.machines = list(machines)
        self.containers = containers
        self.ssh_inventory = workdir / "fleet.ini"
        self.playbooks = workdir / "playbooks"
        collection = workdir / "collections" / "ansible_collections" / "ocitools" / "runc"
        collection.parent.mkdir(parents=True)
        collection.symlink_to(REPO)
        forks = str(len(self.machines))
        self.local_env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(workdir / "collections"), ANSIBLE_NOCOLOR="1",
                              ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"), ANSIBLE_FORKS=forks)
        self.local_env.pop("PYTHONPATH", None)
        self.ssh_env = dict(self.local_env, **ansible_ssh_env(self.lab.ansible_cfg, self.lab.control_dir))

    # -- machines (connection local) ------------------------------------------------

    def write_inventories(self) -> None:
        self.lab.control_dir.mkdir(parents=True, exist_ok=True)
        keygen(self.lab.key, "ocitools-fleet")
        self.lab.write_local_inventory(self.lab.local_inventory,
                                       {machine.name: self.lab.machine_vars(machine) for machine in self.machines})
        lines = ["[fleet]"] + ["%s ansible_host=%s ansible_port=%d" % (m.name, m.address, m.port) for m in self.machines]
        self.ssh_inventory.write_text("\n".join(lines + ["", "[fleet:vars]"] + ssh_group_vars(self.lab.key) + [""]))
        write_ansible_cfg(self.lab.ansible_cfg, self.ssh_inventory, self.lab.control_dir)
        self.playbooks.mkdir()

    def machines_play(self, state: str) -> float:
        argv = [str(BIN / "ansible-playbook"), "-i", str(self.lab.local_inventory), str(MACHINES_PLAYBOOK),
                "-e", json.dumps({"runc_machine_state": state})]
        return self._run(argv, self.local_env, "machines %s" % state)

    def left_under_root(self) -> t.List[str]:
        return sorted(os.listdir(self.lab.root)) if self.lab.root.is_dir() else []

    # -- plays over SSH ---------------------------------------------------------------

    def write(self, name: str, tasks: t.List[t.Dict[str, t.Any]]) -> Path:
        path = self.playbooks / (name + ".yml")
        path.write_text(json.dumps([{"hosts": "fleet", "gather_facts": False, "tasks": tasks}], indent=1))
        return path

    def rootfs_play(self) -> Path:
        """A busybox rootfs in every machine (the machines have busybox-static): sh and sleep are all it runs."""
        return self.write("rootfs", [
            {"name": "directories", "ansible.builtin.file": {"path": "%s/{{ item }}" % ROOTFS, "state": "directory"},
             "loop": ["bin", "proc", "sys", "dev", "tmp", "etc"]},
            {"name": "busybox", "ansible.builtin.copy": {
                "src": "/bin/busybox", "remote_src": True, "dest": ROOTFS + "/bin/busybox", "mode": "0755"}},
            {"name": "applets", "ansible.builtin.file": {"src": "busybox", "dest": "%s/bin/{{ item }}" % ROOTFS,
                                                         "state": "link"}, "loop": ["sh", "sleep"]},
        ])

    def stack_play(self, state: str) -> Path:
        containers = [{"id": "fleet-c%02d" % index, "bundle": "/srv/fleet/bundles/fleet-c%02d" % index,
                       "rootfs": ROOTFS, "args": STOPS_ON_TERM, "state": state, "stop_timeout": 0}
                      for index in range(self.containers)]
        return self.write("stack-" + state, [{"name": "stack", "ocitools.runc.runc_stack": {"containers": containers}}])

    def play(self, playbook: Path, limit: t.Optional[str] = None) -> float:
        argv = [str(BIN / "ansible-playbook"), "-i", str(self.ssh_inventory), str(playbook)]
        return self._run(argv + (["--limit", limit] if limit else []), self.ssh_env, playbook.name)

    def timed_play(self, playbook: Path, limit: t.Optional[str] = None) -> t.Tuple[float, float]:
        """(wall seconds, CPU seconds the whole host was busy: controller, sshd, machines, runc) of one play."""
        busy = cpu_busy_seconds()
        wall = self.play(playbook, limit)
        return wall, cpu_busy_seconds() - busy

    def _run(self, argv: t.List[str], env: t.Mapping[str, str], what: str) -> float:
        started = time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=str(self.workdir), timeout=1800,
                              check=False)
        seconds = time.monotonic() - started
        if proc.returncode != 0:
            raise SystemExit("fleet: %s failed (rc %d):\n%s\n%s"
                             % (what, proc.returncode, proc.stdout[-5000:], proc.stderr[-2000:]))
        return seconds


def cpu_busy_seconds() -> float:
    """CPU time this host has spent busy (all CPUs, not idle or waiting for I/O) since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def main(argv: t.Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--hosts", type=int, default=10, choices=range(2, 11), metavar="2..10")
    parser.add_argument("--containers", type=int, default=20, help="containers per host (default 20)")
    parser.add_argument("--reps", type=int, default=3, help="paired repetitions (default 3)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0 or not shutil.which("runc"):
        print("fleet: needs root and runc on PATH", file=sys.stderr)
        return 2

    load_before = os.getloadavg()[0]  # the machines' own boot and containers raise it during the run
    workdir = Path(tempfile.mkdtemp(prefix="ocitools-bench-fleet."))
    fleet = Fleet(workdir, fleet_machines(args.hosts), args.containers)
    one_host = fleet.machines[0].name
    alone: t.List[t.Tuple[float, float]] = []
    together: t.List[t.Tuple[float, float]] = []
    left: t.List[str] = []
    try:
        fleet.write_inventories()
        boot = fleet.machines_play("running")
        fleet.play(fleet.rootfs_play())
        converge, absent = fleet.stack_play("running"), fleet.stack_play("absent")
        for _rep in range(args.reps):
            fleet.play(absent)
            alone.append(fleet.timed_play(converge, limit=one_host))
            fleet.play(absent)
            together.append(fleet.timed_play(converge))
        fleet.play(absent)
    finally:
        close_control_masters(fleet.lab.control_dir)
        fleet.machines_play("absent")
        left = fleet.left_under_root()
        shutil.rmtree(workdir, ignore_errors=True)

    report(args, alone, together, boot, left, load_before)
    return 1 if left else 0


def report(args: argparse.Namespace, timed_alone: t.Sequence[t.Tuple[float, float]],
           timed_together: t.Sequence[t.Tuple[float, float]], boot: float, left: t.Sequence[str],
           load_before: float) -> None:
    alone, together = [wall for wall, _cpu in timed_alone], [wall for wall, _cpu in timed_together]
    ratio = statistics.median(b / a for a, b in zip(alone, together))
    cores = os.cpu_count() or 1
    cpu_alone, cpu_together = (statistics.median(cpu for _wall, cpu in timed) for timed in (timed_alone, timed_together))
    print("\nfleet: runc_stack of %d containers per host over SSH (pipelining, forks=%d), %d runc machines (%s, %s), "
          "%d cores, load %.1f before the run and %.1f after it, median of %d pairs (A B A B ...)\n" % (
              args.containers, args.hosts, args.hosts, RELEASE, "+".join(LAB_PACKAGES), os.cpu_count() or 0,
              load_before, os.getloadavg()[0], args.reps))
    print("| case | wall time (median) | per host | CPU busy, whole host (median) |")
    print("|---|---|---|---|")
    print("| A: 1 host | %.2f s | %.2f s | %.2f s |" % (statistics.median(alone), statistics.median(alone), cpu_alone))
    print("| B: %d hosts | %.2f s | %.2f s | %.2f s |" % (
        args.hosts, statistics.median(together), statistics.median(together) / args.hosts, cpu_together))
    print("\nB/A (median of pairs): **%.2fx**, goal <= %.1fx: %s" % (ratio, GOAL, "ok" if ratio <= GOAL else "MISSED"))
    # B cannot take less wall time than its CPU time spread over every core: the floor of B/A on this machine
    floor = cpu_together / cores / statistics.median(alone)
    print("CPU floor of B/A on %d cores: B keeps the host busy for %.2f CPU seconds, at best %.2f s of wall time: "
          "B/A >= %.2fx%s" % (cores, cpu_together, cpu_together / cores, floor,
                              " (above the goal: not reachable on this machine)" if floor > GOAL else ""))
    print("booting the %d machines (runc_machine, cached image): %.1f s%s" % (
        args.hosts, boot, "; LEFT under the machines' runc root: %s" % list(left) if left else ""))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
