# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: runc
short_description: Run tasks inside runc containers on remote hosts, over SSH
version_added: 0.2.0
description:
  - Runs tasks inside a runc container that lives on a remote host (or on the controller itself). The container is an
    inventory host; its host is reached with Ansible's own P(ansible.builtin.ssh#connection) plugin, or
    P(ansible.builtin.local#connection), and the task's commands run there as C(runc exec).
  - The SSH hop takes its settings from the usual variables and keywords, so O(remote_user), O(port),
    O(private_key_file), O(ssh_common_args) (for example a jump host) and ControlPersist in O(ssh_args) apply to the
    container's host exactly as they would to the host itself.
  - Files are put and fetched through the container's root as the host sees it, C(/proc/PID/root). A small Python
    helper on the host resolves every path inside that root, component by component with C(O_NOFOLLOW), so a symlink
    in the container never leads to a file of the host. The container needs neither a shell, C(tar) nor Python for
    that; the host needs Python 3 (O(host_python)).
  - Modules other than M(ansible.builtin.raw) and M(ansible.builtin.script) need Python inside the container, as with
    any connection. M(ansible.builtin.copy) and M(ansible.builtin.fetch) run Ansible's C(stat) module first, so they
    too need Python in the container; files themselves are always moved by the host.
  - Become on the container's host (for example connect as an unprivileged user and C(sudo) to run runc) is
    O(host_become). A task's own C(become) applies inside the container.
author:
  - ocitools contributors (@ocitools)
notes:
  - Each task starts with one C(runc state) on the host, which gives clear errors when the container does not exist or
    does not run, and the process whose root files go through.
  - As with the ssh plugin, a command that exits with status 255 looks like a connection failure.
  - A file is held in memory while it is put or fetched.
options:
  container_id:
    description:
      - Id of the container to run tasks in.
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_runc_container_id
  runc_host:
    description:
      - Address of the host the container runs on, as the SSH hop connects to it.
      - V(localhost), V(127.0.0.1) and V(::1) mean the controller itself when O(runc_host_connection=auto).
    type: str
    default: localhost
    vars:
      - name: ansible_runc_host
  runc_host_connection:
    description:
      - How the controller reaches the container's host.
      - V(auto) is V(local) when O(runc_host) is the controller (see there) and V(ssh) otherwise.
    type: str
    default: auto
    choices: [auto, ssh, local]
    vars:
      - name: ansible_runc_host_connection
  runc_root:
    description:
      - runc's state root on the host (runc C(--root)). Defaults to runc's own default, C(/run/runc) for root.
    type: str
    vars:
      - name: ansible_runc_root
  runc_executable:
    description:
      - The runc binary on the host, as a name looked up on the host's E(PATH) or an absolute path.
    type: str
    default: runc
    vars:
      - name: ansible_runc_executable
  runc_user:
    description:
      - User in the container that commands run as, C(UID[:GID]) (runc exec C(--user)). Defaults to the container's own
        process user.
    type: str
    vars:
      - name: ansible_runc_user
  runc_cwd:
    description:
      - Working directory in the container (runc exec C(--cwd)). Defaults to the container's own.
    type: str
    vars:
      - name: ansible_runc_cwd
  runc_env:
    description:
      - Environment variables added to every command in the container (runc exec C(--env)).
      - The values are passed on runc's command line on the host, where the host's users can see them in the process
        list while a command runs; keep secrets out of them.
    type: dict
    default: {}
    vars:
      - name: ansible_runc_env
  runc_shell:
    description:
      - Shell in the container that runs each command Ansible sends, as C(SHELL -c COMMAND).
      - Set it to an empty string for a container without a shell; each command is then split into words
        (like a shell does, without pipes, redirections or variables) and run directly, which is enough for
        M(ansible.builtin.raw).
    type: str
    default: /bin/sh
    vars:
      - name: ansible_runc_shell
  host_python:
    description:
      - Python 3 on the container's host, used by the helper that puts and fetches files.
    type: str
    default: /usr/bin/python3
    vars:
      - name: ansible_runc_host_python
  host_become:
    description:
      - Run runc (and the file helper) on the host with privilege escalation, for example when O(remote_user) is not
        root.
    type: bool
    default: false
    vars:
      - name: ansible_runc_host_become
  host_become_method:
    description:
      - Become plugin used on the host, such as V(sudo) or V(su).
    type: str
    default: sudo
    vars:
      - name: ansible_runc_host_become_method
  host_become_user:
    description:
      - User to become on the host.
    type: str
    default: root
    vars:
      - name: ansible_runc_host_become_user
  host_become_password:
    description:
      - Password for O(host_become_method), if it asks for one.
    type: str
    vars:
      - name: ansible_runc_host_become_password
  host_become_flags:
    description:
      - Flags for O(host_become_method); its own default when omitted.
    type: str
    vars:
      - name: ansible_runc_host_become_flags
  remote_user:
    description:
      - User the SSH hop logs into the container's host as (P(ansible.builtin.ssh#connection)'s option of this name).
    type: str
    vars:
      - name: ansible_user
      - name: ansible_ssh_user
    keyword:
      - name: remote_user
  port:
    description:
      - SSH port of the container's host (P(ansible.builtin.ssh#connection)'s option of this name).
    type: int
    vars:
      - name: ansible_port
      - name: ansible_ssh_port
    keyword:
      - name: port
  private_key_file:
    description:
      - Private key for the SSH hop (P(ansible.builtin.ssh#connection)'s option of this name).
    type: str
    vars:
      - name: ansible_private_key_file
      - name: ansible_ssh_private_key_file
  password:
    description:
      - Password for O(remote_user) on the container's host (P(ansible.builtin.ssh#connection)'s option of this name).
    type: str
    vars:
      - name: ansible_password
      - name: ansible_ssh_pass
      - name: ansible_ssh_password
  ssh_args:
    description:
      - Arguments for every SSH tool on the hop, such as ControlMaster and ControlPersist
        (P(ansible.builtin.ssh#connection)'s option of this name; its C(ansible.cfg) and environment settings apply too).
    type: str
    vars:
      - name: ansible_ssh_args
  ssh_common_args:
    description:
      - Extra arguments for the SSH hop, for example C(-o ProxyJump=bastion) (P(ansible.builtin.ssh#connection)'s option
        of this name).
    type: str
    vars:
      - name: ansible_ssh_common_args
  ssh_extra_args:
    description:
      - Arguments for the C(ssh) command line of the hop only (P(ansible.builtin.ssh#connection)'s option of this name).
    type: str
    vars:
      - name: ansible_ssh_extra_args
  ssh_executable:
    description:
      - The C(ssh) binary on the controller (P(ansible.builtin.ssh#connection)'s option of this name).
    type: str
    vars:
      - name: ansible_ssh_executable
  host_key_checking:
    description:
      - Whether the hop checks the host key (P(ansible.builtin.ssh#connection)'s option of this name).
    type: bool
    vars:
      - name: ansible_host_key_checking
      - name: ansible_ssh_host_key_checking
  control_path:
    description:
      - SSH ControlPath of the hop (P(ansible.builtin.ssh#connection)'s option of this name).
    type: str
    vars:
      - name: ansible_control_path
  control_path_dir:
    description:
      - Directory for the hop's ControlPath sockets (P(ansible.builtin.ssh#connection)'s option of this name).
    type: str
    vars:
      - name: ansible_control_path_dir
  reconnection_retries:
    description:
      - Attempts to connect to the host (P(ansible.builtin.ssh#connection)'s option of this name).
    type: int
    vars:
      - name: ansible_ssh_retries
  ssh_timeout:
    description:
      - Seconds the hop waits to connect (P(ansible.builtin.ssh#connection)'s O(ansible.builtin.ssh#connection:timeout)).
    type: int
    vars:
      - name: ansible_ssh_timeout
  pipelining:
    description:
      - Send modules to Python in the container on its standard input instead of putting them into a file first, which
        saves two commands and one file transfer per task. Needs Python in the container.
    type: bool
    default: false
    env:
      - name: ANSIBLE_PIPELINING
    ini:
      - section: defaults
        key: pipelining
      - section: connection
        key: pipelining
    vars:
      - name: ansible_pipelining
      - name: ansible_runc_pipelining
"""

EXAMPLES = r"""
# inventory.ini: two containers on two hosts, reached over SSH as a user who may sudo.
#
# [web]
# web1 ansible_runc_host=node1.example.com
# web2 ansible_runc_host=node2.example.com
#
# [web:vars]
# ansible_connection=ocitools.runc.runc
# ansible_user=deploy
# ansible_runc_host_become=true
# ansible_runc_root=/run/runc

- name: Configure the web containers
  hosts: web
  gather_facts: false
  tasks:
    - name: Works in a container without Python
      ansible.builtin.raw: cat /etc/hostname
      changed_when: false

    - name: Needs Python in the container
      ansible.builtin.template:
        src: site.conf.j2
        dest: /etc/site.conf
        mode: "0644"

# A container on the controller itself, named differently from its inventory host.
- name: Local container
  hosts: builder
  gather_facts: false
  vars:
    ansible_connection: ocitools.runc.runc
    ansible_runc_container_id: build-42
    ansible_runc_shell: ""
  tasks:
    - name: No shell in this container
      ansible.builtin.raw: /bin/busybox uname -a
      changed_when: false
"""

import os
import shlex
import typing as t

from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.connection import ConnectionBase, ensure_connect
from ansible.utils.display import Display

from ansible_collections.ocitools.runc.plugins.module_utils._runc.argv import exec_argv, state_argv
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.exec_options import ExecOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState
from ansible_collections.ocitools.runc.plugins.plugin_utils.container_target import ContainerTarget
from ansible_collections.ocitools.runc.plugins.plugin_utils.rootfs_helper import fetch_argv, put_argv, split_fetched
from ansible_collections.ocitools.runc.plugins.plugin_utils.runc_host import HostBecome, RuncHost, hop_kind

display = Display()

# Options of ours that are the SSH hop's own, under the same names.
_HOP_OPTIONS = ("remote_user", "port", "private_key_file", "password", "ssh_args", "ssh_common_args", "ssh_extra_args",
                "ssh_executable", "host_key_checking", "control_path", "control_path_dir", "reconnection_retries")


class Connection(ConnectionBase):
    """Commands through ``runc exec``, files through the container's root, both on the host via an SSH hop."""

    transport = "ocitools.runc.runc"
    has_pipelining = True
    has_tty = False

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._host: t.Optional[RuncHost] = None
        self._target: t.Optional[ContainerTarget] = None
        self._state: t.Optional[ContainerState] = None
        self._hop_task_keys: t.Dict[str, t.Any] = {}
        self._hop_vars: t.Dict[str, t.Any] = {}

    def set_options(self, task_keys=None, var_options=None, direct=None):  # type: ignore[no-untyped-def]
        super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        # The hop reads its own options from the same task keywords and variables.
        self._hop_task_keys = dict(task_keys or {})
        self._hop_vars = dict(var_options or {})

    # -- the host and the container ------------------------------------------

    def _hop_direct(self) -> t.Dict[str, t.Any]:
        direct = {name: self.get_option(name) for name in _HOP_OPTIONS if self.get_option(name) is not None}
        if self.get_option("ssh_timeout") is not None:
            direct["timeout"] = self.get_option("ssh_timeout")
        return direct

    def _connect(self) -> "Connection":
        if self._connected:
            return self
        address = self.get_option("runc_host")
        become = None
        if self.get_option("host_become"):
            become = HostBecome(self.get_option("host_become_method"), self.get_option("host_become_user"),
                                self.get_option("host_become_password"), self.get_option("host_become_flags"))
        self._host = RuncHost(address, hop_kind(self.get_option("runc_host_connection"), address),
                              task_keys=self._hop_task_keys, var_options=self._hop_vars, direct=self._hop_direct(),
                              become=become)
        self._target = ContainerTarget(self.get_option("container_id"), self._host.describe(), self.get_option("runc_root"))
        self._state = self._target.check_state(self._run_on_host(self._state_argv(), what="state"))
        display.vvv("RUNC: container %s is %s, pid %d" % (self._state.id, self._state.status, self._state.pid),
                    host=self._target.container_id)
        self._connected = True
        return self

    def _global_options(self) -> GlobalOptions:
        return GlobalOptions(command=self.get_option("runc_executable"), root=self.get_option("runc_root") or None)

    def _state_argv(self) -> t.List[str]:
        try:
            return state_argv(self._global_options(), self.get_option("container_id"))
        except InvalidContainerIdError as exc:
            raise AnsibleError("ocitools.runc.runc: %s (option container_id)" % exc)

    def _run_on_host(self, argv: t.Sequence[str], what: str, in_data: t.Optional[bytes] = None) -> t.Tuple[int, bytes, bytes]:
        """Run argv on the host; the target turns hop and runc failures into errors naming container and host."""
        if self._host is None or self._target is None:
            raise AnsibleError("ocitools.runc.runc: %s before the connection was made" % what)
        try:
            result = self._host.run(argv, in_data)
        except AnsibleConnectionFailure as exc:
            raise self._target.hop_failure(str(exc), self.get_option("runc_executable"), what)
        self._target.check_ran(result, self.get_option("runc_executable"), argv[0], what)
        return result

    def _running_state(self) -> ContainerState:
        """The container's state from the ``runc state`` of ``_connect``: its pid and rootfs for the file helper."""
        if self._state is None:
            raise AnsibleError("ocitools.runc.runc: file transfer before the connection was made")
        return self._state

    # -- commands ------------------------------------------------------------

    def _container_command(self, cmd: str) -> t.List[str]:
        shell = self.get_option("runc_shell")
        if shell:
            return [shell, "-c", cmd]
        words = shlex.split(cmd)
        if not words:
            raise AnsibleError("ocitools.runc.runc: empty command for container %s" % self.get_option("container_id"))
        return words

    @ensure_connect
    def exec_command(self, cmd: str, in_data: t.Optional[bytes] = None, sudoable: bool = True) -> t.Tuple[int, bytes, bytes]:
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        env = ["%s=%s" % (name, value) for name, value in sorted((self.get_option("runc_env") or {}).items())]
        try:
            options = ExecOptions(command=self._container_command(to_text(cmd)), user=self.get_option("runc_user"),
                                  cwd=self.get_option("runc_cwd"), env=env)
        except ValueError as exc:
            raise AnsibleError("ocitools.runc.runc: %s" % exc)
        argv = exec_argv(self._global_options(), self.get_option("container_id"), options)
        display.vvv("RUNC EXEC %s" % to_text(cmd), host=self.get_option("container_id"))
        return self._run_on_host(argv, what="exec", in_data=in_data)

    # -- files ---------------------------------------------------------------

    @ensure_connect
    def put_file(self, in_path: str, out_path: str) -> None:
        super().put_file(in_path, out_path)
        display.vvv("RUNC PUT %s TO %s" % (in_path, out_path), host=self.get_option("container_id"))
        if not os.path.isfile(to_bytes(in_path, errors="surrogate_or_strict")):
            raise AnsibleFileNotFound("file or module does not exist: %s" % in_path)
        with open(to_bytes(in_path, errors="surrogate_or_strict"), "rb") as source:
            data = source.read()
        argv = put_argv(self.get_option("host_python"), self._running_state(), out_path, len(data))
        self._run_on_host(argv, what="put %s" % out_path, in_data=data)

    @ensure_connect
    def fetch_file(self, in_path: str, out_path: str) -> None:
        super().fetch_file(in_path, out_path)
        display.vvv("RUNC FETCH %s TO %s" % (in_path, out_path), host=self.get_option("container_id"))
        state = self._running_state()
        argv = fetch_argv(self.get_option("host_python"), state, in_path)
        _rc, out, err = self._run_on_host(argv, what="fetch %s" % in_path)
        data = split_fetched(out)
        if data is None:
            raise AnsibleError("ocitools.runc.runc: fetching %s from container %s returned no data marker: %s"
                               % (in_path, state.id, to_text(err)))
        with open(to_bytes(out_path, errors="surrogate_or_strict"), "wb") as sink:
            sink.write(data)

    def reset(self) -> None:
        self.close()

    def close(self) -> None:
        if self._host is not None:
            self._host.close()
        self._host = None
        self._connected = False
