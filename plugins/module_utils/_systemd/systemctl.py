# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The systemctl client: one method per systemctl call, argv lists only, ``show`` parsed into a UnitStatus.

It runs through the runc client's Runner (argv, timeout, never a shell), so tests substitute the
same recording runner. Only ``show`` reads; every other method changes the system.
"""

from __future__ import annotations

import dataclasses
import datetime
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import CommandResult, Runner, SubprocessRunner

DEFAULT_TIMEOUT = 60.0
SHOW_PROPERTIES = (
    "LoadState", "ActiveState", "SubState", "Result", "MainPID", "ExecMainStatus", "ExecMainCode",
    "ExecMainStartTimestamp", "ExecMainExitTimestamp", "NRestarts", "UnitFileState",
)
_REQUIRED = ("LoadState", "ActiveState")
# ``--timestamp=utc`` (systemd 248+): "Sun 2026-11-29 16:40:00 UTC", the same on every host and locale.
_TIMESTAMP_FORMAT = "%a %Y-%m-%d %H:%M:%S UTC"
_UP = ("active", "activating", "reloading", "deactivating")  # a main process runs, or systemd will (re)start it
# si_code of ExecMainCode: the main process exited (status = exit code), was killed or dumped core (status = signal).
_CLD_EXITED = 1
_CLD_KILLED = (2, 3)


class SystemdError(Exception):
    """A systemctl call that failed, or output that could not be understood; keeps what systemctl said."""

    def __init__(self, message: str, argv: t.Sequence[str] = (), rc: t.Optional[int] = None,
                 stdout: str = "", stderr: str = "") -> None:
        self.argv = list(argv)
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(message + ("; systemctl said: " + stderr.strip()[-2000:] if stderr.strip() else ""))

    def as_dict(self) -> t.Dict[str, t.Any]:
        return {"cmd": self.argv, "rc": self.rc, "stdout": self.stdout, "stderr": self.stderr}


def _timestamp(value: str) -> t.Optional[str]:
    """systemd's UTC timestamp as ISO 8601 (``2026-11-29T16:40:00+00:00``), None when empty or 'n/a'."""
    value = value.strip()
    if not value or value == "n/a":
        return None
    try:
        parsed = datetime.datetime.strptime(value, _TIMESTAMP_FORMAT)
    except ValueError:
        raise ValueError("timestamp %r is not in systemd's --timestamp=utc form" % value)
    return parsed.replace(tzinfo=datetime.timezone.utc).isoformat()


def _integer(value: str) -> int:
    return int(value) if value.strip() not in ("", "[not set]") else 0


@dataclasses.dataclass(frozen=True)
class UnitStatus:
    """What ``systemctl show`` says about a unit (a unit systemd does not know: load_state 'not-found')."""

    load_state: str
    active_state: str
    sub_state: str = ""
    result: str = ""
    main_pid: int = 0
    exec_main_status: int = 0
    exec_main_code: int = 0
    started_at: t.Optional[str] = None  # the main process's (runc's) last start, ISO 8601
    finished_at: t.Optional[str] = None  # its last exit
    restarts: int = 0  # automatic restarts since the last start by hand (or by this module)
    unit_file_state: str = ""

    @property
    def up(self) -> bool:
        """A main process runs, or systemd is starting or restarting it."""
        return self.active_state in _UP

    @property
    def failed(self) -> bool:
        return self.active_state == "failed"

    @property
    def enabled(self) -> bool:
        return self.unit_file_state == "enabled"

    @property
    def exit_code(self) -> t.Optional[int]:
        """The last exit status of runc, which is the container's (128 + signal when it was killed); None while
        it runs or before it ever exited."""
        if self.exec_main_code == _CLD_EXITED:
            return self.exec_main_status
        if self.exec_main_code in _CLD_KILLED:
            return 128 + self.exec_main_status
        return None

    @property
    def oom_killed(self) -> bool:
        """systemd saw the kernel's OOM killer in the unit's cgroup (it can tell on cgroup v2 only)."""
        return self.result == "oom-kill"


def parse_show(text: str) -> UnitStatus:
    """``systemctl show --timestamp=utc -p ...`` output; ValueError when a required property is missing."""
    values: t.Dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value
    missing = [name for name in _REQUIRED if name not in values]
    if missing:
        raise ValueError("systemctl show printed no %s: %r" % (", ".join(missing), text[:500]))
    return UnitStatus(
        load_state=values["LoadState"], active_state=values["ActiveState"], sub_state=values.get("SubState", ""),
        result=values.get("Result", ""), main_pid=_integer(values.get("MainPID", "")),
        exec_main_status=_integer(values.get("ExecMainStatus", "")),
        exec_main_code=_integer(values.get("ExecMainCode", "")),
        started_at=_timestamp(values.get("ExecMainStartTimestamp", "")),
        finished_at=_timestamp(values.get("ExecMainExitTimestamp", "")),
        restarts=_integer(values.get("NRestarts", "")), unit_file_state=values.get("UnitFileState", ""),
    )


class Systemctl:
    """The systemctl binary, a runner and a default timeout."""

    def __init__(self, command: str = "systemctl", runner: t.Optional[Runner] = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.command = command
        self.runner: Runner = runner or SubprocessRunner()
        self.timeout = timeout

    def argv(self, arguments: t.Sequence[str]) -> t.List[str]:
        return [self.command, *arguments]

    def _call(self, arguments: t.Sequence[str], timeout: t.Optional[float] = None) -> CommandResult:
        argv = self.argv(arguments)
        try:
            result = self.runner(argv, timeout if timeout is not None else self.timeout)
        except RuncError as exc:  # the runner's own failures: not executable, timed out
            raise SystemdError(exc.message, argv, exc.rc, exc.stdout, exc.stderr)
        if result.rc != 0:
            raise SystemdError("%s failed (rc=%d)" % (" ".join(argv[:3]), result.rc), argv, result.rc,
                               result.out, result.err)
        return result

    # -- the one query ----------------------------------------------------

    def show(self, unit: str) -> UnitStatus:
        result = self._call(["show", "--timestamp=utc", "--property=" + ",".join(SHOW_PROPERTIES), "--", unit])
        try:
            return parse_show(result.out)
        except ValueError as exc:
            raise SystemdError("cannot understand systemctl show %s: %s" % (unit, exc), result.argv, result.rc,
                               result.out, result.err)

    # -- changes ----------------------------------------------------------

    def daemon_reload(self) -> None:
        self._call(["daemon-reload"])

    def start(self, unit: str, timeout: t.Optional[float] = None) -> None:
        self._call(["start", "--", unit], timeout)

    def stop(self, unit: str, timeout: t.Optional[float] = None) -> None:
        self._call(["stop", "--", unit], timeout)

    def restart(self, unit: str, timeout: t.Optional[float] = None) -> None:
        self._call(["restart", "--", unit], timeout)

    def enable(self, unit: str) -> None:
        self._call(["enable", "--", unit])

    def disable(self, unit: str) -> None:
        self._call(["disable", "--", unit])

    def reset_failed(self, unit: str) -> None:
        self._call(["reset-failed", "--", unit])
