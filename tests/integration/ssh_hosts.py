# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test hosts reached over real SSH: one Debian ``sshd`` per host, each on its own loopback address.

Host N (1..K) is ``127.0.0.1N`` (127.0.0.11, 127.0.0.12, ...): the whole 127.0.0.0/8 is routed to
``lo`` on Linux, so no address needs to be set up. Every host gets its own sshd (own config, host key
and pid file), and its own runc state root and base directory for bundles and images under
``<workdir>/hostN/``; the hosts share this machine, and those directories are what keeps them apart.
They are passed to plays as the inventory host vars ``runc_root`` and ``runc_base_dir``.

A client key pair is generated for the session; every sshd accepts only that key, for root
(``PermitRootLogin prohibit-password``). Ansible connects with pipelining on and its SSH control
sockets in the work directory, so ``stop()`` can close them before it stops the sshd processes.

Use the session fixture from a test module::

    from ssh_hosts import ssh_hosts  # noqa: F401  (pytest fixture)

    def test_x(ansible, ssh_hosts):
        run = ansible.playbook(playbook, inventory=ssh_hosts.inventory, extra_env=ssh_hosts.env())

CLI (for trying plays by hand): ``python tests/integration/ssh_hosts.py WORKDIR [COUNT]`` starts the
hosts, prints the inventory path and the ``ANSIBLE_CONFIG`` to use, and stops them on Ctrl-C.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest

SSHD = "/usr/sbin/sshd"
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"
SSH = shutil.which("ssh") or "/usr/bin/ssh"
RUNC = shutil.which("runc") or "runc"
SFTP_SERVER = "/usr/lib/openssh/sftp-server"
PRIVSEP_DIR = Path("/run/sshd")  # Debian's sshd refuses to start without it
TARGET_PYTHON = "/usr/bin/python3"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


class SshHostError(RuntimeError):
    """A test host could not be set up or started."""


class SshHost(t.NamedTuple):
    name: str  # inventory name, host1 ...
    address: str  # 127.0.0.11 ...
    port: int
    runc_root: Path
    base_dir: Path


def host_address(number: int) -> str:
    """Loopback address of test host ``number`` (1 -> 127.0.0.11, 2 -> 127.0.0.12, ...)."""
    if not 1 <= number <= 99:
        raise ValueError("test host numbers go from 1 to 99, got %d" % number)
    return "127.0.0.1%d" % number


def _free_port(address: str) -> int:
    """A TCP port nothing listens on at ``address`` (so parallel sessions do not collide)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def keygen(path: Path, comment: str) -> None:
    subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
                   check=True, capture_output=True, timeout=30)


def _sshd_config(host_dir: Path, address: str, port: int, authorized_keys: Path) -> str:
    return "\n".join([
        "ListenAddress %s:%d" % (address, port),
        "HostKey %s" % (host_dir / "ssh_host_ed25519_key"),
        "PidFile %s" % (host_dir / "sshd.pid"),
        "AuthorizedKeysFile %s" % authorized_keys,
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "UsePAM no",
        "StrictModes no",  # the key lives in a pytest temp dir, not a 0700 ~/.ssh
        "UseDNS no",
        "PrintMotd no",
        "MaxStartups 100",
        "MaxSessions 100",
        "Subsystem sftp %s" % (SFTP_SERVER if os.path.exists(SFTP_SERVER) else "internal-sftp"),
        "",
    ])


def _wait_listening(address: str, port: int, proc: subprocess.Popen, log: Path) -> None:  # type: ignore[type-arg]
    """Wait for sshd's own "Server listening on" line (a probe connection would only add log noise)."""
    deadline = time.monotonic() + START_TIMEOUT
    while "Server listening on" not in log.read_text():
        if proc.poll() is not None:
            raise SshHostError("sshd on %s:%d exited with %s: %s" % (address, port, proc.returncode, log.read_text()))
        if time.monotonic() > deadline:
            raise SshHostError("sshd on %s:%d did not listen within %.0fs: %s"
                               % (address, port, START_TIMEOUT, log.read_text()))
        time.sleep(0.02)


def ssh_group_vars(key: Path, python: str = TARGET_PYTHON) -> t.List[str]:
    """Inventory group vars (INI lines) to reach hosts over SSH as root with ``key``, host keys not checked."""
    return [
        "ansible_connection=ssh",
        "ansible_user=root",
        "ansible_ssh_private_key_file=%s" % key,
        "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR'",
        "ansible_python_interpreter=%s" % python,
    ]


def write_ansible_cfg(path: Path, inventory: Path, control_dir: Path) -> None:
    """An ansible.cfg with pipelining and SSH control sockets in ``control_dir`` (closed by close_control_masters)."""
    path.write_text("\n".join([
        "[defaults]",
        "inventory = %s" % inventory,
        "host_key_checking = False",
        "retry_files_enabled = False",
        "",
        "[ssh_connection]",
        "pipelining = True",
        "control_path_dir = %s" % control_dir,
        "",
    ]))


def ansible_ssh_env(ansible_cfg: Path, control_dir: Path) -> t.Dict[str, str]:
    """Environment for ansible/ansible-playbook runs with that ansible.cfg."""
    return {"ANSIBLE_CONFIG": str(ansible_cfg), "ANSIBLE_PIPELINING": "True",
            "ANSIBLE_SSH_CONTROL_PATH_DIR": str(control_dir)}


