# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_container's work: read the container and the bundle, plan, act through the Runc client.

The container is read, planned and changed while its lock is held, so two tasks on
the same id act one after the other, each on what the other left. Check mode plans
only: no lock, no file written, no mutating runc call.

systemd's code (unit, systemctl, the supervised planner) is imported only where a unit is in play, and runc's
per-subcommand options only by the steps that act: what a module imports is most of what a task that changes
nothing costs (issue 14).
"""

from __future__ import annotations

import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.bundle_config import ConfigError, read_config
from ansible_collections.ocitools.runc.plugins.module_utils._common.difference import Difference
from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._common.file_tail import read_tail
from ansible_collections.ocitools.runc.plugins.module_utils._common.path_checks import length_problem
from ansible_collections.ocitools.runc.plugins.module_utils._common.polling import poll_until
from ansible_collections.ocitools.runc.plugins.module_utils._container.planner import (
    ABSENT,
    CREATE,
    CREATED,
    CREATING,
    DELETE,
    PAUSE,
    PAUSED,
    RESUME,
    RUNNING,
    START,
    STOP,
    STOPPED,
    UPDATE,
    plan,
)
from ansible_collections.ocitools.runc.plugins.module_utils._container.drift import (
    Drift,
    classify,
    live_resources,
    masked_spec,
    spec_digest,
    with_image_drift,
)
from ansible_collections.ocitools.runc.plugins.module_utils._container.lock import ContainerLock, held_by_task
from ansible_collections.ocitools.runc.plugins.module_utils._container.record import (
    ContainerRecord,
    new_salt,
    read_record,
    record_problem,
    remove_record,
    write_record,
)
from ansible_collections.ocitools.runc.plugins.module_utils._image.annotations import image_digest
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError, RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.ids import validate_container_id
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import state_root
from ansible_collections.ocitools.runc.plugins.module_utils._runc.signals import normalize_signal
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import DEV_NULL, ContainerIO
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.exit_status import exit_status
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import SystemdPlaces, unit_name, unit_path
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.policy import ServicePolicy

if t.TYPE_CHECKING:
    from ansible_collections.ocitools.runc.plugins.module_utils._container.supervision import Supervision
    from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import UnitStatus

NO_SUPERVISOR = "none"
SYSTEMD = "systemd"
SUPERVISORS = (NO_SUPERVISOR, SYSTEMD)

STATE_ALIASES = {"started": RUNNING}
KILL_WAIT_SECONDS = 10.0  # after SIGKILL to every process, the container is stopped within this
LOG_TAIL_BYTES = 2000
# Upper bounds of the waits (the lock wait of the next task on the id adds up from stop_timeout).
MAX_SECONDS = {"stop_timeout": 3600, "wait_started": 600}


_RUN = "run"  # create + start in one runc call (runc run --detach); reported as both


def _fused(actions: t.List[str]) -> t.List[str]:
    """The planned actions with create, start done as one ``runc run``."""
    for index in range(len(actions) - 1):
        if actions[index:index + 2] == [CREATE, START]:
            return actions[:index] + [_RUN] + actions[index + 2:]
    return list(actions)


class ContainerTaskError(TaskError):
    """A runc_container task fails (``msg`` names the option or the step)."""


class ContainerParams(t.NamedTuple):
    id: str
    state: str
    bundle: t.Optional[str]
    root: str
    restart: bool = False
    recreate: bool = False
    stop_signal: str = "SIGTERM"
    stop_timeout: float = 10
    wait_started: float = 0
    log_path: t.Optional[str] = None
    pid_file: t.Optional[str] = None
    no_pivot: bool = False
    no_new_keyring: bool = False
    preserve_fds: int = 0
    supervisor: str = NO_SUPERVISOR
    enabled: bool = False
    policy: ServicePolicy = ServicePolicy()  # how systemd stops and restarts a supervised container

    @classmethod
    def from_options(cls, options: t.Mapping[str, t.Any]) -> "ContainerParams":
        """Validated parameters from the module's options; ContainerTaskError names a bad one."""
        try:
            container_id = validate_container_id(options["id"])
        except InvalidContainerIdError as exc:
            raise ContainerTaskError("id: %s" % exc)
        state = STATE_ALIASES.get(options["state"], options["state"])
        bundle = options.get("bundle")
        if state != ABSENT and not bundle:
            raise ContainerTaskError("bundle: required when state is %s; give the OCI bundle directory" % state)
        try:
            stop_signal = normalize_signal(options.get("stop_signal") or "SIGTERM")
        except ValueError as exc:
            raise ContainerTaskError("stop_signal: %s" % exc)
        for name in ("stop_timeout", "wait_started", "preserve_fds"):
            if (options.get(name) or 0) < 0:
                raise ContainerTaskError("%s: must not be negative, got %s" % (name, options[name]))
        for name, highest in MAX_SECONDS.items():
            if not (options.get(name) or 0) <= highest:  # also refuses NaN
                raise ContainerTaskError("%s: %s seconds is more than the %d allowed; give at most %d"
                                         % (name, options[name], highest, highest))
        log_path = options.get("log_path")
        for name in ("bundle", "log_path", "pid_file"):
            problem = length_problem(name, options.get(name) or "")
            if problem:
                raise ContainerTaskError(problem)
        if log_path and os.path.islink(log_path):
            raise ContainerTaskError("log_path: %s is a symbolic link; the container's output is never written through "
                                     "one (it could aim root's writes at any file); give the real file" % log_path)
        supervisor = options.get("supervisor") or NO_SUPERVISOR
        if supervisor == SYSTEMD:
            _check_supervised(state, options)
        return cls(
            supervisor=supervisor, policy=_policy(stop_signal, options),
            enabled=options["enabled"] if options.get("enabled") is not None else state in (RUNNING, PAUSED),
            id=container_id, state=state, bundle=os.path.realpath(bundle) if bundle else None,
            root=state_root(options.get("root")), restart=bool(options.get("restart")),
            recreate=bool(options.get("recreate")), stop_signal=stop_signal,
            stop_timeout=options.get("stop_timeout", 10), wait_started=options.get("wait_started") or 0,
            log_path=log_path, pid_file=options.get("pid_file"), no_pivot=bool(options.get("no_pivot")),
            no_new_keyring=bool(options.get("no_new_keyring")), preserve_fds=options.get("preserve_fds") or 0,
        )


