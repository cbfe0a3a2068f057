# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checkpoint and restore of a container that a systemd unit supervises: through the unit, with a runtime drop-in."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.manager import CheckpointError, CheckpointManager
from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.supervised import DROP_IN, drop_in_text
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import SystemdPlaces
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions

from test_checkpoint_manager import FULL_DUMP, Host, _fill  # noqa: I100 (the sibling test module's host)

UNIT = "ocitools-runc-web.service"
SHOW_ACTIVE = "LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\n"
SHOW_INACTIVE = "LoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=enabled\n"
SHOW_FAILED = ("LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=exit-code\nExecMainCode=1\n"
               "ExecMainStatus=1\nUnitFileState=enabled\n")


class SupervisedHost(Host):
    """A host whose container ``web`` has runc_container's unit; systemctl calls are recorded with runc's."""

    def __init__(self, runner: t.Any, recorded: t.Callable[[str], str], tmp_path: Path) -> None:
        super().__init__(runner, recorded, tmp_path)
        self.places = SystemdPlaces(unit_dir=str(tmp_path / "etc"), record_dir=str(tmp_path / "records"),
                                    runtime_dir=str(tmp_path / "run"))
        (tmp_path / "etc").mkdir()
        (tmp_path / "run").mkdir()
        (tmp_path / "etc" / UNIT).write_text("[Service]\n")
        self.drop_in = tmp_path / "run" / (UNIT + ".d") / DROP_IN
        self.drop_ins_seen: t.List[str] = []

    def systemctl(self, stdout: str = "", rc: int = 0) -> None:
        def look(_call: t.Any) -> None:
            self.drop_ins_seen.append(self.drop_in.read_text() if self.drop_in.exists() else "")

        self.runner.respond(stdout=stdout, rc=rc, action=look)

    def run(self, check_mode: bool = False, **params: t.Any) -> t.Dict[str, t.Any]:
        return CheckpointManager(self.runc, self.params(**params), check_mode, places=self.places).run()

    def commands(self) -> t.List[t.List[str]]:
        """Each call as ``[program, verb]`` past runc's private log flags."""
        found = []
        for call in self.runner.calls:
            argv = call.argv[4:] if call.argv[1:2] == ["--log"] else call.argv
            found.append([argv[0]] + [word for word in argv[1:] if not word.startswith("-")][:1])
        return found


@pytest.fixture
def host(runner: t.Any, recorded: t.Callable[[str], str], tmp_path: Path) -> SupervisedHost:
    return SupervisedHost(runner, recorded, tmp_path)


def test_a_dump_holds_the_units_restarts_off_and_leaves_it_inactive(host: SupervisedHost) -> None:
    host.running()
    host.systemctl()  # daemon-reload with the drop-in
    host.then(FULL_DUMP)
    host.systemctl(SHOW_ACTIVE)  # the unit's runc has not exited yet: the hold stays
    host.systemctl(SHOW_FAILED)  # now it has (137: killed by the dump)
    host.systemctl()  # daemon-reload without it
    host.systemctl()  # reset-failed
    host.absent()
    result = host.run()
    assert host.commands() == [["runc", "state"], ["systemctl", "daemon-reload"], ["runc", "checkpoint"],
                               ["systemctl", "show"], ["systemctl", "show"], ["systemctl", "daemon-reload"],
                               ["systemctl", "reset-failed"], ["runc", "state"]]
    assert host.drop_ins_seen[0] == drop_in_text() and "Restart=no\n" in host.drop_ins_seen[0]
    assert host.drop_ins_seen[1:3] == [drop_in_text()] * 2  # held while systemd had not seen the exit
    assert host.drop_ins_seen[3:] == ["", ""] and not host.drop_in.parent.exists()
    assert result["unit"] == UNIT and result["actions"] == ["prepare", "checkpoint", "delete"]


