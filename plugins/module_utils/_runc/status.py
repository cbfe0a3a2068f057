# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container status names, as ``runc state`` and ``runc list`` report them, and ``absent`` for none."""

from __future__ import annotations

ABSENT = "absent"  # no container with that id (not a runc status)
CREATING = "creating"
CREATED = "created"
RUNNING = "running"
PAUSED = "paused"
STOPPED = "stopped"

CONTAINER_STATUSES = (CREATING, CREATED, RUNNING, PAUSED, STOPPED)
ALIVE = (RUNNING, PAUSED)  # processes that run or are frozen
LIVE = (CREATED, RUNNING, PAUSED)  # a container with processes (ps, top, stats make sense)
