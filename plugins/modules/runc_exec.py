#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runc_exec
short_description: Run a command inside a running runc container
version_added: 0.1.0
description:
  - Runs a process inside a created or running container, as M(ansible.builtin.command) runs one on a host, and
    returns its exit status and output.
  - The process is handed to runc as a full OCI process spec (C(runc exec --process)) in a private temporary file
    (mode 0600) that is removed afterwards. The spec starts from the container's own process in its bundle's
    C(config.json), so the command inherits its env (such as E(PATH)), user, capabilities, rlimits and security
    profiles; the options below override them.
  - The command is never run through a shell. Use O(argv=[sh, -c, ...]) for pipes and redirections.
  - A non-zero exit status fails the task (use C(failed_when) to accept it).
  - A paused, stopped or missing container fails the task with a message saying which, before anything runs.
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: partial
    details:
      - The command is skipped in check mode unless O(run_in_check_mode=true) (for commands that change nothing).
      - With O(creates) or O(removes), check mode reports whether the command would run.
    description: Can run in check mode and report whether the command would run.
  diff_mode:
    support: none
    description: What a command changes inside the container is not known, so there is no diff.
options:
  id:
    description:
      - Id of the container to run the command in.
    type: str
    required: true
  argv:
    description:
      - The command as a list of arguments, the program first.
      - Exactly one of O(argv) and O(cmd) is required.
    type: list
    elements: str
  cmd:
    description:
      - The command as a string, split into arguments as M(ansible.builtin.command) splits it (shell-like quoting,
        but no shell features).
    type: str
  env:
    description:
      - Environment variables for the process, added to (and replacing same-named ones of) the container's own.
      - The values are treated as secrets, never logged, and shown as C(NAME=********) in results.
    type: dict
  cwd:
    description:
      - Working directory inside the container. Defaults to the container's own (C(process.cwd) of its config).
    type: str
  user:
    description:
      - The numeric user to run as, V(UID) or V(UID:GID) (for example V(1000:1000)). With only a uid, the
        container's own gid is kept. Defaults to the container's own user.
    type: str
  additional_gids:
    description:
      - Supplementary group ids of the process, replacing the container's own.
    type: list
    elements: int
  stdin:
    description:
      - Data written to the process's standard input.
    type: str
  stdin_add_newline:
    description:
      - Whether to append a newline to O(stdin), as M(ansible.builtin.command) does.
    type: bool
    default: true
  timeout:
    description:
      - Seconds the command may run, above 0 and at most 86400 (24 hours; use O(detach) for longer processes).
      - The task waits, as M(ansible.builtin.command) does, until the command has exited B(and) its standard output
        and error are closed. A process it starts in the background keeps them open unless its output is
        redirected (V(sh -c 'daemon >/dev/null 2>&1 &')), so the task waits for that process too.
      - When the time passes, the command and every process it started in the container are killed (its
        descendants and every process in its session or process group, also when the command itself had
        already exited), and the task fails saying which of the two kept it waiting.
      - Defaults to O(command_timeout).
    type: float
  strip_empty_ends:
    description:
      - Remove trailing newlines (and carriage returns) from RV(stdout) and RV(stderr), as M(ansible.builtin.command) does.
      - Set V(false) to get the output byte for byte.
    type: bool
    default: true
  capabilities:
    description:
      - Linux capabilities to add to the container's own for this process (as C(runc exec --cap)), such as
        V(CAP_NET_ADMIN). The C(CAP_) prefix may be left out; case does not matter.
    type: list
    elements: str
  no_new_privileges:
    description:
      - Set the process's C(no_new_privs) bit. Defaults to the container's own setting.
    type: bool
  detach:
    description:
      - Start the process in the background and return at once with its host pid in RV(pid).
      - Its standard input, output and error are C(/dev/null). O(stdin) cannot be used.
    type: bool
    default: false
  creates:
    description:
      - A path inside the container. When it exists, the command is not run.
      - Resolved inside the container's root filesystem (relative paths from the process's working directory);
        symlinks are followed as the container would follow them and never lead out of it.
    type: str
  removes:
    description:
      - A path inside the container. When it does not exist, the command is not run.
      - Resolved as O(creates).
    type: str
  run_in_check_mode:
    description:
      - Run the command in check mode too. Only for commands that change nothing.
    type: bool
    default: false
notes:
  - Output is decoded as UTF-8; bytes that are not valid UTF-8 are replaced, never an error.
  - As with M(ansible.builtin.command), trailing newlines are removed from RV(stdout) and RV(stderr) unless
    O(strip_empty_ends=false).
