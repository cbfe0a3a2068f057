# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runc client: one method per runc call, and the only place runc's argv is assembled.

Modelled on containerd's go-runc, with what it lacks: every call has a timeout,
errors keep runc's own message (also when it is only in ``--log``), parsers
never return an empty result for output they do not understand, and ids are
validated before any call.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import (
    ContainerNotFoundError,
    RuncError,
    RuncUnsupportedError,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.ids import validate_container_id
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions, state_root
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import (
    ContainerState,
    parse_list,
    parse_log_errors,
    parse_state,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import (
    CommandResult,
    ContainerIO,
    Runner,
    SubprocessRunner,
    open_output,
)

# Only the options types and parsers of what a call needs are loaded: a lifecycle call's options come from its
# caller, and the report parsers are imported by the calls that read those reports. Loading code is most of
# what a task that changes nothing costs (issue 14).
if t.TYPE_CHECKING:
    from ansible_collections.ocitools.runc.plugins.module_utils._runc.criu_options import (
        CheckpointOptions,
        CriuOptions,
        RestoreOptions,
    )
    from ansible_collections.ocitools.runc.plugins.module_utils._runc.exec_options import ExecOptions
    from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import (
        CreateOptions,
        DeleteOptions,
        KillOptions,
        RunOptions,
    )
    from ansible_collections.ocitools.runc.plugins.module_utils._runc.update_options import UpdateOptions
    from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import Event, PsTable, RuncVersion

DEFAULT_TIMEOUT = 60.0
_NOT_FOUND_MARKER = "container does not exist"
_FEATURES_SINCE = (1, 1, 0)


class Runc:
    """A runc binary with its global options, a runner and a default timeout."""

    def __init__(
        self,
        options: t.Optional[GlobalOptions] = None,
        runner: t.Optional[Runner] = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.options = options or GlobalOptions()
        self.runner: Runner = runner or SubprocessRunner()
        self.timeout = timeout
        self._version: t.Optional[RuncVersion] = None

    # -- plumbing ---------------------------------------------------------

    def state_root(self) -> str:
        """The state root this client's runc uses (``--root``, else runc's default)."""
        return state_root(self.options.root)

    def argv(self, subcommand: t.Sequence[str], log: t.Optional[str] = None) -> t.List[str]:
        """Full argv for ``subcommand``; ``log`` replaces ``--log`` with a private JSON log."""
        global_args = self.options.args()
        if log is not None:
            global_args = _without_log_flags(global_args) + ["--log", log, "--log-format", "json"]
        return [self.options.command, *global_args, *subcommand]

    def _call(
        self,
        subcommand: t.Sequence[str],
        timeout: t.Optional[float] = None,
        data: t.Optional[bytes] = None,
        io: t.Optional[ContainerIO] = None,
        private_log: bool = False,
        check: bool = True,
    ) -> CommandResult:
        """Run one runc subcommand.

        With ``private_log`` (and no ``--log`` of the user's), runc's own errors go
        to a JSON log of ours: it is the only place they appear when stdio belongs
        to the container, and it tells runc's failures apart from an exec'd
        process's exit status.
        """
        with _private_log(private_log and not self.options.log) as log_path:
            argv = self.argv(subcommand, log_path)
            user_log_offset = _file_size(self.options.log)
            result = self.runner(argv, timeout if timeout is not None else self.timeout, data, io)
            if log_path is not None:
                log_text = _read_text(log_path)
            elif self.options.log:
                log_text = _read_text(self.options.log, user_log_offset)
            else:
                log_text = ""
        log_messages = parse_log_errors(log_text)
        messages = log_messages or parse_log_errors(result.err)
        # Without ``check`` (exec) stderr is the process's own: only runc's log tells runc's failures apart.
        failed = result.rc != 0 if check else bool(log_messages)
        if failed:
            raise _error_for(argv, subcommand, result, messages)
        return result

    def _check_supported(self, options: CriuOptions) -> None:
        """Refuse what ``options`` set that this runc is too old for, naming the option; runc's
        version is asked only when something newer than runc 1.1 is set."""
        for option, since in refused(options, self.version):
            raise RuncUnsupportedError(
                "%s needs runc %s or newer; this runc is %s" % (option, ".".join(map(str, since)), self.version().version)
            )

    # -- queries ----------------------------------------------------------

    def version(self) -> RuncVersion:
        """``runc --version``, cached per client."""
        if self._version is None:
            from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import parse_version

            result = self._call(["--version"])
            self._version = parse_version(result.out)
        return self._version

    def features(self) -> t.Dict[str, t.Any]:
        """``runc features`` (runc 1.1+, experimental there)."""
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import parse_features

        version = self.version()
        if version.release() < _FEATURES_SINCE:
            raise RuncUnsupportedError(
                "runc %s has no 'features' command; it was added in runc 1.1" % version.version
            )
        return parse_features(self._call(["features"]).out)

    def list(self) -> t.List[ContainerState]:
        """Every container under the root, in one call."""
        return parse_list(self._call(["list", "--format", "json"]).out)

    def state(self, container_id: str) -> ContainerState:
        """``runc state``; raises ContainerNotFoundError when there is no such container."""
        return parse_state(self._call(["state", validate_container_id(container_id)]).out)

    def find(self, container_id: str) -> t.Optional[ContainerState]:
        """Like ``state``, but None when the container does not exist."""
        try:
            return self.state(container_id)
        except ContainerNotFoundError:
            return None

    def ps(self, container_id: str) -> t.List[int]:
        """Host pids of the container's processes."""
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import parse_pids

        return parse_pids(self._call(["ps", "--format", "json", validate_container_id(container_id)]).out)

    def top(self, container_id: str, ps_args: t.Sequence[str] = ()) -> PsTable:
        """The host's ``ps`` table for the container, with ``ps_args`` (e.g. ``["-ef"]``)."""
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import parse_ps_table

        argv = ["ps", "--format", "table", validate_container_id(container_id), *ps_args]
        return parse_ps_table(self._call(argv).out)

    def stats(self, container_id: str) -> Event:
        """One ``stats`` event (cpu, memory, pids, blkio...)."""
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import EventsOptions
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import parse_event

        argv = ["events", *EventsOptions(stats=True).args(), validate_container_id(container_id)]
        return parse_event(self._call(argv).out)

    def default_spec(self, rootless: bool = False) -> t.Dict[str, t.Any]:
        """The spec ``runc spec`` writes for this runc, read back without touching any bundle."""
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import SpecOptions

        with tempfile.TemporaryDirectory(prefix="runc-spec-") as bundle:
            self._call(["spec", *SpecOptions(bundle=bundle, rootless=rootless).args()])
            with open(os.path.join(bundle, "config.json"), encoding="utf-8") as handle:
                return json.load(handle)

    # -- lifecycle --------------------------------------------------------

    def create(self, container_id: str, options: CreateOptions, timeout: t.Optional[float] = None) -> None:
        argv = ["create", *options.args(), validate_container_id(container_id)]
        self._call(argv, timeout=timeout, io=options.io, private_log=True)

    def run(self, container_id: str, options: RunOptions, timeout: t.Optional[float] = None) -> CommandResult:
        """``runc run``; detached by default, in which case it returns once the container runs."""
        argv = ["run", *options.args(), validate_container_id(container_id)]
        return self._call(argv, timeout=timeout, io=options.io if options.detach else None, private_log=True)

    def start(self, container_id: str, timeout: t.Optional[float] = None) -> None:
        self._call(["start", validate_container_id(container_id)], timeout=timeout)

    def delete(self, container_id: str, options: t.Optional[DeleteOptions] = None,
               timeout: t.Optional[float] = None) -> None:
        flags = options.args() if options is not None else []
        self._call(["delete", *flags, validate_container_id(container_id)], timeout=timeout)

    def kill(self, container_id: str, options: t.Optional[KillOptions] = None, timeout: t.Optional[float] = None) -> None:
        """``runc kill``; without ``options``, KillOptions' defaults (SIGTERM to the container's init)."""
        if options is None:
            from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import KillOptions

            options = KillOptions()
        argv = ["kill", *options.args(), validate_container_id(container_id), options.signal_arg()]
        self._call(argv, timeout=timeout)

    def pause(self, container_id: str, timeout: t.Optional[float] = None) -> None:
        self._call(["pause", validate_container_id(container_id)], timeout=timeout)

    def resume(self, container_id: str, timeout: t.Optional[float] = None) -> None:
        self._call(["resume", validate_container_id(container_id)], timeout=timeout)

    def update(self, container_id: str, options: UpdateOptions, timeout: t.Optional[float] = None) -> None:
        data = json.dumps(options.resources).encode("utf-8") if options.resources is not None else None
        self._call(["update", *options.args(), validate_container_id(container_id)], timeout=timeout, data=data)

    def exec(
        self,
        container_id: str,
        options: ExecOptions,
        stdin: t.Optional[bytes] = None,
        timeout: t.Optional[float] = None,
        tmpdir: t.Optional[str] = None,
    ) -> CommandResult:
        """Run a process in the container and return its exit status and output.

        A non-zero ``rc`` is the process's own status; runc's failures (no such
        container, paused, bad spec) raise instead.
        """
        validate_container_id(container_id)
        with _process_file(options.process, tmpdir) as process_path:
            argv = ["exec", *options.args(process_path), container_id, *options.trailing_args()]
            return self._call(argv, timeout=timeout, data=stdin, io=options.io, private_log=True, check=False)

    def checkpoint(self, container_id: str, options: CheckpointOptions, timeout: t.Optional[float] = None) -> None:
        validate_container_id(container_id)
        self._check_supported(options)
        self._call(["checkpoint", *options.args(), container_id], timeout=timeout)

    def restore(self, container_id: str, options: RestoreOptions, timeout: t.Optional[float] = None) -> None:
        validate_container_id(container_id)
        self._check_supported(options)
        argv = ["restore", *options.args(), container_id]
        self._call(argv, timeout=timeout, io=options.io if options.detach else None, private_log=True)


def refused(options: CriuOptions, version: t.Callable[[], RuncVersion]) -> t.List[t.Tuple[str, t.Tuple[int, int, int]]]:
    """(option, release it needs) for each option set in ``options`` that runc ``version()`` is too old for."""
    needs = options.newer_than_1_1()
    if not needs:
        return []
    release = version().release()
    return [(option, since) for option, since in needs if release < since]


def _without_log_flags(args: t.List[str]) -> t.List[str]:
    kept: t.List[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("--log", "--log-format"):
            skip = True
            continue
        kept.append(arg)
    return kept


@contextlib.contextmanager
def _private_log(wanted: bool) -> t.Iterator[t.Optional[str]]:
    if not wanted:
        yield None
        return
    handle, path = tempfile.mkstemp(prefix="runc-log-", suffix=".json")
    os.close(handle)
    try:
        yield path
    finally:
        os.unlink(path)


@contextlib.contextmanager
def _process_file(process: t.Optional[t.Mapping[str, t.Any]], tmpdir: t.Optional[str]) -> t.Iterator[t.Optional[str]]:
    """The process spec as a private (0600) file, removed afterwards: it may hold secrets."""
    if process is None:
        yield None
        return
    handle, path = tempfile.mkstemp(prefix="runc-process-", suffix=".json", dir=tmpdir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(process, stream)
        yield path
    finally:
        os.unlink(path)


def _file_size(path: t.Optional[str]) -> int:
    """The size of the user's ``--log`` file, created private first: runc itself would create it
    0644 and follow a symbolic link there (it is refused here)."""
    if not path:
        return 0
    try:
        with open_output(path) as handle:
            return handle.seek(0, os.SEEK_END)
    except OSError as exc:
        symlink = "; it is a symbolic link, which is refused: give the real file" if exc.errno == errno.ELOOP else ""
        raise RuncError("log: cannot open %s: %s%s" % (path, exc.strerror, symlink))


def _read_text(path: str, offset: int = 0) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _error_for(argv: t.List[str], subcommand: t.Sequence[str], result: CommandResult, messages: t.List[str]) -> RuncError:
    runc_message = "; ".join(messages) or _last_line(result.err) or _last_line(result.out)
    name = "runc " + (subcommand[0] if subcommand else "")
    summary = "%s failed (exit %s)" % (name, result.rc)
    if runc_message:
        summary += ": " + runc_message
    kind = RuncError
    if _NOT_FOUND_MARKER in runc_message:
        kind = ContainerNotFoundError
    return kind(summary, argv=argv, rc=result.rc, stdout=result.out, stderr=result.err, runc_message=runc_message)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
