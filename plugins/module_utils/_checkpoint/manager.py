# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checkpoint a container into a CRIU image directory, or restore one from it.

Plan first (what the container and the image directory look like, what would
be done), then execute unless in check mode, then report. Decisions:

* ``checkpointed``: a dump is taken only when ``image_path`` holds no complete
  checkpoint (see checkpoint_images), or with ``force``. runc 1.1 deletes the
  container after a dump without ``leave_running``; that is reported as an action.
* ``pre_dump``: a pre-dump is taken when ``image_path`` holds neither a pre-dump
  nor a complete checkpoint (or with ``force``), so a second identical run is ok.
* Before a dump, the image files of a checkpoint or pre-dump already in ``image_path``
  are removed (``force`` asked for a new one): CRIU would otherwise mix them with the
  new ones. Image files that make no checkpoint or pre-dump may be anyone's: the dump
  is refused instead, and nothing is deleted. After a failed dump its images are
  removed too, so a failed dump never looks complete; CRIU's logs are kept.
* ``image_path`` must be absolute (a relative one would land wherever the task runs),
  and for a dump not a symbolic link: the module changes its mode and deletes in it.
* The container's lock (the one runc_container takes) is held from reading the
  container to the end of the dump or restore, so tasks on one id take turns.
* ``restored``: ok when a container with that id is running or paused; a created
  or stopped one is deleted first (it would block the restore).
* A container that runc_container's systemd unit supervises is dumped and restored through its
  unit (see supervised.py): the dump causes no restart, and the restored container is supervised.
