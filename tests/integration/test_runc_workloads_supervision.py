# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runc_workloads role's supervision options on a host where systemd does not run (issue 13).

``runc_host_systemd: false`` is given, so these tests mean the same on any host (the detection itself is checked by
the runc_host molecule scenario against pid 1, and on a runc machine by the runc_workloads_supervised scenario,
which also runs the supervised workloads, reboots the machine and finds them running again).
"""

from __future__ import annotations

import json
import subprocess
import typing as t
from pathlib import Path

from ansible_collections.ocitools.runc.plugins.module_utils._systemd.exit_status import UNSUPERVISED

UNIT_DIR = Path("/etc/systemd/system")


def _run(ansible: t.Any, tmp_path: Path, runc_root: Path, workloads: t.List[t.Dict[str, t.Any]],
         **role_vars: t.Any) -> t.Any:
    role_vars.update({"runc_workloads_root": str(runc_root), "runc_workloads_base_dir": str(tmp_path / "base"),
                      "runc_workloads_list": workloads, "runc_host_systemd": False})
    play = [{"hosts": "localhost", "gather_facts": False,
             "roles": [{"role": "ocitools.runc.runc_workloads", "vars": role_vars}]}]
    playbook = tmp_path / "play.yml"
    playbook.write_text(json.dumps(play))
    return ansible.playbook(playbook)


def _failure(run: t.Any) -> str:
    assert run.rc != 0, run.stdout[-3000:]
    failed = [task for task in run.tasks if task.failed]
    assert len(failed) == 1, run.stdout[-3000:]
    return str(failed[0].result.get("msg"))


def _sleeper(container_id: str, **options: t.Any) -> t.Dict[str, t.Any]:
    return dict({"id": container_id, "rootfs": {"type": "busybox"}, "args": ["sh", "-c", "while true; do sleep 1; done"]},
                **options)


def test_supervisor_systemd_without_systemd_fails_before_any_change(
        ansible: t.Any, tmp_path: Path, runc_root: Path) -> None:
    run = _run(ansible, tmp_path, runc_root, [_sleeper("c13-wl-plain"), _sleeper("c13-wl-unit", supervisor="systemd")])
    message = _failure(run)
    assert "supervisor systemd for c13-wl-unit, but systemd does not run as the init system" in message
    assert "auto" in message
    assert not (tmp_path / "base").exists(), "the role changed the host before failing"
    assert not (UNIT_DIR / "ocitools-runc-c13-wl-unit.service").exists()


def test_restart_options_on_an_unsupervised_workload_fail(ansible: t.Any, tmp_path: Path, runc_root: Path) -> None:
    run = _run(ansible, tmp_path, runc_root, [_sleeper("c13-wl-a", restart_policy="always"), _sleeper("c13-wl-b")])
    message = _failure(run)
    assert "restart options (restart_policy, restart_delay, restart_limit, restart_window, enabled) set for c13-wl-a," \
        in message
    assert "whose supervisor is none" in message
    assert not (tmp_path / "base").exists()


def test_auto_without_systemd_runs_the_workloads_detached(ansible: t.Any, tmp_path: Path, runc_root: Path) -> None:
    workloads = [_sleeper("c13-wl-auto", restart_policy="on-failure", enabled=True)]
    run = _run(ansible, tmp_path, runc_root, workloads, runc_workloads_supervisor="auto", runc_workloads_restart_delay=3)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    stack = [task for task in run.tasks if task.task.endswith("Bring every workload to its declared state")]
    assert len(stack) == 1 and stack[0].result["containers"][0]["actions"] == ["create", "start"]
    assert stack[0].result["containers"][0]["exit_status_reason"] == UNSUPERVISED, "supervised where systemd does not run"
    state = subprocess.run(["runc", "--root", str(runc_root), "state", "c13-wl-auto"], capture_output=True, text=True,
                           check=True, timeout=30)
    assert json.loads(state.stdout)["status"] == "running"
    assert not (UNIT_DIR / "ocitools-runc-c13-wl-auto.service").exists()
    again = _run(ansible, tmp_path, runc_root, workloads, runc_workloads_supervisor="auto",
                 runc_workloads_restart_delay=3)
    assert again.rc == 0 and [task.task for task in again.tasks if task.changed] == []
