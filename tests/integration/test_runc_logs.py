# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_logs with real runc (issue 13's acceptance for runc_logs).

On this host, an unsupervised container whose output runc_container writes to ``log_path``: its lines come
back in order (with log_path, and ad hoc from the id alone), a wait for a line it prints later succeeds, a wait
for one it never prints fails with a message saying what, where, how long and the last lines, and a secret env
value it prints is never in any output, ``-vvv`` included.

On a lab machine with systemd as pid 1 (machine_lab), a unit named ocitools-runc-<id>.service runs a real runc
container in the foreground (``runc run``, as supervised containers are run): its output is read from the
journal, a non-UTF-8 line included (the journal stores it as bytes), ``since`` is handed to journalctl, the
wait works, and the lines are still there (and masked) once the unit has stopped and the container is gone.
"""

from __future__ import annotations

import json
import secrets
import typing as t
from pathlib import Path

import pytest
from machine_lab import MachineLab

CONTAINER = "i13-logs"
LINES = ["line %d" % number for number in range(1, 31)]
# prints 30 lines and the secret, then "ready" 4 seconds later (after the next task has started), then nothing;
# exits on SIGTERM (as pid 1 it would ignore it)
SCRIPT = ('trap "exit 0" TERM; for i in $(seq 1 30); do echo "line $i"; done; echo "key $I13_SECRET"; sleep 4; '
          'echo ready; while true; do sleep 1; done')


@pytest.fixture
def marker() -> str:
    return "i13m" + secrets.token_hex(12)


def _container(ansible: t.Any, runc_root: Path, busybox_rootfs: Path, tmp_path: Path, marker: str) -> Path:
    bundle, log = tmp_path / "bundle", tmp_path / "i13.log"
    spec = ansible.module("runc_spec", {"bundle": str(bundle), "rootfs": str(busybox_rootfs),
                                        "env": {"I13_SECRET": marker}, "args": ["sh", "-c", SCRIPT]})
    assert spec.status == "ok", spec.result
    made = ansible.module("runc_container", {"root": str(runc_root), "id": CONTAINER, "bundle": str(bundle),
                                             "log_path": str(log)})
    assert made.status == "ok" and made.changed, made.result
    return log


def test_unsupervised_container_log_file(ansible: t.Any, runc_root: Path, busybox_rootfs: Path, tmp_path: Path,
                                         marker: str) -> None:
    log = _container(ansible, runc_root, busybox_rootfs, tmp_path, marker)
    common = {"root": str(runc_root), "id": CONTAINER}
    runs = []

    ready = ansible.module_run("runc_logs", dict(common, log_path=str(log), wait_for="^ready$", timeout=20),
                               verbosity=3)
    runs.append(ready)
    task = ready.tasks[0]
    assert task.status == "ok" and task.result["matched"] == "ready" and not task.changed, ready.stdout[-3000:]
    assert 0 < task.result["waited"] < 10, task.result

    every = ansible.module_run("runc_logs", dict(common, log_path=str(log), lines=0), verbosity=3)
    runs.append(every)
    result = every.tasks[0].result
    assert result["lines"] == LINES + ["key ********", "ready"], result
    assert result["masked"] == ["I13_SECRET"] and result["source"] == "file"

    ad_hoc = ansible.module_run("runc_logs", common)  # the id alone: the running container's stdout file
    runs.append(ad_hoc)
    result = ad_hoc.tasks[0].result
    assert result["log_path"] == str(log) and result["lines"] == LINES[-18:] + ["key ********", "ready"], result
    print("ad hoc runc_logs -a id=%s: %d lines of output\n%s" % (CONTAINER, len(ad_hoc.stdout.splitlines()), ad_hoc.stdout))

    grep = ansible.module("runc_logs", dict(common, grep="^line [12]$|key"), check=True)
    assert grep.result["lines"] == ["line 1", "line 2", "key ********"], grep.result

    never = ansible.module_run("runc_logs", dict(common, wait_for="listening", timeout=1.5), verbosity=3)
    runs.append(never)
    failed = never.tasks[0]
    assert failed.status == "failed", never.stdout[-3000:]
    msg = failed.result["msg"]
    assert msg.startswith("wait_for: no line matching 'listening' appeared in log_path %s within 1.5 seconds "
                          "(timeout); the last lines seen:\n" % log), msg
    assert msg.endswith("line 30\nkey ********\nready"), msg

    for run in runs:
        assert marker not in run.stdout + run.stderr
    gone = ansible.module("runc_container", dict(common, state="absent"))
    assert gone.status == "ok" and gone.changed
    # the container is gone: its env is known only from the bundle given
    after = ansible.module("runc_logs", dict(common, log_path=str(log)))
    assert after.status == "failed" and after.result["msg"].startswith("bundle: the container 'i13-logs' is gone")
    kept = ansible.module_run("runc_logs", dict(common, log_path=str(log), bundle=str(tmp_path / "bundle"), lines=2))
    assert kept.tasks[0].result["lines"] == ["key ********", "ready"] and marker not in kept.stdout


# ------------------------------------------------------------------------------------------ the journal
MACHINE = "ocitools-lab1"
INNER_ROOT = "/run/i13-logs"
INNER_BUNDLE = "/srv/i13-logs"
UNIT = "ocitools-runc-%s.service" % CONTAINER
# non-UTF-8 bytes make journald keep MESSAGE as bytes (journalctl prints an array of numbers)
JOURNAL_SCRIPT = ("trap 'exit 0' TERM; for i in $(seq 1 30); do echo \"line $i\"; done; printf 'bytes \\377 end\\n'; "
                  "echo \"key $I13_SECRET\"; sleep 2; echo ready; while true; do sleep 1; done")

JOURNAL_PLAY = """
- hosts: %(machine)s
  gather_facts: false
  vars:
    bundle: %(bundle)s
  tasks:
    - name: A busybox rootfs from the machine's busybox-static
      ansible.builtin.shell: |
        set -e
        mkdir -p {{ bundle }}/rootfs/bin {{ bundle }}/rootfs/proc {{ bundle }}/rootfs/dev {{ bundle }}/rootfs/sys
        cp /bin/busybox {{ bundle }}/rootfs/bin/busybox
        for tool in sh seq sleep printf echo; do ln -sf busybox {{ bundle }}/rootfs/bin/$tool; done
      changed_when: true
    - name: The bundle, with a secret in its env
      ocitools.runc.runc_spec:
        bundle: "{{ bundle }}"
        rootfs: "{{ bundle }}/rootfs"
        env: {I13_SECRET: "%(marker)s", PATH: /bin}
        args: [sh, -c, %(script)s]
    - name: A unit that runs the container in the foreground, as a supervised container runs
      ansible.builtin.copy:
        dest: /etc/systemd/system/%(unit)s
        mode: "0644"
        content: |
          [Unit]
          Description=runc_logs test container
          [Service]
          Type=simple
          ExecStart=/usr/sbin/runc --root %(root)s run --bundle {{ bundle }} %(id)s
          ExecStopPost=/usr/sbin/runc --root %(root)s delete --force %(id)s
          KillMode=mixed
          TimeoutStopSec=10
    - name: Start it
      ansible.builtin.systemd_service:
        name: %(unit)s
        state: started
        daemon_reload: true
    - name: Wait for its ready line
      ocitools.runc.runc_logs:
        id: %(id)s
        root: %(root)s
        wait_for: "^ready$"
        timeout: 30
      register: ready
    - name: Every line, from the journal
      ocitools.runc.runc_logs:
        id: %(id)s
        root: %(root)s
        lines: 0
      register: every
    - name: Since a time in the future (journalctl's syntax), nothing
      ocitools.runc.runc_logs:
        id: %(id)s
        root: %(root)s
        since: "+1h"
      register: future
    - name: A bad since
      ocitools.runc.runc_logs:
        id: %(id)s
        root: %(root)s
        since: "not a time"
      register: bad_since
      ignore_errors: true
    - name: A wait that times out
      ocitools.runc.runc_logs:
        id: %(id)s
        root: %(root)s
        wait_for: listening
        timeout: 1.5
      register: never
      ignore_errors: true
    - name: Stop the unit (the container is deleted)
      ansible.builtin.systemd_service:
        name: %(unit)s
        state: stopped
    - name: The lines once the container is gone (env from the bundle in the unit)
      ocitools.runc.runc_logs:
        id: %(id)s
        root: %(root)s
        lines: 3
      register: after
    - name: Remove the unit
      ansible.builtin.file:
        path: /etc/systemd/system/%(unit)s
        state: absent
    - name: Reload
      ansible.builtin.systemd_service:
        daemon_reload: true
    - name: The results
      ansible.builtin.debug:
        msg: "{{ {'ready': ready, 'every': every, 'future': future, 'bad_since': bad_since, 'never': never,
                  'after': after} | to_json }}"