def close_control_masters(control_dir: Path) -> None:
    """Ask every SSH master connection Ansible left in ``control_dir`` to exit."""
    if control_dir.is_dir():
        for control_socket in control_dir.iterdir():
            subprocess.run([SSH, "-o", "ControlPath=%s" % control_socket, "-O", "exit", "controlled-host"],
                           capture_output=True, timeout=STOP_TIMEOUT, check=False)


class SshHosts:
    """K running test hosts, their inventory and the Ansible settings to reach them."""

    def __init__(self, workdir: Path, count: int = 2) -> None:
        self.workdir = Path(workdir).absolute()
        self.count = count
        self.key = self.workdir / "id_ed25519"
        self.inventory = self.workdir / "inventory.ini"
        self.ansible_cfg = self.workdir / "ansible.cfg"
        self.control_dir = self.workdir / "cp"
        self.hosts: t.List[SshHost] = []
        self._procs: t.List[subprocess.Popen] = []  # type: ignore[type-arg]
        self.start_seconds = 0.0

    def start(self) -> "SshHosts":
        started = time.monotonic()
        PRIVSEP_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.control_dir.mkdir(exist_ok=True)
        keygen(self.key, "ocitools-test-client")
        authorized_keys = self.key.with_suffix(".pub")
        try:
            for number in range(1, self.count + 1):
                self.hosts.append(self._start_host(number, authorized_keys))
        except BaseException:
            self.stop()
            raise
        self._write_inventory()
        self._write_ansible_cfg()
        self.start_seconds = time.monotonic() - started
        return self

    def _start_host(self, number: int, authorized_keys: Path) -> SshHost:
        address = host_address(number)
        host_dir = self.workdir / ("host%d" % number)
        host_dir.mkdir()
        keygen(host_dir / "ssh_host_ed25519_key", "ocitools-test-host%d" % number)
        port = _free_port(address)
        config = host_dir / "sshd_config"
        config.write_text(_sshd_config(host_dir, address, port, authorized_keys))
        log = host_dir / "sshd.log"
        with log.open("w") as log_fh:
            proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdin=subprocess.DEVNULL,
                                    stdout=log_fh, stderr=log_fh, start_new_session=True)
        self._procs.append(proc)
        _wait_listening(address, port, proc, log)
        host = SshHost("host%d" % number, address, port, host_dir / "runc-root", host_dir / "base")
        host.runc_root.mkdir(mode=0o700)
        host.base_dir.mkdir()
        return host

    def _write_inventory(self) -> None:
        lines = ["[runc_hosts]"]
        for host in self.hosts:
            lines.append(" ".join([
                host.name,
                "ansible_host=%s" % host.address,
                "ansible_port=%d" % host.port,
                "runc_root=%s" % host.runc_root,
                "runc_base_dir=%s" % host.base_dir,
            ]))
        lines += ["", "[runc_hosts:vars]"] + ssh_group_vars(self.key) + [""]
        self.inventory.write_text("\n".join(lines))

    def _write_ansible_cfg(self) -> None:
        write_ansible_cfg(self.ansible_cfg, self.inventory, self.control_dir)

    def env(self) -> t.Dict[str, str]:
        """Environment for ansible/ansible-playbook runs against these hosts."""
        return ansible_ssh_env(self.ansible_cfg, self.control_dir)

    def host(self, name: str) -> SshHost:
        return next(host for host in self.hosts if host.name == name)

    def delete_containers(self) -> None:
        """Delete every container under every host's runc root (tests call this when they are done)."""
        for host in self.hosts:
            listed = subprocess.run([RUNC, "--root", str(host.runc_root), "list", "--quiet"],
                                    capture_output=True, text=True, timeout=60, check=False)
            for container_id in listed.stdout.split():
                subprocess.run([RUNC, "--root", str(host.runc_root), "delete", "--force", container_id],
                               capture_output=True, timeout=60, check=False)

    def stop(self) -> None:
        """Close Ansible's SSH master connections, then stop every sshd (SIGTERM, then SIGKILL)."""
        close_control_masters(self.control_dir)
        for proc in self._procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self._procs:
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=STOP_TIMEOUT)
        self._procs = []


def _test_host_count() -> int:
    return int(os.environ.get("OCITOOLS_SSH_HOSTS", "2"))


@pytest.fixture(scope="session")
def ssh_hosts(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[SshHosts]:
    """Two (``OCITOOLS_SSH_HOSTS``) running SSH test hosts for the session; stopped afterwards."""
    if os.geteuid() != 0 or not os.path.exists(SSHD):
        reason = "SSH test hosts need root and %s (openssh-server)" % SSHD
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    hosts = SshHosts(tmp_path_factory.mktemp("ssh-hosts"), _test_host_count()).start()
    try:
        yield hosts
    finally:
        hosts.stop()


def _raise_interrupt(_signum: int, _frame: t.Any) -> None:
    raise KeyboardInterrupt


def main(argv: t.Sequence[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: python tests/integration/ssh_hosts.py WORKDIR [COUNT]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_interrupt)
    hosts = SshHosts(Path(argv[0]), int(argv[1]) if len(argv) == 2 else 2).start()
    print("inventory: %s\nexport ANSIBLE_CONFIG=%s\n(Ctrl-C stops the hosts)" % (hosts.inventory, hosts.ansible_cfg),
          flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        hosts.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
