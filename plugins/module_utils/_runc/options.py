# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One small options type per runc subcommand; each builds its own flags in ``args()``.

Flags follow the runc 1.1 man pages. ``runc checkpoint`` and ``runc restore``, whose options
are declared as data with the runc release each needs, are in criu_options. Options never carry
the container id or the subcommand name: the client adds those, so argv is assembled in one place.
The global flags are in global_options.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.flags import flag, value, values
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


@dataclasses.dataclass(frozen=True)
class DeleteOptions:
    force: bool = False

    def args(self) -> t.List[str]:
        return ["--force"] if self.force else []


@dataclasses.dataclass(frozen=True)
class KillOptions:
    signal: t.Union[str, int] = "SIGTERM"
    all: bool = False

    def args(self) -> t.List[str]:
        argv: t.List[str] = []
        flag(argv, "--all", self.all)
        return argv

    def signal_arg(self) -> str:
        return normalize_signal(self.signal)


@dataclasses.dataclass(frozen=True)
class ExecOptions:
    """``runc exec``.

    ``process`` is a full OCI process spec, handed to runc as a ``--process``
    file (as go-runc does). runc ignores the per-process flags (``args``, ``cwd``,
    ``env``, ``tty``, ``user``, ``additional_gids``, ``caps``, ``no_new_privs``,
    ``apparmor``, ``process_label``) when ``--process`` is given, so mixing the
    two is refused instead of silently dropping those flags.
    """

    process: t.Optional[t.Mapping[str, t.Any]] = None
    command: t.Sequence[str] = ()
    cwd: t.Optional[str] = None
    env: t.Sequence[str] = ()
    tty: bool = False
    user: t.Optional[str] = None
    additional_gids: t.Sequence[int] = ()
    process_label: t.Optional[str] = None
    apparmor: t.Optional[str] = None
    no_new_privs: bool = False
    caps: t.Sequence[str] = ()
    console_socket: t.Optional[str] = None
    detach: bool = False
    pid_file: t.Optional[str] = None
    preserve_fds: int = 0
    cgroups: t.Sequence[str] = ()
    ignore_paused: bool = False
    io: t.Optional[ContainerIO] = None
    extra_args: t.Sequence[str] = ()

    def __post_init__(self) -> None:
        per_process = {
            "command": self.command, "cwd": self.cwd, "env": self.env, "tty": self.tty, "user": self.user,
            "additional_gids": self.additional_gids, "process_label": self.process_label,
            "apparmor": self.apparmor, "no_new_privs": self.no_new_privs, "caps": self.caps,
        }
        given = sorted(name for name, value in per_process.items() if value)
        if self.process is not None and given:
            raise ValueError(
                "runc exec ignores %s when a process spec is given; put them into the process spec" % ", ".join(given)
            )
        if self.process is None and not self.command:
            raise ValueError("runc exec needs a process spec or a command")
        if self.detach and self.io is None:
            raise ValueError("a detached exec needs io: the process would inherit runc's pipes")

    def args(self, process_file: t.Optional[str] = None) -> t.List[str]:
        """Flags before the id; ``process_file`` is where the client wrote ``process``."""
        argv: t.List[str] = []
        value(argv, "--console-socket", self.console_socket)
        value(argv, "--process", process_file)
        value(argv, "--cwd", self.cwd)
        values(argv, "--env", self.env)
        flag(argv, "--tty", self.tty)
        value(argv, "--user", self.user)
        values(argv, "--additional-gids", self.additional_gids)
        flag(argv, "--detach", self.detach)
        value(argv, "--pid-file", self.pid_file)
        value(argv, "--process-label", self.process_label)
        value(argv, "--apparmor", self.apparmor)
        flag(argv, "--no-new-privs", self.no_new_privs)
        values(argv, "--cap", self.caps)
        if self.preserve_fds:
            argv.extend(["--preserve-fds", str(self.preserve_fds)])
        values(argv, "--cgroup", self.cgroups)
        flag(argv, "--ignore-paused", self.ignore_paused)
        argv.extend(self.extra_args)
        return argv

    def trailing_args(self) -> t.List[str]:
        """What follows the id: the command. runc 1.1 stops reading flags at the id
        and would run a ``--`` separator as the command, so there is none."""
        return list(self.command)


# ``runc update`` flags, by field name, in the order of the man page.
_UPDATE_FLAGS = (
    ("blkio_weight", "--blkio-weight"),
    ("cpu_period", "--cpu-period"),
    ("cpu_quota", "--cpu-quota"),
    ("cpu_share", "--cpu-share"),
    ("cpu_rt_period", "--cpu-rt-period"),
    ("cpu_rt_runtime", "--cpu-rt-runtime"),
    ("cpuset_cpus", "--cpuset-cpus"),
    ("cpuset_mems", "--cpuset-mems"),
    ("memory", "--memory"),
    ("memory_reservation", "--memory-reservation"),
    ("memory_swap", "--memory-swap"),
    ("pids_limit", "--pids-limit"),
    ("l3_cache_schema", "--l3-cache-schema"),
    ("mem_bw_schema", "--mem-bw-schema"),
)


@dataclasses.dataclass(frozen=True)
class UpdateOptions:
    """``runc update``: either an OCI ``linux.resources`` object (sent on stdin) or single flags.

    runc ignores every flag when resources come from stdin, so the two are exclusive.
    """

    resources: t.Optional[t.Mapping[str, t.Any]] = None
    blkio_weight: t.Optional[int] = None
    cpu_period: t.Optional[int] = None
    cpu_quota: t.Optional[int] = None
    cpu_share: t.Optional[int] = None
    cpu_rt_period: t.Optional[int] = None
    cpu_rt_runtime: t.Optional[int] = None
    cpuset_cpus: t.Optional[str] = None
    cpuset_mems: t.Optional[str] = None
    memory: t.Optional[int] = None
    memory_reservation: t.Optional[int] = None
    memory_swap: t.Optional[int] = None
    pids_limit: t.Optional[int] = None
    l3_cache_schema: t.Optional[str] = None
    mem_bw_schema: t.Optional[str] = None

    def _flag_values(self) -> t.List[t.Tuple[str, object]]:
        return [(flag, getattr(self, field)) for field, flag in _UPDATE_FLAGS if getattr(self, field) is not None]

    def __post_init__(self) -> None:
        if self.resources is not None and self._flag_values():
            raise ValueError("runc update ignores single flags when resources are given; use one or the other")
        if self.resources is None and not self._flag_values():
            raise ValueError("runc update needs resources or at least one resource flag")

    def args(self) -> t.List[str]:
        if self.resources is not None:
            return ["--resources", "-"]
        argv: t.List[str] = []
        for flag, value in self._flag_values():
            argv.extend([flag, str(value)])
        return argv


@dataclasses.dataclass(frozen=True)
class EventsOptions:
    interval: t.Optional[str] = None
    stats: bool = False

    def args(self) -> t.List[str]:
        argv: t.List[str] = []
        value(argv, "--interval", self.interval)
        flag(argv, "--stats", self.stats)
        return argv


@dataclasses.dataclass(frozen=True)
class SpecOptions:
    bundle: str
    rootless: bool = False

    def args(self) -> t.List[str]:
        argv = ["--bundle", self.bundle]
        flag(argv, "--rootless", self.rootless)
        return argv
