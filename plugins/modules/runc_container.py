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
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: full
    description:
      - Reads the container and the bundle and reports the planned RV(actions). Makes no change and writes no file.
      - A bundle that does not exist yet (an earlier task would write it) gives a warning and the plan as if it were there.
  diff_mode:
    support: full
    description: The container's status and bundle before and after, and the changed C(config.json) fields, env values masked.
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
      - V(created) runs C(runc create). The container's process is set up but not started.
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
    type: float
    default: 0
  log_path:
    description:
      - File the container's stdout and stderr are appended to. Defaults to C(/dev/null).
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
    type: int
    default: 0
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
  returned: always
  type: list
  elements: str
  sample: [stop, delete, create, start]
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

from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._container.arguments import CONTAINER_ARGUMENTS
from ansible_collections.ocitools.runc.plugins.module_utils._container.task import manage_container


def main() -> None:
    run_task(CONTAINER_ARGUMENTS, manage_container)


if __name__ == "__main__":
    main()
