#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runc_container
short_description: Bring a runc container to a declared state, idempotently
version_added: 0.1.0
description:
  - Creates, starts, pauses, stops and deletes one runc container so that it ends in O(state),
    from whatever state it is in, and reports in RV(actions) what was done, in order.
  - runc's lifecycle is one-way. A stopped container cannot be started again, so reaching
    V(running), V(created) or V(paused) from V(stopped) deletes and creates it. A container left in
    status C(creating) by a crash is deleted first.
  - Detects drift. When the bundle path differs from the container's, or the bundle's C(config.json)
    changed since the container was created, the container is recreated (with the reason in
    RV(drift)). When only live-updatable C(linux.resources) changed (cpu shares, quota, period,
    realtime, cpuset cpus and mems, memory limit, reservation and swap, pids limit, blockIO weight),
    they are applied with C(runc update), without a restart.
  - Drift is known from a small record written beside runc's state, C(ROOT/ID@ocitools.json), when
    this module creates the container. A container created otherwise has no record. Then only its
    bundle path is compared, and the task warns. Use O(recreate=true) once to adopt it.
  - Changes are made under a lock per container, C(ROOT/ID@ocitools.lock), so two tasks acting on the
    same id run one after the other.
  - With O(supervisor=systemd), systemd owns the container's process and every lifecycle action goes through
    C(systemctl). The module writes a unit C(/etc/systemd/system/ocitools-runc-ID.service) that runs
    C(runc run) in the foreground (C(Type=simple)). runc relays the container's stdout and stderr to the
    journal through pipes, forwards the stop signal to the container, and exits with the container's exit
    status (128 plus the signal number when it was killed), which systemd keeps. C(ExecStopPost) runs
    C(runc delete --force) in case runc itself crashed. The unit is byte-stable (no timestamps). It is
    rewritten, followed by C(systemctl daemon-reload), only when its content changed. It holds no env value
    and no hardening; both stay in the bundle's C(config.json).
  - Supervised states. V(running) means the unit is active and runs the container. V(paused) is
    C(runc pause) while the unit stays active (systemd still sees its main process, runc, running).
    V(stopped) means the unit is inactive; runc deletes the container when it ends, so there is no container
    then. V(absent) stops the unit, disables it, and removes the unit file and the drift record, then
    reloads systemd. V(created) is refused.
  - Drift of a supervised container (a changed C(config.json), image or unit) restarts it with
    C(systemctl restart). Live-updatable resources are applied with C(runc update). A unit that systemd is
    restarting counts as running. The record of what the unit last started the container from is kept
    on disk in C(/var/lib/ocitools-runc/supervised/ID@ocitools.json). It is not beside runc's state,
    because runc's root is a tmpfs that a reboot empties, and systemd makes a new container after every
    crash or reboot.
  - Switching O(supervisor) from V(none) to V(systemd) recreates the container under its unit. A
    detached container cannot be adopted by a foreground runc, so it is stopped (O(stop_signal), then
    SIGKILL after O(stop_timeout)) and deleted with runc, then the unit starts a new one. Switching back
    stops the unit, disables and removes it, and creates the container detached. In both cases the
    container has one owner at any time.
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: full
    description:
      - Reads the container and the bundle and reports the planned RV(actions). Makes no change and writes no file.
      - With O(supervisor=systemd) it reads the unit with C(systemctl show) only; no other systemctl call is made.
      - A bundle that does not exist yet (an earlier task would write it) gives a warning and the plan as if it were there.
  diff_mode:
    support: full
    description:
      - The container's status and bundle before and after, and the changed C(config.json) fields, env values masked.
      - The unit file's text before and after, when it changes (V(null) for no unit).
