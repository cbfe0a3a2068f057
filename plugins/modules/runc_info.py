#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runc_info
short_description: List runc containers and describe the host's runc, cgroups and CRIU
version_added: 0.1.0
description:
  - Lists every container under runc's state root with one C(runc list) call, or the containers named in O(id).
  - Optionally adds each container's processes, a one-shot resource usage sample and a summary of its bundle's config.
  - Reports host facts a play can decide on, such as whether CRIU is usable before a checkpoint.
  - Never changes anything. Without options it is useful ad hoc, C(ansible all -m ocitools.runc.runc_info),
    and then prints the containers and a short host summary (runc version, cgroup version, whether CRIU can checkpoint and why not).
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs in check mode exactly as it does otherwise.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to diff.
options:
  id:
    description:
      - One container id or a list of them. Each is reported, with RV(containers[].exists=false) when there is no such container.
      - Omitted, every container under O(root) is reported.
    type: list
    elements: str
  ps:
    description:
      - Add the host pids of each live (created, running or paused) container's processes (C(runc ps --format json)).
    type: bool
    default: false
  top:
    description:
      - Add each live container's process table as the host's C(ps) prints it (C(runc ps ID PS_OPTIONS)).
    type: bool
    default: false
  ps_options:
    description:
      - Options for C(ps) with O(top), for example V(["-o", "pid,user,args"]). Empty means runc's default, C(-ef).
    type: list
    elements: str
    default: []
  stats:
    description:
      - Add a one-shot sample of each live container's cpu, memory, pids and blkio usage (C(runc events --stats)).
    type: bool
    default: false
  spec:
    description:
      - Add a summary of each container's bundle C(config.json) with its args, env names (never values), mounts and resources.
    type: bool
    default: false
  host:
    description:
      - Report host facts under RV(host). Turn off for the cheapest listing.
    type: bool
    default: true
  features:
    description:
      - Add the full output of C(runc features) under RV(host.features) (every namespace, capability, seccomp
        action and hook runc knows; a few hundred lines when printed).
      - Off by default so that ad-hoc output stays short; C(runc features) is then not run at all.
      - Needs O(host=true).
    type: bool
    default: false
    version_added: 0.2.0
notes:
  - A state root that does not exist holds no containers; it is not created.
  - An extra that fails for one container (for example because it stopped meanwhile) is V(null) with an C(<extra>_error) message.
seealso:
  - module: ocitools.runc.runc_container
  - module: ocitools.runc.runc_exec
"""

EXAMPLES = r"""
- name: Every container on the host, and what the host can do
  ocitools.runc.runc_info:
  register: runc_facts

- name: Two containers with their processes and resource usage
  ocitools.runc.runc_info:
    id: [web, db]
    ps: true
    stats: true
    host: false
  register: pair

- name: Fail early when CRIU cannot checkpoint here
  ansible.builtin.assert:
    that: runc_facts.host.criu.usable
    fail_msg: "{{ runc_facts.host.criu.message }}"

- name: Everything runc itself says it supports (namespaces, capabilities, seccomp)
  ocitools.runc.runc_info:
    features: true
  register: runc_full

- name: Process table with chosen columns
  ocitools.runc.runc_info:
    id: web
    top: true
    ps_options: ["-o", "pid,user,args"]
