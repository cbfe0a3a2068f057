# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image references: accepted forms, refused ones (with the reason), pinning, digests and keys."""

from __future__ import annotations

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._image.errors import ImageError
from ansible_collections.ocitools.runc.plugins.module_utils._image.reference import (
    at_digest,
    parse_reference,
    registry_host,
)

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("value, transport, text", [
    ("docker://127.0.0.1:5000/app:1", "docker", "docker://127.0.0.1:5000/app:1"),
    ("127.0.0.1:5000/app:1", "docker", "docker://127.0.0.1:5000/app:1"),
    ("busybox", "docker", "docker://busybox"),
    ("busybox:1.36", "docker", "docker://busybox:1.36"),
    ("registry.example/team/app@" + DIGEST, "docker", "docker://registry.example/team/app@" + DIGEST),
    ("oci:/srv/layout:v1", "oci", "oci:/srv/layout:v1"),
    ("oci-archive:/srv/app.tar", "oci-archive", "oci-archive:/srv/app.tar"),
    ("docker-archive:/srv/app.tar:app:1", "docker-archive", "docker-archive:/srv/app.tar:app:1"),
])
def test_accepted(value: str, transport: str, text: str) -> None:
    reference = parse_reference(value)
    assert (reference.transport, reference.text) == (transport, text)
    assert reference.remote == (transport == "docker")


@pytest.mark.parametrize("value, says", [
    ("", "not an image reference"),
    (" app:1", "not an image reference"),
    ("app :1", "not an image reference"),
    ("oci:relative/layout", "must be absolute"),
    ("containers-storage:app", "is not supported"),
    ("dir:/srv/x", "is not supported"),
    ("docker://app@sha256:short", "not a valid registry reference"),
    ("docker://registry//app", "not a valid registry reference"),
    ("docker://app:", "not a valid registry reference"),
])
def test_refused_with_the_reason(value: str, says: str) -> None:
    with pytest.raises(ImageError) as caught:
        parse_reference(value)
    assert caught.value.msg.startswith("name: ") and says in caught.value.msg


def test_pinning_and_keys() -> None:
    tag = parse_reference("docker://127.0.0.1:5000/app:1")
    pinned = parse_reference("127.0.0.1:5000/app@" + DIGEST)
    assert tag.pinned_digest == "" and pinned.pinned_digest == DIGEST
    assert parse_reference("oci:/l:v1").pinned_digest == ""
    assert tag.key == parse_reference("127.0.0.1:5000/app:1").key != pinned.key
    assert len(tag.key) == 32


@pytest.mark.parametrize("value, expected", [
    ("docker://127.0.0.1:5000/app:1", "docker://127.0.0.1:5000/app@" + DIGEST),
    ("docker://127.0.0.1:5000/team/app", "docker://127.0.0.1:5000/team/app@" + DIGEST),
    ("docker://busybox:1.36", "docker://busybox@" + DIGEST),
    ("docker://r.example/app@sha256:" + "cd" * 32, "docker://r.example/app@" + DIGEST),
    ("oci:/srv/layout:v1", "oci:/srv/layout:v1"),
])
def test_at_digest_pins_the_repository(value: str, expected: str) -> None:
    assert at_digest(parse_reference(value), DIGEST).text == expected


@pytest.mark.parametrize("value, host", [
    ("docker://127.0.0.1:5000/app:1", "127.0.0.1:5000"),
    ("docker://registry.example/team/app:1", "registry.example"),
    ("docker://localhost/app", "localhost"),
    ("docker://library/busybox", "docker.io"),
    ("docker://busybox", "docker.io"),
])
def test_registry_host(value: str, host: str) -> None:
    assert registry_host(parse_reference(value)) == host
