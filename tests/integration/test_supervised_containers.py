# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_container with supervisor=systemd on a machine of the lab (systemd as pid 1, reached over SSH):
restarts by systemd after kill -9 and runc kill, exit codes, back after a reboot, a hand systemctl stop,
switching supervisor both ways with one owner, and check mode making no mutating systemctl or runc call."""

from __future__ import annotations

import json
import sys
import time
import typing as t
from pathlib import Path

import pytest
from machine_lab import MachineLab
from workload_helpers import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "setup"))
import rootfs as rootfs_setup  # noqa: E402  (tests/setup is not a package)

PLAYBOOK = Path(__file__).resolve().parent / "playbooks" / "supervised_container.yml"
MACHINE = "ocitools-lab1"  # bookworm: systemd 252, runc 1.1.5
BUNDLES = "var/lib/ocitools-sup-tests"  # inside the machine
RECORDER = "/var/tmp/ocitools-recorder"  # systemctl and runc wrappers that log their argv, inside the machine
SERVICE = "trap 'exit 0' TERM; while true; do sleep 1; done"  # pid 1 of the container stops on SIGTERM
PROPERTIES = ("LoadState,ActiveState,SubState,Result,MainPID,ExecMainStatus,ExecMainCode,ExecMainStartTimestamp,"
              "ExecMainExitTimestamp,NRestarts,UnitFileState")


def _unit(container_id: str) -> str:
    return "ocitools-runc-%s.service" % container_id


class Lab:
    """The lab machine, its containers made by the tests, and the plays on it."""

    def __init__(self, lab: MachineLab, ansible: t.Any, machine: str = MACHINE) -> None:
        self.lab = lab
        self.ansible = ansible
        self.machine = machine
        self.ids: t.Set[str] = set()

    def bundle(self, container_id: str, script: str) -> str:
        """A busybox bundle in the machine running ``sh -c script``; its path inside the machine."""
        inside = "/%s/%s" % (BUNDLES, container_id)
        rootfs_setup.make_bundle(self.lab.rootfs(self.machine) / inside.lstrip("/"), ["sh", "-c", script], readonly=False)
        return inside

    def play(self, container: t.Mapping[str, t.Any], check: bool = False, diff: bool = False, info: bool = False,
             path: t.Optional[str] = None) -> t.Dict[str, t.Any]:
        """Run the play with ``container`` as runc_container's options; the task results by task name."""
        self.ids.add(container["id"])
        extra: t.Dict[str, t.Any] = {"sup_container": dict(container), "sup_info": info, "sup_host": self.machine}
        if path:
            extra["sup_path"] = path
        run = self.ansible.playbook(PLAYBOOK, extra, inventory=self.lab.inventory, extra_env=self.lab.env(),
                                    check=check, diff=diff)
        results = {task.task: task.result for task in run.tasks if task.host == self.machine}
        assert run.rc == 0, "%s\n%s" % (json.dumps(results, indent=1)[-4000:], run.stdout[-3000:])
        return results

    def sh(self, *argv: str) -> str:
        result = self.lab.machine_exec(self.machine, list(argv))
        assert result.returncode == 0, "%s: rc=%d %s" % (argv, result.returncode, result.stderr)
        return result.stdout.strip()

    def state(self, container_id: str) -> t.Optional[t.Dict[str, t.Any]]:
        result = self.lab.machine_exec(self.machine, ["runc", "state", container_id])
        return json.loads(result.stdout) if result.returncode == 0 else None

    def pid(self, container_id: str) -> t.Optional[int]:
        state = self.state(container_id)
        return state["pid"] if state and state["status"] == "running" else None

    def show(self, container_id: str) -> t.Dict[str, str]:
        return dict(line.split("=", 1) for line in _show_text(self, container_id).splitlines())


def _show_text(sup: Lab, container_id: str) -> str:
    """``systemctl show`` of the container's unit, as the module asks for it (recorded in tests/unit/fixtures/systemd-252)."""
    return sup.sh("systemctl", "show", "--timestamp=utc", "--property=" + PROPERTIES, _unit(container_id))


@pytest.fixture
def sup(machine_lab: MachineLab, ansible: t.Any, request: pytest.FixtureRequest) -> t.Iterator[Lab]:
    """A lab machine (lab1 unless parametrized); afterwards every container a test declared is made absent, which
    must leave no unit, record or container."""
    lab = Lab(machine_lab, ansible, getattr(request, "param", MACHINE))
    yield lab
    for container_id in sorted(lab.ids):
        lab.play({"id": container_id, "state": "absent", "supervisor": "systemd"})
        assert lab.show(container_id)["LoadState"] == "not-found"
        assert lab.state(container_id) is None
        assert lab.lab.machine_exec(lab.machine, ["test", "-e", "/etc/systemd/system/" + _unit(container_id)]).returncode == 1
        assert lab.lab.machine_exec(lab.machine, ["test", "-e", "/var/lib/ocitools-runc/supervised/%s@ocitools.json"
                                                  % container_id]).returncode == 1


