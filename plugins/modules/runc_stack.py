#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runc_stack
short_description: Bring a whole list of runc containers to their declared states in one task
version_added: 0.1.0
description:
  - Takes a list of container declarations, each with the bundle options of M(ocitools.runc.runc_spec) and
    the state options of M(ocitools.runc.runc_container), and converges them all in one module call.
    Optionally it deletes the containers under the state root that are not declared (O(prune)).
  - Each container is handled exactly as the two modules would handle it. With O(containers[].args) or O(containers[].image) its
    bundle's C(config.json) is written from the spec options (atomically, only when it differs). Then the
    container is planned and changed by the same planner, with the same drift rules (recreate, or live
    C(runc update) of resources) and the same creation record and per-container lock.
  - One C(runc list) reads every container at once, where a loop of tasks would run C(runc state) per
    container and pay Ansible's cost per task, which dominates at tens of containers.
  - "Containers can share namespaces (a pod): O(containers[].namespaces) V({network: container:web}) joins
    the network namespace of the declared container C(web). It is resolved when the stack runs, after C(web)
    is converged, to C(/proc/PID/ns/net) of C(web)'s process. When C(web) is recreated, the containers
    joining it are recreated too, into its new namespace."
  - The locks of all declared containers are held while the stack runs, taken in sorted order.
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: full
    description:
      - Reads the containers and bundles and reports each container's planned RV(containers[].actions).
        Takes no lock, writes no file and makes no mutating runc call.
  diff_mode:
    support: full
    description: Per container, the changed C(config.json) fields and the container's status and bundle before and after. Env values are masked.
