# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How systemd stops and restarts a supervised container: part of every runc_container task's parameters,
so it lives apart from the unit's rendering (which only a supervised task loads)."""

from __future__ import annotations

import dataclasses

RESTART_POLICIES = ("no", "on-failure", "always")


class UnitValueError(ValueError):
    """A value that cannot be written into a unit file (a control character, say)."""


@dataclasses.dataclass(frozen=True)
class ServicePolicy:
    """How systemd stops and restarts the container (seconds as whole or decimal numbers)."""

    kill_signal: str = "SIGTERM"
    stop_timeout: float = 10
    restart: str = "always"
    restart_delay: float = 1
    restart_limit: int = 5
    restart_window: float = 60

    def __post_init__(self) -> None:
        if self.restart not in RESTART_POLICIES:
            raise UnitValueError("restart must be one of %s, got %r" % (", ".join(RESTART_POLICIES), self.restart))
