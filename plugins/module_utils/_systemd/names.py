# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The names of a supervised container's systemd unit (one unit per container id)."""

from __future__ import annotations

UNIT_DIR = "/etc/systemd/system"


def unit_name(container_id: str) -> str:
    """``ocitools-runc-<id>.service``: the unit that runs container ``container_id`` in the foreground."""
    return "ocitools-runc-%s.service" % container_id
