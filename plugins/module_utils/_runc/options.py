# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One small options type per runc subcommand; each builds its own flags in ``args()``.

Flags follow the runc 1.1 man pages. ``runc checkpoint`` and ``runc restore``, whose options
are declared as data with the runc release each needs, are in criu_options. Options never carry
the container id or the subcommand name: the client adds those, so argv is assembled in one place.
The global flags are in global_options, ``runc exec``'s in exec_options, ``runc update``'s in
update_options: a task loads the options of the calls it makes. Types without checks of their own are
NamedTuples (cheaper to define than dataclasses, for the same reason).
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.flags import flag, value
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import ContainerIO
from ansible_collections.ocitools.runc.plugins.module_utils._runc.signals import normalize_signal


@dataclasses.dataclass(frozen=True)
class CreateOptions:
    """``runc create``; ``io`` binds the container's stdio (never a pipe)."""

    bundle: str
    pid_file: t.Optional[str] = None
    console_socket: t.Optional[str] = None
    no_pivot: bool = False
    no_new_keyring: bool = False
    preserve_fds: int = 0
    io: ContainerIO = ContainerIO()
    extra_args: t.Sequence[str] = ()

    def args(self) -> t.List[str]:
        argv = ["--bundle", self.bundle]
        value(argv, "--console-socket", self.console_socket)
        value(argv, "--pid-file", self.pid_file)
        flag(argv, "--no-pivot", self.no_pivot)
        flag(argv, "--no-new-keyring", self.no_new_keyring)
        if self.preserve_fds:
            argv.extend(["--preserve-fds", str(self.preserve_fds)])
        argv.extend(self.extra_args)
        return argv


@dataclasses.dataclass(frozen=True)
class RunOptions(CreateOptions):
    """``runc run``: create and start in one call; detached unless asked otherwise."""

    detach: bool = True
    keep: bool = False
    no_subreaper: bool = False

    def __post_init__(self) -> None:
        if self.detach and self.keep:
            raise ValueError("runc run: keep applies only to a run that is not detached")

    def args(self) -> t.List[str]:
        argv = super().args()
        flag(argv, "--detach", self.detach)
        flag(argv, "--keep", self.keep)
        flag(argv, "--no-subreaper", self.no_subreaper)
        return argv


class DeleteOptions(t.NamedTuple):
    force: bool = False

    def args(self) -> t.List[str]:
        return ["--force"] if self.force else []


class KillOptions(t.NamedTuple):
    signal: t.Union[str, int] = "SIGTERM"
    all: bool = False

    def args(self) -> t.List[str]:
        argv: t.List[str] = []
        flag(argv, "--all", self.all)
        return argv

    def signal_arg(self) -> str:
        return normalize_signal(self.signal)


class EventsOptions(t.NamedTuple):
    interval: t.Optional[str] = None
    stats: bool = False

    def args(self) -> t.List[str]:
        argv: t.List[str] = []
        value(argv, "--interval", self.interval)
        flag(argv, "--stats", self.stats)
        return argv


class SpecOptions(t.NamedTuple):
    bundle: str
    rootless: bool = False

    def args(self) -> t.List[str]:
        argv = ["--bundle", self.bundle]
        flag(argv, "--rootless", self.rootless)
        return argv
