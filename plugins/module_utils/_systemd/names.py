# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names and places of a supervised container's systemd unit and of its drift record.

One unit per container id on a host: ``ocitools-runc-<id>.service`` in UNIT_DIR. The record of
what a supervised container was started from lives in RECORD_DIR, on disk: runc's root is a tmpfs
(lost at reboot) and systemd makes a new container (a new runc ``created`` time) after every crash
or reboot, so it is kept by id, beside the unit, not beside runc's state.
"""

from __future__ import annotations

import os
import typing as t

UNIT_DIR = "/etc/systemd/system"
RECORD_DIR = "/var/lib/ocitools-runc/supervised"
UNIT_PREFIX = "ocitools-runc-"
UNIT_SUFFIX = ".service"
# systemd's own test for "booted with systemd" (sd_booted(3)).
SYSTEMD_RUNTIME_DIR = "/run/systemd/system"


class SystemdPlaces(t.NamedTuple):
    """Where units and records go, and how to tell systemd runs (tests point these at temporary paths)."""

    unit_dir: str = UNIT_DIR
    record_dir: str = RECORD_DIR
    runtime_dir: str = SYSTEMD_RUNTIME_DIR


def unit_name(container_id: str) -> str:
    """The unit that supervises container ``container_id`` (a valid runc id is a valid unit name part)."""
    return UNIT_PREFIX + container_id + UNIT_SUFFIX


def unit_path(container_id: str, unit_dir: str = UNIT_DIR) -> str:
    return os.path.join(unit_dir, unit_name(container_id))