def _check_supervised(state: str, options: t.Mapping[str, t.Any]) -> None:
    """What supervisor=systemd cannot do, named by option; ContainerTaskError for the first."""
    if state == CREATED:
        raise ContainerTaskError("state: created is not possible with supervisor=systemd (the unit runs the "
                                 "container's process at once); use running, paused, stopped or absent")
    if options.get("log_path"):
        raise ContainerTaskError("log_path: with supervisor=systemd the container's output goes to the journal "
                                 "(read it with runc_logs or journalctl -u %s); drop log_path" % unit_name(options["id"]))
    if options.get("preserve_fds"):
        raise ContainerTaskError("preserve_fds: systemd passes no extra file descriptors to the unit; "
                                 "drop preserve_fds with supervisor=systemd")
    for name in ("restart_delay", "restart_limit", "restart_window"):
        value = options.get(name) or 0
        if not 0 <= value <= MAX_SECONDS["stop_timeout"]:  # also refuses NaN
            raise ContainerTaskError("%s: must be between 0 and %d, got %s" % (name, MAX_SECONDS["stop_timeout"], value))


def _policy(stop_signal: str, options: t.Mapping[str, t.Any]) -> ServicePolicy:
    defaults = ServicePolicy()
    return ServicePolicy(
        kill_signal=stop_signal, stop_timeout=options.get("stop_timeout", defaults.stop_timeout),
        restart=options.get("restart_policy") or defaults.restart,
        restart_delay=_given(options.get("restart_delay"), defaults.restart_delay),
        restart_limit=_given(options.get("restart_limit"), defaults.restart_limit),
        restart_window=_given(options.get("restart_window"), defaults.restart_window),
    )


