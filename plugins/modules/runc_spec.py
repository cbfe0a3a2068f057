#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runc_spec
short_description: Write and maintain an OCI bundle's config.json from a few readable options
version_added: 0.1.0
description:
  - Writes the C(config.json) of an OCI bundle, the runtime spec runc runs a container from, and keeps it
    as declared, the way M(ansible.builtin.template) maintains a file.
  - The starting point is the default spec of the installed runc, as C(runc spec) writes it (or
    C(runc spec --rootless) with O(rootless_spec=true)). The options change only their own fields of it.
  - The file is written only when its parsed JSON differs from the declared spec, so a second run with
    the same options changes nothing. It is written atomically (a temporary file renamed over it), with
    runc's key order and tab indentation, so the same options always give the same bytes.
  - A change of O(resources) changes only C(linux.resources), which M(ocitools.runc.runc_container)
    applies to a running container in place. Any other change makes it recreate the container.
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: full
    description:
      - Builds the spec and reports whether the file would change. Creates no directory and writes no file.
      - A missing O(rootfs) (an earlier task would unpack it) gives a warning instead of failing the task.
  diff_mode:
    support: full
    description: The changed C(config.json) fields by dotted path, and the changed mode, owner and group. Env values are masked.
options:
  bundle:
    description:
      - The bundle directory, as an absolute path. C(config.json) is written in it.
      - Created with mode C(0700) when it is missing (its parents too, with the usual mode).
      - When O(env) is set, an existing bundle directory loses its permissions for other users (for example
        C(0755) becomes C(0750)), since C(config.json) in it holds the env values.
    type: path
    required: true
  rootfs:
    description:
      - The container's root filesystem (C(root.path)), relative to O(bundle) or absolute.
      - It must exist as a directory. The task fails, naming this option, when it does not (in check mode, a warning).
      - Defaults to V(rootfs), or with O(image) to the image's root filesystem in O(image_store).
    type: str
  readonly_rootfs:
    description:
      - Mount the root filesystem read-only (C(root.readonly)).
      - Omitted, runc's default is kept (read-only).
    type: bool
  args:
    description:
      - The command the container runs (C(process.args)), as a list. No shell is involved.
      - Required unless O(image) gives the image's C(Entrypoint) and C(Cmd), which it replaces.
    type: list
    elements: str
  env:
    description:
      - Environment variables (C(process.env)), merged over runc's default C(PATH) and C(TERM).
        A default is replaced in place, and new names are added after the defaults, sorted.
      - Values are secrets. They are never shown in results, diffs or errors (C(NAME=********)).
      - Quote values that YAML would turn into numbers or booleans.
    type: dict
  cwd:
    description:
      - The working directory of the process inside the container (C(process.cwd)), an absolute path.
      - Omitted, runc's default is kept (C(/)).
    type: str
  user:
    description:
      - The numeric user and groups the process runs as (C(process.user)). Omitted ids keep runc's default (V(0)).
    type: dict
    suboptions:
      uid:
        description: The user id.
        type: int
      gid:
        description: The primary group id.
        type: int
      additional_gids:
        description: Supplementary group ids.
        type: list
        elements: int
  hostname:
    description:
      - The container's hostname. Omitted, runc's default is kept (C(runc)).
      - It needs a private UTS namespace, so it cannot be combined with O(namespaces) C(uts=host).
    type: str
  terminal:
    description:
      - Give the process a terminal (C(process.terminal)). A detached container with a terminal needs a console socket.
    type: bool
    default: false
  capabilities:
    description:
      - Capabilities added to and dropped from runc's default set, in every capability set the default
        spec has (bounding, effective, permitted, and ambient as runc 1.1 writes it).
      - Names are Linux capability names, with or without C(CAP_), in any case. Unknown names fail the task.
      - O(capabilities.drop) is applied first, then O(capabilities.add).
    type: dict
    suboptions:
      add:
        description: Capabilities to add, for example V(NET_ADMIN).
        type: list
        elements: str
        default: []
      drop:
        description: Capabilities to drop, or V(ALL) to start from none.
        type: list
        elements: str
        default: []
  no_new_privileges:
    description:
      - Set the process's no_new_privs bit (C(process.noNewPrivileges)). Omitted, runc's default is kept (V(true)).
    type: bool
  rlimits:
    description:
      - Resource limits of the process (C(process.rlimits)). Each replaces runc's default of the same type,
        others are added. runc's default is C(RLIMIT_NOFILE) 1024/1024.
      - A hard limit above this host's current hard limit fails the task. runc cannot raise it without
        C(CAP_SYS_RESOURCE) and the container would fail to start with C(error setting rlimit).
    type: list
    elements: dict
    suboptions:
      type:
        description: The limit, as V(RLIMIT_NOFILE) or V(nofile).
        type: str
        required: true
      soft:
        description: The soft limit.
        type: int
        required: true
      hard:
        description: The hard limit, at least O(rlimits[].soft).
        type: int
        required: true
  mounts:
    description:
      - Mounts added to runc's default ones (C(/proc), C(/dev), C(/sys) and so on). A mount with the same
        destination as a default one replaces it in place.
    type: list
    elements: dict
    suboptions:
      destination:
        description: The absolute path inside the container.
        type: str
        required: true
      source:
        description: The host path (for a bind mount, required) or the device or name of the filesystem.
        type: str
      type:
        description: The filesystem type. With V(bind), V(rbind) is added to O(mounts[].options) unless V(bind) or V(rbind) is there.
        type: str
        default: bind
      options:
        description: Mount options, for example V([ro, nosuid]).
        type: list
        elements: str
        default: []
  namespaces:
    description:
      - How the container gets each namespace, as a mapping from namespace type (V(pid), V(network),
        V(ipc), V(uts), V(mount), V(user), V(cgroup)) to V(private) (a new one, the default for those in
        runc's default spec), V(host) (share the host's, so no entry in C(linux.namespaces)) or the
        absolute path of a namespace to join (for example C(/proc/1234/ns/net)).
      - "For example V({network: host}) shares the host's network. V(host) is refused for V(mount)."
      - With V(uts=host) runc's default hostname is left out, as runc refuses one without a private UTS namespace.
      - A private V(user) namespace also needs uid and gid mappings, which O(spec) can give.
    type: dict
  resources:
    description:
      - cgroup limits (C(linux.resources)). M(ocitools.runc.runc_container) applies changes of these
        to a running container in place.
    type: dict
    suboptions:
      memory_limit:
        description: Memory limit in bytes (C(memory.limit)), greater than 0.
        type: int
      cpu_shares:
        description: Relative cpu weight (C(cpu.shares)), from 2 to 262144.
        type: int
      cpu_quota:
        description: Microseconds of cpu time per O(resources.cpu_period) (C(cpu.quota)), at least 1000, or -1 for no limit.
        type: int
      cpu_period:
        description: The cpu quota period in microseconds (C(cpu.period)), from 1000 to 1000000.
        type: int
      cpuset_cpus:
        description: The cpus the container may use (C(cpu.cpus)), for example V(0-2,4).
        type: str
      cpuset_mems:
        description: The memory nodes the container may use (C(cpu.mems)), for example V(0).
        type: str
      pids_limit:
        description: Maximum number of processes (C(pids.limit)), at least 1, or -1 for no limit.
        type: int
      blkio_weight:
        description: Relative block I/O weight (C(blockIO.weight)), from 10 to 1000.
        type: int
  annotations:
    description:
      - Annotations (C(annotations)), string keys and values.
    type: dict
  rootless_spec:
    description:
      - Start from the rootless default spec (C(runc spec --rootless)), with a user namespace mapping the current user.
      - This is not the shared O(rootless) option, which is runc's C(--rootless) flag for cgroup errors.
    type: bool
    default: false
  spec:
    description:
      - Raw OCI runtime spec fields for what the options do not cover, merged last as a JSON merge patch
        (RFC 7386). Mappings merge, V(null) removes a field, lists and other values replace.
      - "For example V({linux: {sysctl: {net.ipv4.ip_forward: '1'}}})."
    type: dict
  image:
    description:
      - An image reference already pulled into O(image_store) by M(ocitools.runc.runc_image), the same
        text as its O(ocitools.runc.runc_image#module:name).
      - "The image gives defaults that the explicit options override: C(Entrypoint) and C(Cmd) for O(args),
        C(Env) under O(env) (merged by name), C(WorkingDir) for O(cwd), C(User) for O(user) (names looked up
        in the image's C(/etc/passwd) and C(/etc/group)), C(Labels) and C(ExposedPorts) (as
        C(org.opencontainers.image.exposedPorts)) under O(annotations), and the image digest's root
        filesystem for O(rootfs)."
      - The manifest digest is written to the annotation C(ocitools.runc.image.digest), so that
        M(ocitools.runc.runc_container) recreates the container when the tag moves to a new digest.
    type: str
  image_store:
    description:
      - The store of M(ocitools.runc.runc_image) to find O(image) in.
    type: path
    default: /var/lib/ocitools/images
  mode:
    description:
      - The permissions of C(config.json), in octal. Quote it, V('0644'), so that YAML keeps it octal.
      - The default keeps the file private to its owner, since it holds the O(env) values. runc needs no
        more, since it reads C(config.json) as the user it runs as. A mode that lets others read the file while
        O(env) is set is written, with a warning.
    type: raw
    default: '0600'
  owner:
    description:
      - The user that owns C(config.json), by name or number. Omitted, a new file is owned by the user the task runs as.
    type: str
  group:
    description:
      - The group of C(config.json), by name or number. Omitted, a new file gets the task's user's group.
    type: str
notes:
  - The shared options O(root), O(debug), O(log), O(log_format), O(criu), O(systemd_cgroup) and O(rootless)
    do not change the spec. Only O(executable) and O(command_timeout) matter here, for C(runc spec).
  - Env values are also C(no_log), so Ansible hides them wherever they appear in the task's output.
seealso:
  - module: ocitools.runc.runc_container
  - module: ocitools.runc.runc_info
"""

EXAMPLES = r"""
- name: A bundle that runs a small web server with a memory limit
  ocitools.runc.runc_spec:
    bundle: /srv/bundles/web
    args: [httpd, -f, -p, "8080"]
    env:
      APP_TOKEN: "{{ vault_app_token }}"
    namespaces:
      network: host
    resources:
      memory_limit: 268435456
      pids_limit: 64

- name: Read-write rootfs elsewhere, a data volume and an unprivileged user
  ocitools.runc.runc_spec:
    bundle: /srv/bundles/worker
    rootfs: /srv/images/worker
    readonly_rootfs: false
    args: [/bin/worker, --queue, jobs]
    cwd: /data
    user:
      uid: 1000
      gid: 1000
    mounts:
      - destination: /data
        source: /srv/data/worker
        options: [rw, nosuid]
    capabilities:
      drop: [ALL]
      add: [NET_BIND_SERVICE]
    rlimits:
      - type: nofile
        soft: 4096
        hard: 4096
    mode: "0600"

- name: A sysctl the options do not cover
  ocitools.runc.runc_spec:
    bundle: /srv/bundles/router
    args: [sh, -c, "exec sleep infinity"]
    spec:
      linux:
        sysctl:
          net.ipv4.ip_forward: "1"

- name: A bundle from an image pulled with ocitools.runc.runc_image, with one more env variable
  ocitools.runc.runc_spec:
    bundle: /srv/bundles/app
    image: docker://registry.example:5000/app:1
    env:
      LOG_LEVEL: debug

- name: Run the container from it (recreated when args change, updated in place when resources change)
  ocitools.runc.runc_container:
    id: router
    bundle: /srv/bundles/router
    state: running
"""

RETURN = r"""
path:
  description: The path of C(config.json).
  returned: always
  type: str
  sample: /srv/bundles/web/config.json
spec:
  description:
    - The declared spec, as written (in check mode, as it would be written), with env values masked.
  returned: always
  type: dict
  sample:
    ociVersion: 1.0.2-dev
    process:
      terminal: false
      args: [httpd, -f, -p, "8080"]
      env: ["PATH=********", "TERM=********", "APP_TOKEN=********"]
      cwd: /
    root:
      path: rootfs
      readonly: true
    hostname: runc
"""

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import cache_compiled_code

cache_compiled_code()  # first: the imports below compile once per host, not once per task
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._spec.arguments import SPEC_ARGUMENTS, SPEC_REQUIRED_ONE_OF
from ansible_collections.ocitools.runc.plugins.module_utils._spec.manager import manage_spec


def main() -> None:
    run_task(SPEC_ARGUMENTS, manage_spec, required_one_of=SPEC_REQUIRED_ONE_OF)


if __name__ == "__main__":
    main()
