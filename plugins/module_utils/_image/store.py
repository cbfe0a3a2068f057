# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image store on the host: a directory per manifest digest, never changed once it exists.

``STORE/images/HEX/``  an OCI layout holding that one image (ref ``image``)
``STORE/rootfs/HEX/``  its unpacked root filesystem, what runc_spec points ``root.path`` at
``STORE/refs/KEY.json`` what a reference resolved to: ``{reference, resolved, manifest, platform}``
``STORE/tmp/``         pulls and unpacks in progress; each is renamed into place only when complete,
                       so a rootfs directory is either absent or whole (never half-unpacked)

A digest is complete when both its directories exist. Different tags of the same image share them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.atomic_file import write_atomically
from ansible_collections.ocitools.runc.plugins.module_utils._image.commands import LAYOUT_REF
from ansible_collections.ocitools.runc.plugins.module_utils._image.errors import ImageError
from ansible_collections.ocitools.runc.plugins.module_utils._image.parsers import (
    LayoutError,
    image_config,
    index_manifest,
    manifest_config,
)
from ansible_collections.ocitools.runc.plugins.module_utils._image.reference import ImageReference, is_digest

DEFAULT_STORE = "/var/lib/ocitools/images"
_FORMAT = 1
_DIR_MODE = 0o711  # others may traverse (a rootfs under a user namespace), not list


@dataclasses.dataclass(frozen=True)
class RefRecord:
    reference: str
    resolved: str  # the digest the source answered with (an index's, for a multi-platform image)
    manifest: str  # the image manifest digest stored (one platform's)
    platform: str  # as asked ('' for the host's)

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["format"] = _FORMAT
        return json.dumps(data, sort_keys=True)


def _hex(digest: str) -> str:
    return digest.split(":", 1)[1]


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


class ImageStore:
    def __init__(self, path: str) -> None:
        self.path = path

    # -- paths -------------------------------------------------------------
    def layout(self, digest: str) -> str:
        return os.path.join(self.path, "images", _hex(digest))

    def rootfs(self, digest: str) -> str:
        return os.path.join(self.path, "rootfs", _hex(digest))

    def _ref_path(self, reference: ImageReference) -> str:
        return os.path.join(self.path, "refs", reference.key + ".json")

    # -- reading -------------------------------------------------------------
    def complete(self, digest: str) -> bool:
        return os.path.isfile(os.path.join(self.layout(digest), "index.json")) and os.path.isdir(self.rootfs(digest))

    def read_ref(self, reference: ImageReference) -> t.Optional[RefRecord]:
        return _parse_record(self._ref_path(reference))

    def records(self) -> t.List[RefRecord]:
        folder = os.path.join(self.path, "refs")
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        found = (_parse_record(os.path.join(folder, name)) for name in names if name.endswith(".json"))
        return [record for record in found if record is not None]

    def digests(self) -> t.List[str]:
        """Every digest with a directory on disk (complete or not)."""
        hexes: t.Set[str] = set()
        for kind in ("images", "rootfs"):
            folder = os.path.join(self.path, kind)
            if os.path.isdir(folder):
                hexes.update(name for name in os.listdir(folder) if is_digest("sha256:" + name))
        return ["sha256:" + name for name in sorted(hexes)]

    def config(self, digest: str) -> t.Dict[str, t.Any]:
        """The image config blob of a stored manifest."""
        return read_layout(self.layout(digest))[1]

    # -- writing (the caller holds the store's lock) ----------------------------
    def ensure(self) -> None:
        for folder in (self.path, os.path.join(self.path, "images"), os.path.join(self.path, "rootfs"),
                       os.path.join(self.path, "refs"), os.path.join(self.path, "tmp")):
            os.makedirs(folder, mode=_DIR_MODE, exist_ok=True)

    def work_dir(self) -> str:
        return tempfile.mkdtemp(prefix="work-", dir=os.path.join(self.path, "tmp"))

    def write_ref(self, reference: ImageReference, record: RefRecord) -> None:
        write_atomically(self._ref_path(reference), record.to_json().encode("utf-8"),
                         prepare=lambda fd: os.fchmod(fd, 0o644))

    def remove_ref(self, reference: ImageReference) -> None:
        try:
            os.unlink(self._ref_path(reference))
        except FileNotFoundError:
            pass

    def install(self, digest: str, layout: str, rootfs: str) -> None:
        """Rename a complete layout and rootfs into place; a digest already there is kept as it is."""
        for source, target in ((rootfs, self.rootfs(digest)), (layout, self.layout(digest))):
            if not os.path.exists(target):
                os.chmod(source, 0o755 if source == rootfs else _DIR_MODE)
                os.rename(source, target)

    def remove_digest(self, digest: str) -> None:
        """Delete a digest: its layout first (so it is no longer complete), then the rootfs."""
        for path in (self.layout(digest), self.rootfs(digest)):
            remove_tree(path)

    def clear_tmp(self) -> None:
        """Drop what interrupted runs left in tmp/ (only called under the store's lock)."""
        folder = os.path.join(self.path, "tmp")
        for name in os.listdir(folder) if os.path.isdir(folder) else []:
            remove_tree(os.path.join(folder, name))


def remove_tree(path: str) -> None:
    """Remove a directory tree (without following symlinks out of it); a missing one is fine."""
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def read_layout(layout: str) -> t.Tuple[str, t.Dict[str, t.Any]]:
    """(manifest digest, image config) of the image named ``image`` in an OCI layout; ImageError if broken."""
    try:
        manifest = index_manifest(_read(os.path.join(layout, "index.json")), LAYOUT_REF)
        config_digest = manifest_config(_read(os.path.join(layout, "blobs", "sha256", _hex(manifest))))
        return manifest, image_config(_read(os.path.join(layout, "blobs", "sha256", _hex(config_digest))))
    except (OSError, LayoutError) as exc:
        raise ImageError("image store: the OCI layout %s cannot be read: %s" % (layout, exc))


def _parse_record(path: str) -> t.Optional[RefRecord]:
    try:
        data = json.loads(_read(path))
        if data.get("format") != _FORMAT:
            return None
        record = RefRecord(str(data["reference"]), str(data["resolved"]), str(data["manifest"]), str(data["platform"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return record if is_digest(record.manifest) else None
