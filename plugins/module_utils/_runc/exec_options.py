# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``runc exec``'s options (its many flags, or a whole process spec); apart from the other subcommands' options,
which runc_exec does not need, and which a lifecycle task loads without these."""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.flags import flag, value, values
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import ContainerIO


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