seealso:
  - module: ansible.builtin.command
  - module: ocitools.runc.runc_container
  - module: ocitools.runc.runc_info
"""

EXAMPLES = r"""
- name: Run a command in the web container
  ocitools.runc.runc_exec:
    id: web
    cmd: cat /etc/os-release
  register: os_release

- name: A shell pipeline, with a secret in the env
  ocitools.runc.runc_exec:
    id: web
    argv: [sh, -c, 'wget -q -O- --header "Authorization: Bearer $TOKEN" http://localhost/health']
    env:
      TOKEN: "{{ vault_health_token }}"

- name: Accept exit status 1
  ocitools.runc.runc_exec:
    id: web
    argv: [grep, -q, debug, /etc/app.conf]
  register: grep
  failed_when: grep.rc not in [0, 1]

- name: Initialise once, as an unprivileged user, with a time limit
  ocitools.runc.runc_exec:
    id: db
    argv: [/usr/local/bin/init-db]
    user: "999:999"
    creates: /var/lib/db/.initialised
    timeout: 300

- name: Feed data on stdin
  ocitools.runc.runc_exec:
    id: web
    argv: [sh, -c, 'cat > /tmp/motd']
    stdin: Welcome

- name: Start a background worker
  ocitools.runc.runc_exec:
    id: web
    argv: [/usr/local/bin/worker]
    detach: true
  register: worker

- name: A read-only probe that also runs in check mode
  ocitools.runc.runc_exec:
    id: web
    argv: [cat, /proc/loadavg]
    run_in_check_mode: true
  changed_when: false
"""

RETURN = r"""
cmd:
  description: The command's arguments.
  returned: always
  type: list
  elements: str
  sample: [cat, /etc/os-release]
env:
  description: The variables O(env) set, with masked values.
  returned: always
  type: list
  elements: str
  sample: ["TOKEN=********"]
rc:
  description: The command's exit status (V(-9) when it was killed after O(timeout)).
  returned: when the command ran, or was skipped by O(creates)/O(removes)
  type: int
  sample: 0
stdout:
  description: The command's standard output (decoded as UTF-8), trailing newlines removed unless O(strip_empty_ends=false).
  returned: when the command ran, or was skipped by O(creates)/O(removes)
  type: str
  sample: hello
stderr:
  description: The command's standard error.
  returned: when the command ran
  type: str
  sample: ""
stdout_lines:
  description: RV(stdout) split into lines.
  returned: when the command ran
  type: list
  elements: str
  sample: [hello]
stderr_lines:
  description: RV(stderr) split into lines.
  returned: when the command ran
  type: list
  elements: str
  sample: []
start:
  description: When the command started (local time).
  returned: when the command ran
  type: str
  sample: "2024-05-01 10:00:00.123456"
end:
  description: When the command ended (local time).
  returned: when the command ran
  type: str
  sample: "2024-05-01 10:00:00.234567"
delta:
  description: How long the command ran.
  returned: when the command ran
  type: str
  sample: "0:00:00.111111"
pid:
  description: Host pid of the process (with O(detach), or when it was killed after O(timeout)).
  returned: with O(detach=true), or on timeout
  type: int
  sample: 12345
msg:
  description: Why the command did not run, or why the task failed.
  returned: when skipped or failed
  type: str
  sample: non-zero return code
"""

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import cache_compiled_code

cache_compiled_code()  # first: the imports below compile once per host, not once per task
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._exec.run import manage_exec


def main() -> None:
    run_task(dict(
        id=dict(type="str", required=True),
        argv=dict(type="list", elements="str"),
        cmd=dict(type="str"),
        env=dict(type="dict", no_log=True),
        cwd=dict(type="str"),
        user=dict(type="str"),
        additional_gids=dict(type="list", elements="int"),
        stdin=dict(type="str"),
        stdin_add_newline=dict(type="bool", default=True),
        timeout=dict(type="float"),
        strip_empty_ends=dict(type="bool", default=True),
        capabilities=dict(type="list", elements="str"),
        no_new_privileges=dict(type="bool"),
        detach=dict(type="bool", default=False),
        creates=dict(type="str"),
        removes=dict(type="str"),
        run_in_check_mode=dict(type="bool", default=False),
    ), manage_exec,
        mutually_exclusive=[("argv", "cmd")],
        required_one_of=[("argv", "cmd")])


if __name__ == "__main__":
    main()
