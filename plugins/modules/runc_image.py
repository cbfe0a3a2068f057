#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runc_image
short_description: Pull an OCI image into a local store and unpack its root filesystem, per digest
version_added: 0.2.0
description:
  - Pulls an image with C(skopeo) into a store on the host (O(store)) and unpacks its root filesystem
    with C(umoci raw unpack), once per image manifest digest. M(ocitools.runc.runc_spec) then builds a
    bundle from it with its O(ocitools.runc.runc_spec#module:image) option.
  - "The store holds C(images/HEX/) (an OCI layout of that one image), C(rootfs/HEX/) (its unpacked root
    filesystem) and C(refs/) (what each reference resolved to). A digest's directories never change once
    they exist. A pull works in C(tmp/) and renames the finished layout and rootfs into place, so a
    failed pull leaves nothing, and a running container never sees a half-unpacked tree."
  - A new digest behind the same tag gets a new rootfs directory. The old one stays until no reference
    names it and no container under O(root) runs from it; then O(prune=true) removes it.
  - Idempotent. O(state=present) asks the source only when the reference is not in the store.
    O(state=latest) asks for the manifest digest every time (no layer or config blob is downloaded) and
    pulls only when it changed. A reference pinned to a digest (C(name@sha256:...)) is never asked again.
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: full
    description: May ask the source for the manifest digest (read only). Reports in RV(actions) whether it would pull, writes nothing.
  diff_mode:
    support: full
    description: The manifest digest the reference is stored at, before and after.
