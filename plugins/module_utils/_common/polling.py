# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for a condition with growing pauses: short first (most waits end quickly), bounded later."""

from __future__ import annotations

import time
import typing as t

FIRST_PAUSE = 0.02
MAX_PAUSE = 0.5


def poll_until(condition: t.Callable[[], bool], seconds: float) -> bool:
    """Call ``condition`` with growing pauses until it holds (True) or ``seconds`` have passed (False)."""
    deadline = time.monotonic() + seconds
    pause = FIRST_PAUSE
    while True:
        if condition():
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, MAX_PAUSE)