options:
  id:
    description:
      - The container id. runc allows ASCII letters, digits, V(_), V(+), V(-) and V(.).
      - At most 227 characters (runc allows 1024), so that the files named after it beside runc's state
        (C(<id>@ocitools.json) and its temporary copy) stay within the 255-byte file name limit.
    type: str
    required: true
  bundle:
    description:
      - The OCI bundle directory, holding C(config.json).
      - Required unless O(state=absent).
    type: path
  state:
    description:
      - V(absent) stops (O(stop_signal), then SIGKILL after O(stop_timeout)) and deletes the container.
      - V(created) runs C(runc create). The container's process is set up but not started. Refused with O(supervisor=systemd).
      - V(running) creates and starts the container. V(started) is the same.
      - V(paused) brings the container to running and then freezes it.
      - V(stopped) stops a running or paused container. A missing container is created and then
        stopped before its process ever runs. It then exists in status C(stopped), as C(runc state)
        shows it, and a later O(state=running) deletes and creates it.
    type: str
    choices: [absent, created, running, started, paused, stopped]
    default: running
  restart:
    description:
      - Restart a running or paused container (stop, delete, create, start) when O(state=running)
        and the container is not being recreated anyway. The task then always reports a change.
    type: bool
    default: false
  recreate:
    description:
      - Always delete and create an existing container, even when nothing changed.
    type: bool
    default: false
  stop_signal:
    description:
      - Signal sent to the container's process to stop it, as a name (V(SIGTERM), V(TERM)) or a number.
      - Note that the container's init process (pid 1 in its pid namespace) ignores signals it has no handler for.
    type: str
    default: SIGTERM
  stop_timeout:
    description:
      - Seconds to wait for the container to stop after O(stop_signal). Then every process in the container gets SIGKILL.
      - At most 3600.
    type: int
    default: 10
  wait_started:
    description:
      - Seconds to watch a container after starting it, a readiness wait. A container that stops within
        this time fails the task with the tail of O(log_path), and is deleted. At most 600.
      - V(0), the default, adds no wait. The task still fails when C(runc start) fails, or when runc
        reports the container stopped right after it started (then also with the tail of O(log_path)).
      - With O(supervisor=systemd), a container that stops within this time fails the task, pointing at the
        journal. systemd restarts it or not as O(restart_policy) says.
    type: float
    default: 0
  log_path:
    description:
      - File the container's stdout and stderr are appended to. Defaults to C(/dev/null).
      - Refused with O(supervisor=systemd); the output then goes to the journal.
      - A container whose stdio is a regular file cannot be checkpointed by CRIU.
      - Created with mode C(0600) when missing. A symbolic link is refused (the task fails naming this option).
    type: path
  pid_file:
    description:
      - File runc writes the container process's host pid to (runc create C(--pid-file)).
    type: path
  no_pivot:
    description:
      - Do not use pivot_root to jail the process inside rootfs (runc create C(--no-pivot)).
    type: bool
    default: false
  no_new_keyring:
    description:
      - Do not create a new session keyring for the container (runc create C(--no-new-keyring)).
    type: bool
    default: false
  preserve_fds:
    description:
      - Number of extra file descriptors, after stdio, passed into the container (runc create C(--preserve-fds)).
      - Refused with O(supervisor=systemd); systemd passes no extra descriptors to the unit.
    type: int
    default: 0
  supervisor:
    description:
      - V(none) runs the container detached. Nothing restarts it, and its exit status is lost.
      - V(systemd) runs it under a systemd unit of its own, C(ocitools-runc-ID.service), which restarts it
        (O(restart_policy)) and starts it at boot (O(enabled)). The host must run systemd. The container's
        output goes to the journal, so O(log_path) is refused; read the output with
        C(journalctl -u ocitools-runc-ID.service) or M(ocitools.runc.runc_logs).
      - The journal can be read by root and by the members of the C(systemd-journal) and C(adm) groups, while a
        O(log_path) file is 0600. So a container that prints secrets should not be supervised, or its host should
        keep those groups empty.
      - See the description for what switching between the two does to the container.
    type: str
    choices: [none, systemd]
    default: none
    version_added: 0.2.0
  restart_policy:
    description:
      - When systemd restarts the container (systemd C(Restart=)); only with O(supervisor=systemd).
      - V(always) restarts it whenever it ends, except by C(systemctl stop) or this module. This is the
        default, because a container declared V(running) should keep running.
      - V(on-failure) restarts it when it exits with a status other than 0, or is killed by a signal. A
        container that dies of O(stop_signal) counts as a clean exit.
      - V(no) never restarts it.
    type: str
    choices: ['no', on-failure, always]
    default: always
    version_added: 0.2.0
  restart_delay:
    description:
      - Seconds systemd waits before a restart (C(RestartSec=)); only with O(supervisor=systemd). At most 3600.
    type: float
    default: 1
    version_added: 0.2.0
  restart_limit:
    description:
      - At most this many starts within O(restart_window) seconds (C(StartLimitBurst=)). A container that
        ends more often stays stopped, and its unit is failed. The next run of the task resets it and
        starts it again. V(0) sets no limit. Only with O(supervisor=systemd).
    type: int
    default: 5
    version_added: 0.2.0
  restart_window:
    description:
      - The window of O(restart_limit) in seconds (C(StartLimitIntervalSec=)). At most 3600.
    type: int
    default: 60
    version_added: 0.2.0
  enabled:
    description:
      - Start the container at boot (C(systemctl enable) of its unit). Only with O(supervisor=systemd).
      - When not given, the unit is enabled when O(state) is V(running) or V(paused), and disabled when it is V(stopped).
    type: bool
    version_added: 0.2.0
notes:
  - A container that exits right after start (within O(wait_started), or before the task reads its final
    state) and a container that runc fails to create are deleted, and the task fails with what is known.
    Nothing half-made is left behind.
  - Env values from C(config.json) are never shown. The record keeps only salted hashes of them.
seealso:
  - module: ocitools.runc.runc_info
