# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container id validation with runc's own rule (libcontainer/factory_linux.go)."""

from __future__ import annotations

import re

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError

# runc accepts ids matching ^[\w+-\.]+$ that are not "." or ".."; the ids
# become directory names under the state root, so anything else could escape it.
# \Z, not $: Python's $ also matches before a trailing newline, Go's does not.
_ID_PATTERN = re.compile(r"^[\w+\-.]+\Z", re.ASCII)
# runc itself allows 1024 characters, but the id names files beside runc's state: the lock
# ``<id>@ocitools.lock``, the record ``<id>@ocitools.json`` and the record's temporary file
# ``.<id>@ocitools.json.XXXXXXXX.tmp`` (28 bytes more than the id), and a file name has at most
# NAME_MAX (255) bytes on Linux file systems.
NAME_MAX = 255
_LONGEST_NAME_AROUND_ID = len(".@ocitools.json.XXXXXXXX.tmp")
MAX_ID_LENGTH = NAME_MAX - _LONGEST_NAME_AROUND_ID  # 227


def validate_container_id(container_id: object) -> str:
    """Return ``container_id`` if runc would accept it, else raise with the reason."""
    if not isinstance(container_id, str) or container_id == "":
        raise InvalidContainerIdError("container id must be a non-empty string, got %r" % (container_id,))
    if container_id in (".", ".."):
        raise InvalidContainerIdError("container id %r is not allowed: it names a directory, not a container" % container_id)
    if len(container_id) > MAX_ID_LENGTH:
        raise InvalidContainerIdError(
            "container id is %d characters long; at most %d are allowed (files named after it, such as "
            "<id>@ocitools.json beside runc's state, must fit the %d-byte file name limit); use a shorter id"
            % (len(container_id), MAX_ID_LENGTH, NAME_MAX))
    if container_id.startswith("-"):
        # runc's CLI would read such an id as a flag (``--force`` to ``runc delete``).
        raise InvalidContainerIdError("container id %r is not allowed: runc would read it as a flag" % container_id)
    if not _ID_PATTERN.match(container_id):
        raise InvalidContainerIdError(
            "container id %r is invalid: runc allows only ASCII letters, digits, '_', '+', '-' and '.'" % container_id
        )
    return container_id