"""

RETURN = r"""
containers:
  description: The containers, sorted by id without O(id), in the order of O(id) with it.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Container id.
      type: str
      sample: web
    exists:
      description: Whether the container exists. A missing one has only RV(containers[].id) and this key.
      type: bool
      sample: true
    pid:
      description: Host pid of the container's init process (V(0) once it stopped).
      type: int
      sample: 4382
    status:
      description: One of V(creating), V(created), V(running), V(paused), V(stopped).
      type: str
      sample: running
    bundle:
      description: The bundle directory.
      type: str
      sample: /srv/containers/web
    rootfs:
      description: The root filesystem on the host.
      type: str
      sample: /srv/containers/web/rootfs
    created:
      description: Creation time (RFC 3339).
      type: str
      sample: "2024-05-01T10:00:00.123456789Z"
    annotations:
      description: The container's annotations.
      type: dict
      sample: {"org.example/role": "web"}
    owner:
      description: The owner's user name.
      type: str
      sample: root
    oci_version:
      description: OCI runtime spec version of the container's config.
      type: str
      sample: 1.0.2-dev
    ps:
      description: Host pids of the container's processes (V(null) when it has none running).
      type: list
      elements: int
      returned: O(ps=true)
      sample: [4382, 4427]
    top:
      description: One dict per process, keyed by the C(ps) column titles.
      type: list
      elements: dict
      returned: O(top=true)
      sample: [{"UID": "root", "PID": "4382", "PPID": "1", "C": "0", "STIME": "02:24", "TTY": "?", "TIME": "00:00:00", "CMD": "sh"}]
    stats:
      description: One-shot usage sample with C(cpu), C(memory), C(pids) and C(blkio) as runc reports them.
      type: dict
      returned: O(stats=true)
      sample: {"cpu": {"usage": {"total": 10820423}}, "memory": {"usage": {"usage": 675840}}, "pids": {"current": 2}, "blkio": {}}
    spec:
      description: Summary of the bundle's C(config.json) (V(null) with C(spec_error) when it cannot be read).
      type: dict
      returned: O(spec=true)
      sample: {"args": ["sh"], "env": ["PATH", "TERM"], "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}], "resources": {}}
    exit_status:
      description:
        - For a container supervised by systemd (runc_container O(ocitools.runc.runc_container#module:supervisor=systemd)),
          what systemd keeps of its unit's last run. Also given for such a container that is stopped (not
          listed by runc), when it is asked for by O(id).
        - V(null) for a container that is not supervised; then RV(containers[].exit_status_reason) says why.
      type: dict
      sample: {"unit": "ocitools-runc-api.service", "active_state": "active", "exit_code": null, "oom_killed": false,
               "started_at": "2026-11-29T17:00:00+00:00", "finished_at": null, "restarts": 1}
    exit_status_reason:
      description: Why RV(containers[].exit_status) is V(null).
      type: str
      sample: "unknown: runc keeps none for a detached container (supervisor=systemd does)"
host:
  description: Facts about this host's runc, cgroups and CRIU.
  returned: O(host=true)
  type: dict
  contains:
    runc:
      description: Every field of C(runc --version), and the binary's path.
      type: dict
      sample: {"version": "1.1.5+ds1", "commit": "1.1.5+ds1-1+deb12u1", "spec": "1.0.2-dev", "go": "go1.19.8", "libseccomp": "2.5.4", "path": "/usr/sbin/runc"}
    features:
      description: The output of C(runc features), V(null) where runc has none (then RV(host.features_error) says why).
      type: dict
      returned: O(features=true)
      sample: {"ociVersionMin": "1.0.0", "ociVersionMax": "1.0.2-dev", "hooks": ["prestart", "poststop"]}
    features_error:
      description: Why RV(host.features) is V(null).
      type: str
      returned: O(features=true) and C(runc features) is not available
    cgroup_version:
      description: V(1) or V(2) (V(null) without cgroups).
      type: int
      sample: 2
    cgroup_mode:
      description: V(unified) (v2), V(hybrid) (v1 with a v2 tree beside it), V(legacy) (v1 only) or V(none).
      type: str
      sample: unified
    root:
      description: runc's state root in use.
      type: str
      sample: /run/runc
    root_exists:
      description: Whether the state root exists.
      type: bool
      sample: true
    criu:
      description: Whether C(criu check) passes, with the binary's path, its version and what it said.
      type: dict
      sample: {"usable": true, "path": "/usr/sbin/criu", "version": "4.1.1", "message": "Looks good."}
"""

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import cache_compiled_code

cache_compiled_code()  # first: the imports below compile once per host, not once per task
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._info.containers import manage_info


def main() -> None:
    run_task(dict(
        id=dict(type="list", elements="str"),
        ps=dict(type="bool", default=False),
        top=dict(type="bool", default=False),
        ps_options=dict(type="list", elements="str", default=[]),
        stats=dict(type="bool", default=False),
        spec=dict(type="bool", default=False),
        host=dict(type="bool", default=True),
        features=dict(type="bool", default=False),
    ), manage_info)


if __name__ == "__main__":
    main()
