# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the multi-host tests: a counter workload to migrate, and waiting for a condition."""

from __future__ import annotations

import time
import typing as t
from pathlib import Path


def counter_workload(container_id: str) -> t.Dict[str, t.Any]:
    """A runc_workloads entry that counts: /count holds the latest value, /count.log every value (the first
    line a restored process writes on a fresh rootfs shows where it went on from)."""
    loop = "i=0; while true; do i=$((i+1)); echo $i > /count; echo $i >> /count.log; sleep 0.1; done"
    return {"id": container_id, "rootfs": {"type": "busybox"}, "readonly_rootfs": False, "args": ["sh", "-c", loop]}


def read_ints(path: Path) -> t.List[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def wait_for(predicate: t.Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0fs waiting for %s" % (timeout, what))
        time.sleep(0.05)
