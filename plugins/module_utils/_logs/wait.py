# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for a line: look for new lines every ``interval`` seconds until one matches or ``timeout``
seconds have passed. The clock is a parameter, so the timing is tested without sleeping."""

from __future__ import annotations

import time
import typing as t

POLL_INTERVAL = 0.25


class Clock(t.Protocol):
    def monotonic(self) -> float:
        ...  # pragma: no cover - a protocol

    def sleep(self, seconds: float) -> None:
        ...  # pragma: no cover - a protocol


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def wait_until(poll: t.Callable[[], bool], timeout: float, clock: Clock,
               interval: float = POLL_INTERVAL) -> t.Optional[float]:
    """Call ``poll`` every ``interval`` until it returns True: the seconds waited, or None after ``timeout``
    (a last poll runs at the timeout itself, so a line written just before it counts)."""
    start = clock.monotonic()
    deadline = start + timeout
    while True:
        remaining = deadline - clock.monotonic()
        last = remaining <= interval
        clock.sleep(max(0.0, min(interval, remaining)))
        if poll():
            return clock.monotonic() - start
        if last:
            return None
