# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc's global flags (they precede every subcommand) and the state root they select: what every task
needs, apart from the per-subcommand options (options.py), which a task that changes nothing never loads."""

from __future__ import annotations

import dataclasses
import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.flags import flag, value

ROOTLESS_CHOICES = ("true", "false", "auto")
LOG_FORMATS = ("text", "json")


def state_root(root: t.Optional[str] = None, euid: t.Optional[int] = None,
               environ: t.Optional[t.Mapping[str, str]] = None) -> str:
    """The state root runc uses: ``root`` (the ``--root`` option) when given, else runc's own default,
    /run/runc, or $XDG_RUNTIME_DIR/runc for a non-root user who has one."""
    if root:
        return root
    euid = os.geteuid() if euid is None else euid
    environ = os.environ if environ is None else environ
    runtime_dir = environ.get("XDG_RUNTIME_DIR")
    if euid != 0 and runtime_dir:
        return os.path.join(runtime_dir, "runc")
    return "/run/runc"


@dataclasses.dataclass(frozen=True)
class GlobalOptions:
    """Flags that precede every subcommand."""

    command: str = "runc"
    root: t.Optional[str] = None
    debug: bool = False
    log: t.Optional[str] = None
    log_format: t.Optional[str] = None
    criu: t.Optional[str] = None
    systemd_cgroup: bool = False
    rootless: t.Optional[str] = None

    def __post_init__(self) -> None:
        if self.log_format is not None and self.log_format not in LOG_FORMATS:
            raise ValueError("log_format must be one of %s, got %r" % (", ".join(LOG_FORMATS), self.log_format))
        if self.rootless is not None and self.rootless not in ROOTLESS_CHOICES:
            raise ValueError("rootless must be one of %s, got %r" % (", ".join(ROOTLESS_CHOICES), self.rootless))

    def args(self) -> t.List[str]:
        argv: t.List[str] = []
        value(argv, "--root", self.root)
        flag(argv, "--debug", self.debug)
        value(argv, "--log", self.log)
        value(argv, "--log-format", self.log_format)
        value(argv, "--criu", self.criu)
        flag(argv, "--systemd-cgroup", self.systemd_cgroup)
        value(argv, "--rootless", self.rootless)
        return argv
