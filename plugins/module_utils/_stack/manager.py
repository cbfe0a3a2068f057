# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_stack's work: many containers converged in one call, each as runc_container would.

Every declaration is checked first. Then the locks of all declared ids are taken (in
sorted order, so two stacks never wait on each other in a cycle), runc is read once
(``runc list``), and each container is brought to its state in converge order: its
bundle's config.json written from the spec options (runc_spec's manager), then the
container converged by runc_container's manager, with its planner, drift rules and
executor. With ``prune``, containers under the root that are not declared are
deleted. Check mode takes no lock, writes nothing and makes no mutating runc call.
"""

from __future__ import annotations

import contextlib
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.bundle_config import read_config
from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._container.lock import LockTimeoutError
from ansible_collections.ocitools.runc.plugins.module_utils._container.manager import (
    KILL_WAIT_SECONDS,
    Acted,
    ContainerManager,
    ContainerParams,
    ContainerTaskError,
)
from ansible_collections.ocitools.runc.plugins.module_utils._container.planner import ABSENT, CREATE
from ansible_collections.ocitools.runc.plugins.module_utils._container.supervision import supervised_ids
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import SystemdPlaces
from ansible_collections.ocitools.runc.plugins.module_utils._container.task import container_manager
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import state_root
from ansible_collections.ocitools.runc.plugins.module_utils._spec.builder import build_spec
from ansible_collections.ocitools.runc.plugins.module_utils._spec.image import with_image_defaults
from ansible_collections.ocitools.runc.plugins.module_utils._spec.manager import manage_spec
from ansible_collections.ocitools.runc.plugins.module_utils._spec.validation import SpecInputError, options_from_params
from ansible_collections.ocitools.runc.plugins.module_utils._stack.declarations import Declaration, parse_declarations
from ansible_collections.ocitools.runc.plugins.module_utils._stack.pods import PodError, resolve
from ansible_collections.ocitools.runc.plugins.module_utils._stack.reads import StackRunc


class _Pending(t.NamedTuple):
    """A container acted on, not yet finished."""

    declaration: Declaration
    step: Acted
    written: t.Optional[t.Dict[str, t.Any]]  # runc_spec's result for its config.json, None when not written


class Stack:
    """Declared containers under one root; ``run()`` returns the module result."""

    def __init__(self, runc: StackRunc, declarations: t.Sequence[Declaration], root: str, prune: bool,
                 check_mode: bool = False, diff: bool = False, places: SystemdPlaces = SystemdPlaces()) -> None:
        self.runc = runc
        self.places = places
        self.declarations = list(declarations)
        self.root = root
        self.prune = prune
        self.check_mode = check_mode
        self.diff = diff
        self.managers = {d.id: container_manager(runc, d.params, check_mode, places) for d in self.declarations}
        self.results: t.Dict[str, t.Dict[str, t.Any]] = {}
        self.pruned: t.List[t.Dict[str, t.Any]] = []
        self.pids: t.Dict[str, t.Optional[int]] = {}
        self.diffs: t.Dict[str, t.Dict[str, t.Any]] = {}  # per container id: config.json's and the container's

    def run(self) -> t.Dict[str, t.Any]:
        with contextlib.ExitStack() as held:
            for container_id in sorted(self.managers):
                self._lock(held, self.managers[container_id])
            listed = self._read(lambda: self.runc.read_all(self.managers), "runc list")
            self._converge_all()
            if self.prune:
                undeclared = {state.id for state in listed} | set(supervised_ids(self.root, self.places))
                for container_id in sorted(undeclared - set(self.managers)):
                    self.pruned.append(self._remove(held, container_id))
        return self._result()

    # -- one container ----------------------------------------------------

    def _lock(self, held: contextlib.ExitStack, manager: ContainerManager) -> None:
        if self.check_mode:
            return
        timeout = manager.params.stop_timeout + KILL_WAIT_SECONDS + 4 * self.runc.timeout
        try:
            held.enter_context(manager.lock.held(timeout))
        except LockTimeoutError:
            raise self._failure("id: container %s stayed locked by another task for %.0f seconds (%s)"
                                % (manager.params.id, timeout, manager.lock.path))

    def _read(self, call: t.Callable[[], t.Any], what: str) -> t.Any:
        try:
            return call()
        except RuncError as exc:
            raise self._failure("%s failed: %s" % (what, exc), **exc.as_dict())

    def _declared_spec(self, declaration: Declaration) -> t.Tuple[t.Optional[t.Dict[str, t.Any]], t.Optional[t.Dict[str, t.Any]]]:
        """(the declared config, runc_spec's result for the bundle or None when the bundle is used as it is)."""
        if declaration.params.state == ABSENT:
            return None, None
        if declaration.spec_params is None:
            return read_config(declaration.params.bundle or ""), None
        params = dict(with_image_defaults(declaration.spec_params))
        if declaration.joins:
            params["namespaces"] = resolve(params["namespaces"], self.pids, self.check_mode)
        written = manage_spec(params, lambda: self.runc, self.check_mode, self.diff)
        spec = build_spec(self.runc.default_spec(rootless=bool(params.get("rootless_spec"))), options_from_params(params))
        return spec, written

    def _converge_all(self) -> None:
        """Act on every container, then finish them all from one more ``runc list``; a container that
        joins another's namespaces waits for the ones before it to be finished (it needs their pids)."""
        pending: t.List[_Pending] = []
        try:
            for declaration in self.declarations:
                if declaration.joins:
                    self._finish(pending)
                pending.append(self._act(declaration))
        except (ContainerTaskError, OSError) as exc:  # (OSError: writing a config.json) the ones before are recorded
            self._finish(pending)
            if isinstance(exc, ContainerTaskError):
                exc.details["containers"] = self._entries()  # and reported
            raise
        self._finish(pending)

    def _act(self, declaration: Declaration) -> "_Pending":
        try:
            spec, written = self._declared_spec(declaration)
            return _Pending(declaration, self.managers[declaration.id].act(spec), written)
        except (SpecInputError, PodError) as exc:
            raise self._failure("containers[%d].%s" % (declaration.index, exc))
        except TaskError as exc:  # the container's manager, or the bundle's config.json
            raise self._failure("%s: %s" % (declaration.label, exc.msg), **exc.details)
        except RuncError as exc:
            raise self._failure("%s: %s" % (declaration.label, exc), **exc.as_dict())

    def _finish(self, pending: t.List["_Pending"]) -> None:
        """Finish (and empty) ``pending``: the containers acted on are read with one ``runc list``."""
        acted = [item.declaration.id for item in pending if item.step.acted]
        if acted:
            self._read(lambda: self.runc.read_all(acted), "runc list")
        failure: t.Optional[ContainerTaskError] = None
        for item in pending:
            try:
                self.results[item.declaration.id] = self._finished(item)
            except ContainerTaskError as exc:  # the others are still recorded; the first failure is reported
                failure = failure or exc
        del pending[:]
        if failure is not None:
            raise failure

    def _finished(self, item: "_Pending") -> t.Dict[str, t.Any]:
        declaration, written = item.declaration, item.written
        try:
            result = self.managers[declaration.id].finish(item.step)
        except TaskError as exc:
            raise self._failure("%s: %s" % (declaration.label, exc.msg), **exc.details)
        except RuncError as exc:
            raise self._failure("%s: %s" % (declaration.label, exc), **exc.as_dict())
        self.pids[declaration.id] = self._pid(result)
        entry = dict(result, id=declaration.id, config_changed=bool(written and written["changed"]))
        entry["changed"] = result["changed"] or entry["config_changed"]
        entry.pop("diff")
        self.diffs[declaration.id] = {"config": written["diff"] if written else {}, "container": result["diff"]}
        return entry

    def _pid(self, result: t.Mapping[str, t.Any]) -> t.Optional[int]:
        """The container's pid after the converge; None when it has none (or check mode cannot know it)."""
        if self.check_mode and CREATE in result["actions"]:
            return None
        return result["container"].get("pid") or None

    def _remove(self, held: contextlib.ExitStack, container_id: str) -> t.Dict[str, t.Any]:
        params = ContainerParams(id=container_id, state=ABSENT, bundle=None, root=self.root)
        manager = ContainerManager(self.runc, params, self.check_mode, self.places)
        self._lock(held, manager)
        try:
            result = manager.converge_held(None)
        except ContainerTaskError as exc:
            raise self._failure("prune of container %s: %s" % (container_id, exc.msg), **exc.details)
        return {"id": container_id, "changed": result["changed"], "actions": result["actions"],
                "warnings": result["warnings"]}

    # -- result -----------------------------------------------------------

    def _entries(self) -> t.List[t.Dict[str, t.Any]]:
        """Per-container results in declared order (converge order may differ)."""
        done = [d for d in sorted(self.declarations, key=lambda d: d.index) if d.id in self.results]
        return [self.results[d.id] for d in done]

    def _failure(self, msg: str, **details: t.Any) -> ContainerTaskError:
        details.setdefault("actions", [])
        return ContainerTaskError(msg, containers=self._entries(), pruned=self.pruned, **details)

    def _result(self) -> t.Dict[str, t.Any]:
        entries = self._entries()
        warnings = ["%s: %s" % (entry["id"], warning) for entry in entries + self.pruned for warning in entry.pop("warnings")]
        diffs = [_headed(entry["id"], part, diff) for entry in entries
                 for part, diff in self.diffs[entry["id"]].items() if diff]
        return {
            "changed": any(entry["changed"] for entry in entries + self.pruned),
            "containers": entries,
            "pruned": self.pruned,
            "warnings": warnings,
            "diff": diffs,  # kept by the module entry only under --diff
        }


def _headed(container_id: str, part: str, diff: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    name = "%s %s" % (container_id, "config.json" if part == "config" else "container")
    return dict(diff, before_header=name, after_header=name)


def manage_stack(options: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc],
                 check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
    """The module's one call: the result dict, or ContainerTaskError (a TaskError).

    Every declaration is checked before ``make_runc`` looks for runc.
    """
    root = state_root(options.get("root"))
    declarations = parse_declarations(options.get("containers") or [], root)
    stack = Stack(StackRunc(make_runc()), declarations, root, bool(options.get("prune")), check_mode, diff)
    return stack.run()