options:
  containers:
    description:
      - The declared containers, each with its own id. They are converged in this order, except that a
        container joining another one's namespace comes after it.
      - "The nested options (O(containers[].user), O(containers[].capabilities), O(containers[].rlimits),
        O(containers[].mounts), O(containers[].resources)) take the same keys as in M(ocitools.runc.runc_spec),
        checked by the module, which names a wrong one (for example C(containers[2].mounts[0].source))."
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description: The container id, as O(ocitools.runc.runc_container#module:id).
        type: str
        required: true
      state:
        description: As O(ocitools.runc.runc_container#module:state).
        type: str
        choices: [absent, created, running, started, paused, stopped]
        default: running
      bundle:
        description:
          - The OCI bundle directory, an absolute path. Required unless O(containers[].state=absent).
          - With O(containers[].args) or O(containers[].image) its C(config.json) is written from the spec options,
            else it must hold one.
        type: path
      args:
        description:
          - The command the container runs, as O(ocitools.runc.runc_spec#module:args).
          - When O(containers[].args) or O(containers[].image) is given, C(config.json) is written as
            M(ocitools.runc.runc_spec) writes it, from the spec options. When both are omitted, the bundle's
            C(config.json) is used as it is and the spec options are ignored.
        type: list
        elements: str
      image:
        description:
          - As O(ocitools.runc.runc_spec#module:image), an image pulled by M(ocitools.runc.runc_image) whose
            command, environment, user, working directory and rootfs are the defaults of the spec options.
        type: str
      image_store:
        description: As O(ocitools.runc.runc_spec#module:image_store).
        type: path
        default: /var/lib/ocitools/images
      rootfs:
        description: As O(ocitools.runc.runc_spec#module:rootfs).
        type: str
      readonly_rootfs:
        description: As O(ocitools.runc.runc_spec#module:readonly_rootfs).
        type: bool
      env:
        description: As O(ocitools.runc.runc_spec#module:env). Values are secrets, never shown.
        type: dict
      cwd:
        description: As O(ocitools.runc.runc_spec#module:cwd).
        type: str
      user:
        description: As O(ocitools.runc.runc_spec#module:user).
        type: dict
      hostname:
        description: As O(ocitools.runc.runc_spec#module:hostname).
        type: str
      terminal:
        description: As O(ocitools.runc.runc_spec#module:terminal).
        type: bool
        default: false
      capabilities:
        description: As O(ocitools.runc.runc_spec#module:capabilities).
        type: dict
      no_new_privileges:
        description: As O(ocitools.runc.runc_spec#module:no_new_privileges).
        type: bool
      rlimits:
        description: As O(ocitools.runc.runc_spec#module:rlimits).
        type: list
        elements: dict
      mounts:
        description: As O(ocitools.runc.runc_spec#module:mounts).
        type: list
        elements: dict
      namespaces:
        description:
          - As O(ocitools.runc.runc_spec#module:namespaces), and also V(container:ID) to join the namespace
            of the declared container C(ID) (see the description above). C(ID) must be declared in
            O(containers) with state V(running), V(created) or V(paused).
        type: dict
      resources:
        description: As O(ocitools.runc.runc_spec#module:resources). Changes are applied to a running container in place.
        type: dict
      annotations:
        description: As O(ocitools.runc.runc_spec#module:annotations).
        type: dict
      rootless_spec:
        description: As O(ocitools.runc.runc_spec#module:rootless_spec).
        type: bool
        default: false
      spec:
        description: As O(ocitools.runc.runc_spec#module:spec).
        type: dict
      mode:
        description: As O(ocitools.runc.runc_spec#module:mode).
        type: raw
        default: '0600'
      owner:
        description: As O(ocitools.runc.runc_spec#module:owner).
        type: str
      group:
        description: As O(ocitools.runc.runc_spec#module:group).
        type: str
      restart:
        description: As O(ocitools.runc.runc_container#module:restart).
        type: bool
        default: false
      recreate:
        description: As O(ocitools.runc.runc_container#module:recreate).
        type: bool
        default: false
      stop_signal:
        description: As O(ocitools.runc.runc_container#module:stop_signal).
        type: str
        default: SIGTERM
      stop_timeout:
        description: As O(ocitools.runc.runc_container#module:stop_timeout).
        type: int
        default: 10
      wait_started:
        description: As O(ocitools.runc.runc_container#module:wait_started), a readiness wait; V(0) adds none.
        type: float
        default: 0
      log_path:
        description: As O(ocitools.runc.runc_container#module:log_path).
        type: path
      pid_file:
        description: As O(ocitools.runc.runc_container#module:pid_file).
        type: path
      no_pivot:
        description: As O(ocitools.runc.runc_container#module:no_pivot).
        type: bool
        default: false
      no_new_keyring:
        description: As O(ocitools.runc.runc_container#module:no_new_keyring).
        type: bool
        default: false
      preserve_fds:
        description: As O(ocitools.runc.runc_container#module:preserve_fds).
        type: int
        default: 0
      supervisor:
        description: As O(ocitools.runc.runc_container#module:supervisor).
        type: str
        choices: [none, systemd]
        default: none
        version_added: 0.2.0
      restart_policy:
        description: As O(ocitools.runc.runc_container#module:restart_policy).
        type: str
        choices: ['no', on-failure, always]
        default: always
        version_added: 0.2.0
      restart_delay:
        description: As O(ocitools.runc.runc_container#module:restart_delay).
        type: float
        default: 1
        version_added: 0.2.0
      restart_limit:
        description: As O(ocitools.runc.runc_container#module:restart_limit), within O(containers[].restart_window) seconds.
        type: int
        default: 5
        version_added: 0.2.0
      restart_window:
        description:
          - As O(ocitools.runc.runc_container#module:restart_window).
        type: int
        default: 60
        version_added: 0.2.0
      enabled:
        description: As O(ocitools.runc.runc_container#module:enabled).
        type: bool
        version_added: 0.2.0
  prune:
    description:
      - Delete (stop first) every container under O(root) whose id is not in O(containers).
      - That includes stopped containers that systemd supervised under O(root). runc lists them no more, but their
        enabled unit would start them at boot, so their unit is disabled and removed.
    type: bool
    default: false
notes:
  - A failure stops the stack at the failing container. The task fails naming it, and reports in
    RV(containers) what was done to the containers before it.
  - On cgroup v1 without C(cgroupsPath), runc puts a container in the cgroup C(/ID), so ids must be unique
    on the host, across state roots.
seealso:
  - module: ocitools.runc.runc_container
  - module: ocitools.runc.runc_spec
  - module: ocitools.runc.runc_info
"""

EXAMPLES = r"""
- name: A web server and a sidecar in its network namespace, and nothing else under the root
  ocitools.runc.runc_stack:
    prune: true
    containers:
      - id: web
        bundle: /srv/bundles/web
        args: [httpd, -f, -p, "8080"]
        resources:
          memory_limit: 268435456
      - id: web-metrics
        bundle: /srv/bundles/web-metrics
        args: [sh, -c, "while true; do wget -q -O- http://127.0.0.1:8080/ >/dev/null; sleep 10; done"]
        namespaces:
          network: container:web
      - id: batch
        bundle: /srv/bundles/batch
        state: paused

- name: Remove them
  ocitools.runc.runc_stack:
    containers:
      - {id: web, state: absent}
      - {id: web-metrics, state: absent}
      - {id: batch, state: absent}
"""

RETURN = r"""
containers:
  description: One result per declared container, in the order of O(containers).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The container id.
      type: str
      sample: web
    changed:
      description: Whether its C(config.json) or the container changed.
      type: bool
    config_changed:
      description: Whether its C(config.json) was (in check mode, would be) written.
      type: bool
    actions:
      description:
        - What was done to the container (in check mode, what would be done), in order, as
          RV(ocitools.runc.runc_container#module:actions).
      type: list
      elements: str
      sample: [stop, delete, create, start]
    container:
      description: The container as C(runc state) describes it after the task (in check mode, before). Empty when there is none.
      type: dict
    drift:
      description: How the declared bundle differs from the container, as RV(ocitools.runc.runc_container#module:drift).
      type: dict
pruned:
  description: The undeclared containers O(prune) deleted (in check mode, would delete), with their actions.
  returned: always
  type: list
  elements: dict
  sample: [{id: old, changed: true, actions: [stop, delete]}]
"""

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import cache_compiled_code

cache_compiled_code()  # first: the imports below compile once per host, not once per task
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._stack.arguments import STACK_ARGUMENTS
from ansible_collections.ocitools.runc.plugins.module_utils._stack.manager import manage_stack


def main() -> None:
    run_task(STACK_ARGUMENTS, manage_stack)


if __name__ == "__main__":
    main()
