# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``ocitools.runc.runc`` connection plugin through real SSH (tests/integration/ssh_hosts.py) and real runc:
raw in a container without Python, files in and out byte-identical, modules in a container with Python,
become on the host side, no symlink escape to the host, and errors that name the container and the host."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

import pytest
from runc_targets import Target, Targets
from ssh_hosts import SshHosts, ssh_hosts  # noqa: F401 # pylint: disable=unused-import

DRIVER = Path(__file__).resolve().parent / "drive_connection.py"
HOST_SHADOW = Path("/etc/shadow")
MEGABYTE = 1024 * 1024


@pytest.fixture(scope="module")
def targets(ssh_hosts: SshHosts, tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Targets]:
    made = Targets(ssh_hosts, tmp_path_factory.mktemp("runc-targets"))
    yield made
    made.delete_all()


@pytest.fixture(scope="module")
def busybox(targets: Targets) -> Target:
    """On host1: no Python, no tar; /tmp holds symlinks to /etc/shadow (absolute, relative, via a directory)."""
    target = targets.busybox(targets.hosts.host("host1"), "bb")
    (target.rootfs / "etc" / "shadow").write_text("root:container-only:1::::::\n")
    (target.rootfs / "tmp" / "shadow-link").symlink_to("/etc/shadow")
    (target.rootfs / "tmp" / "shadow-relative").symlink_to("../../../../../../../../etc/shadow")
    (target.rootfs / "tmp" / "etc-link").symlink_to("/etc")
    return target


@pytest.fixture(scope="module")
def python_target(targets: Targets) -> Target:
    """On host2: the host's python3 (tests/setup/python_rootfs.py); /tmp/shadow-link -> /etc/shadow."""
    target = targets.python(targets.hosts.host("host2"), "py")
    (target.rootfs / "tmp" / "shadow-link").symlink_to("/etc/shadow")
    return target


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("payload") / "big.bin"
    path.write_bytes(os.urandom(MEGABYTE))
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _host_shadow_fingerprint() -> t.Tuple[str, int]:
    return _digest(HOST_SHADOW), HOST_SHADOW.stat().st_mtime_ns


