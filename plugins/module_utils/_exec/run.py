# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``runc_exec`` does: check the container, apply creates/removes and check mode, run the
process from a full OCI process spec, and report like ansible.builtin.command."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import os
import shutil
import tempfile
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.bundle_config import ConfigError, read_config
from ansible_collections.ocitools.runc.plugins.module_utils._exec.guards import (
    GuardError,
    container_root,
    guard_skip_message,
)
from ansible_collections.ocitools.runc.plugins.module_utils._exec.kill import kill_exec_process, read_pid_file
from ansible_collections.ocitools.runc.plugins.module_utils._exec.process import (
    ExecError,
    ExecRequest,
    build_process,
    masked_env,
    request_from_params,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncTimeoutError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.exec_options import ExecOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState
from ansible_collections.ocitools.runc.plugins.module_utils._runc.status import CREATED, CREATING, PAUSED, RUNNING, STOPPED
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import CommandResult, ContainerIO

EXECUTABLE_STATUSES = (CREATED, RUNNING)
CHECK_MODE_MSG = "Command would have run if not in check mode"
_NOT_EXECUTABLE = {
    PAUSED: "container %r is paused: resume it (ocitools.runc.runc_container state=running) before exec",
    STOPPED: "container %r is stopped: its processes have exited; start it again before exec",
    CREATING: "container %r is still being created: wait until it is created or running",
}


@dataclasses.dataclass
class ExecOutcome:
    """The module's result; ``failed`` outcomes become an ExecError (``result['msg']`` says why)."""

    result: t.Dict[str, t.Any]
    failed: bool = False


def _blocker(runc: Runc, container_id: str, state: t.Optional[ContainerState]) -> t.Optional[str]:
    """Why the container cannot take an exec now, or None."""
    if state is None:
        return "container %r does not exist under root %s: create and start it first" % (
            container_id, runc.state_root())
    if state.status in EXECUTABLE_STATUSES:
        return None
    return _NOT_EXECUTABLE.get(state.status, "container %r is %s" % (container_id, state.status)) % container_id


def _now() -> datetime.datetime:
    return datetime.datetime.now()


def _timing(start: datetime.datetime, end: datetime.datetime) -> t.Dict[str, str]:
    return {"start": str(start), "end": str(end), "delta": str(end - start)}


def _output(stdout: str, stderr: str, strip: bool = False) -> t.Dict[str, t.Any]:
    """As ansible.builtin.command reports it; ``strip`` drops trailing newlines (strip_empty_ends)."""
    if strip:
        stdout, stderr = stdout.rstrip("\r\n"), stderr.rstrip("\r\n")
    return {
        "stdout": stdout, "stderr": stderr,
        "stdout_lines": stdout.splitlines(), "stderr_lines": stderr.splitlines(),
    }


@contextlib.contextmanager
def _private_dir() -> t.Iterator[str]:
    """A 0700 directory for the pid file and the process spec (it may hold env secrets)."""
    path = tempfile.mkdtemp(prefix="runc-exec-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


class ExecRun:
    """One runc_exec task."""

    def __init__(self, runc: Runc, request: ExecRequest, check_mode: bool) -> None:
        self.runc = runc
        self.request = request
        self.check_mode = check_mode
        self.base: t.Dict[str, t.Any] = {"cmd": list(request.argv), "env": masked_env(request)}

    def result(self, **values: t.Any) -> t.Dict[str, t.Any]:
        merged = dict(self.base)
        merged.update(values)
        return merged

    def failure(self, msg: str, **values: t.Any) -> ExecOutcome:
        return ExecOutcome(self.result(msg=msg, changed=False, **values), failed=True)

    def run(self) -> ExecOutcome:
        request = self.request
        # No container without a state root (and runc 1.1 would create the root to say so).
        state = self.runc.find(request.container_id) if os.path.isdir(self.runc.state_root()) else None
        blocker = _blocker(self.runc, request.container_id, state)
        dry_run = self.check_mode and not request.run_in_check_mode
        if blocker is not None:
            if dry_run:  # an earlier task may start it in a real run
                return ExecOutcome(self.result(msg="skipped in check mode: " + blocker, changed=False, skipped=True))
            return self.failure(blocker)
        if state is None:  # _blocker reports a missing container; this keeps type checkers informed
            return self.failure("container %s does not exist" % request.container_id)
        try:
            process = build_process(self._container_process(state), request)
        except ConfigError as exc:
            return self.failure("cannot build the process from the container's config: %s" % exc)
        if request.creates or request.removes:
            try:
                skip = guard_skip_message(container_root(state.pid, state.rootfs), request.creates,
                                          request.removes, process["cwd"])
            except GuardError as exc:
                return self.failure("creates/removes: %s" % exc)
            if skip is not None:
                return ExecOutcome(self.result(msg=skip, stdout=skip, rc=0, changed=False))
        if dry_run:
            guarded = bool(request.creates or request.removes)
            # As ansible.builtin.command: with guards it reports the change it would make.
            return ExecOutcome(self.result(msg=CHECK_MODE_MSG, rc=0, changed=guarded, skipped=not guarded))
        with _private_dir() as workdir:
            if request.detach:
                return self._detached(process, workdir)
            return self._attached(process, workdir)

    def _container_process(self, state: ContainerState) -> t.Mapping[str, t.Any]:
        return read_config(state.bundle).get("process") or {}

    def _attached(self, process: t.Dict[str, t.Any], workdir: str) -> ExecOutcome:
        pid_file = os.path.join(workdir, "exec.pid")
        options = ExecOptions(process=process, pid_file=pid_file)
        start = _now()
        try:
            completed = self.runc.exec(self.request.container_id, options, stdin=self.request.stdin,
                                       timeout=self._timeout(), tmpdir=workdir)
        except RuncTimeoutError as exc:
            return self._timed_out(exc, pid_file, start)
        return self._completed(completed, start, _now())

    def _timeout(self) -> float:
        return self.request.timeout if self.request.timeout is not None else self.runc.timeout

    def _timed_out(self, exc: RuncTimeoutError, pid_file: str, start: datetime.datetime) -> ExecOutcome:
        pid = read_pid_file(pid_file)
        killed = kill_exec_process(self.runc, self.request.container_id, pid) if pid else []
        end = _now()
        if pid is not None and pid not in killed:
            msg = ("the command's process exited, but its stdout or stderr stayed open until the timeout of %s seconds: "
                   "a process it started in the background still held them (the task waits for them to close, "
                   "as ansible.builtin.command does; redirect a background process's output, e.g. "
                   "'daemon >/dev/null 2>&1 &', or use detach)" % self._timeout())
            if killed:
                msg += "; its processes in the container were killed (host pids %s)" % ", ".join(map(str, killed))
        else:
            msg = "the command did not finish within %s seconds (timeout) and was killed" % self._timeout()
            if killed:
                msg += " with its processes in the container (host pids %s)" % ", ".join(map(str, killed))
        output = _output(exc.stdout, exc.stderr, self.request.strip_empty_ends)
        return ExecOutcome(
            self.result(msg=msg, rc=-9, changed=True, pid=pid, **output, **_timing(start, end)),
            failed=True,
        )

    def _completed(self, completed: CommandResult, start: datetime.datetime, end: datetime.datetime) -> ExecOutcome:
        output = _output(completed.out, completed.err, self.request.strip_empty_ends)
        result = self.result(rc=completed.rc, changed=True, **output, **_timing(start, end))
        if completed.rc != 0:
            result["msg"] = "non-zero return code"
            return ExecOutcome(result, failed=True)
        return ExecOutcome(result)

    def _detached(self, process: t.Dict[str, t.Any], workdir: str) -> ExecOutcome:
        """Start the process with stdio on /dev/null and return its host pid at once."""
        pid_file = os.path.join(workdir, "exec.pid")
        options = ExecOptions(process=process, detach=True, pid_file=pid_file, io=ContainerIO())
        start = _now()
        completed = self.runc.exec(self.request.container_id, options, timeout=self._timeout(), tmpdir=workdir)
        end = _now()
        return ExecOutcome(self.result(
            rc=completed.rc, changed=True, pid=read_pid_file(pid_file), **_output("", ""), **_timing(start, end)))


def run_exec(runc: Runc, request: ExecRequest, check_mode: bool) -> ExecOutcome:
    return ExecRun(runc, request, check_mode).run()


def manage_exec(params: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc],
                check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
    """The module's one call: the result, or ExecError (a failed command keeps rc and output beside msg).

    The options are checked before ``make_runc`` looks for runc.
    """
    request = request_from_params(params)
    outcome = run_exec(make_runc(), request, check_mode)
    if outcome.failed:
        result = dict(outcome.result)
        raise ExecError(result.pop("msg"), **result)
    return outcome.result
