# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_container with supervisor=systemd: systemd owns the container's process, the task acts through it.

Read: the container (runc state), the unit file, the unit's status (systemctl show) and the drift
record; plan (_systemd/planner.py, a pure table); act (systemctl, or runc for pause, resume and a
live update); record what the unit started the container from. The record is kept on disk by id
(names.RECORD_DIR), not beside runc's state on a tmpfs, and is not tied to runc's ``created`` time:
systemd makes a new container after every crash or reboot, from the same unit and bundle.
"""

from __future__ import annotations

import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._container.drift import Drift
from ansible_collections.ocitools.runc.plugins.module_utils._container.manager import (
    ContainerManager,
    ContainerTaskError,
    create_problem,
)
from ansible_collections.ocitools.runc.plugins.module_utils._container.record import (
    ContainerRecord,
    read_record,
    write_record,
)
from ansible_collections.ocitools.runc.plugins.module_utils._container.supervision import unit_spec
from ansible_collections.ocitools.runc.plugins.module_utils._image.annotations import image_digest
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import RunOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState
from ansible_collections.ocitools.runc.plugins.module_utils._runc.status import ABSENT, ALIVE, PAUSED, RUNNING
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.planner import Declared, Observed, Step, plan_supervised
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import UnitStatus
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.unit import UnitValueError, render

_STARTS = (Step.START, Step.RESTART)


class SupervisedManager(ContainerManager):
    """Brings a container supervised by its systemd unit to the declared state."""

    def _converge(self, spec: t.Optional[t.Dict[str, t.Any]]) -> t.Dict[str, t.Any]:
        if not self.supervision.systemd_runs():
            raise ContainerTaskError("supervisor: systemd is not running on this host (no %s); use supervisor=none"
                                     % self.supervision.places.runtime_dir)
        current = self._find()
        before = self.supervision.read_unit()
        status = self._unit_status()
        text = self._unit_text() if spec is not None else None
        self.unit_texts = (before, text)
        drift = self._supervised_drift(spec, status) if spec is not None else Drift()
        observed = Observed(
            container=current.status if current else ABSENT, unit_file=before is not None,
            unit_current=text is not None and before == text, up=status.up, failed=status.failed,
            enabled=status.enabled)
        declared = Declared(self.params.state, self.params.enabled, drift.kind, self.params.restart,
                            self.params.recreate)
        actions = plan_supervised(observed, declared)
        if any(action in _STARTS for action in actions):
            self._check_startable(spec or {})
        self._act_supervised(actions, text)
        acted = bool(actions) and not self.check_mode
        final = self._find() if acted else current
        self.unit_status = self._unit_status() if acted else status
        if acted and self._unrecorded:
            self._write_supervised_record()
        if acted and self.params.state != ABSENT:
            self._check_running(final)
        if final is None and self.params.state == ABSENT:
            self.lock.discard()
        result = self._result(current, final, actions, drift)
        result["unit"] = self._unit_result()
        return result

    def _unit_text(self) -> str:
        params = self.params
        run = RunOptions(bundle=params.bundle or "", pid_file=params.pid_file, no_pivot=params.no_pivot,
                         no_new_keyring=params.no_new_keyring, detach=False)
        try:
            return render(unit_spec(self.runc, params.root, params.id, run, params.policy))
        except UnitValueError as exc:
            raise ContainerTaskError("bundle, pid_file or root: %s; give a path without control characters" % exc)

    def _supervised_drift(self, spec: t.Dict[str, t.Any], status: UnitStatus) -> Drift:
        """Drift from what the unit last started the container from (its record) to the declared spec;
        none while nothing runs (the next start takes the declared spec)."""
        record = read_record(self.supervision.places.record_dir, self.params.id)
        self._declare(spec, record)
        if not status.up:
            return Drift()
        return self._classified(record.bundle if record else self.params.bundle or "", record, spec)

    def _check_startable(self, spec: t.Dict[str, t.Any]) -> None:
        problem = create_problem(self.params, spec)
        if problem and self.check_mode:
            self.warnings.append("%s (check mode: an earlier task may create it; planned as if it were there)" % problem)
        elif problem:
            raise ContainerTaskError(problem, actions=[])

    def _write_supervised_record(self) -> None:
        declared = self._require_declared()
        record = ContainerRecord(declared.digest, self.params.bundle or "", "", declared.salt, declared.masked,
                                 image_digest(declared.spec))
        try:
            write_record(self.supervision.record_root(), self.params.id, record)
        except OSError as exc:
            self.warnings.append("could not record the config of container %s in %s: %s (drift stays unknown)"
                                 % (self.params.id, self.supervision.places.record_dir, exc))

    def _check_running(self, final: t.Optional[ContainerState]) -> None:
        """A container declared running or paused that is not, while its unit gave up: fail, pointing at the journal."""
        status = self.unit_status
        if status is None or self.params.state not in (RUNNING, PAUSED) or status.up:
            return
        if final is not None and final.status in ALIVE:
            return
        unit = self.supervision.unit
        raise ContainerTaskError(
            "container %s is not running: unit %s is %s (result %s, exit code %s); its output and runc's are in "
            "journalctl -u %s" % (self.params.id, unit, status.active_state, status.result or "none",
                                  status.exit_code, unit),
            actions=self.done, unit=self._unit_result())

    def _unit_result(self) -> t.Dict[str, t.Any]:
        status = self.unit_status
        return {
            "name": self.supervision.unit,
            "path": self.supervision.path,
            "active_state": status.active_state if status else None,
            "sub_state": status.sub_state if status else None,
            "enabled": status.enabled if status else None,
        }
