# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A container's systemd unit as runc_container handles it: rendered from the task's parameters, read,
written (atomically, 0644, then daemon-reload) and removed, and the systemctl calls on it.

The unit runs runc in the foreground (``runc run``, not ``--detach``): runc relays the container's
stdout and stderr through pipes to its own, which systemd sends to the journal; it forwards the stop
signal to the container, and exits with the container's exit status (128 + the signal when it was
killed), which systemd keeps. When the container dies of ``stop_signal`` that status counts as a
clean exit (SuccessExitStatus), so ``systemctl stop`` leaves the unit inactive, not failed.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.atomic_file import write_atomically
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import DeleteOptions, RunOptions
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import (
    UNIT_PREFIX,
    UNIT_SUFFIX,
    SystemdPlaces,
    unit_name,
    unit_path,
)
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import Systemctl, UnitStatus
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.policy import ServicePolicy
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.unit import UnitSpec, quote_word

UNIT_MODE = 0o644
RECORD_DIR_MODE = 0o700


def signal_name(value: str) -> str:
    """``SIGTERM`` for ``SIGTERM`` or ``15`` (systemd's KillSignal takes names)."""
    return signal.Signals(int(value)).name if value.isdigit() else value


def _signal_number(value: str) -> int:
    return int(value) if value.isdigit() else int(signal.Signals[value])


def unit_spec(runc: Runc, root: str, container_id: str, run: RunOptions, policy: ServicePolicy,
              exec_start: t.Optional[t.Sequence[str]] = None) -> UnitSpec:
    """The unit of container ``container_id`` under runc root ``root``.

    ``exec_start`` replaces the foreground ``runc run`` (a foreground ``runc restore`` of a checkpoint, say);
    ``run`` is made not detached.
    """
    explicit = Runc(dataclasses.replace(runc.options, root=root), runner=runc.runner)
    start = exec_start or explicit.argv(["run", *dataclasses.replace(run, detach=False).args(), container_id])
    return UnitSpec(
        container_id=container_id, exec_start=list(start),
        exec_stop_post=explicit.argv(["delete", *DeleteOptions(force=True).args(), container_id]),
        policy=dataclasses.replace(policy, kill_signal=signal_name(policy.kill_signal)),
        success_exit_status=[128 + _signal_number(policy.kill_signal)],
    )


def supervised_ids(root: str, places: SystemdPlaces = SystemdPlaces()) -> t.List[str]:
    """Ids of the containers that one of our units runs under runc root ``root``, running or not
    (a stopped supervised container is in no ``runc list``, but its unit would start it at boot)."""
    try:
        names = sorted(os.listdir(places.unit_dir))
    except FileNotFoundError:
        return []
    runc_root = " --root %s " % quote_word(root)  # as unit_spec writes it, in ExecStart and ExecStopPost
    found = []
    for name in names:
        if not (name.startswith(UNIT_PREFIX) and name.endswith(UNIT_SUFFIX)):
            continue
        with open(os.path.join(places.unit_dir, name), encoding="utf-8") as handle:
            if runc_root in handle.read():
                found.append(name[len(UNIT_PREFIX):-len(UNIT_SUFFIX)])
    return found


class Supervision:
    """One container's unit: its file, its status, and systemctl on it."""

    def __init__(self, systemctl: Systemctl, container_id: str, places: SystemdPlaces = SystemdPlaces()) -> None:
        self.systemctl = systemctl
        self.container_id = container_id
        self.places = places
        self.unit = unit_name(container_id)
        self.path = unit_path(container_id, places.unit_dir)

    def systemd_runs(self) -> bool:
        return os.path.isdir(self.places.runtime_dir)

    def read_unit(self) -> t.Optional[str]:
        """The unit file's text, None when there is none."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def status(self) -> UnitStatus:
        return self.systemctl.show(self.unit)

    def write_unit(self, text: str) -> None:
        write_atomically(self.path, text.encode("utf-8"), prepare=lambda fd: os.fchmod(fd, UNIT_MODE))
        self.systemctl.daemon_reload()

    def remove_unit(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        self.systemctl.daemon_reload()

    def record_root(self) -> str:
        """The directory of the container's drift record (made private when missing)."""
        os.makedirs(self.places.record_dir, mode=RECORD_DIR_MODE, exist_ok=True)
        return self.places.record_dir
