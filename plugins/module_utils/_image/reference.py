# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image references as runc_image takes them, checked and in skopeo's transport syntax.

``docker://registry/name:tag``, ``docker://registry/name@sha256:HEX``, the same without
``docker://``, and the local sources ``oci:DIR[:REF]``, ``oci-archive:FILE[:REF]`` and
``docker-archive:FILE[:REF]``. Pure: nothing here touches the network or the disk.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

from ansible_collections.ocitools.runc.plugins.module_utils._image.errors import ImageError

DOCKER = "docker"
LOCAL_TRANSPORTS = ("oci", "oci-archive", "docker-archive")
TRANSPORTS = (DOCKER,) + LOCAL_TRANSPORTS
# skopeo transports that name no image this module can pull into its store.
UNSUPPORTED_TRANSPORTS = ("containers-storage", "dir", "docker-daemon", "ostree", "sif", "tarball")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_DOCKER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*(@sha256:[0-9a-f]{64})?$")


def is_digest(value: str) -> bool:
    return bool(_DIGEST.match(value))


@dataclasses.dataclass(frozen=True)
class ImageReference:
    transport: str
    name: str  # after "transport:" (docker: without the leading //)

    @property
    def text(self) -> str:
        """The reference as skopeo takes it."""
        return "docker://" + self.name if self.transport == DOCKER else "%s:%s" % (self.transport, self.name)

    @property
    def remote(self) -> bool:
        return self.transport == DOCKER

    @property
    def pinned_digest(self) -> str:
        """The manifest digest a ``name@sha256:...`` reference names ('' for a tag)."""
        if self.transport == DOCKER and "@" in self.name:
            return self.name.rsplit("@", 1)[1]
        return ""

    @property
    def key(self) -> str:
        """A file name for this reference in the store (the same reference always gives the same key)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32]


def parse_reference(value: str) -> ImageReference:
    """The checked reference; ReferenceError says what is wrong with ``value``."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or text != value or any(char.isspace() for char in text):
        raise ImageError("name: %r is not an image reference; give e.g. docker://registry.example/app:1" % (value,))
    transport, _sep, rest = text.partition(":")
    if transport in LOCAL_TRANSPORTS:
        if not rest.startswith("/"):
            raise ImageError("name: %s: the path after %s: must be absolute" % (value, transport))
        return ImageReference(transport, rest)
    if transport in UNSUPPORTED_TRANSPORTS:
        raise ImageError("name: %s: transport %s: is not supported; use one of %s"
                         % (value, transport, ", ".join(name + ":" for name in TRANSPORTS)))
    name = text[len("docker://"):] if text.startswith("docker://") else text
    if not _DOCKER_NAME.match(name) or name.endswith((":", "/")) or "//" in name:
        raise ImageError("name: %s is not a valid registry reference (registry/name:tag or registry/name@sha256:<64 hex>)"
                         % value)
    return ImageReference(DOCKER, name)


def at_digest(reference: ImageReference, digest: str) -> ImageReference:
    """The same registry repository pinned to ``digest`` (what a tag resolved to); local sources unchanged."""
    if reference.transport != DOCKER:
        return reference
    repository = reference.name.split("@", 1)[0]
    last = repository.rsplit("/", 1)
    if ":" in last[-1]:
        repository = repository[: len(repository) - len(last[-1])] + last[-1].split(":", 1)[0]
    return ImageReference(DOCKER, "%s@%s" % (repository, digest))


def registry_host(reference: ImageReference) -> str:
    """The registry a credential is for: the first path component when it looks like a host, else docker.io."""
    first = reference.name.split("/", 1)[0]
    if "/" in reference.name and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"