def _given(value: t.Any, default: t.Any) -> t.Any:
    return default if value is None else value


class _Declared(t.NamedTuple):
    """The declared bundle's spec, its digest and its masked form (salted like the record)."""

    spec: t.Dict[str, t.Any]
    digest: str
    salt: str
    masked: t.Dict[str, t.Any]


def _log_tail(path: t.Optional[str]) -> str:
    if not path or path == DEV_NULL:
        return ""
    return read_tail(path, LOG_TAIL_BYTES)


def _about_log(log_path: t.Optional[str], log_tail: str) -> str:
    if not log_path:
        return "set log_path to keep its output"
    if not log_tail:
        return "log_path %s is empty" % log_path
    return "last output in log_path %s:\n%s" % (log_path, log_tail)


class Acted(t.NamedTuple):
    """What ``ContainerManager.act`` read, planned and did."""

    current: t.Optional[ContainerState]
    actions: t.List[str]
    drift: Drift
    acted: bool  # something was done (not check mode): the container is read again
    started: bool  # a start was among the planned runc actions (an exit right after it fails the task)


class ContainerManager:
    """Brings one container to the declared state; ``run()`` returns the module result."""

    def __init__(self, runc: Runc, params: ContainerParams, check_mode: bool = False,
                 places: SystemdPlaces = SystemdPlaces()) -> None:
        self.runc = runc
        self.params = params
        self.check_mode = check_mode
        self.places = places
        self._supervision: t.Optional[Supervision] = None
        self.unit_status: t.Optional[UnitStatus] = None  # of a supervised container after the task
        self.unit_texts: t.Optional[t.Tuple[t.Optional[str], t.Optional[str]]] = None  # the unit before and after
        self.lock = ContainerLock(params.root, params.id)
        self.warnings: t.List[str] = []
        self.done: t.List[str] = []
        self._declared: t.Optional[_Declared] = None
        self._unrecorded = False  # created or updated: the record is written from the final runc state

    # -- entry point ------------------------------------------------------

    def run(self) -> t.Dict[str, t.Any]:
        spec = self._declared_spec() if self.params.state != ABSENT else None
        if self.check_mode:
            return self._converge(spec)
        # Long enough for a task ahead of us that stops a container and runs a few commands.
        lock_timeout = self.params.stop_timeout + KILL_WAIT_SECONDS + 4 * self.runc.timeout
        with held_by_task(self.lock, lock_timeout, ContainerTaskError):
            return self._converge(spec)

    def _declared_spec(self) -> t.Dict[str, t.Any]:
        """The bundle's spec; in check mode a missing or unusable bundle is a warning (an earlier task
        of the play, which check mode skipped, may write it) and the container is planned as declared."""
        try:
            return read_config(self.params.bundle or "")
        except ConfigError as exc:
            if not self.check_mode:
                raise
            self.warnings.append("%s (check mode: an earlier task may write it; planned as if it were there)" % exc)
            return {}

    def converge_held(self, spec: t.Optional[t.Dict[str, t.Any]]) -> t.Dict[str, t.Any]:
        """Converge to ``spec`` (None for state absent) while the caller holds ``self.lock`` (runc_stack)."""
        return self._converge(spec)

    def _converge(self, spec: t.Optional[t.Dict[str, t.Any]]) -> t.Dict[str, t.Any]:
        return self.finish(self.act(spec))

    def act(self, spec: t.Optional[t.Dict[str, t.Any]]) -> Acted:
        """Read, plan and (outside check mode) act, with ``self.lock`` held; ``finish`` reads the outcome.

        runc_stack acts on all its containers before it finishes them, so one ``runc list``
        answers the final read of every one."""
        left = self._leave_supervision()
        current = None if left and self.check_mode else self._find()  # the unit's stop deletes the container
        status = current.status if current else ABSENT
        drift = self._drift(current, spec) if spec is not None else Drift()
        planned = plan(status, self.params.state, drift.kind, self.params.restart, self.params.recreate)
        actions = left + planned
        if CREATE in actions:  # before the first action: a recreate must not delete, then fail to create
            problem = create_problem(self.params, spec or {})
            if problem and self.check_mode:  # an earlier task, which check mode skipped, may make it
                self.warnings.append("%s (check mode: an earlier task may create it; planned as if it were there)"
                                     % problem)
            elif problem:
                raise ContainerTaskError(problem, actions=[])
        if not self.check_mode:
            for action in _fused(planned):
                self._execute(action)
        return Acted(current, actions, drift, acted=bool(actions) and not self.check_mode, started=START in planned)

    def finish(self, step: Acted) -> t.Dict[str, t.Any]:
        """The result of ``act``: the container read again when something was done, recorded, or failed
        when it exited right after its start."""
        final = self._find() if step.acted else step.current  # a no-op reads the container once
        if final is None:
            self.lock.discard()  # no container: no lock file left behind
        elif step.acted and final.status == STOPPED and step.started and self.params.state != STOPPED:
            self._fail_exited()
        elif step.acted and self._unrecorded:
            self._record(final)
        return self._result(step.current, final, step.actions, step.drift)

    # -- supervision ------------------------------------------------------

    @property
    def supervision(self) -> Supervision:
        """The container's unit and systemctl on it, made (and systemd's code imported) on first use."""
        if self._supervision is None:
            from ansible_collections.ocitools.runc.plugins.module_utils._container.supervision import Supervision
            from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import Systemctl

            systemctl = Systemctl(runner=self.runc.runner, timeout=self.runc.timeout)
            self._supervision = Supervision(systemctl, self.params.id, self.places)
        return self._supervision

    def _leave_supervision(self) -> t.List[str]:
        """supervisor=none for a container one of our units supervises: the unit stops it (which deletes it) and
        goes, so that the container is made anew, detached, with one owner. Nothing to do without a unit file."""
        if not os.path.lexists(unit_path(self.params.id, self.places.unit_dir)):
            return []  # the common case, decided without systemd's code
        from ansible_collections.ocitools.runc.plugins.module_utils._systemd.planner import (
            Declared,
            Observed,
            plan_supervised,
        )

        text = self.supervision.read_unit()
        if text is None:
            return []
        self.unit_texts = (text, None)
        status = self._unit_status()
        current = self._find() if status.up else None  # a container beside a unit that is down is not its
        observed = Observed(container=current.status if current else ABSENT, unit_file=True,
                            up=status.up, failed=status.failed, enabled=status.enabled)
        actions = plan_supervised(observed, Declared(ABSENT, enabled=False))
        self._act_supervised(actions, None)
        return actions

    def _unit_status(self) -> UnitStatus:
        from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import SystemdError

        try:
            return self.supervision.status()
        except SystemdError as exc:
            raise ContainerTaskError("supervisor: cannot read unit %s: %s" % (self.supervision.unit, exc),
                                     **exc.as_dict())

    def _act_supervised(self, actions: t.List[str], unit_text: t.Optional[str]) -> None:
        """Carry out a supervised plan (nothing in check mode); a failure names the step and the journal."""
        if self.check_mode:
            return
        from ansible_collections.ocitools.runc.plugins.module_utils._systemd.planner import Step
        from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import SystemdError

        systemd, unit = self.supervision.systemctl, self.supervision.unit
        steps: t.Dict[str, t.Callable[[], None]] = {
            Step.WRITE_UNIT: lambda: self.supervision.write_unit(unit_text or ""),
            Step.REMOVE_UNIT: self._remove_unit,
            Step.ENABLE: lambda: systemd.enable(unit),
            Step.DISABLE: lambda: systemd.disable(unit),
            Step.RESET_FAILED: lambda: systemd.reset_failed(unit),
            Step.START: lambda: self._unit_started(Step.START, systemd.start),
            Step.RESTART: lambda: self._unit_started(Step.RESTART, systemd.restart),
            Step.STOP: lambda: systemd.stop(unit, self.params.stop_timeout + KILL_WAIT_SECONDS + self.runc.timeout),
            Step.PAUSE: lambda: self.runc.pause(self.params.id),
            Step.RESUME: lambda: self.runc.resume(self.params.id),
            Step.UPDATE: self._update,
            Step.REMOVE_DETACHED: self._remove_detached,
        }
        for action in actions:
            try:
                steps[action]()
            except (SystemdError, RuncError) as exc:
                raise ContainerTaskError("%s of container %s (unit %s) failed: %s; its output and runc's are in "
                                         "journalctl -u %s" % (action, self.params.id, unit, exc, unit),
                                         actions=self.done, **exc.as_dict())
            self.done.append(action)

    def _unit_started(self, action: str, call: t.Callable[[str], None]) -> None:
        """systemctl start (or restart), then wait until runc runs the container or the unit gave up."""
        call(self.supervision.unit)
        self._unrecorded = True

        def running() -> bool:
            state = self.runc.find(self.params.id)
            return state is not None and state.status == RUNNING

        poll_until(lambda: running() or not self.supervision.status().up, self.runc.timeout)
        if self.params.wait_started and poll_until(lambda: not running(), self.params.wait_started):
            unit = self.supervision.unit
            raise ContainerTaskError(
                "container %s stopped within wait_started (%s s) after systemctl started it; systemd restarts it as "
                "restart_policy says; its output and runc's are in journalctl -u %s"
                % (self.params.id, self.params.wait_started, unit), actions=self.done + [action])

    def _remove_unit(self) -> None:
        self.supervision.remove_unit()
        remove_record(self.supervision.places.record_dir, self.params.id)

    def _remove_detached(self) -> None:
        """Stop and delete, with runc, a container its unit does not own (made detached, or left over)."""
        self._stop()
        self._force_delete()
        remove_record(self.params.root, self.params.id)

    # -- reading ----------------------------------------------------------

    def _find(self) -> t.Optional[ContainerState]:
        if not os.path.isdir(self.params.root):
            return None  # no container without a root; and runc 1.1 would create the root to say so
        try:
            return self.runc.find(self.params.id)
        except RuncError as exc:
            raise ContainerTaskError("runc state %s failed: %s" % (self.params.id, exc), **exc.as_dict())

    def _drift(self, current: t.Optional[ContainerState], spec: t.Dict[str, t.Any]) -> Drift:
        record = read_record(self.params.root, self.params.id) if current else None
        if record is not None and current is not None and record.created != current.created:
            record = None  # written for an earlier container of the same id
        self._declare(spec, record)
        if current is None or current.status == CREATING:
            return Drift()
        return self._classified(current.bundle, record, spec)

    def _declare(self, spec: t.Dict[str, t.Any], record: t.Optional[ContainerRecord]) -> _Declared:
        """The declared spec, digested and masked with the record's salt (a new one without a record)."""
        salt = record.salt if record else new_salt()
        self._declared = _Declared(spec, spec_digest(spec), salt, masked_spec(spec, salt))
        return self._declared

    def _classified(self, bundle: str, record: t.Optional[ContainerRecord], spec: t.Dict[str, t.Any]) -> Drift:
        """The drift from a container made from ``bundle`` (and ``record``) to the declared spec."""
        declared = self._require_declared()
        if record is None:
            self.warnings.append(
                "container %s has no record of the config it was created from (made outside this module?): "
                "changes to config.json cannot be detected; use recreate=true to recreate it from the bundle"
                % self.params.id
            )
        drift = classify(
            bundle, self.params.bundle or "", record.spec if record else None,
            declared.masked, record is not None and record.digest == declared.digest,
        )
        return with_image_drift(drift, record.image, image_digest(spec)) if record else drift

    # -- acting -----------------------------------------------------------

    def _execute(self, action: str) -> None:
        steps: t.Dict[str, t.Callable[[], None]] = {
            _RUN: self._run,
            CREATE: self._create,
            START: self._start,
            PAUSE: lambda: self.runc.pause(self.params.id),
            RESUME: lambda: self.runc.resume(self.params.id),
            STOP: self._stop,
            DELETE: self._delete,
            UPDATE: self._update,
        }
        try:
            steps[action]()
        except RuncError as exc:
            self._record_after_failure()
            raise ContainerTaskError(
                "%s of container %s failed: %s" % (action, self.params.id, exc), actions=self.done, **exc.as_dict()
            )
        self.done.append(START if action == _RUN else action)

    def _create(self, run: bool = False) -> None:
        """``runc create``; with ``run``, ``runc run --detach`` (create and start in one runc call)."""
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import CreateOptions, RunOptions

        params = self.params
        log = params.log_path or DEV_NULL
        kind = RunOptions if run else CreateOptions
        options = kind(
            bundle=params.bundle or "", pid_file=params.pid_file, no_pivot=params.no_pivot,
            no_new_keyring=params.no_new_keyring, preserve_fds=params.preserve_fds,
            io=ContainerIO(stdout=log, stderr=log),
        )
        try:
            if isinstance(options, RunOptions):
                self.runc.run(params.id, options)
            else:
                self.runc.create(params.id, options)
            self._unrecorded = True
        except RuncError as exc:
            self._clean_up()
            raise ContainerTaskError(
                "bundle: runc could not create container %s from %s: %s" % (params.id, params.bundle, exc),
                actions=self.done, **exc.as_dict()
            )

    def _run(self) -> None:
        self._create(run=True)
        self.done.append(CREATE)
        self._watch_started()

    def _start(self) -> None:
        try:
            self.runc.start(self.params.id)
        except RuncError:
            self._clean_up()
            raise
        self._watch_started()

    def _watch_started(self) -> None:
        """The readiness wait (wait_started): a container that stops within it fails the task."""
        params = self.params
        if params.wait_started and poll_until(lambda: self.runc.state(params.id).status == STOPPED, params.wait_started):
            self.done.append(START)
            self._fail_exited()

    def _fail_exited(self) -> t.NoReturn:
        """A started container is stopped already: delete it and fail with its log tail."""
        params = self.params
        self._clean_up()
        log_tail = _log_tail(params.log_path)
        msg = "container %s exited right after start (status stopped); it was deleted; %s" % (
            params.id, _about_log(params.log_path, log_tail))
        raise ContainerTaskError(msg, status=STOPPED, log_tail=log_tail, actions=list(self.done))

    def _stop(self) -> None:
        params = self.params
        status = self.runc.state(params.id).status
        if status == STOPPED:
            return
        # A created container's process never ran: there is nothing to shut down gracefully.
        signal = "SIGKILL" if status == CREATED else params.stop_signal
        self._signal(signal)
        if poll_until(self._is_stopped, params.stop_timeout):
            return
        self._signal("SIGKILL", all_processes=True)
        if not poll_until(self._is_stopped, KILL_WAIT_SECONDS):
            raise ContainerTaskError(
                "stop_timeout: container %s was still not stopped %.0f seconds after SIGKILL to all its processes"
                % (params.id, KILL_WAIT_SECONDS), actions=self.done
            )

    def _is_stopped(self) -> bool:
        return self.runc.state(self.params.id).status == STOPPED

    def _signal(self, signal: str, all_processes: bool = False) -> None:
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import KillOptions

        try:
            self.runc.kill(self.params.id, KillOptions(signal=signal, all=all_processes))
        except RuncError:
            if not self._is_stopped():  # it may have stopped by itself meanwhile
                raise

    def _force_delete(self) -> None:
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import DeleteOptions

        self.runc.delete(self.params.id, DeleteOptions(force=True))

    def _delete(self) -> None:
        self._force_delete()
        remove_record(self.params.root, self.params.id)
        self.lock.discard()

    def _update(self) -> None:
        from ansible_collections.ocitools.runc.plugins.module_utils._runc.update_options import UpdateOptions

        declared = self._require_declared()
        self.runc.update(self.params.id, UpdateOptions(resources=live_resources(declared.spec)))
        self._unrecorded = True

    def _clean_up(self) -> None:
        """Delete what a failed create or start left behind (nothing half-made stays)."""
        try:
            if self.runc.find(self.params.id) is not None:
                self._force_delete()
        except RuncError as exc:
            self.warnings.append("could not delete the failed container %s: %s" % (self.params.id, exc))
            return
        remove_record(self.params.root, self.params.id)
        self.lock.discard()

    def _require_declared(self) -> _Declared:
        if self._declared is None:  # _drift always runs before an action that needs the spec
            raise AssertionError("declared spec not loaded")
        return self._declared

    def _record(self, state: ContainerState) -> None:
        """The record of what the container was made from; a container made now that cannot have one is deleted."""
        try:
            self._write_record(state)
        except OSError as exc:
            if CREATE not in self.done:  # updated in place: it keeps running, drift stays unknown
                self.warnings.append("could not record the config of container %s: %s" % (self.params.id, exc))
                return
            self._clean_up()
            raise ContainerTaskError("root: cannot write the record of container %s (%s); the container was deleted"
                                     % (self.params.id, exc), actions=self.done)

    def _record_after_failure(self) -> None:
        """A later step failed: keep the record of a container this task made, if it is still there."""
        if not self._unrecorded:
            return
        try:
            state = self.runc.find(self.params.id)
            if state is not None:
                self._write_record(state)
        except (RuncError, OSError) as exc:
            self.warnings.append("could not record the config of container %s: %s" % (self.params.id, exc))

    def _write_record(self, state: ContainerState) -> None:
        declared = self._require_declared()
        record = ContainerRecord(declared.digest, self.params.bundle or "", state.created, declared.salt, declared.masked,
                                 image_digest(declared.spec))
        write_record(self.params.root, self.params.id, record)

    # -- result -----------------------------------------------------------

    def _result(self, current: t.Optional[ContainerState], final: t.Optional[ContainerState],
                actions: t.List[str], drift: Drift) -> t.Dict[str, t.Any]:
        result = {
            "changed": bool(actions),
            "actions": actions,
            "container": final.to_dict() if final else {},
            "drift": drift.to_dict(),
            "warnings": self.warnings,
            "diff": self._difference(current, drift).to_dict(),
        }
        result.update(exit_status(self.unit_status))
        return result

    def _difference(self, current: t.Optional[ContainerState], drift: Drift) -> Difference:
        difference = Difference()
        difference.add("status", current.status if current else ABSENT, self.params.state)
        difference.add("bundle", current.bundle if current else None,
                       self.params.bundle if self.params.state != ABSENT else None)
        if drift.fields:
            difference.add("spec", *drift.spec_diff())
        if self.unit_texts is not None and self.unit_texts[0] != self.unit_texts[1]:
            difference.add("unit", *self.unit_texts)
        return difference


def create_problem(params: ContainerParams, spec: t.Mapping[str, t.Any]) -> t.Optional[str]:
    """What would make a create fail after the container was (re)made or an old one deleted, or None."""
    root_path = (spec.get("root") or {}).get("path") if isinstance(spec.get("root"), dict) else None
    rootfs = os.path.join(params.bundle or "", root_path) if isinstance(root_path, str) and root_path else None
    if rootfs is not None and not os.path.isdir(rootfs):
        return ("bundle: the root filesystem %s (root.path in %s/config.json) does not exist or is not a directory; "
                "unpack it first" % (rootfs, params.bundle))
    if params.log_path and not os.path.isdir(os.path.dirname(os.path.abspath(params.log_path))):
        return "log_path: directory %s does not exist; create it first" % os.path.dirname(params.log_path)
    if params.log_path and os.path.lexists(params.log_path) and not os.path.isfile(params.log_path):
        return "log_path: %s exists and is not a regular file; give a file path" % params.log_path
    if params.pid_file and not os.path.isdir(os.path.dirname(os.path.abspath(params.pid_file))):
        return "pid_file: directory %s does not exist; create it first" % os.path.dirname(params.pid_file)
    return record_problem(params.root, params.id)