def _supervised(container_id: str, bundle: str, **options: t.Any) -> t.Dict[str, t.Any]:
    return dict({"id": container_id, "bundle": bundle, "supervisor": "systemd"}, **options)


# bookworm (systemd 252, runc 1.1.5) and trixie (systemd 257, runc 1.1.15)
@pytest.mark.parametrize("sup", ["ocitools-lab1", "ocitools-lab2"], indirect=True)
def test_always_comes_back_after_kill_9_and_runc_kill(sup: Lab) -> None:
    container = _supervised("sup-always", sup.bundle("sup-always", SERVICE), restart_policy="always", restart_delay=1)

    first = sup.play(container)["Container"]
    again = sup.play(container)["Container"]

    assert first["changed"] and first["actions"] == ["write_unit", "enable", "start"], first
    assert first["container"]["status"] == "running" and first["restarts"] == 0 and first["exit_status_reason"] is None
    assert not again["changed"] and again["actions"] == [], again
    assert sup.sh("stat", "-c", "%a", "/etc/systemd/system/" + _unit("sup-always")) == "644"
    assert sup.sh("systemctl", "is-enabled", _unit("sup-always")) == "enabled"
    old_pid = sup.pid("sup-always")

    sup.sh("kill", "-9", str(old_pid))
    killed = time.monotonic()
    wait_for(lambda: sup.pid("sup-always") not in (None, old_pid), 1 + 2, "a new container pid after kill -9")
    print("%s: kill -9 -> running again in %.2fs" % (sup.machine, time.monotonic() - killed))
    print("systemctl show after the restart:\n%s" % _show_text(sup, "sup-always"))
    after = sup.play(container, info=True)

    assert not after["Container"]["changed"], after["Container"]
    assert after["Container"]["restarts"] == 1
    info = after["Info"]["containers"][0]
    assert info["id"] == "sup-always" and info["exit_status"]["restarts"] == 1 and "exit_status_reason" not in info

    pid = sup.pid("sup-always")
    sup.sh("runc", "kill", "sup-always", "KILL")  # by hand, with runc: systemd restarts it, not the play
    wait_for(lambda: sup.pid("sup-always") not in (None, pid), 1 + 2, "a new container pid after runc kill")
    assert sup.show("sup-always")["NRestarts"] == "2"


def test_on_failure_restarts_only_a_failure_and_reports_the_exit_code(sup: Lab) -> None:
    clean = _supervised("sup-exit0", sup.bundle("sup-exit0", "sleep 2; exit 0"), restart_policy="on-failure",
                        restart_delay=1, enabled=True)
    failing = _supervised("sup-exit3", sup.bundle("sup-exit3", "sleep 2; exit 3"), restart_policy="on-failure",
                          restart_delay=1, restart_limit=2, restart_window=120, enabled=True)
    sup.play(clean)
    sup.play(failing)

    wait_for(lambda: sup.show("sup-exit0")["ActiveState"] == "inactive", 10, "sup-exit0 to end")
    wait_for(lambda: sup.show("sup-exit3")["ActiveState"] == "failed", 20, "sup-exit3 to reach its start limit")
    for container_id in ("sup-exit0", "sup-exit3", "sup-none"):  # recorded in tests/unit/fixtures/systemd-252
        print("systemctl show %s:\n%s" % (container_id, _show_text(sup, container_id)))
    stopped0 = sup.play(dict(clean, state="stopped"), info=True)
    stopped3 = sup.play(dict(failing, state="stopped"))["Container"]

    result0 = stopped0["Container"]
    assert not result0["changed"] and result0["container"] == {}
    assert (result0["exit_code"], result0["restarts"], result0["oom_killed"]) == (0, 0, False)
    assert result0["finished_at"] > result0["started_at"]
    info = stopped0["Info"]["containers"][0]  # runc has no such container; its unit has its exit status
    assert not info["exists"] and info["exit_status"]["exit_code"] == 0 and info["exit_status"]["active_state"] == "inactive"
    assert not stopped3["changed"] and stopped3["exit_code"] == 3 and stopped3["restarts"] >= 1, stopped3
    print("on-failure: exit 0 stayed stopped; exit 3 restarted %d times, then the start limit" % stopped3["restarts"])


def test_enabled_container_is_back_after_a_reboot(sup: Lab) -> None:
    container = _supervised("sup-boot", sup.bundle("sup-boot", SERVICE), enabled=True)
    before = sup.play(container)["Container"]["container"]

    rebooted = sup.lab.converge({"runc_machine_state": "rebooted"}, limit=sup.machine)
    assert rebooted.rc == 0, rebooted.stdout[-3000:]
    started = time.monotonic()
    wait_for(lambda: sup.pid("sup-boot") is not None, 60, "sup-boot to run after the reboot")
    print("rebooted machine: container running %.1fs after the reboot play" % (time.monotonic() - started))
    after = sup.play(container)["Container"]

    assert not after["changed"], after
    assert after["container"]["created"] != before["created"]  # a new container, made by systemd at boot
    assert after["restarts"] == 0 and after["unit"]["enabled"]


