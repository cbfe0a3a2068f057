#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: runc_checkpoint
short_description: Checkpoint and restore runc containers with CRIU
version_added: 0.1.0
description:
  - Dumps a running container's processes into a CRIU image directory (O(state=checkpointed)), or restores a
    container from such a directory (O(state=restored)), with C(runc checkpoint) and C(runc restore).
  - A restored container continues where it was dumped; it may be restored under a new O(id).
  - A checkpoint is taken only when O(image_path) holds no complete checkpoint, or with O(force=true).
    A directory is a complete checkpoint when it has CRIU's C(inventory.img), C(pstree.img), at least one
    C(core-*.img) and runc's C(descriptors.json); a pre-dump has C(inventory.img) and C(pagemap-*.img) but no
    C(pstree.img). Image files left by a failed dump are removed, so they never look complete.
  - When runc or CRIU fails, the error carries the tail of CRIU's own log (C(dump.log) or C(restore.log) in the
    work directory) and the likely cause in plain words, read from CRIU's error lines first.
  - The task holds the container's lock (the one M(ocitools.runc.runc_container) takes, C(<root>/<id>@ocitools.lock))
    from reading the container to the end of the dump or restore, so tasks on one id take turns (a second
    checkpoint of the same container waits, then finds the complete checkpoint and changes nothing).
  - CRIU cannot dump a container whose stdin, stdout or stderr is a regular file on the host; run containers to
    be checkpointed with stdio on C(/dev/null), a pipe or a terminal.
  - A container supervised by systemd (M(ocitools.runc.runc_container) with O(ocitools.runc.runc_container#module:supervisor=systemd))
    is dumped and restored through its unit. During a dump that ends the container, a runtime drop-in
    (C(/run/systemd/system/UNIT.d/50-ocitools-checkpoint.conf)) holds the unit's restarts off; the unit is then
    inactive, as after C(systemctl stop). A restore starts the unit with a foreground C(runc restore) in place of
    its C(runc run), so systemd supervises the restored container (its output goes to the journal again); a later
    restart of the unit makes a fresh container from the bundle. A restore is refused while the unit is starting a
    new container.
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: full
    description: Plans only; runc is only asked for the container's state, and no directory is created.
  diff_mode:
    support: full
    description: Shows the container's status and the kind of image set in O(image_path), before and after.
options:
  id:
    description:
      - The container to checkpoint, or the id to restore the container under (it may differ from the original id).
    type: str
    required: true
  state:
    description:
      - V(checkpointed) dumps the container into O(image_path). Without O(leave_running), runc stops and deletes
        the container after the dump.
      - V(restored) restores the container from O(image_path) with O(bundle), detached. Nothing is done when a
        container with that id is already running or paused; a created or stopped one is deleted first.
    type: str
    choices: [checkpointed, restored]
    default: checkpointed
  image_path:
    description:
      - Directory of the CRIU images, as an absolute path (a relative one is refused). Created with mode 0700
        (it holds process memory) when needed; an existing one is set to 0700.
      - The image files of a checkpoint or pre-dump already in it are removed before a new dump (O(force), or a
        complete checkpoint on top of a pre-dump). Image files that make no checkpoint or pre-dump are never
        deleted; the dump is refused, naming them. Other files (such as notes or CRIU's logs) stay.
      - For O(state=checkpointed) it must not be a symbolic link (refused).
    type: path
    required: true
  work_path:
    description:
      - Directory for CRIU's logs and work files (runc C(--work-path)), as an absolute path. Defaults to
        O(image_path), where CRIU's C(dump.log) and C(restore.log) then end up.
    type: path
  parent_path:
    description:
      - A pre-dump this checkpoint is incremental to (runc C(--parent-path)). CRIU links C(image_path/parent) to it,
        so a relative path is relative to O(image_path), for example V(../pre); an absolute path works too.
      - Needs CRIU's memory tracking (soft-dirty pages, kernel C(CONFIG_MEM_SOFT_DIRTY)).
      - Only with O(state=checkpointed).
    type: path
  pre_dump:
    description:
      - Dump only the memory, leaving the container running (runc C(--pre-dump)), as the parent of a later
        checkpoint with O(parent_path). Taken when O(image_path) holds neither a pre-dump nor a complete checkpoint,
        or with O(force=true).
      - Needs CRIU's memory tracking (soft-dirty pages, kernel C(CONFIG_MEM_SOFT_DIRTY)).
      - Only with O(state=checkpointed).
    type: bool
    default: false
  leave_running:
    description:
      - Keep the container running after the checkpoint (runc C(--leave-running)).
      - Only with O(state=checkpointed).
    type: bool
    default: false
  tcp_established:
    description:
      - Checkpoint or restore established TCP connections (runc C(--tcp-established)).
    type: bool
    default: false
  tcp_skip_in_flight:
    description:
      - Skip in-flight TCP connections (runc C(--tcp-skip-in-flight), runc 1.2 or newer; refused on older runc).
      - Only with O(state=checkpointed).
    type: bool
    default: false
  ext_unix_sk:
    description:
      - Allow Unix sockets connected outside the container (runc C(--ext-unix-sk)).
    type: bool
    default: false
  shell_job:
    description:
      - Allow a process tree that belongs to a shell session or terminal (runc C(--shell-job)).
    type: bool
    default: false
  file_locks:
    description:
      - Checkpoint or restore file locks (runc C(--file-locks)).
    type: bool
    default: false
  link_remap:
    description:
      - Allow CRIU to link-remap files that were deleted but are open (runc C(--link-remap), runc 1.2 or newer;
        refused on older runc).
      - Only with O(state=checkpointed).
    type: bool
    default: false
  manage_cgroups_mode:
    description:
      - How CRIU handles the container's cgroups (runc C(--manage-cgroups-mode)); runc's default is V(soft).
      - V(ignore) needs runc 1.2 or newer and is refused on older runc.
    type: str
    choices: [soft, full, strict, ignore]
  empty_ns:
    description:
      - Namespaces to create without restoring their properties, for example V(network) (runc C(--empty-ns)).
    type: list
    elements: str
    default: []
  page_server:
    description:
      - C(ADDRESS:PORT) of a CRIU page server that receives the memory pages (runc C(--page-server)).
      - Only with O(state=checkpointed).
    type: str
  auto_dedup:
    description:
      - Deduplicate memory images as they are written or read (runc C(--auto-dedup)).
    type: bool
    default: false
  lazy_pages:
    description:
      - Transfer memory pages lazily with userfaultfd (runc C(--lazy-pages)). A lazy checkpoint needs O(page_server)
        and does not return until the restoring side has fetched every page (bounded by O(command_timeout)).
      - Fails with the reason when this CRIU or kernel lacks lazy-pages support.
    type: bool
    default: false
  force:
    description:
      - Take a new checkpoint (or pre-dump) even when O(image_path) already holds one; the old images are removed first.
    type: bool
    default: false
  bundle:
    description:
      - The bundle of the container to restore (its C(config.json) and rootfs). Required with O(state=restored).
    type: path
  pid_file:
    description:
      - File runc writes the restored container's pid to (runc C(--pid-file)). Only with O(state=restored).
    type: path
  no_subreaper:
    description:
      - Do not use a subreaper for reparented processes (runc C(--no-subreaper)). Only with O(state=restored).
    type: bool
    default: false
  no_pivot:
    description:
      - Do not use pivot_root, for a rootfs on a ramdisk (runc C(--no-pivot)). Only with O(state=restored).
    type: bool
    default: false
  lsm_profile:
    description:
      - LSM profile for the restored container as C(TYPE:NAME) (runc C(--lsm-profile)). Only with O(state=restored).
    type: str
  lsm_mount_context:
    description:
      - LSM mount context for the restored container (runc C(--lsm-mount-context)). Only with O(state=restored).
    type: str
notes:
  - The restored container's stdio is what it was at the checkpoint; CRIU reopens the same files (runc only
    re-binds pipes). runc itself runs with its stdio on C(/dev/null), so it never holds the task open.
    This is why a container meant to be checkpointed should have its stdio on C(/dev/null) or a pipe, not a
    regular host file, which CRIU cannot dump.
  - CRIU must pass C(criu check) on the host; use the O(criu) option to point runc at a working CRIU.
    CRIU runs C(iptables-restore) to lock the container's network, so it must be on E(PATH).
requirements:
  - runc
  - CRIU (and iptables-restore)
seealso:
  - name: CRIU
    description: Checkpoint/Restore In Userspace.
    link: https://criu.org/
"""

EXAMPLES = r"""
- name: Checkpoint a container and stop it
  ocitools.runc.runc_checkpoint:
    id: web
    image_path: /var/lib/checkpoints/web
    criu: /usr/sbin/criu

- name: Checkpoint a container and keep it running
  ocitools.runc.runc_checkpoint:
    id: web
    image_path: /var/lib/checkpoints/web-live
    leave_running: true

- name: Pre-dump the memory, then take the final checkpoint on top of it
  block:
    - name: Pre-dump
      ocitools.runc.runc_checkpoint:
        id: web
        image_path: /var/lib/checkpoints/web-pre
        pre_dump: true
    - name: Final dump
      ocitools.runc.runc_checkpoint:
        id: web
        image_path: /var/lib/checkpoints/web-final
        parent_path: ../web-pre

- name: Restore it, here under a new id
  ocitools.runc.runc_checkpoint:
    id: web-restored
    state: restored
    image_path: /var/lib/checkpoints/web
    bundle: /srv/bundles/web
"""

RETURN = r"""
container:
  description:
    - The container's state after the task (as C(runc state) reports it). In check mode, as it was before.
    - Empty when there is no container.
  returned: success
  type: dict
  sample: {"id": "web", "pid": 4242, "status": "running", "bundle": "/srv/bundles/web"}
actions:
  description:
    - What was done (in check mode, what would be done), in order. Empty when nothing was to be done.
    - Each is one of V(prepare) (create O(image_path)), V(clean) (remove an earlier dump's image files),
      V(pre_dump), V(checkpoint), V(delete) (the container, by runc after a checkpoint or before a restore)
      and V(restore).
  returned: success
  type: list
  elements: str
  sample: [prepare, checkpoint, delete]
steps:
  description: Each of RV(actions), in plain words.
  returned: success
  type: list
  elements: str
  sample: ["create /var/lib/checkpoints/web (mode 0700)", "checkpoint container web into /var/lib/checkpoints/web"]
msg:
  description: Why nothing was done, when nothing was.
  returned: when RV(actions) is empty
  type: str
  sample: /var/lib/checkpoints/web already holds a complete checkpoint; nothing to do (force true takes a new one)
image_path:
  description: The image directory, as an absolute path.
  returned: success
  type: str
unit:
  description: The systemd unit that supervises the container, through which it was dumped or restored; null when none does.
  returned: success
  type: str
  sample: ocitools-runc-web.service
checkpoint:
  description: The image directory after the task.
  returned: success
  type: dict
  contains:
    path:
      description: The image directory.
      type: str
    exists:
      description: Whether the directory exists.
      type: bool
    kind:
      description: V(checkpoint) (complete), V(pre-dump), V(partial) (unusable leftovers) or V(none).
      type: str
    complete:
      description: Whether it holds a complete checkpoint that can be restored.
      type: bool
    files:
      description: Number of regular files in it.
      type: int
    bytes:
      description: Their total size in bytes.
      type: int
duration:
  description: Seconds the C(runc checkpoint) or C(runc restore) call took; 0 when none ran.
  returned: success
  type: float
diff:
  description: Container status and kind of image set before and after (with C(--diff)).
  returned: when diff mode is on
  type: dict
  sample: {"before": {"container": "running", "image": "none"}, "after": {"container": "absent", "image": "checkpoint"}}
likely_cause:
  description: The likely cause of a failed checkpoint or restore, in plain words.
  returned: failure of runc checkpoint or restore
  type: str
criu_log:
  description: The CRIU log that was written during the failed call.
  returned: failure of runc checkpoint or restore
  type: str
criu_log_tail:
  description: Its last lines.
  returned: failure of runc checkpoint or restore
  type: str
criu:
  description: What C(criu check) said right after the failure (V(usable), V(path), V(version), V(message)).
  returned: failure of runc checkpoint or restore
  type: dict
"""

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import cache_compiled_code

cache_compiled_code()  # first: the imports below compile once per host, not once per task
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.manager import ARGUMENT_SPEC, manage_checkpoint


def main() -> None:
    run_task(ARGUMENT_SPEC, manage_checkpoint, required_if=[("state", "restored", ["bundle"])])


if __name__ == "__main__":
    main()
