# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The machine lab: runc machines booted with systemd by the ocitools.runc.runc_machine role, reached over SSH.

Three machines, each a system container with its own rootfs copy, hostname, /run, /tmp and cgroup, and its own
sshd on a loopback address (the machines share this host's network):

================  ========  ===============
name              release   sshd
================  ========  ===============
ocitools-lab1     bookworm  127.0.0.21:2222
ocitools-lab2     trixie    127.0.0.22:2222
ocitools-lab3     trixie    127.0.0.23:2222
================  ========  ===============

Each has runc, CRIU, iptables and busybox-static installed (the same package list as the molecule scenario
extensions/molecule/runc_machine, so both reuse one cached image per release). The images are built once with
mmdebstrap into ``OCITOOLS_MACHINE_CACHE`` (default /var/cache/ocitools-machines) and reused by later sessions;
the machines themselves (state root and rootfs copies) live in the session's temporary directory and are removed
at the end, which checks that nothing is left under their runc root.

The machines are made by tests/integration/playbooks/machines.yml on an inventory in which every machine is a
host with ``ansible_connection=local`` and its ``runc_machine_*`` variables (``local_inventory``); the tests reach
them over SSH through ``inventory`` with ``env()``, as they reach the loopback sshd hosts of ssh_hosts.py.

The session fixture ``machine_lab`` (conftest.py) starts the lab once for every test module that uses it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import typing as t
from pathlib import Path

from ssh_hosts import ansible_ssh_env, close_control_masters, keygen, ssh_group_vars, write_ansible_cfg

if t.TYPE_CHECKING:  # conftest imports this module
    from conftest import AnsibleHarness, AnsibleRun  # pragma: no cover

RUNC = "runc"
MACHINES_PLAYBOOK = Path(__file__).resolve().parent / "playbooks" / "machines.yml"
CACHE_DIR = Path(os.environ.get("OCITOOLS_MACHINE_CACHE", "/var/cache/ocitools-machines"))
# The same list as the platforms of extensions/molecule/runc_machine/molecule.yml (one image per release for both).
LAB_PACKAGES = ("runc", "criu", "iptables", "busybox-static")
SSH_PORT = 2222


class LabMachine(t.NamedTuple):
    name: str  # inventory name, runc container id and hostname
    release: str
    address: str
    port: int = SSH_PORT


LAB = (
    LabMachine("ocitools-lab1", "bookworm", "127.0.0.21"),
    LabMachine("ocitools-lab2", "trixie", "127.0.0.22"),
    LabMachine("ocitools-lab3", "trixie", "127.0.0.23"),
)


class MachineLabError(RuntimeError):
    """The lab could not be started or stopped cleanly."""


def changed_tasks(run: "AnsibleRun") -> t.List[str]:
    """``host: task`` of every task result that reported a change."""
    return ["%s: %s" % (task.host, task.task) for task in run.tasks if task.changed]


class MachineLab:
    """Machines made by the runc_machine role on this host, their inventories and helpers to look inside."""

    def __init__(self, workdir: Path, runner: "AnsibleHarness", machines: t.Sequence[LabMachine] = LAB,
                 packages: t.Sequence[str] = LAB_PACKAGES, cache_dir: Path = CACHE_DIR) -> None:
        self.workdir = Path(workdir).absolute()
        self.runner = runner
        self.machines = list(machines)
        self.packages = list(packages)
        self.cache_dir = cache_dir
        self.root = self.workdir / "runc-root"
        self.base_dir = self.workdir / "machines"
        self.key = self.workdir / "id_ed25519"
        self.local_inventory = self.workdir / "machines-local.json"
        self.inventory = self.workdir / "inventory.ini"
        self.ansible_cfg = self.workdir / "ansible.cfg"
        self.control_dir = self.workdir / "cp"
        self.start_seconds = 0.0

    # ------------------------------------------------------------ making and removing the machines
    def start(self) -> "MachineLab":
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.control_dir.mkdir(exist_ok=True)
        if not self.key.exists():
            keygen(self.key, "ocitools-machine-lab")
        self._write_local_inventory()
        self._write_ssh_inventory()
        write_ansible_cfg(self.ansible_cfg, self.inventory, self.control_dir)
        run = self.converge()
        if run.rc != 0:
            self.stop(check=False)
            raise MachineLabError("the machines did not come up (ansible-playbook rc=%d):\n%s\n%s"
                                  % (run.rc, run.stdout[-6000:], run.stderr[-3000:]))
        self.start_seconds = time.monotonic() - started
        return self

    def converge(self, extra_vars: t.Optional[t.Mapping[str, t.Any]] = None, limit: t.Optional[str] = None,
                 inventory: t.Optional[Path] = None, check: bool = False) -> "AnsibleRun":
        """Run the machines playbook (the runc_machine role for every machine, or those of ``limit``)."""
        return self.runner.playbook(MACHINES_PLAYBOOK, extra_vars, inventory=inventory or self.local_inventory,
                                    limit=limit, check=check)

    def stop(self, check: bool = True) -> None:
        """Close SSH masters, remove every machine (state absent); with ``check``, fail if anything is left."""
        close_control_masters(self.control_dir)
        run = self.converge({"runc_machine_state": "absent"})
        left = sorted(path.name for path in self.root.iterdir()) if self.root.is_dir() else []
        if check and (run.rc != 0 or left):
            raise MachineLabError("removing the machines failed (rc=%d) or left %s under %s:\n%s"
                                  % (run.rc, left, self.root, run.stdout[-4000:]))

    def machine_vars(self, machine: LabMachine) -> t.Dict[str, t.Any]:
        """The runc_machine_* variables of one machine (its host vars in the local inventory)."""
        return {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "runc_machine_name": machine.name,
            "runc_machine_release": machine.release,
            "runc_machine_packages": self.packages,
            "runc_machine_ssh_address": machine.address,
            "runc_machine_ssh_port": machine.port,
            "runc_machine_authorized_keys": [self.key.with_suffix(".pub").read_text().strip()],
            "runc_machine_root": str(self.root),
            "runc_machine_base_dir": str(self.base_dir),
            "runc_machine_cache_dir": str(self.cache_dir),
        }

    def write_local_inventory(self, path: Path, machines: t.Mapping[str, t.Mapping[str, t.Any]]) -> Path:
        """A YAML (JSON) inventory whose hosts are the given machines with their variables."""
        path.write_text(json.dumps({"all": {"hosts": dict(machines)}}, indent=2))
        return path

    def _write_local_inventory(self) -> None:
        self.write_local_inventory(self.local_inventory,
                                   {machine.name: self.machine_vars(machine) for machine in self.machines})

    def _write_ssh_inventory(self) -> None:
        lines = ["[machines]"]
        lines += ["%s ansible_host=%s ansible_port=%d" % (m.name, m.address, m.port) for m in self.machines]
        lines += ["", "[machines:vars]"] + ssh_group_vars(self.key) + [""]
        self.inventory.write_text("\n".join(lines))

    # ------------------------------------------------------------ looking at the machines from the host
    def env(self) -> t.Dict[str, str]:
        """Environment for ansible/ansible-playbook runs against the machines over SSH."""
        return ansible_ssh_env(self.ansible_cfg, self.control_dir)

    def machine(self, name: str) -> LabMachine:
        return next(machine for machine in self.machines if machine.name == name)

    def rootfs(self, name: str) -> Path:
        return self.base_dir / name / "rootfs"

    def state(self, name: str, root: t.Optional[Path] = None) -> t.Optional[t.Dict[str, t.Any]]:
        """``runc state`` of a machine (its init's host pid, status), None when there is no such container."""
        result = subprocess.run([RUNC, "--root", str(root or self.root), "state", name],
                                capture_output=True, text=True, timeout=60, check=False)
        return json.loads(result.stdout) if result.returncode == 0 else None

    def machine_exec(self, name: str, argv: t.Sequence[str], root: t.Optional[Path] = None,
                     timeout: float = 60) -> "subprocess.CompletedProcess[str]":
        """Run a command in a machine with ``runc exec`` from the host (for checks; no Ansible involved)."""
        return subprocess.run([RUNC, "--root", str(root or self.root), "exec", name] + list(argv),
                              capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)


def image_dir(cache_dir: Path, release: str, packages: t.Iterable[str]) -> t.Optional[Path]:
    """The cached image of ``release`` that holds ``packages`` (as written by runc_machine), if there is one."""
    wanted = set(packages)
    for description in sorted((cache_dir / "images").glob("%s-*/image.json" % release)):
        image = json.loads(description.read_text())
        if image.get("release") == release and wanted <= set(image.get("packages", ())):
            return description.parent
    return None