def test_hand_systemctl_stop_is_undone_by_the_next_play(sup: Lab) -> None:
    container = _supervised("sup-stop", sup.bundle("sup-stop", SERVICE))
    sup.play(container)

    sup.sh("systemctl", "stop", _unit("sup-stop"))
    assert sup.state("sup-stop") is None  # the foreground runc deletes the container when it ends
    assert sup.show("sup-stop")["ActiveState"] == "inactive"  # SIGTERM's exit is a clean one, not a failure
    again = sup.play(container)["Container"]

    assert again["changed"] and again["actions"] == ["start"], again
    assert again["container"]["status"] == "running"


def test_switching_supervisor_both_ways_leaves_one_owner(sup: Lab) -> None:
    bundle = sup.bundle("sup-switch", SERVICE)
    detached = sup.play({"id": "sup-switch", "bundle": bundle})["Container"]
    detached_pid = detached["container"]["pid"]
    assert detached["exit_status_reason"].startswith("unknown: runc keeps none") and detached["exit_code"] is None

    supervised = sup.play(_supervised("sup-switch", bundle))["Container"]

    assert supervised["actions"] == ["write_unit", "enable", "remove_detached", "start"], supervised
    pid = supervised["container"]["pid"]
    assert pid != detached_pid
    main_pid = sup.show("sup-switch")["MainPID"]
    assert sup.sh("ps", "-o", "ppid=", "-p", str(pid)).strip() == main_pid  # the unit's foreground runc runs it
    assert sup.sh("runc", "list", "--quiet").split().count("sup-switch") == 1

    back = sup.play({"id": "sup-switch", "bundle": bundle})["Container"]

    assert back["actions"] == ["stop", "disable", "remove_unit", "create", "start"], back
    assert sup.show("sup-switch")["LoadState"] == "not-found"
    assert sup.sh("ps", "-o", "ppid=", "-p", str(back["container"]["pid"])).strip() == "1"  # detached again
    assert not sup.play({"id": "sup-switch", "bundle": bundle})["Container"]["changed"]


def _recorder(sup: Lab) -> str:
    """A directory in the machine with runc and systemctl wrappers that log every call; its PATH."""
    for name, real in (("systemctl", "/usr/bin/systemctl"), ("runc", "/usr/sbin/runc")):
        script = '#!/bin/sh\necho "%s $*" >> %s/calls.log\nexec %s "$@"\n' % (name, RECORDER, real)
        target = sup.lab.rootfs(sup.machine) / RECORDER.lstrip("/") / "bin" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(script)
        target.chmod(0o755)
    return "%s/bin:/usr/sbin:/usr/bin:/sbin:/bin" % RECORDER


def _subcommand(call: str) -> str:
    """``systemctl show`` or ``runc state`` from a logged call (``runc --root R state ID``)."""
    words = call.split()
    rest = [word for index, word in enumerate(words[1:], 1)
            if not word.startswith("--") and words[index - 1] not in ("--root", "--log", "--log-format")]
    return "%s %s" % (words[0], rest[0] if rest else "")


def _calls(sup: Lab) -> t.List[str]:
    log = sup.lab.rootfs(sup.machine) / RECORDER.lstrip("/") / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_check_mode_makes_no_mutating_call(sup: Lab) -> None:
    path = _recorder(sup)
    runc = "%s/bin/runc" % RECORDER
    bundle = sup.bundle("sup-check", SERVICE)
    fresh = sup.play(_supervised("sup-check", bundle, executable=runc), check=True, diff=True, path=path)["Container"]
    assert fresh["changed"] and fresh["actions"] == ["write_unit", "enable", "start"], fresh
    assert "ExecStart=%s --root /run/runc run --bundle %s sup-check" % (runc, bundle) in fresh["diff"]["after"]["unit"]
    assert sup.show("sup-check")["LoadState"] == "not-found"

    sup.play(_supervised("sup-check", bundle, executable=runc), path=path)
    made = _calls(sup)
    changed = _supervised("sup-check", bundle, executable=runc, restart_policy="on-failure", stop_timeout=3)
    planned = sup.play(changed, check=True, diff=True, path=path)["Container"]

    assert planned["changed"] and planned["actions"] == ["write_unit", "restart"], planned
    assert planned["diff"]["before"]["unit"] != planned["diff"]["after"]["unit"]
    calls = _calls(sup)[len(made):]
    read_only = [call for call in calls if _subcommand(call) in ("systemctl show", "runc state")]
    assert calls and calls == read_only, calls
    print("check mode: %d calls, all read-only: %s" % (len(calls), sorted({_subcommand(call) for call in calls})))
    assert any("systemctl daemon-reload" in call for call in made) and any("systemctl start" in call for call in made)