"""

EXAMPLES = r"""
- name: Run a container from a bundle
  ocitools.runc.runc_container:
    id: web
    bundle: /srv/bundles/web
    state: running

- name: Keep its output, and give it 30 seconds to shut down
  ocitools.runc.runc_container:
    id: web
    bundle: /srv/bundles/web
    log_path: /var/log/web.log
    stop_signal: SIGINT
    stop_timeout: 30

- name: Freeze it
  ocitools.runc.runc_container:
    id: web
    bundle: /srv/bundles/web
    state: paused

- name: Remove it
  ocitools.runc.runc_container:
    id: web
    state: absent

- name: Keep it running under systemd, through crashes and reboots
  ocitools.runc.runc_container:
    id: api
    bundle: /srv/bundles/api
    supervisor: systemd
    restart_policy: on-failure
    restart_delay: 2
  register: api

- name: Show how it last ended
  ansible.builtin.debug:
    msg: "restarts {{ api.restarts }}, last exit code {{ api.exit_code }}"
"""

RETURN = r"""
container:
  description:
    - The container as C(runc state) describes it after the task. In check mode, as it was before.
    - Empty when there is no container.
  returned: always
  type: dict
  sample:
    id: web
    pid: 4242
    status: running
    bundle: /srv/bundles/web
    rootfs: /srv/bundles/web/rootfs
    created: "2024-05-01T10:00:00.000000000Z"
    annotations: {}
    owner: root
    oci_version: 1.0.2-dev
actions:
  description:
    - What was done (in check mode, what would be done), in order.
    - Each is one of V(create), V(start), V(pause), V(resume), V(stop), V(delete), V(update).
    - With O(supervisor=systemd) (or when leaving it), also V(write_unit) (then C(daemon-reload)),
      V(remove_unit) (then C(daemon-reload)), V(enable), V(disable), V(reset_failed), V(restart) and
      V(remove_detached) (runc stops and deletes a container that its unit does not own). There, V(start),
      V(stop) and V(restart) are C(systemctl) calls.
  returned: always
  type: list
  elements: str
  sample: [stop, delete, create, start]
exit_code:
  description:
    - The container's last exit status, kept by systemd (runc's exit status, 128 plus the signal number when
      the container was killed).
    - V(null) while it runs (systemd forgets it when it starts the container again), and for a container
      that is not supervised (see RV(exit_status_reason)).
  returned: always
  type: int
  sample: 3
oom_killed:
  description:
    - Whether systemd saw the kernel's OOM killer end the unit's last run. systemd can tell on cgroup v2 only.
    - V(null) when the container is not supervised.
  returned: always
  type: bool
  sample: false
started_at:
  description: When the unit last started runc (ISO 8601, UTC); V(null) when the container is not supervised.
  returned: always
  type: str
  sample: "2026-11-29T17:00:00+00:00"
finished_at:
  description: When runc last ended (ISO 8601, UTC); V(null) before that, or when the container is not supervised.
  returned: always
  type: str
  sample: "2026-11-29T17:05:12+00:00"
restarts:
  description:
    - How often systemd restarted the container since it was last started by hand or by this module.
    - V(null) when the container is not supervised.
  returned: always
  type: int
  sample: 1
exit_status_reason:
  description: Why the exit status fields are V(null) (the container is not supervised); V(null) when they are known.
  returned: always
  type: str
  sample: "unknown: runc keeps none for a detached container (supervisor=systemd does)"
unit:
  description: The container's systemd unit after the task.
  returned: O(supervisor=systemd)
  type: dict
  contains:
    name:
      description: The unit's name.
      type: str
      sample: ocitools-runc-api.service
    path:
      description: The unit file.
      type: str
      sample: /etc/systemd/system/ocitools-runc-api.service
    active_state:
      description: systemd's C(ActiveState) (V(active), V(activating), V(inactive), V(failed) and so on).
      type: str
      sample: active
    sub_state:
      description: systemd's C(SubState), for example V(running), V(auto-restart) or V(dead).
      type: str
      sample: running
    enabled:
      description: Whether the unit starts at boot.
      type: bool
      sample: true
drift:
  description: How the declared bundle differs from the container.
  returned: always
  type: dict
  contains:
    kind:
      description: V(none), V(update) (applied live with C(runc update)) or V(recreate).
      type: str
      sample: recreate
    reasons:
      description: Why, in words.
      type: list
      elements: str
      sample: ["process.args changed since the container was created"]
    fields:
      description: The changed C(config.json) fields, as dotted paths.
      type: list
      elements: str
      sample: [process.args]
"""

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import cache_compiled_code

cache_compiled_code()  # first: the imports below compile once per host, not once per task
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._container.arguments import CONTAINER_ARGUMENTS
from ansible_collections.ocitools.runc.plugins.module_utils._container.task import manage_container


def main() -> None:
    run_task(CONTAINER_ARGUMENTS, manage_container)


if __name__ == "__main__":
    main()