"""

from __future__ import annotations

import dataclasses
import os
import time
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.bundle_config import ConfigError, read_config
from ansible_collections.ocitools.runc.plugins.module_utils._common.difference import Difference
from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.failure import (
    DUMP_LOG,
    RESTORE_LOG,
    LogMark,
    describe_failure,
)
from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.images import (
    KIND_CHECKPOINT,
    KIND_NONE,
    KIND_PRE_DUMP,
    ImageSummary,
    foreign_files,
    inspect_images,
    prepare_image_dir,
    regular_files,
    remove_images,
    resolve_parent,
)
from ansible_collections.ocitools.runc.plugins.module_utils._common.path_checks import directory_problem
from ansible_collections.ocitools.runc.plugins.module_utils._container.lock import ContainerLock, held_by_task
from ansible_collections.ocitools.runc.plugins.module_utils._container.record import record_for, write_record
from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.criu_check import check_criu
from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.supervised import SupervisedCheckpoint
from ansible_collections.ocitools.runc.plugins.module_utils._container.supervision import Supervision
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import SystemdPlaces
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc, refused
from ansible_collections.ocitools.runc.plugins.module_utils._runc.criu_options import (
    CHECKPOINT_FLAGS,
    DUMP_ONLY,
    RESTORE_FLAGS,
    RESTORE_ONLY,
    CheckpointOptions,
    CriuOptions,
    RestoreOptions,
    argument_spec,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.ids import validate_container_id
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import DeleteOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState
from ansible_collections.ocitools.runc.plugins.module_utils._runc.status import ABSENT, ALIVE, RUNNING
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import Systemctl, SystemdError

STATE_CHECKPOINTED = "checkpointed"
STATE_RESTORED = "restored"
# How long a task waits for the container's lock, in runc calls (command_timeout each).
LOCK_WAIT_CALLS = 4


# runc_checkpoint's options: its own, then one per runc flag (criu_options: the flags of both subcommands).
ARGUMENT_SPEC: t.Dict[str, t.Dict[str, t.Any]] = dict(
    id=dict(type="str", required=True),
    state=dict(type="str", choices=[STATE_CHECKPOINTED, STATE_RESTORED], default=STATE_CHECKPOINTED),
    image_path=dict(type="path", required=True),
    force=dict(type="bool", default=False),
)
ARGUMENT_SPEC.update((name, spec) for name, spec in argument_spec(CHECKPOINT_FLAGS + RESTORE_FLAGS).items()
                     if name not in ARGUMENT_SPEC)


class CheckpointError(TaskError):
    """A planned or failed checkpoint/restore (``msg`` names the option or the step)."""


# Actions, as verbs (``steps`` says each in words).
PREPARE = "prepare"  # create image_path (mode 0700)
CLEAN = "clean"  # remove the image files of an earlier dump from image_path
PRE_DUMP = "pre_dump"
CHECKPOINT = "checkpoint"
DELETE = "delete"  # the container: by runc after a checkpoint, or by the task before a restore
RESTORE = "restore"


@dataclasses.dataclass
class Plan:
    actions: t.List[str] = dataclasses.field(default_factory=list)
    steps: t.List[str] = dataclasses.field(default_factory=list)  # each action in words
    act: bool = False  # whether runc is asked to dump/restore
    delete_first: bool = False  # restore: delete the stopped container of that id
    msg: str = ""  # why nothing is done

    def add(self, action: str, step: str) -> None:
        self.actions.append(action)
        self.steps.append(step)


def _status(container: t.Optional[ContainerState]) -> str:
    return container.status if container is not None else ABSENT


def refuse_foreign_options(params: t.Mapping[str, t.Any]) -> None:
    """Options of the other state, refused by name."""
    state = params["state"]
    foreign = RESTORE_ONLY if state == STATE_CHECKPOINTED else DUMP_ONLY
    given = [name for name in foreign if params.get(name)]
    if given:
        raise CheckpointError("%s: only used with state=%s, not with state=%s; remove %s" % (
            ", ".join(given),
            STATE_RESTORED if state == STATE_CHECKPOINTED else STATE_CHECKPOINTED,
            state,
            "it" if len(given) == 1 else "them",
        ))


def check_paths(params: t.Mapping[str, t.Any]) -> None:
    """image_path and work_path: absolute, usable as directories; for a dump, image_path no symbolic link."""
    for name in ("image_path", "work_path"):
        value = params.get(name)
        if value and not os.path.isabs(value):
            raise CheckpointError("%s: %s is relative; give an absolute path (a relative one would be resolved "
                                  "against wherever the task happens to run)" % (name, value))
        if value:
            problem = directory_problem(name, value, "a directory for CRIU's files")
            if problem:
                raise CheckpointError(problem)
    if params["state"] == STATE_CHECKPOINTED and os.path.islink(params["image_path"]):
        raise CheckpointError("image_path: %s is a symbolic link; a dump changes the directory's mode and "
                              "deletes old image files in it, so give the real directory" % params["image_path"])


def check_options(params: t.Mapping[str, t.Any]) -> None:
    """Every option check of a checkpoint task, before runc is looked for (a bad id: InvalidContainerIdError)."""
    validate_container_id(params["id"])
    refuse_foreign_options(params)
    check_paths(params)


class CheckpointManager:
    """One ``runc_checkpoint`` task: ``run()`` returns the module result or raises CheckpointError."""

    def __init__(self, runc: Runc, params: t.Mapping[str, t.Any], check_mode: bool = False,
                 places: SystemdPlaces = SystemdPlaces()) -> None:
        self.runc = runc
        self.params = params
        self.check_mode = check_mode
        self.container_id: str = params["id"]
        self.image_path: str = os.path.abspath(params["image_path"])
        self.work_dir: str = os.path.abspath(params["work_path"] or self.image_path)
        self.warnings: t.List[str] = []
        systemctl = Systemctl(runner=runc.runner, timeout=runc.timeout)
        self.unit = SupervisedCheckpoint(Supervision(systemctl, self.container_id, places))
        self.supervised = self.unit.applies()

    # -- entry point --------------------------------------------------------

    def run(self) -> t.Dict[str, t.Any]:
        check_options(self.params)
        if self.check_mode:
            return self._run()
        lock = ContainerLock(self.runc.state_root(), self.container_id)
        with held_by_task(lock, LOCK_WAIT_CALLS * self.runc.timeout, CheckpointError):
            result = self._run()
            if not result["container"]:
                lock.discard()  # runc deleted the container after the dump
            return result

    def _run(self) -> t.Dict[str, t.Any]:
        # No container without a state root (and runc 1.1 would create the root to say so).
        before = self.runc.find(self.container_id) if os.path.isdir(self.runc.state_root()) else None
        images = self._inspect(self.image_path)
        if self.params["state"] == STATE_CHECKPOINTED:
            plan = self._plan_checkpoint(before, images)
        else:
            plan = self._plan_restore(before, images)
        duration = 0.0
        if plan.act and not self.check_mode:
            try:
                duration = self._checkpoint() if self.params["state"] == STATE_CHECKPOINTED else self._restore(plan)
            except SystemdError as exc:
                raise CheckpointError("supervisor: systemctl failed around the %s of container %s (unit %s): %s"
                                      % (self.params["state"], self.container_id, self.unit.unit, exc),
                                      actions=plan.actions, **exc.as_dict())
            after = self.runc.find(self.container_id)
            after_images = self._inspect(self.image_path)
            self._verify(after, after_images, plan)
        else:
            after, after_images = before, images
        return self._result(plan, before, images, after, after_images, duration)

    # -- planning -----------------------------------------------------------

    def _inspect(self, path: str) -> ImageSummary:
        try:
            return inspect_images(path)
        except ValueError as exc:
            raise CheckpointError("image_path: %s" % exc)

    def _plan_checkpoint(self, container: t.Optional[ContainerState], images: ImageSummary) -> Plan:
        params = self.params
        done_kinds = (KIND_CHECKPOINT, KIND_PRE_DUMP) if params["pre_dump"] else (KIND_CHECKPOINT,)
        if images.kind in done_kinds and not params["force"]:
            return Plan(msg="%s already holds a %s; nothing to do (force: true takes a new one)" % (
                self.image_path, "complete checkpoint" if images.complete else "pre-dump"))
        if container is None:
            raise CheckpointError("id: container %s does not exist and image_path %s holds no %s to keep" % (
                self.container_id, self.image_path, "pre-dump" if params["pre_dump"] else "complete checkpoint"))
        if container.status not in ALIVE:
            raise CheckpointError("id: container %s is %s; only a running or paused container can be checkpointed" % (
                self.container_id, container.status))
        self._refuse_unsupported()
        self._check_parent()
        if params["lazy_pages"] and not params["page_server"]:
            raise CheckpointError(
                "lazy_pages: a lazy checkpoint serves the memory pages to the restoring host and needs page_server "
                "(ADDRESS:PORT); set page_server or drop lazy_pages")
        foreign = foreign_files(images, regular_files(self.image_path))
        if foreign:
            raise CheckpointError(
                "image_path: %s holds image files that make no complete checkpoint or pre-dump (%s); they may not be "
                "CRIU's, so nothing is deleted: remove them, or give an empty or new directory"
                % (self.image_path, ", ".join(foreign[:10]) + (", ..." if len(foreign) > 10 else "")))
        plan = Plan(act=True)
        if not images.exists:
            plan.add(PREPARE, "create %s (mode 0700)" % self.image_path)
        elif images.kind != KIND_NONE:
            plan.add(CLEAN, "remove the %s image files in %s before the new dump" % (images.kind, self.image_path))
        self._add_dump(plan)
        return plan

    def _add_dump(self, plan: Plan) -> None:
        params = self.params
        if params["pre_dump"]:
            plan.add(PRE_DUMP, "pre-dump the memory of container %s into %s (it keeps running)" % (
                self.container_id, self.image_path))
            return
        parent = " on top of the pre-dump in %s" % params["parent_path"] if params["parent_path"] else ""
        after = ("it keeps running" if params["leave_running"]
                 else "runc then stops and deletes the container")
        plan.add(CHECKPOINT, "checkpoint container %s into %s%s (%s)" % (self.container_id, self.image_path, parent, after))

    def _refuse_unsupported(self) -> None:
        """Options this runc is too old for, refused by name before anything runs."""
        for option, since in refused(self._options(), self.runc.version)[:1]:
            raise CheckpointError("%s needs runc %s or newer; this runc is %s" % (
                option, ".".join(map(str, since)), self.runc.version().version))

    def _check_parent(self) -> None:
        parent_path = self.params["parent_path"]
        if not parent_path:
            return
        parent = resolve_parent(self.image_path, parent_path)
        if parent == self.image_path:
            raise CheckpointError("parent_path: %s resolves to image_path itself; it must name the pre-dump "
                                  "directory, relative to image_path (e.g. ../pre) or absolute" % parent_path)
        kind = self._inspect(parent).kind
        if kind not in (KIND_PRE_DUMP, KIND_CHECKPOINT):
            raise CheckpointError("parent_path: %s (resolved against image_path: %s) holds no pre-dump (found: %s); "
                                  "take one with pre_dump: true first" % (parent_path, parent, kind))

    def _plan_restore(self, container: t.Optional[ContainerState], images: ImageSummary) -> Plan:
        if container is not None and container.status in ALIVE:
            return Plan(msg="container %s is already %s; nothing to do" % (self.container_id, container.status))
        if self.supervised and self.unit.supervision.status().up:
            raise CheckpointError("id: unit %s is starting container %s anew; stop it first (runc_container "
                                  "state=stopped) to restore the checkpoint" % (self.unit.unit, self.container_id))
        if not images.complete:
            raise CheckpointError("image_path: %s holds no complete checkpoint (found: %s); take one with "
                                  "state: checkpointed first" % (self.image_path, images.kind))
        bundle = self.params["bundle"]
        if not os.path.isfile(os.path.join(bundle, "config.json")):
            raise CheckpointError("bundle: %s has no config.json; point bundle at the container's bundle" % bundle)
        self._refuse_unsupported()
        plan = Plan(act=True)
        if container is not None:
            plan.delete_first = True
            plan.add(DELETE, "delete the %s container %s first (it would block the restore)" % (
                container.status, self.container_id))
        through = " through unit %s, which supervises it again" % self.unit.unit if self.supervised else ""
        plan.add(RESTORE, "restore container %s from %s with bundle %s%s"
                 % (self.container_id, self.image_path, bundle, through))
        return plan

    # -- execution ----------------------------------------------------------

    def _options(self) -> CriuOptions:
        """The runc checkpoint or restore options for the task's options, paths made absolute."""
        paths = dict(image_path=self.image_path, work_path=self.work_dir if self.params["work_path"] else None,
                     empty_ns=tuple(self.params["empty_ns"] or ()))
        if self.params["state"] == STATE_CHECKPOINTED:
            return CheckpointOptions.from_params(self.params, **paths)
        return RestoreOptions.from_params(self.params, bundle=os.path.abspath(self.params["bundle"]), **paths)

    def _requested(self) -> t.List[str]:
        return [name for name, value in self.params.items() if value and name not in ("id", "state")]

    def _checkpoint(self) -> float:
        params = self.params
        options = t.cast(CheckpointOptions, self._options())
        prepare_image_dir(self.image_path)
        remove_images(self.image_path)
        action = "pre-dump" if params["pre_dump"] else "checkpoint"

        def dump() -> None:
            self.runc.checkpoint(self.container_id, options)

        ends_container = not (params["pre_dump"] or params["leave_running"])
        try:
            if self.supervised and ends_container:
                return self._timed_criu_call(action, DUMP_LOG, lambda: self.unit.dump(dump, self.runc.timeout))
            return self._timed_criu_call(action, DUMP_LOG, dump)
        except CheckpointError:
            remove_images(self.image_path)
            raise

    def _restore(self, plan: Plan) -> float:
        params = self.params
        options = t.cast(RestoreOptions, self._options())
        if plan.delete_first:
            self.runc.delete(self.container_id, DeleteOptions(force=True))
        if self.supervised:  # its drift record is the unit's, kept by runc_container
            return self._timed_criu_call("restore", RESTORE_LOG, lambda: self._restore_through_unit(options))
        duration = self._timed_criu_call("restore", RESTORE_LOG, lambda: self.runc.restore(self.container_id, options))
        self._record_restored(os.path.realpath(params["bundle"]))
        return duration

    def _restore_through_unit(self, options: RestoreOptions) -> None:
        """The unit runs ``runc restore`` in the foreground (explicit root, as its ``runc run``)."""
        explicit = Runc(dataclasses.replace(self.runc.options, root=self.runc.state_root()), runner=self.runc.runner)
        argv = explicit.argv(["restore", *dataclasses.replace(options, detach=False).args(), self.container_id])

        def alive() -> bool:
            state = self.runc.find(self.container_id)
            return state is not None and state.status in ALIVE

        self.unit.restore(argv, alive, self.runc.timeout)

    def _record_restored(self, bundle: str) -> None:
        """Leave the record runc_container keeps for containers it creates, so a later
        runc_container task on the restored container detects config drift as usual."""
        try:
            spec = read_config(bundle)
        except ConfigError:
            return  # runc restored from it, so this is a race with an edit; drift stays unknown
        created = self.runc.state(self.container_id).created
        try:
            write_record(self.runc.state_root(), self.container_id, record_for(bundle, spec, created))
        except OSError as exc:  # the container runs: a lost record only hides drift, so no failure
            self.warnings.append("container %s was restored, but its record %s could not be written (%s): "
                                 "runc_container cannot detect changes to its config.json"
                                 % (self.container_id, exc.filename, exc.strerror))

    def _timed_criu_call(self, action: str, log_name: str, call: t.Callable[[], None]) -> float:
        mark = LogMark.of(os.path.join(self.work_dir, log_name))
        started = time.monotonic()
        try:
            call()
        except RuncError as exc:
            details = exc.as_dict()
            criu = check_criu(self.runc.options.criu, self.runc.runner, min(self.runc.timeout, 30.0))
            details.update(describe_failure("runc " + action, exc.runc_message or exc.message, mark,
                                            self._requested(), None if criu.usable else criu.message))
            details["criu"] = criu.to_dict()
            raise CheckpointError(details.pop("msg"), **details)
        return round(time.monotonic() - started, 3)

    def _verify(self, after: t.Optional[ContainerState], images: ImageSummary, plan: Plan) -> None:
        """runc said yes; make sure the result is what the task promises."""
        if self.params["state"] == STATE_RESTORED:
            if after is None or after.status not in ALIVE:
                raise CheckpointError("runc restore reported success but container %s is %s" % (
                    self.container_id, _status(after)), actions=plan.actions)
            return
        expected = KIND_PRE_DUMP if self.params["pre_dump"] else KIND_CHECKPOINT
        if images.kind != expected:
            raise CheckpointError("runc checkpoint reported success but %s holds a %s, not a %s" % (
                self.image_path, images.kind, expected), actions=plan.actions)
        if after is None and not self.params["leave_running"] and not self.params["pre_dump"]:
            plan.add(DELETE, "runc deleted container %s after the checkpoint" % self.container_id)

    # -- result -------------------------------------------------------------

    def _result(
        self,
        plan: Plan,
        before: t.Optional[ContainerState],
        images: ImageSummary,
        after: t.Optional[ContainerState],
        after_images: ImageSummary,
        duration: float,
    ) -> t.Dict[str, t.Any]:
        predicted = self.check_mode and plan.act
        status_after, kind_after = self._predicted() if predicted else (_status(after), after_images.kind)
        difference = Difference().add("container", _status(before), status_after).add("image", images.kind, kind_after)
        result: t.Dict[str, t.Any] = {
            "changed": plan.act,
            "actions": plan.actions,
            "steps": plan.steps,
            "container": after.to_dict() if after is not None else {},
            "image_path": self.image_path,
            "unit": self.unit.unit if self.supervised else None,
            "checkpoint": after_images.to_dict(),
            "duration": duration,
            "diff": difference.to_dict(),
            "warnings": self.warnings,
        }
        if plan.msg:
            result["msg"] = plan.msg
        return result

    def _predicted(self) -> t.Tuple[str, str]:
        """The container's status and the image kind check mode expects after the dump or restore it did not run."""
        params = self.params
        if params["state"] == STATE_RESTORED:
            return RUNNING, KIND_CHECKPOINT
        if params["pre_dump"]:
            return RUNNING, KIND_PRE_DUMP
        return (RUNNING if params["leave_running"] else ABSENT), KIND_CHECKPOINT


def manage_checkpoint(params: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc],
                      check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
    """The module's one call: the result, or CheckpointError. Options are checked before runc is looked for."""
    check_options(params)
    return CheckpointManager(make_runc(), params, check_mode).run()
