# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers on the SSH test hosts (ssh_hosts.py) for the ``runc`` connection and ``runc_containers``
inventory tests: started with the real runc straight from the test, each with a private rootfs that the
test can read from the host side (``Target.rootfs``), and deleted afterwards by ``Targets.delete_all``.

``Targets.inventory(...)`` writes an INI inventory whose hosts are those containers, reached through the
``ocitools.runc.runc`` connection plugin over SSH to their host's sshd.
"""

from __future__ import annotations

import os
import subprocess
import sys
import typing as t
from pathlib import Path

from ssh_hosts import RUNC, SshHost, SshHosts

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "setup"))

import python_rootfs  # noqa: E402  (tests/setup is not a package)
import rootfs as rootfs_setup  # noqa: E402

# Ids carry this prefix and the pid: other helpers' tests run concurrently and share the cgroup tree (/ID).
PREFIX = "c16-%d-" % os.getpid()
SLEEP_LOOP = ["sh", "-c", "while true; do sleep 1; done"]


class Target(t.NamedTuple):
    id: str
    host: SshHost
    bundle: Path

    @property
    def rootfs(self) -> Path:
        return self.bundle / "rootfs"


class Targets:
    """Containers started on the SSH test hosts, remembered for deletion."""

    def __init__(self, hosts: SshHosts, workdir: Path) -> None:
        self.hosts = hosts
        self.workdir = workdir
        self.started: t.List[Target] = []

    def _run(self, host: SshHost, container_id: str, bundle: Path) -> Target:
        target = Target(container_id, host, bundle)
        self.started.append(target)
        log = bundle / "runc.log"  # a detached container inherits runc's stdio: a file, never a pipe
        with log.open("wb") as out:
            proc = subprocess.run([RUNC, "--root", str(host.runc_root), "run", "--detach", "--bundle", str(bundle),
                                   container_id], stdin=subprocess.DEVNULL, stdout=out, stderr=out, timeout=60,
                                  check=False)
        if proc.returncode != 0:
            raise AssertionError("runc run %s failed: %s" % (container_id, log.read_text()))
        return target

    def busybox(self, host: SshHost, name: str, args: t.Sequence[str] = tuple(SLEEP_LOOP),
                annotations: t.Optional[t.Mapping[str, str]] = None) -> Target:
        """A running busybox container with its own writable rootfs: no Python, no tar."""
        container_id = PREFIX + name
        bundle = self.workdir / container_id
        rootfs_setup.make_bundle(bundle, list(args), readonly=False, annotations=dict(annotations or {}))
        return self._run(host, container_id, bundle)

    def bare(self, host: SshHost, name: str) -> Target:
        """A running container whose rootfs holds one static binary, /bin/busybox, and no shell, tar or Python:
        the busybox rootfs without its applet links."""
        container_id = PREFIX + name
        bundle = self.workdir / container_id
        rootfs_setup.make_bundle(bundle, ["/bin/busybox", "sleep", "86400"], readonly=False)
        for link in (bundle / "rootfs" / "bin").iterdir():
            if link.is_symlink():
                link.unlink()
        return self._run(host, container_id, bundle)

    def python(self, host: SshHost, name: str) -> Target:
        """A running container with the host's python3 (tests/setup/python_rootfs.py)."""
        container_id = PREFIX + name
        bundle = self.workdir / container_id
        rootfs = python_rootfs.build_python_rootfs(bundle / "rootfs")
        rootfs_setup.make_bundle(bundle, ["sleep", "infinity"], rootfs=rootfs, readonly=False,
                                 mounts=python_rootfs.python_mounts())
        return self._run(host, container_id, bundle)

    def state(self, target: Target) -> str:
        result = subprocess.run([RUNC, "--root", str(target.host.runc_root), "state", target.id],
                                capture_output=True, text=True, timeout=60, check=False)
        return result.stdout

    def delete_all(self) -> None:
        for target in self.started:
            subprocess.run([RUNC, "--root", str(target.host.runc_root), "delete", "--force", target.id],
                           capture_output=True, timeout=60, check=False)
        self.started = []

    def host_vars(self, host: SshHost, user: str = "root") -> t.Dict[str, str]:
        """What reaches ``host`` over SSH and its runc root: the ssh plugin's own variables and ours."""
        return {
            "ansible_runc_host": host.address,
            "ansible_runc_root": str(host.runc_root),
            "ansible_user": user,
            "ansible_port": str(host.port),
            "ansible_ssh_private_key_file": str(self.hosts.key),
            "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
        }

    def inventory(self, name: str, targets: t.Sequence[Target], **extra: str) -> Path:
        """An INI inventory with ``targets`` as hosts (named by container id) in group ``containers``."""
        lines = ["[containers]"]
        for target in targets:
            host_vars = dict(self.host_vars(target.host), **extra)
            lines.append(" ".join([target.id] + ["%s=%s" % (key, _ini_value(value)) for key, value in host_vars.items()]))
        lines += ["", "[containers:vars]", "ansible_connection=ocitools.runc.runc", ""]
        path = self.workdir / name
        path.write_text("\n".join(lines))
        return path


def _ini_value(value: str) -> str:
    return "'%s'" % value if " " in value or value == "" else value
