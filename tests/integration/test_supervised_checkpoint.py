# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checkpoint and restore of a container supervised by systemd, on a trixie machine of the lab (Debian 13's
CRIU works there): the dump makes systemd restart nothing, the restored container goes on from where it was
dumped, its output in the journal again, and systemd supervises it (a kill -9 brings a fresh one back)."""

from __future__ import annotations

import json
import time
import typing as t
from pathlib import Path

import pytest
from machine_lab import MachineLab
from test_supervised_containers import Lab, _supervised, _unit
from workload_helpers import wait_for

PLAYBOOK = Path(__file__).resolve().parent / "playbooks" / "supervised_checkpoint.yml"
MACHINE = "ocitools-lab2"  # trixie: CRIU 4.1.1 works nested (bookworm's 3.17 does not on this kernel)
COUNTER = "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"
IMAGES = "/var/lib/ocitools-sup-tests/sup-ckpt-images"


@pytest.fixture
def sup2(machine_lab: MachineLab, ansible: t.Any) -> t.Iterator[Lab]:
    lab = Lab(machine_lab, ansible, machine=MACHINE)
    yield lab
    lab.remove_declared()


def _ticks(lab: Lab, container_id: str) -> t.List[int]:
    """The numbers the counter printed, in the journal's order (every run of the unit)."""
    out = lab.sh("journalctl", "--unit", _unit(container_id), "--output", "cat", "--no-pager")
    return [int(line.split()[1]) for line in out.splitlines() if line.startswith("tick ")]


def _checkpoint(lab: Lab, ansible: t.Any, **options: t.Any) -> t.Dict[str, t.Any]:
    run = ansible.playbook(PLAYBOOK, {"sup_host": MACHINE, "sup_checkpoint": dict(options)},
                           inventory=lab.lab.inventory, extra_env=lab.lab.env())
    results = {task.task: task.result for task in run.tasks if task.host == MACHINE}
    assert run.rc == 0, "%s\n%s" % (json.dumps(results, indent=1)[-4000:], run.stdout[-3000:])
    return results["Checkpoint"]


def test_checkpoint_and_restore_go_through_the_unit(sup2: Lab, ansible: t.Any) -> None:
    container = _supervised("sup-ckpt", sup2.bundle("sup-ckpt", COUNTER), restart_policy="always", restart_delay=1)
    sup2.play(container)
    wait_for(lambda: len(_ticks(sup2, "sup-ckpt")) >= 5, 20, "the counter's first ticks in the journal")
    restarts = sup2.show("sup-ckpt")["NRestarts"]

    dumped = _checkpoint(sup2, ansible, id="sup-ckpt", image_path=IMAGES)
    last = max(_ticks(sup2, "sup-ckpt"))
    time.sleep(1 + 2)  # restart_delay + 2 s: systemd would have started a new container by now

    assert dumped["changed"] and dumped["unit"] == _unit("sup-ckpt") and dumped["checkpoint"]["complete"], dumped
    assert sup2.state("sup-ckpt") is None, "systemd restarted the container after the dump"
    show = sup2.show("sup-ckpt")
    assert (show["ActiveState"], show["NRestarts"]) == ("inactive", restarts), show
    assert sup2.lab.machine_exec(MACHINE, ["test", "-e", "/run/systemd/system/%s.d" % _unit("sup-ckpt")]).returncode == 1

    restored = _checkpoint(sup2, ansible, id="sup-ckpt", state="restored", image_path=IMAGES,
                           bundle=container["bundle"])

    assert restored["changed"] and restored["actions"] == ["restore"] and restored["unit"] == _unit("sup-ckpt")
    pid = restored["container"]["pid"]
    show = sup2.show("sup-ckpt")
    assert show["ActiveState"] == "active"
    assert sup2.sh("ps", "-o", "ppid=", "-p", str(pid)).strip() == show["MainPID"]  # the unit's runc runs it
    wait_for(lambda: max(_ticks(sup2, "sup-ckpt")) > last + 3, 20, "ticks after the restore in the journal")
    ticks = _ticks(sup2, "sup-ckpt")
    after = ticks[ticks.index(last) + 1:]
    assert after[:3] == [last + 1, last + 2, last + 3], "the restored counter did not go on from %d: %s" % (last, after[:5])
    print("dumped at tick %d; the restored container went on with %s, in the journal" % (last, after[:3]))
    assert not sup2.play(container)["Container"]["changed"]  # the drop-in is gone, the unit is as declared

    before_kill = int(sup2.show("sup-ckpt")["NRestarts"])
    sup2.sh("kill", "-9", str(pid))
    wait_for(lambda: sup2.pid("sup-ckpt") not in (None, pid), 1 + 2, "systemd to restart the restored container")
    assert int(sup2.show("sup-ckpt")["NRestarts"]) == before_kill + 1