def drive(targets: Targets, target: Target, steps: t.Sequence[str], **extra: t.Any) -> t.Dict[str, t.Any]:
    """Run the connection plugin in a subprocess (drive_connection.py) against ``target``."""
    variables: t.Dict[str, t.Any] = dict(targets.host_vars(target.host), inventory_hostname=target.id)
    variables["ansible_port"] = int(variables["ansible_port"])
    variables.update(extra)
    env = dict(os.environ, **targets.hosts.env())
    proc = subprocess.run([sys.executable, str(DRIVER), json.dumps(variables), *steps], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_raw_in_a_container_without_python(ansible, targets: Targets, busybox: Target) -> None:
    inventory = targets.inventory("bb.ini", [busybox])
    started = time.monotonic()
    run = ansible.playbook(_play(targets, "raw.yml", [
        {"name": "raw", "ansible.builtin.raw": "cat /etc/hostname; test -e /usr/bin/python3 || echo no-python"},
    ]), inventory=inventory, extra_env=targets.hosts.env())
    seconds = time.monotonic() - started
    assert run.rc == 0, run.stdout + run.stderr
    [task] = run.tasks
    assert (task.host, task.status, task.result["rc"]) == (busybox.id, "ok", 0)
    assert task.result["stdout_lines"] == ["runc", "no-python"]
    log = (busybox.host.base_dir.parent / "sshd.log").read_text()
    assert "Accepted publickey for root" in log  # it went through host1's own sshd
    print("raw in busybox over ssh: %.2fs (ansible-playbook, one task)" % seconds)


def test_raw_and_files_without_a_shell_in_the_container(targets: Targets, big_file: Path, tmp_path: Path) -> None:
    bare = targets.bare(targets.hosts.host("host2"), "bare")
    assert sorted(path.name for path in (bare.rootfs / "bin").iterdir()) == ["busybox"]
    back = tmp_path / "back.bin"
    result = drive(targets, bare, ["exec:/bin/busybox echo 'two words' $HOME", "put:%s:/tmp/big.bin" % big_file,
                                   "fetch:/tmp/big.bin:%s" % back], ansible_runc_shell="")
    assert "error" not in result, result
    assert result["steps"][0]["rc"] == 0
    assert result["steps"][0]["stdout"] == "two words $HOME\n"  # no shell: no expansion, words split like sh
    assert back.read_bytes() == big_file.read_bytes() == (bare.rootfs / "tmp" / "big.bin").read_bytes()


def test_put_and_fetch_one_megabyte_byte_identical(targets: Targets, busybox: Target, big_file: Path,
                                                   tmp_path: Path) -> None:
    back = tmp_path / "back.bin"
    result = drive(targets, busybox, ["put:%s:/root/big.bin" % big_file, "fetch:/root/big.bin:%s" % back,
                                      "exec:md5sum /root/big.bin; ls -ln /root/big.bin"])
    assert "error" not in result, result
    assert back.read_bytes() == big_file.read_bytes()
    assert (busybox.rootfs / "root" / "big.bin").read_bytes() == big_file.read_bytes()
    listing = result["steps"][2]["stdout"]
    assert hashlib.md5(big_file.read_bytes()).hexdigest() in listing  # nosec: a checksum to compare, not security
    assert "-rw-------    1 0        0" in listing  # a new file: mode 0600, the owner of its directory
    put, fetch = result["steps"][0]["seconds"], result["steps"][1]["seconds"]
    print("1 MB over ssh into busybox: put %.2fs, fetch %.2fs" % (put, fetch))


def test_empty_file_and_errors_of_the_file_helper(targets: Targets, busybox: Target, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    result = drive(targets, busybox, ["put:%s:/tmp/empty" % empty])
    assert "error" not in result, result
    assert (busybox.rootfs / "tmp" / "empty").read_bytes() == b""
    result = drive(targets, busybox, ["put:%s:/no/such/dir/file" % empty])
    assert result["error"]["type"] == "AnsibleError"
    assert "container %s on host %s (ssh)" % (busybox.id, busybox.host.address) in result["error"]["message"]
    assert "directory 'no' does not exist in the container" in result["error"]["message"]


@pytest.mark.parametrize("link", ["/tmp/shadow-link", "/tmp/shadow-relative", "/tmp/etc-link/shadow"])
def test_put_through_a_symlink_to_etc_shadow_stays_in_the_container(
        targets: Targets, busybox: Target, tmp_path: Path, link: str) -> None:
    before = _host_shadow_fingerprint()
    payload = tmp_path / "payload"
    payload.write_text("written-through-%s\n" % link)
    back = tmp_path / "back"
    result = drive(targets, busybox, ["put:%s:%s" % (payload, link), "fetch:%s:%s" % (link, back)])
    assert "error" not in result, result
    assert _host_shadow_fingerprint() == before, "the host's /etc/shadow changed"
    assert (busybox.rootfs / "etc" / "shadow").read_text() == payload.read_text()
    assert back.read_text() == payload.read_text()  # and a fetch reads the container's file, not the host's
    assert (busybox.rootfs / "tmp" / "shadow-link").is_symlink()


def test_modules_in_a_container_with_python(ansible, targets: Targets, python_target: Target, big_file: Path,
                                            tmp_path: Path) -> None:
    inventory = targets.inventory("py.ini", [python_target])
    template = tmp_path / "site.conf.j2"
    template.write_text("container={{ inventory_hostname }} python={{ ansible_facts.python.version.major }}\n")
    fetched = tmp_path / "fetched"
    shadow_before = _host_shadow_fingerprint()
    started = time.monotonic()
    run = ansible.playbook(_play(targets, "modules.yml", [
        {"name": "facts", "ansible.builtin.setup": {"gather_subset": ["!all", "!min", "python"]}},
        {"name": "command", "ansible.builtin.command": "python3 -c 'import sys; print(sys.version_info[0])'"},
        {"name": "template", "ansible.builtin.template": {"src": str(template), "dest": "/etc/site.conf",
                                                          "mode": "0640"}},
        {"name": "copy", "ansible.builtin.copy": {"src": str(big_file), "dest": "/tmp/big.bin", "mode": "0644"}},
        {"name": "fetch", "ansible.builtin.fetch": {"src": "/tmp/big.bin", "dest": str(fetched) + "/",
                                                    "flat": True}},
        {"name": "copy to a symlink to /etc/shadow",
         "ansible.builtin.copy": {"content": "root:from-a-copy-task:1::::::\n", "dest": "/tmp/shadow-link",
                                  "mode": "0600", "follow": True}},
    ]), inventory=inventory, extra_env=targets.hosts.env())
    seconds = time.monotonic() - started
    assert run.rc == 0, run.stdout + run.stderr
    by_name = {task.task: task for task in run.tasks}
    assert by_name["command"].result["stdout"] == "3"
    site = python_target.rootfs / "etc" / "site.conf"
    assert site.read_text() == "container=%s python=3\n" % python_target.id
    assert oct(site.stat().st_mode & 0o777) == "0o640"
    assert (fetched / "big.bin").read_bytes() == big_file.read_bytes()
    assert (python_target.rootfs / "tmp" / "big.bin").read_bytes() == big_file.read_bytes()
    assert (python_target.rootfs / "etc" / "shadow").read_text() == "root:from-a-copy-task:1::::::\n"
    assert _host_shadow_fingerprint() == shadow_before, "the host's /etc/shadow changed"
    print("facts, command, template, copy 1 MB, fetch 1 MB, copy in a python container over ssh: %.2fs" % seconds)


@pytest.fixture
def readable_ssh_host() -> t.Iterator[SshHosts]:
    """One more sshd whose authorized key file another user can read (sshd reads it as that user): the session's
    hosts keep theirs in pytest's private (0700) temporary directory."""
    workdir = Path(tempfile.mkdtemp(prefix="ocitools-c16-", dir="/tmp"))
    workdir.chmod(0o755)
    hosts = SshHosts(workdir / "hosts", 1)
    try:
        (workdir / "hosts").mkdir(mode=0o755)
        yield hosts.start()
    finally:
        hosts.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def sudo_user() -> t.Iterator[str]:
    """An unprivileged user that may run anything as root with sudo, without a password; removed afterwards."""
    if shutil.which("sudo") is None:
        reason = "become on the host side needs sudo (scripts/install-deps installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    name = "c16u%d" % (os.getpid() % 100000)
    sudoers = Path("/etc/sudoers.d/ocitools-%s" % name)
    subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/sh", name], check=True, capture_output=True,
                   timeout=60)
    try:
        # '*': no password, but not locked (sshd refuses a locked account without PAM)
        subprocess.run(["usermod", "--password", "*", name], check=True, capture_output=True, timeout=60)
        sudoers.write_text("%s ALL=(root) NOPASSWD: ALL\n" % name)
        sudoers.chmod(0o440)
        yield name
    finally:
        sudoers.unlink(missing_ok=True)
        _userdel(name)


def _userdel(name: str) -> None:
    """userdel refuses while a process of the user lives: the SSH session ends just after its sshd stops."""
    deadline = time.monotonic() + 20
    while True:
        result = subprocess.run(["userdel", name], capture_output=True, text=True, timeout=60, check=False)
        if result.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError("could not remove the test user %s: %s" % (name, result.stderr))
        time.sleep(0.2)


def test_become_on_the_host_side(ansible, targets: Targets, busybox: Target, python_target: Target,
                                 sudo_user: str, readable_ssh_host: SshHosts, big_file: Path, tmp_path: Path) -> None:
    # sudo_user comes first: it is removed after this sshd stopped, which ends the user's SSH sessions
    assert pwd.getpwnam(sudo_user).pw_uid != 0
    # both containers through the one sshd whose key the user can read; each keeps its own runc root
    sshd = readable_ssh_host.hosts[0]
    via = {"ansible_runc_host": sshd.address, "ansible_port": str(sshd.port),
           "ansible_ssh_private_key_file": str(readable_ssh_host.key), "ansible_user": sudo_user}
    inventory = targets.inventory("become.ini", [busybox, python_target], ansible_runc_host_become="true", **via)
    fetched = tmp_path / "fetched"
    run = ansible.playbook(_play(targets, "become.yml", [
        {"name": "raw", "ansible.builtin.raw": "id -u"},
        {"name": "copy", "ansible.builtin.copy": {"src": str(big_file), "dest": "/tmp/become.bin", "mode": "0644"},
         "when": "inventory_hostname == '%s'" % python_target.id},
        {"name": "fetch", "ansible.builtin.fetch": {"src": "/tmp/become.bin", "dest": str(fetched) + "/",
                                                    "flat": True},
         "when": "inventory_hostname == '%s'" % python_target.id},
    ]), inventory=inventory, extra_env=readable_ssh_host.env())  # its ControlPersist masters close with it
    assert run.rc == 0, run.stdout + run.stderr
    raw = {task.host: task.result["stdout"].strip() for task in run.tasks if task.task == "raw"}
    assert raw == {busybox.id: "0", python_target.id: "0"}
    assert (fetched / "become.bin").read_bytes() == big_file.read_bytes()
    assert "Accepted publickey for %s" % sudo_user in (sshd.base_dir.parent / "sshd.log").read_text()

    # the same user without become cannot use runc's root: the error names the container and the host
    without = targets.inventory("no-become.ini", [busybox], **via)
    run = ansible.playbook(_play(targets, "no-become.yml", [{"name": "raw", "ansible.builtin.raw": "id -u"}]),
                           inventory=without, extra_env=readable_ssh_host.env())
    [task] = run.tasks
    assert task.status == "unreachable"
    assert "container %s on host %s (ssh)" % (busybox.id, sshd.address) in task.result["msg"]
    assert "permission denied" in task.result["msg"]


def _raw_error(ansible, targets: Targets, target: Target, name: str, **extra: str) -> str:
    inventory = targets.inventory(name + ".ini", [target], **extra)
    run = ansible.playbook(_play(targets, name + ".yml", [{"name": "raw", "ansible.builtin.raw": "true"}]),
                           inventory=inventory, extra_env=targets.hosts.env())
    assert run.rc != 0
    [task] = run.tasks
    assert task.status == "unreachable", task
    return str(task.result["msg"])


def test_clear_errors_name_the_container_and_the_host(ansible, targets: Targets, busybox: Target) -> None:
    host = busybox.host
    where = "on host %s (ssh)" % host.address

    stopped = targets.busybox(host, "stopped", args=["true"])
    deadline = time.monotonic() + 20
    while '"status": "stopped"' not in targets.state(stopped):
        assert time.monotonic() < deadline, "the container running `true` did not stop"
        time.sleep(0.05)
    message = _raw_error(ansible, targets, stopped, "stopped")
    assert "container %s %s is stopped, not running" % (stopped.id, where) in message

    missing = Target(busybox.id + "-missing", host, busybox.bundle)
    message = _raw_error(ansible, targets, missing, "missing")
    assert "container %s not found %s (runc root %s)" % (missing.id, where, host.runc_root) in message

    message = _raw_error(ansible, targets, busybox, "no-runc", ansible_runc_executable="/nonexistent/runc")
    assert "container %s: runc executable '/nonexistent/runc' not found %s" % (busybox.id, where) in message

    message = _raw_error(ansible, targets, busybox, "unreachable", ansible_runc_host="127.0.0.19")
    assert "container %s: cannot reach host 127.0.0.19 (ssh)" % busybox.id in message
    assert "Connection refused" in message


def _play(targets: Targets, name: str, tasks: t.List[t.Dict[str, t.Any]]) -> Path:
    path = targets.workdir / name
    path.write_text(json.dumps([{"name": name, "hosts": "containers", "gather_facts": False, "tasks": tasks}]))
    return path
