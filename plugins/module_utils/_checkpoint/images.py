# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a CRIU image directory holds: a complete checkpoint, a pre-dump, or nothing usable.

The rule, checked against CRIU 4.1.1 through runc 1.1.5 and CRIU's cr-dump.c:

* A *complete checkpoint* has ``inventory.img``, ``pstree.img``, at least one
  ``core-<pid>.img`` and runc's ``descriptors.json`` (runc restore needs it to
  re-bind the container's stdio). CRIU writes ``pstree.img`` and the cores only in
  a full dump, and writes ``inventory.img`` as the last step of a full dump, after
  everything else has been dumped. A dump that fails earlier (e.g. on a regular
  host file as stdio) leaves no ``inventory.img``.
* A *pre-dump* has ``inventory.img`` and ``pagemap-<pid>.img`` files but no
  ``pstree.img``. CRIU writes a pre-dump's inventory even when the pre-dump
  fails, so callers remove the images of a failed dump (``remove_images``).
* ``stats-dump`` is no marker: runc has CRIU write it (and the logs) into the work
  directory, which is the image directory only when no work path is given.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.no_follow import chmod_directory

INVENTORY = "inventory.img"
PSTREE = "pstree.img"
DESCRIPTORS = "descriptors.json"
PARENT_LINK = "parent"
IMAGE_DIR_MODE = 0o700

KIND_NONE = "none"
KIND_PARTIAL = "partial"
KIND_PRE_DUMP = "pre-dump"
KIND_CHECKPOINT = "checkpoint"


@dataclasses.dataclass(frozen=True)
class ImageSummary:
    """An image directory as the module reports it."""

    path: str
    exists: bool
    kind: str
    files: int
    bytes: int

    @property
    def complete(self) -> bool:
        return self.kind == KIND_CHECKPOINT

    def to_dict(self) -> t.Dict[str, t.Any]:
        data = dataclasses.asdict(self)
        data["complete"] = self.complete
        return data


def _is_image(name: str) -> bool:
    return name.endswith(".img")


def classify(names: t.Iterable[str]) -> str:
    """The kind of image set that a directory listing holds (see the module docstring)."""
    present = set(names)
    images = [name for name in present if _is_image(name)]
    if not images and DESCRIPTORS not in present:
        return KIND_NONE
    has_cores = any(name.startswith("core-") for name in images)
    if {INVENTORY, PSTREE, DESCRIPTORS} <= present and has_cores:
        return KIND_CHECKPOINT
    has_pagemaps = any(name.startswith("pagemap-") for name in images)
    if INVENTORY in present and has_pagemaps and PSTREE not in present:
        return KIND_PRE_DUMP
    return KIND_PARTIAL


def inspect_images(path: str) -> ImageSummary:
    """Summarise ``path``: kind of image set, number and total size of its regular files."""
    try:
        entries = list(os.scandir(path))
    except FileNotFoundError:
        return ImageSummary(path, False, KIND_NONE, 0, 0)
    except NotADirectoryError:
        raise ValueError("%s exists and is not a directory" % path)
    files = [entry for entry in entries if entry.is_file(follow_symlinks=False)]
    return ImageSummary(
        path=path,
        exists=True,
        kind=classify(entry.name for entry in files),
        files=len(files),
        bytes=sum(entry.stat(follow_symlinks=False).st_size for entry in files),
    )


def foreign_files(summary: ImageSummary, names: t.Iterable[str]) -> t.List[str]:
    """The files ``remove_images`` would delete although they make no checkpoint or pre-dump:
    they may be anyone's (a dump only ever removes image files of a set it recognises)."""
    if summary.kind in (KIND_CHECKPOINT, KIND_PRE_DUMP):
        return []
    return sorted(name for name in names if _is_image(name) or name == DESCRIPTORS)


def regular_files(path: str) -> t.List[str]:
    try:
        return [entry.name for entry in os.scandir(path) if entry.is_file(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def prepare_image_dir(path: str) -> bool:
    """Create ``path`` (mode 0700: it will hold process memory) or tighten an existing one.

    Returns whether anything changed. runc 1.1 itself would create it 0600. A symbolic
    link is never followed (OSError ELOOP/ENOTDIR): callers refuse one before.
    """
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        os.makedirs(path, IMAGE_DIR_MODE)
        chmod_directory(path, IMAGE_DIR_MODE)  # makedirs' mode is masked by the umask
        return True
    if mode != IMAGE_DIR_MODE:
        chmod_directory(path, IMAGE_DIR_MODE)
        return True
    return False


def remove_images(path: str) -> t.List[str]:
    """Remove CRIU's and runc's image files from ``path`` (logs stay); the names removed.

    Used before a forced dump and after a failed one, so that a directory never
    looks like a complete checkpoint or pre-dump made of old and new files.
    """
    removed = []
    for entry in os.scandir(path):
        is_image = entry.is_file(follow_symlinks=False) and (_is_image(entry.name) or entry.name == DESCRIPTORS)
        is_parent_link = entry.name == PARENT_LINK and entry.is_symlink()
        if is_image or is_parent_link:
            os.unlink(entry.path)
            removed.append(entry.name)
    return sorted(removed)


def resolve_parent(image_path: str, parent_path: str) -> str:
    """Where ``parent_path`` points: CRIU links ``<image_path>/parent`` to it, so a relative
    path is relative to the image directory (e.g. ``../pre``)."""
    return os.path.normpath(os.path.join(image_path, parent_path))
