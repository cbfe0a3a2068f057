# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The systemctl client: argv of every call, ``show`` parsed from output recorded on the machine lab
(tests/unit/fixtures/systemd-252), failures keeping what systemctl said."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncNotFoundError
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.exit_status import exit_status
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import (
    Systemctl,
    SystemdError,
    UnitStatus,
    parse_show,
)

RECORDED = Path(__file__).resolve().parents[3] / "fixtures" / "systemd-252"
UNIT = "ocitools-runc-web.service"


def recorded(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


def test_show_of_a_restarted_unit() -> None:
    status = parse_show(recorded("show-restarted.txt"))
    assert status == UnitStatus(
        load_state="loaded", active_state="active", sub_state="running", result="success", main_pid=303,
        exec_main_status=0, exec_main_code=0, started_at="2026-11-29T17:00:00+00:00", finished_at=None, restarts=1,
        unit_file_state="enabled")
    assert status.up and status.enabled and not status.failed
    assert status.exit_code is None  # it runs


def test_show_of_a_clean_exit() -> None:
    status = parse_show(recorded("show-exited-0.txt"))
    assert (status.active_state, status.sub_state, status.result) == ("inactive", "dead", "success")
    assert (status.exit_code, status.restarts, status.main_pid) == (0, 0, 0)
    assert (status.started_at, status.finished_at) == ("2026-11-29T17:03:29+00:00", "2026-11-29T17:03:31+00:00")
    assert not status.up and not status.failed and status.enabled


def test_show_of_a_unit_at_its_start_limit() -> None:
    status = parse_show(recorded("show-start-limit.txt"))
    assert status.failed and not status.up
    assert (status.exit_code, status.restarts, status.result) == (3, 2, "exit-code")


def test_show_of_an_unknown_unit() -> None:
    status = parse_show(recorded("show-not-found.txt"))
    assert status == UnitStatus(load_state="not-found", active_state="inactive", sub_state="dead", result="success")
    assert not status.up and not status.enabled and status.exit_code is None


@pytest.mark.parametrize("code,status,exit_code", [(1, 3, 3), (1, 0, 0), (2, 9, 137), (3, 6, 134), (0, 0, None)])
def test_exit_code_from_how_runc_ended(code: int, status: int, exit_code: int) -> None:
    assert UnitStatus("loaded", "inactive", exec_main_code=code, exec_main_status=status).exit_code == exit_code


@pytest.mark.parametrize("active,up", [("active", True), ("activating", True), ("deactivating", True),
                                       ("reloading", True), ("inactive", False), ("failed", False)])
def test_up(active: str, up: bool) -> None:
    assert UnitStatus("loaded", active).up is up


def test_oom_kill_is_systemd_result() -> None:
    assert UnitStatus("loaded", "failed", result="oom-kill").oom_killed
    assert not UnitStatus("loaded", "failed", result="exit-code").oom_killed


@pytest.mark.parametrize("text,message", [
    ("", "printed no LoadState, ActiveState"),
    ("LoadState=loaded\n", "printed no ActiveState"),
    ("LoadState=loaded\nActiveState=active\nExecMainStartTimestamp=yesterday\n", "not in systemd's --timestamp=utc"),
])
def test_output_not_understood_is_an_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_show(text)


def test_exit_status_fields() -> None:
    known = exit_status(parse_show(recorded("show-restarted.txt")))
    assert known == {"exit_code": None, "oom_killed": False, "started_at": "2026-11-29T17:00:00+00:00",
                     "finished_at": None, "restarts": 1, "exit_status_reason": None}
    unknown = exit_status(None)
    assert [unknown[name] for name in ("exit_code", "oom_killed", "started_at", "finished_at", "restarts")] == [None] * 5
    assert "detached" in unknown["exit_status_reason"]


def test_argv_of_every_call(runner) -> None:  # type: ignore[no-untyped-def]
    systemctl = Systemctl(runner=runner, timeout=7)
    runner.respond_to("show", stdout=recorded("show-restarted.txt"))
    systemctl.show(UNIT)
    systemctl.daemon_reload()
    systemctl.start(UNIT)
    systemctl.stop(UNIT, timeout=30)
    systemctl.restart(UNIT)
    systemctl.enable(UNIT)
    systemctl.disable(UNIT)
    systemctl.reset_failed(UNIT)
    assert [(call.argv, call.timeout) for call in runner.calls] == [
        (["systemctl", "show", "--timestamp=utc", "--property=LoadState,ActiveState,SubState,Result,MainPID,"
          "ExecMainStatus,ExecMainCode,ExecMainStartTimestamp,ExecMainExitTimestamp,NRestarts,UnitFileState",
          "--", UNIT], 7),
        (["systemctl", "daemon-reload"], 7),
        (["systemctl", "start", "--", UNIT], 7),
        (["systemctl", "stop", "--", UNIT], 30),
        (["systemctl", "restart", "--", UNIT], 7),
        (["systemctl", "enable", "--", UNIT], 7),
        (["systemctl", "disable", "--", UNIT], 7),
        (["systemctl", "reset-failed", "--", UNIT], 7),
    ]
    assert all(call.io is None and call.data is None for call in runner.calls)


def test_a_failed_call_keeps_what_systemctl_said(runner) -> None:  # type: ignore[no-untyped-def]
    runner.respond_to("start", stderr="Job for x.service failed because the control process exited.\n", rc=1)
    with pytest.raises(SystemdError, match="systemctl start -- failed .rc=1.; systemctl said: Job for x.service") as caught:
        Systemctl(runner=runner).start(UNIT)
    assert caught.value.as_dict()["rc"] == 1 and caught.value.argv == ["systemctl", "start", "--", UNIT]


def test_unparsable_show_is_a_systemd_error(runner) -> None:  # type: ignore[no-untyped-def]
    runner.respond_to("show", stdout="garbage\n")
    with pytest.raises(SystemdError, match="cannot understand systemctl show"):
        Systemctl(runner=runner).show(UNIT)


def test_a_missing_systemctl_is_a_systemd_error() -> None:
    def missing(argv, timeout, data=None, io=None):  # type: ignore[no-untyped-def]
        raise RuncNotFoundError("cannot execute systemctl: No such file or directory", argv=argv)

    with pytest.raises(SystemdError, match="cannot execute systemctl"):
        Systemctl(runner=missing).daemon_reload()