options:
  name:
    description:
      - The image reference, in skopeo's syntax. V(docker://registry/name:tag),
        V(docker://registry/name@sha256:HEX) (the same without C(docker://)), or a local
        V(oci:/DIR:TAG), V(oci-archive:/FILE[:TAG]) or V(docker-archive:/FILE[:TAG]).
      - Required unless O(prune=true).
    type: str
  state:
    description:
      - V(present) pulls the image when the reference is not in the store, and otherwise does not contact the source.
      - V(latest) asks the source what the reference points at (the manifest only) and pulls a new digest.
        Like C(force) of containers.podman.podman_image.
      - V(absent) forgets the reference, and deletes its digest when nothing else uses it.
    type: str
    choices: [present, latest, absent]
    default: present
  store:
    description:
      - The image store directory (created with mode C(0711)).
    type: path
    default: /var/lib/ocitools/images
  platform:
    description:
      - The platform to pull from a multi-platform image. Omitted parts are this host's.
    type: dict
    suboptions:
      os:
        description: For example V(linux).
        type: str
      architecture:
        description: For example V(amd64) or V(arm64).
        type: str
      variant:
        description: For example V(v8).
        type: str
  tls_verify:
    description:
      - Require HTTPS and verify the registry's certificate.
    type: bool
    default: true
  cert_dir:
    description:
      - A directory with the registry's CA certificate (C(*.crt)) and client certificates (skopeo C(--cert-dir)).
    type: path
  username:
    description:
      - The registry user. With O(password), written for this task only into a private (C(0600)) auth file
        that is deleted afterwards; never put on a command line.
    type: str
  password:
    description:
      - The registry password. Never shown.
    type: str
  auth_file:
    description:
      - A containers-auth.json file with the credentials (as C(skopeo login) or C(podman login) write it).
      - Keep it private (mode C(0600)).
    type: path
  prune:
    description:
      - After the task, delete every digest in the store that no reference names and no container under O(root)
        runs from (compared by the rootfs path C(runc list) reports).
    type: bool
    default: false
  timeout:
    description:
      - Seconds each C(skopeo) or C(umoci) run may take, and to wait for the store's lock.
    type: float
    default: 600
notes:
  - Needs C(skopeo) and C(umoci) on the host (Debian packages of the same names; the
    C(ocitools.runc.runc_host) role installs them). Signature policy is the host's C(/etc/containers/policy.json).
  - The rootfs of a digest is shared by every container made from it. Keep it read-only (runc's default).
  - The shared options other than O(executable), O(root) and O(command_timeout) do not matter here; those
    three are used to list the containers under O(root) for pruning.
seealso:
  - module: ocitools.runc.runc_spec
  - module: ocitools.runc.runc_container
"""

EXAMPLES = r"""
- name: Pull an image, and pull again when the tag moves
  ocitools.runc.runc_image:
    name: docker://registry.example:5000/app:1
    state: latest
    username: deploy
    password: "{{ vault_registry_password }}"
  register: app_image

- name: Write a bundle from it (command, env, user and cwd from the image)
  ocitools.runc.runc_spec:
    bundle: /srv/bundles/app
    image: docker://registry.example:5000/app:1

- name: Run it; a new digest recreates the container
  ocitools.runc.runc_container:
    id: app
    bundle: /srv/bundles/app

- name: Then drop the digests no container uses any more
  ocitools.runc.runc_image:
    prune: true

- name: A pinned digest, from a plain-HTTP registry on this host
  ocitools.runc.runc_image:
    name: 127.0.0.1:5000/tools@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    tls_verify: false
"""

RETURN = r"""
image:
  description:
    - The stored image after the task (in check mode, before it). Empty when the reference is not stored.
  returned: always
  type: dict
  contains:
    reference:
      description: The reference, as skopeo takes it.
      type: str
      sample: docker://registry.example:5000/app:1
    digest:
      description: The image manifest digest.
      type: str
      sample: sha256:c407a3b6c569312a057f219544a7370bc0d9744d5687a5f67f2f9d0b731ec9e5
    resolved:
      description: What the reference resolved to (an index digest for a multi-platform image).
      type: str
    platform:
      description: The platform asked for, or V(null) for the host's.
      type: str
    rootfs:
      description: The unpacked root filesystem.
      type: str
      sample: /var/lib/ocitools/images/rootfs/c407a3b6c569312a057f219544a7370bc0d9744d5687a5f67f2f9d0b731ec9e5
    layout:
      description: The OCI layout of the image (its ref is C(image)).
      type: str
    os:
      description: The image's operating system.
      type: str
      sample: linux
    architecture:
      description: The image's architecture.
      type: str
      sample: amd64
    config:
      description: The C(config) part of the image config (C(Entrypoint), C(Cmd), C(Env), C(User), C(WorkingDir), C(ExposedPorts), C(Labels)).
      type: dict
      sample: {Cmd: [/bin/sh], Env: ["PATH=/bin"]}
actions:
  description: What was done (in check mode, would be done), each one of V(pull), V(link) (the digest was in the store already), V(remove), V(prune).
  returned: always
  type: list
  elements: str
  sample: [pull]
resolved:
  description: The digest the source answered with in this task, or V(null) when it was not asked.
  returned: always
  type: str
pruned:
  description: The digests deleted (in check mode, that would be) by O(prune).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import cache_compiled_code

cache_compiled_code()  # first: the imports below compile once per host, not once per task
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._image.manager import manage_image
from ansible_collections.ocitools.runc.plugins.module_utils._image.store import DEFAULT_STORE


def main() -> None:
    run_task(dict(
        name=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "latest", "absent"]),
        store=dict(type="path", default=DEFAULT_STORE),
        platform=dict(type="dict", options=dict(
            os=dict(type="str"),
            architecture=dict(type="str"),
            variant=dict(type="str"),
        )),
        tls_verify=dict(type="bool", default=True),
        cert_dir=dict(type="path"),
        username=dict(type="str"),
        password=dict(type="str", no_log=True),
        auth_file=dict(type="path"),
        prune=dict(type="bool", default=False),
        timeout=dict(type="float", default=600.0),
    ), manage_image, required_together=[["username", "password"]], mutually_exclusive=[["username", "auth_file"]])


if __name__ == "__main__":
    main()
