# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the ``ocitools.runc.runc`` connection costs: a command and 1 MB / 10 MB files in and out of a busybox
container, through an SSH hop (a real sshd on 127.0.0.11, tests/integration/ssh_hosts.py) and through the local
hop, against ``runc exec`` run directly. Prints figures and ratios; not a test.

    make venv collections
    ANSIBLE_COLLECTIONS_PATH=$PWD/build/collections .venvs/dev/bin/python benchmarks/runc_connection.py [ROUNDS]

Needs root, runc, sshd and busybox-static (scripts/install-deps). The first step of each run also pays for the
connection's ``runc state`` and, over SSH, for opening the ControlPersist master; it is reported apart.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from runc_targets import Targets  # noqa: E402  (tests/integration is not a package)
from ssh_hosts import RUNC, SshHosts  # noqa: E402

DRIVER = REPO / "tests" / "integration" / "drive_connection.py"


def drive(hosts: SshHosts, variables: t.Mapping[str, t.Any], steps: t.Sequence[str]) -> t.List[float]:
    env = dict(os.environ, **hosts.env())
    proc = subprocess.run([sys.executable, str(DRIVER), json.dumps(dict(variables)), *steps], capture_output=True,
                          text=True, env=env, timeout=600, check=True)
    result = json.loads(proc.stdout.splitlines()[-1])
    if "error" in result:
        raise SystemExit("the connection failed: %s" % result["error"])
    return [step["seconds"] for step in result["steps"]]


def direct_exec(root: Path, container_id: str, rounds: int) -> t.List[float]:
    times = []
    for _round in range(rounds):
        started = time.monotonic()
        subprocess.run([RUNC, "--root", str(root), "exec", container_id, "true"], check=True, timeout=60)
        times.append(time.monotonic() - started)
    return times


def plain_ssh(hosts: SshHosts, rounds: int) -> t.List[float]:
    """``true`` on the host through Ansible's own ssh plugin, as the hop runs it: the hop alone, no runc."""
    os.environ.update(hosts.env())
    from ansible.playbook.play_context import PlayContext  # pylint: disable=import-outside-toplevel
    from ansible.plugins.loader import connection_loader, init_plugin_loader  # pylint: disable=import-outside-toplevel

    init_plugin_loader()
    host = hosts.hosts[0]
    ssh = connection_loader.get("ansible.builtin.ssh", PlayContext())
    ssh.set_options(direct={"host": host.address, "port": host.port, "remote_user": "root", "use_tty": False,
                            "private_key_file": str(hosts.key),
                            "ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"})
    times = []
    for _round in range(rounds + 1):
        started = time.monotonic()
        ssh.exec_command("true", sudoable=False)
        times.append(time.monotonic() - started)
    return times[1:]  # the first one opens the ControlPersist master


def main(argv: t.Sequence[str]) -> int:
    rounds = int(argv[0]) if argv else 10
    work = Path(tempfile.mkdtemp(prefix="ocitools-bench-"))
    hosts = SshHosts(work / "hosts", 1).start()
    targets = Targets(hosts, work)
    try:
        host = hosts.hosts[0]
        target = targets.busybox(host, "bench")
        files = {}
        for size in (1, 10):
            files[size] = work / ("%dmb.bin" % size)
            files[size].write_bytes(os.urandom(size * 1024 * 1024))
        steps = ["exec:true"] * (rounds + 1)
        for size, path in files.items():
            steps += ["put:%s:/tmp/%d.bin" % (path, size), "fetch:/tmp/%d.bin:%s.back" % (size, path)]
        variables = dict(targets.host_vars(host), inventory_hostname=target.id, ansible_port=host.port)
        over_ssh = drive(hosts, variables, steps)
        local = drive(hosts, dict(variables, ansible_runc_host_connection="local"), steps)
        for path in files.values():
            if Path(str(path) + ".back").read_bytes() != path.read_bytes():
                raise SystemExit("%s came back different" % path)
        direct = statistics.median(direct_exec(host.runc_root, target.id, rounds))
        hop = statistics.median(plain_ssh(hosts, rounds))
        print("load average %.1f; %d rounds; medians in seconds" % (os.getloadavg()[0], rounds))
        print("%-34s %8s %8s %8s" % ("", "ssh hop", "local", "ssh/local"))
        rows = [("first command (runc state + exec)", over_ssh[0], local[0])]
        rows.append(("command (runc exec true)", statistics.median(over_ssh[1:rounds + 1]),
                     statistics.median(local[1:rounds + 1])))
        names = ["put 1 MB", "fetch 1 MB", "put 10 MB", "fetch 10 MB"]
        rows += [(name, over_ssh[rounds + 1 + i], local[rounds + 1 + i]) for i, name in enumerate(names)]
        for name, ssh_seconds, local_seconds in rows:
            print("%-34s %8.3f %8.3f %8.1fx" % (name, ssh_seconds, local_seconds, ssh_seconds / local_seconds))
        print("runc exec true, run directly: %.3fs; `true` through Ansible's ssh plugin alone: %.3fs" % (direct, hop))
        print("a command through the connection costs %.2fx the ssh plugin alone over ssh, %.1fx runc exec locally"
              % (rows[1][1] / hop, rows[1][2] / direct))
    finally:
        targets.delete_all()
        hosts.stop()
        subprocess.run(["rm", "-rf", str(work)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