def test_a_failed_dump_removes_the_hold_and_keeps_the_unit_running(host: SupervisedHost) -> None:
    host.running()
    host.systemctl()
    host.then(names=[], rc=1, stderr="criu failed: type NOTIFY errno 0")
    host.systemctl()
    with pytest.raises(CheckpointError):
        host.run()
    assert host.commands()[:4] == [["runc", "state"], ["systemctl", "daemon-reload"], ["runc", "checkpoint"],
                                   ["systemctl", "daemon-reload"]]
    assert ["systemctl", "reset-failed"] not in host.commands() and not host.drop_in.exists()


def test_a_pre_dump_needs_no_hold(host: SupervisedHost) -> None:
    host.running()
    host.then(["inventory.img", "pagemap-1.img", "pages-1.img"])
    host.running()
    host.run(pre_dump=True)
    assert [command[0] for command in host.commands()] == ["runc", "runc", "runc"]


def test_a_restore_runs_as_the_units_command_in_the_foreground(host: SupervisedHost) -> None:
    _fill(host.images, FULL_DUMP)
    host.absent()  # the container
    host.systemctl(SHOW_INACTIVE)  # the unit is not starting one
    host.systemctl()  # daemon-reload with the drop-in
    host.systemctl()  # start
    host.running()  # alive
    host.systemctl()  # daemon-reload without it
    host.running()  # the final state
    result = host.run(state="restored")
    assert host.commands() == [["runc", "state"], ["systemctl", "show"], ["systemctl", "daemon-reload"],
                               ["systemctl", "start"], ["runc", "state"], ["systemctl", "daemon-reload"],
                               ["runc", "state"]]
    restore_line = "ExecStart=runc --root %s restore --image-path %s --bundle %s web\n" % (
        host.runc.state_root(), host.images, host.bundle)
    assert host.drop_ins_seen[1] == "".join(drop_in_text().splitlines(True)) + "ExecStart=\n" + restore_line
    assert "--detach" not in host.drop_ins_seen[1]
    assert host.runner.calls[3].argv == ["systemctl", "start", "--", UNIT]
    assert result["unit"] == UNIT and result["container"]["status"] == "running"
    assert "through unit %s, which supervises it again" % UNIT in result["steps"][-1]
    assert not host.drop_in.exists()


def test_a_restore_the_unit_gives_up_on_fails_and_says_where_to_look(host: SupervisedHost) -> None:
    _fill(host.images, FULL_DUMP)
    host.absent()
    host.systemctl(SHOW_INACTIVE)
    host.systemctl()  # daemon-reload
    host.systemctl()  # start
    host.absent()  # not alive
    host.systemctl(SHOW_FAILED)
    host.systemctl()  # reset-failed
    host.systemctl()  # daemon-reload
    host.runner.respond_to("--version", stdout="runc version 1.1.5\nspec: 1.0.2-dev\n")
    with pytest.raises(CheckpointError) as raised:
        host.run(state="restored")
    assert "journalctl -u %s" % UNIT in raised.value.msg and not host.drop_in.exists()


def test_a_restore_is_refused_while_the_unit_starts_a_container(host: SupervisedHost) -> None:
    _fill(host.images, FULL_DUMP)
    host.absent()
    host.systemctl(SHOW_ACTIVE)
    with pytest.raises(CheckpointError, match="stop it first"):
        host.run(state="restored")
    assert host.commands() == [["runc", "state"], ["systemctl", "show"]]


def test_check_mode_changes_nothing(host: SupervisedHost) -> None:
    host.running()
    result = host.run(check_mode=True)
    assert host.commands() == [["runc", "state"]] and result["unit"] == UNIT and not host.drop_in.exists()


def test_no_unit_means_the_usual_path(runner: t.Any, recorded: t.Callable[[str], str], tmp_path: Path) -> None:
    plain = Host(runner, recorded, tmp_path)
    plain.running()
    plain.then(FULL_DUMP)
    plain.absent()
    places = SystemdPlaces(unit_dir=str(tmp_path), record_dir=str(tmp_path), runtime_dir=str(tmp_path))
    result = CheckpointManager(Runc(GlobalOptions(), runner=runner), plain.params(), places=places).run()
    assert result["unit"] is None and all(call.argv[0] == "runc" for call in runner.calls)
