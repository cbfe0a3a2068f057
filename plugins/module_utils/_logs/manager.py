# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``runc_logs`` does: find the container's output (the journal of its unit, or a file), read the
lines asked for, wait for a line when asked, and return them with the container's env values masked.
It changes nothing; check mode reads too, but does not wait (the tasks before it did not run)."""

from __future__ import annotations

import dataclasses
import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.bundle_config import read_config
from ansible_collections.ocitools.runc.plugins.module_utils._logs.masking import Masker, secret_values
from ansible_collections.ocitools.runc.plugins.module_utils._logs.readers import FileReader, JournalReader
from ansible_collections.ocitools.runc.plugins.module_utils._logs.selection import LogsError, Selection, compile_pattern
from ansible_collections.ocitools.runc.plugins.module_utils._logs.source import (
    FILE,
    JOURNAL,
    SOURCES,
    Facts,
    SourceMissing,
    choose,
    container_stdout,
    unit_bundle,
)
from ansible_collections.ocitools.runc.plugins.module_utils._logs.stream import Stream, stream_lines
from ansible_collections.ocitools.runc.plugins.module_utils._logs.wait import Clock, SystemClock, wait_until
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.ids import validate_container_id
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import UNIT_DIR, unit_name, unit_path

DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 3600.0
Reader = t.Union[JournalReader, FileReader]


@dataclasses.dataclass(frozen=True)
class LogsRequest:
    container_id: str
    lines: int
    since: t.Optional[str]
    grep: t.Optional[str]
    wait_for: t.Optional[str]
    timeout: float
    source: str
    log_path: t.Optional[str]
    bundle: t.Optional[str]
    command_timeout: float = DEFAULT_TIMEOUT

    def selection(self) -> Selection:
        return Selection(self.lines, compile_pattern("grep", self.grep), compile_pattern("wait_for", self.wait_for))

    def fast(self) -> bool:
        """Only the last lines are wanted: read just those."""
        return self.grep is None and self.wait_for is None and self.lines > 0


def request_from_params(params: t.Mapping[str, t.Any]) -> LogsRequest:
    """The options, checked (LogsError names a bad one)."""
    container_id = validate_container_id(params["id"])
    lines = params["lines"]
    if lines < 0:
        raise LogsError("lines: %d is negative; give how many of the last lines to return (0 for all)" % lines)
    timeout = params.get("timeout")
    if timeout is not None and params.get("wait_for") is None:
        raise LogsError("timeout: it is how long wait_for waits; give wait_for (a regular expression) or leave "
                        "timeout out")
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if not 0 < timeout <= MAX_TIMEOUT:
        raise LogsError("timeout must be a number of seconds above 0 and at most %d, got %s" % (MAX_TIMEOUT, timeout))
    source = params.get("source") or "auto"
    if source not in SOURCES:
        raise LogsError("source: %r is not one of %s" % (source, ", ".join(SOURCES)))
    request = LogsRequest(container_id, lines, params.get("since") or None, params.get("grep"),
                          params.get("wait_for"), timeout, source, params.get("log_path"), params.get("bundle"),
                          params.get("command_timeout") or DEFAULT_TIMEOUT)
    request.selection()  # the patterns compile
    return request


class ContainerLogs:
    """One runc_logs task."""

    def __init__(self, request: LogsRequest, make_runc: t.Callable[[], Runc], check_mode: bool,
                 stream: t.Optional[Stream] = None, clock: t.Optional[Clock] = None) -> None:
        self.request = request
        self.make_runc = make_runc
        self.check_mode = check_mode
        self.stream = stream or stream_lines
        self.clock: Clock = clock or SystemClock()
        self.unit = unit_name(request.container_id)
        self.unit_path = unit_path(request.container_id, UNIT_DIR)  # read now: tests point UNIT_DIR elsewhere
        self.warnings: t.List[str] = []
        self._state: t.Optional[t.List[t.Optional[ContainerState]]] = None

    # ---------------------------------------------------------------- the container and its env
    def state(self) -> t.Optional[ContainerState]:
        """``runc state``, read once (None: no such container; no runc call when the state root is missing)."""
        if self._state is None:
            runc = self.make_runc()
            # runc 1.1 would create a missing state root to say the container does not exist.
            self._state = [runc.find(self.request.container_id) if os.path.isdir(runc.state_root()) else None]
        return self._state[0]

    def _bundle(self) -> t.Optional[str]:
        if self.request.bundle:
            return self.request.bundle
        state = self.state()
        if state is not None:
            return state.bundle
        if os.path.isfile(self.unit_path):
            with open(self.unit_path, encoding="utf-8", errors="replace") as handle:
                return unit_bundle(handle.read())
        return None

    def masker(self) -> Masker:
        bundle = self._bundle()
        if bundle is None:
            raise SourceMissing("bundle: the container %r is gone, so its env values cannot be known to mask them in "
                                "its output; give bundle (the container's bundle directory)" % self.request.container_id)
        process = read_config(bundle).get("process") or {}
        env = process.get("env") if isinstance(process, dict) else None
        return Masker(secret_values(env if isinstance(env, list) else ()))

    # ---------------------------------------------------------------- the source
    def _facts(self) -> Facts:
        request = self.request
        unit_exists = os.path.isfile(self.unit_path)
        needs_stdout = request.source == FILE or (request.source != JOURNAL and not unit_exists)
        stdout_path, problem = None, ""
        if needs_stdout and not request.log_path:
            state = self.state()
            if state is None:
                problem = "the container does not exist under root %s" % self.make_runc().state_root()
            else:
                stdout_path, problem = container_stdout(state.pid)
        return Facts(request.source, self.unit, unit_exists, request.log_path, stdout_path, problem)

    def reader(self) -> Reader:
        choice = choose(self._facts())
        if choice.warning:
            self.warnings.append(choice.warning)
        if choice.kind == JOURNAL:
            return JournalReader(self.unit, self.request.since, self.stream, self.request.command_timeout)
        if self.request.since:
            raise LogsError("since: the container's output is a file (%s), whose lines carry no time (runc writes "
                            "them as the container prints them); use lines, grep or wait_for, or supervise the "
                            "container (its journal has times)" % choice.path)
        if not os.path.exists(choice.path):
            raise SourceMissing("log_path: %s does not exist (yet): the container writes it once runc_container has "
                                "created it with this log_path" % choice.path)
        return FileReader(choice.path)

    # ---------------------------------------------------------------- the task
    def run(self) -> t.Dict[str, t.Any]:
        try:
            reader = self.reader()  # says first when there is nothing to read at all
            try:
                masker = self.masker()
            except BaseException:
                reader.close()
                raise
        except SourceMissing as exc:
            if not self.check_mode:
                raise
            # An earlier task (skipped in check mode) may create the container.
            return {"changed": False, "skipped": True, "msg": "skipped in check mode: %s" % exc}
        return self._read(reader, masker)

    def _read(self, reader: Reader, masker: Masker) -> t.Dict[str, t.Any]:
        request = self.request
        selection = request.selection()
        try:
            found = reader.scan(selection, request.fast())
            waited = 0.0
            if request.wait_for is not None and not found:
                if self.check_mode:
                    self.warnings.append("check mode: no line matches wait_for yet, and the task does not wait in "
                                         "check mode (the tasks before it did not run)")
                else:
                    polled = wait_until(lambda: reader.poll(selection), request.timeout, self.clock)
                    if polled is None:
                        reader.finish(selection)
                        raise self._timed_out(reader, selection, masker)
                    waited = polled
            reader.finish(selection)
        finally:
            reader.close()
        result: t.Dict[str, t.Any] = dict(reader.describe(), changed=False)
        result["lines"] = [masker.mask(line) for line in selection.kept]
        if request.wait_for is not None:
            result["matched"] = None if selection.matched is None else masker.mask(selection.matched)
            result["waited"] = round(waited, 2)
        result["masked"] = masker.masked_names()
        if self.warnings:
            result["warnings"] = list(self.warnings)
        return result

    def _timed_out(self, reader: Reader, selection: Selection, masker: Masker) -> LogsError:
        seen = [masker.mask(line) for line in selection.seen]
        tail = ("the last lines seen:\n" + "\n".join(seen)) if seen else "it holds no line at all"
        msg = masker.mask("wait_for: no line matching %r appeared in %s within %s seconds (timeout); %s"
                          % (self.request.wait_for, reader.where(), self.request.timeout, tail))
        return LogsError(msg, changed=False, lines=[masker.mask(line) for line in selection.kept],
                         masked=masker.masked_names(), **reader.describe())


def manage_logs(params: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc],
                check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
    """The module's one call; the options are checked before ``make_runc`` looks for runc."""
    return ContainerLogs(request_from_params(params), make_runc, check_mode).run()
