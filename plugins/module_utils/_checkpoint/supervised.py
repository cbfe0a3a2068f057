# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checkpoint and restore of a container that its systemd unit supervises (runc_container supervisor=systemd).

systemd owns the container's process (the unit's foreground ``runc run``), so both go through the unit:

* A dump that ends the container makes runc exit as if the container had been killed; with
  ``Restart=always`` systemd would start a fresh one at once. For the dump a runtime drop-in
  (``/run/systemd/system/UNIT.d/``) sets ``Restart=no``; afterwards it is removed and the unit
  is left inactive (``reset-failed``), as after a ``systemctl stop``.
* A restore is the unit's start with a runtime drop-in whose ``ExecStart`` is a foreground
  ``runc restore``: runc again relays the restored process's stdio (pipes, as at the dump) to the
  journal and exits with its status, so the restored container is supervised like the one before.
  The drop-in goes once the container runs: a later restart makes a fresh container from the bundle.

A pre-dump or a dump with ``leave_running`` keeps the container running: no drop-in is needed.
"""

from __future__ import annotations

import contextlib
import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.polling import poll_until
from ansible_collections.ocitools.runc.plugins.module_utils._container.supervision import Supervision
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import UnitStatus
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.unit import command_line

DROP_IN = "50-ocitools-checkpoint.conf"


def drop_in_text(exec_start: t.Optional[t.Sequence[str]] = None) -> str:
    """The runtime drop-in: no automatic restart, and with ``exec_start`` that command instead of ``runc run``."""
    lines = ["# Written by ocitools.runc.runc_checkpoint for the time of a checkpoint or restore.", "[Service]",
             "Restart=no"]
    if exec_start is not None:
        lines += ["ExecStart=", "ExecStart=" + command_line(exec_start)]
    return "\n".join(lines) + "\n"


class SupervisedCheckpoint:
    """The unit side of a checkpoint or restore of one supervised container."""

    def __init__(self, supervision: Supervision) -> None:
        self.supervision = supervision
        # systemd's runtime unit directory (/run/systemd/system): gone at reboot, like the dump's hold.
        self.drop_in_dir = os.path.join(supervision.places.runtime_dir, supervision.unit + ".d")
        self.drop_in_path = os.path.join(self.drop_in_dir, DROP_IN)

    @property
    def unit(self) -> str:
        return self.supervision.unit

    def applies(self) -> bool:
        """Whether one of runc_container's units supervises the container (its unit file exists)."""
        return self.supervision.read_unit() is not None

    @contextlib.contextmanager
    def _drop_in(self, exec_start: t.Optional[t.Sequence[str]] = None) -> t.Iterator[None]:
        os.makedirs(self.drop_in_dir, mode=0o755, exist_ok=True)
        with open(self.drop_in_path, "w", encoding="utf-8") as handle:
            handle.write(drop_in_text(exec_start))
        try:
            self.supervision.systemctl.daemon_reload()
            yield
        finally:
            os.unlink(self.drop_in_path)
            with contextlib.suppress(OSError):
                os.rmdir(self.drop_in_dir)
            self.supervision.systemctl.daemon_reload()

    def dump(self, call: t.Callable[[], None], timeout: float) -> None:
        """Run the dump (``call``) with restarts held off, then leave the unit inactive (not failed).

        The hold is lifted only once systemd has seen the unit's runc exit (it does so a moment after the
        dump returns): lifted earlier, the exit would be a crash to restart.
        """
        with self._drop_in():
            call()
            if not poll_until(lambda: not self.supervision.status().up, timeout):
                raise RuncError("unit %s still runs %.0f seconds after the dump ended its container; see "
                                "journalctl -u %s" % (self.unit, timeout, self.unit))
        self.supervision.systemctl.reset_failed(self.unit)

    def restore(self, argv: t.Sequence[str], alive: t.Callable[[], bool], timeout: float) -> None:
        """Start the unit with ``argv`` (a foreground ``runc restore``) as its command; return once ``alive()``.

        RuncError when the unit's runc gave up first or ``timeout`` passed (CRIU's restore log says why).
        """
        with self._drop_in(argv):
            self.supervision.systemctl.start(self.unit)
            gave_up: t.List[UnitStatus] = []

            def settled() -> bool:
                if alive():
                    return True
                status = self.supervision.status()
                if not status.up:
                    gave_up.append(status)
                return not status.up

            if not poll_until(settled, timeout) or gave_up:
                status = gave_up[-1] if gave_up else self.supervision.status()
                self.supervision.systemctl.reset_failed(self.unit)
                raise RuncError(
                    "the restore through unit %s did not bring the container up (unit %s, exit code %s); "
                    "runc's output is in journalctl -u %s" % (self.unit, status.active_state, status.exit_code,
                                                              self.unit), argv=argv, rc=status.exit_code)
