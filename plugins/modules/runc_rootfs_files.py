#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runc_rootfs_files
short_description: Write files into a container's root filesystem from the host, in one task
version_added: 0.1.0
description:
  - Writes each file of O(files), with its content and mode, into the root filesystem O(rootfs) of a container
    (such as C(BUNDLE/rootfs)), from the host, before or while the container runs. A file whose content and mode
    are right is left as it is; a file with the right content but another mode only gets its mode.
  - One task writes them all, which is quicker than one M(ansible.builtin.copy) per file (each of which runs two
    modules on the host).
  - A path is a path in the container. Symbolic links in the root filesystem, on the way and at the file's own
    place, are resolved inside it, as the container sees them (an absolute target starts at O(rootfs), C(..) never
    goes above it), never on the host, as the P(ocitools.runc.runc#connection) connection plugin does.
  - The directories on the way must exist. A file is written anew, atomically (a temporary file beside it, then
    renamed over it); a new file belongs to the owner of its directory, a replaced one keeps its owner.
  - Runs no runc; the shared runc options are accepted and unused.
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: full
    description:
      - In check mode nothing is written; RV(changed_files) lists the files that would change.
      - A O(rootfs) that does not exist yet (a task before would have made it) counts as empty in check mode.
  diff_mode:
    support: full
    description: The content and mode of each changed file before (when it was a regular file) and after.
options:
  rootfs:
    description:
      - The container's root filesystem on the host, an existing directory.
    type: path
    required: true
  files:
    description:
      - The files to write.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description:
          - The file's absolute path in the container, such as C(/etc/hostname), without C(.), C(..) or C(//).
        type: str
        required: true
      content:
        description:
          - The file's content (text, written as UTF-8), at most 1 MiB.
        type: str
        default: ""
      mode:
        description:
          - The file's mode, in octal, such as V('0644').
        type: str
        default: "0644"
seealso:
  - module: ocitools.runc.runc_spec
  - module: ansible.builtin.copy
"""

EXAMPLES = r"""
- name: Give a container its hostname and hosts file before it starts
  ocitools.runc.runc_rootfs_files:
    rootfs: /var/lib/bundles/web/rootfs
    files:
      - path: /etc/hostname
        content: "web\n"
      - path: /etc/hosts
        content: |
          127.0.0.1 localhost
          127.0.1.1 web
  register: web_files

- name: Tell when the hostname changed
  ansible.builtin.debug:
    msg: the hostname changed
  when: "'/etc/hostname' in web_files.changed_files"
"""

RETURN = r"""
rootfs:
  description: The root filesystem written to.
  returned: always
  type: str
  sample: /var/lib/bundles/web/rootfs
changed_files:
  description: The paths (in the container) of the files written or whose mode changed, in the order of O(files).
  returned: always
  type: list
  elements: str
  sample: [/etc/hostname]
"""

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import cache_compiled_code

cache_compiled_code()  # first: the imports below compile once per host, not once per task
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._rootfs.files import manage_files


def main() -> None:
    run_task(dict(
        rootfs=dict(type="path", required=True),
        files=dict(type="list", elements="dict", required=True, options=dict(
            path=dict(type="str", required=True),
            content=dict(type="str", default=""),
            mode=dict(type="str", default="0644"),
        )),
    ), manage_files)


if __name__ == "__main__":
    main()
