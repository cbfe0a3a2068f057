# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wait loop with an injected clock: found at once, found later, timed out (with a last poll at the end)."""

from __future__ import annotations

import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._logs.wait import SystemClock, wait_until


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: t.List[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _poll_true_after(count: int) -> t.Callable[[], bool]:
    calls: t.List[int] = []

    def poll() -> bool:
        calls.append(1)
        return len(calls) >= count
    return poll


def test_found_on_the_third_poll() -> None:
    clock = FakeClock()
    assert wait_until(_poll_true_after(3), 10, clock, interval=0.5) == 1.5
    assert clock.sleeps == [0.5, 0.5, 0.5]


def test_timeout_polls_at_the_end_and_returns_none() -> None:
    clock = FakeClock()
    polls: t.List[float] = []

    def poll() -> bool:
        polls.append(clock.now)
        return False
    assert wait_until(poll, 1.1, clock, interval=0.5) is None
    assert [round(seconds, 6) for seconds in clock.sleeps] == [0.5, 0.5, 0.1]
    assert round(polls[-1] - 100.0, 6) == 1.1


def test_a_line_that_comes_at_the_timeout_counts() -> None:
    clock = FakeClock()
    assert wait_until(_poll_true_after(3), 1.0, clock, interval=0.4) is not None


def test_system_clock_moves() -> None:
    clock = SystemClock()
    before = clock.monotonic()
    clock.sleep(0.01)
    assert clock.monotonic() > before