"""


def test_supervised_container_journal(ansible: t.Any, machine_lab: MachineLab, tmp_path: Path, marker: str) -> None:
    play = tmp_path / "journal.yml"
    play.write_text(JOURNAL_PLAY % {"machine": MACHINE, "bundle": INNER_BUNDLE, "marker": marker, "unit": UNIT,
                                    "root": INNER_ROOT, "id": CONTAINER, "script": json.dumps(JOURNAL_SCRIPT)})
    try:
        run = ansible.playbook(play, inventory=machine_lab.inventory, extra_env=machine_lab.env())
    finally:
        machine_lab.machine_exec(MACHINE, ["systemctl", "stop", UNIT])
        machine_lab.machine_exec(MACHINE, ["rm", "-rf", "/etc/systemd/system/" + UNIT, INNER_BUNDLE])
        machine_lab.machine_exec(MACHINE, ["systemctl", "daemon-reload"])
    assert run.rc == 0, run.stdout[-5000:]
    assert marker not in run.stdout + run.stderr
    results = json.loads([task for task in run.tasks if task.task == "The results"][0].result["msg"])

    ready = results["ready"]
    assert ready["matched"] == "ready" and ready["source"] == "journal" and ready["unit"] == UNIT, ready
    expected = LINES + ["bytes \ufffd end", "key ********", "ready"]
    assert results["every"]["lines"] == expected and results["every"]["masked"] == ["I13_SECRET"], results["every"]
    assert results["future"]["lines"] == []
    assert results["bad_since"]["failed"] and results["bad_since"]["msg"].startswith(
        "since: journalctl cannot read 'not a time'"), results["bad_since"]
    never = results["never"]
    assert never["failed"] and never["msg"].startswith(
        "wait_for: no line matching 'listening' appeared in the journal of %s within 1.5 seconds (timeout); "
        "the last lines seen:\n" % UNIT) and never["msg"].endswith("key ********\nready"), never
    assert results["after"]["lines"] == ["bytes \ufffd end", "key ********", "ready"], results["after"]
    left = machine_lab.machine_exec(MACHINE, ["runc", "--root", INNER_ROOT, "list", "--quiet"])
    assert left.stdout.split() == []
