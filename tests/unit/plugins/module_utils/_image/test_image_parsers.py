# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers of recorded skopeo output and OCI layout files (tests/unit/fixtures/image/)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._image.parsers import (
    LayoutError,
    hint_for,
    image_config,
    index_manifest,
    manifest_config,
    manifest_digest,
    platform_of,
    tool_message,
)

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "image"


def recorded(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_manifest_digest_is_the_sha256_of_the_exact_bytes() -> None:
    raw = (FIXTURES / "layout-manifest.json").read_bytes()
    assert manifest_digest(raw) == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert manifest_digest(raw) == "sha256:c407a3b6c569312a057f219544a7370bc0d9744d5687a5f67f2f9d0b731ec9e5"
    assert manifest_digest(raw + b" ") != manifest_digest(raw)


@pytest.mark.parametrize("name, message, hint", [
    ("skopeo-manifest-unknown.stderr", "reading manifest nope in 127.0.0.1:35915/app: manifest unknown: manifest unknown",
     "no such tag"),
    ("skopeo-refused.stderr", 'pinging container registry 127.0.0.1:1: Get "https://127.0.0.1:1/v2/": dial tcp '
     "127.0.0.1:1: connect: connection refused", "cannot be reached"),
    ("skopeo-unauthorized.stderr", "reading manifest 1 in 127.0.0.1:40117/x/app: unauthorized: authentication required",
     "credentials"),
    ("skopeo-x509.stderr", 'pinging container registry 127.0.0.1:40117: Get "https://127.0.0.1:40117/v2/": x509: '
     "certificate signed by unknown authority", "cert_dir"),
    ("skopeo-digest-mismatch.stderr", "writing blob: happened during read: Digest did not match, expected "
     "sha256:6e16d6ed7310dc41668fe778ea676a6d31eed0b8862d8e4d6824780572fdc896, got "
     "sha256:3780975512b332fa6bdf64ecc84fcc7fc72fbf5527d0b34555eb41ed47850c60", "corrupt"),
])
def test_recorded_errors_give_the_message_and_a_hint(name: str, message: str, hint: str) -> None:
    found = tool_message(recorded(name))
    assert found == message
    assert hint in hint_for(found)


def test_plain_stderr_gives_its_last_line_and_unknown_errors_no_hint() -> None:
    assert tool_message("first\n  umoci: something broke  \n\n") == "umoci: something broke"
    assert tool_message("") == ""
    assert hint_for("something nobody knows") == ""


def test_layout_files() -> None:
    manifest = index_manifest(recorded("layout-index.json"), "image")
    assert manifest == "sha256:c407a3b6c569312a057f219544a7370bc0d9744d5687a5f67f2f9d0b731ec9e5"
    config_digest = manifest_config(recorded("layout-manifest.json"))
    assert config_digest == "sha256:198ecc5807589a8a409a69bad3e1597191dbf1f568d198e1a44af3ff9444fc2d"
    config = image_config(recorded("layout-config.json"))
    assert config["config"]["Cmd"] == ["/busybox", "sh"] and config["config"]["User"] == "0:0"
    assert platform_of(config) == "linux/amd64"
    assert platform_of({"os": "linux", "architecture": "arm64", "variant": "v8"}) == "linux/arm64/v8"


@pytest.mark.parametrize("call, text, says", [
    (lambda text: index_manifest(text, "image"), '{"manifests": []}', "no manifest named image"),
    (lambda text: index_manifest(text, "image"), "[]", "must be a JSON object"),
    (lambda text: index_manifest(text, "image"), "{", "not valid JSON"),
    (lambda text: index_manifest(text, "image"),
     '{"manifests": [{"digest": "md5:1", "annotations": {"org.opencontainers.image.ref.name": "image"}}]}', "not a sha256"),
    (manifest_config, '{"layers": []}', "no config descriptor"),
    (image_config, '"text"', "must be a JSON object"),
])
def test_broken_layout_files(call, text: str, says: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LayoutError) as caught:
        call(text)
    assert says in str(caught.value)
