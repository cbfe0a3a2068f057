# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What runc_container remembers about a container it created, beside runc's own state.

``<root>/<id>@ocitools.json``: '@' can never be part of a runc id, and runc skips plain
files in its root. The record holds the digest of the normalised spec, the bundle,
runc's ``created`` timestamp (a record whose timestamp differs belongs to an earlier
container of the same id), the masked spec (env values salted-hashed) for diffs, and the
image digest the bundle was made from (runc_spec ``image``).
"""

from __future__ import annotations

import json
import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.atomic_file import write_atomically
from ansible_collections.ocitools.runc.plugins.module_utils._container.drift import masked_spec, spec_digest
from ansible_collections.ocitools.runc.plugins.module_utils._image.annotations import image_digest

RECORD_SUFFIX = "@ocitools.json"
_FORMAT = 1


def record_path(root: str, container_id: str) -> str:
    return os.path.join(root, container_id + RECORD_SUFFIX)


class ContainerRecord(t.NamedTuple):
    digest: str
    bundle: str
    created: str
    salt: str
    spec: t.Dict[str, t.Any]
    image: str = ""  # the image manifest digest the bundle was made from (runc_spec image), '' for none

    def to_json(self) -> str:
        data = self._asdict()
        data["format"] = _FORMAT
        return json.dumps(data, sort_keys=True)


def new_salt() -> str:
    """A fresh salt for the env values of a record: 16 random bytes from the OS, in hex (as ``secrets.token_hex``
    makes them; ``secrets`` itself is not loaded, for the cost of a task that changes nothing)."""
    return os.urandom(16).hex()


def record_for(bundle: str, spec: t.Mapping[str, t.Any], created: str) -> ContainerRecord:
    """A fresh record of the config a container was just made from (by a restore, say)."""
    salt = new_salt()
    return ContainerRecord(spec_digest(spec), bundle, created, salt, masked_spec(spec, salt), image_digest(spec))


def read_record(root: str, container_id: str) -> t.Optional[ContainerRecord]:
    """The record, or None when there is none or it is unreadable (then no drift is known)."""
    try:
        with open(record_path(root, container_id), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    try:
        return ContainerRecord(
            digest=str(data["digest"]), bundle=str(data["bundle"]), created=str(data["created"]),
            salt=str(data["salt"]), spec=dict(data["spec"]), image=str(data.get("image") or ""),
        )
    except (KeyError, TypeError, ValueError):
        return None


def write_record(root: str, container_id: str, record: ContainerRecord) -> None:
    """Write atomically (temp file + rename), readable by the owner only (it holds hashes of env values)."""
    write_atomically(record_path(root, container_id), record.to_json().encode("utf-8"))


def record_problem(root: str, container_id: str) -> t.Optional[str]:
    """Why the record could not be written after a create, or None: checked before anything is changed."""
    path = record_path(root, container_id)
    if os.path.lexists(path) and (os.path.islink(path) or not os.path.isfile(path)):
        return ("root: %s (this module's record of the container) is not a regular file; remove it, it is rewritten "
                "on the next create" % path)
    if os.path.isdir(root) and not os.access(root, os.W_OK):
        return "root: %s is not writable, so the container's record %s cannot be written" % (root, path)
    return None


def remove_record(root: str, container_id: str) -> None:
    try:
        os.unlink(record_path(root, container_id))
    except FileNotFoundError:
        pass
