# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hop from the controller to a container's host, for the ``runc`` connection and the
``runc_containers`` inventory plugins.

The hop is Ansible's own ``ansible.builtin.ssh`` connection plugin (or ``ansible.builtin.local``),
loaded and configured like any connection: its options come from the same variables, keywords,
``ansible.cfg`` and environment as for an ordinary SSH host, so ControlPersist, keys, ports, jump
hosts (``ansible_ssh_common_args``) and pipelining work unchanged. Become on the host side is an
ordinary become plugin (``sudo`` by default) wrapped around the command by that plugin itself, so the
ssh plugin answers its password prompt as it does for any task.
"""

from __future__ import annotations

import dataclasses
import shlex
import typing as t

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.playbook.play_context import PlayContext
from ansible.plugins.loader import become_loader, connection_loader

HOST_CONNECTIONS = ("auto", "ssh", "local")
LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1")
# The exit status the host's shell gives a command it cannot find.
NOT_FOUND_RC = 127


def hop_kind(requested: t.Optional[str], address: t.Optional[str]) -> str:
    """``ssh`` or ``local``: ``auto`` (or nothing) is ``local`` for localhost and ``ssh`` otherwise."""
    if requested in ("ssh", "local"):
        return requested
    if requested not in (None, "", "auto"):
        raise AnsibleError("runc host connection must be one of %s, got %r" % (", ".join(HOST_CONNECTIONS), requested))
    return "local" if not address or address in LOCAL_ADDRESSES else "ssh"


@dataclasses.dataclass(frozen=True)
class HostBecome:
    """Privilege escalation on the container's host (not inside the container)."""

    method: str = "sudo"
    user: str = "root"
    password: t.Optional[str] = None
    flags: t.Optional[str] = None

    def plugin_options(self) -> t.Dict[str, str]:
        options = {"become_user": self.user, "become_pass": self.password, "become_flags": self.flags}
        return {name: value for name, value in options.items() if value is not None}


class RuncHost:
    """One container host: runs argv there through the hop and returns (rc, stdout, stderr)."""

    def __init__(
        self,
        address: str,
        kind: str,
        task_keys: t.Optional[t.Mapping[str, t.Any]] = None,
        var_options: t.Optional[t.Mapping[str, t.Any]] = None,
        direct: t.Optional[t.Mapping[str, t.Any]] = None,
        become: t.Optional[HostBecome] = None,
    ) -> None:
        self.address = address
        self.kind = kind
        connection = connection_loader.get("ansible.builtin." + kind, PlayContext())
        if connection is None:
            raise AnsibleError("cannot load the ansible.builtin.%s connection plugin" % kind)
        options = dict(direct or {})
        if kind == "ssh":
            # no tty: runc's output stays byte-exact (no CRLF, stderr apart from stdout).
            options.update(host=address, use_tty=False)
        connection.set_options(task_keys=dict(task_keys or {}), var_options=dict(var_options or {}), direct=options)
        self._become = None
        if become is not None:
            plugin = become_loader.get(become.method)
            if plugin is None:
                raise AnsibleError("unknown become method %r for the runc host %s" % (become.method, address))
            plugin.set_options(direct=become.plugin_options())
            connection.set_become_plugin(plugin)
            self._become = plugin
        self._connection = connection

    def describe(self) -> str:
        return "host %s (%s)" % (self.address, self.kind)

    def run(self, argv: t.Sequence[str], in_data: t.Optional[bytes] = None) -> t.Tuple[int, bytes, bytes]:
        """Run ``argv`` on the host; an SSH failure raises AnsibleConnectionFailure naming the host."""
        # Both hops hand a command line to the host's /bin/sh (the local plugin too), so every word is quoted.
        command = " ".join(shlex.quote(arg) for arg in argv)
        if self._become is not None:
            command = self._become.build_become_command(command, self._connection._shell)
        try:
            return self._connection.exec_command(command, in_data=in_data, sudoable=self._become is not None)
        except AnsibleConnectionFailure as exc:
            raise AnsibleConnectionFailure("%s: %s" % (self.describe(), exc))

    def close(self) -> None:
        self._connection.close()
