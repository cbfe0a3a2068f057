# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec's image defaults: conversion of the image config, explicit options winning, store errors."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._spec.image import (
    image_annotations,
    image_user,
    merge_image_defaults,
    with_image_defaults,
)
from ansible_collections.ocitools.runc.plugins.module_utils._spec.validation import SpecInputError

DIGEST = "sha256:" + "c" * 64
CONFIG: t.Dict[str, t.Any] = {
    "os": "linux", "architecture": "amd64",
    "config": {"Entrypoint": ["/bin/app"], "Cmd": ["--serve"], "Env": ["PATH=/bin", "MODE=prod"], "User": "app",
               "WorkingDir": "/srv", "ExposedPorts": {"8080/tcp": {}, "53/udp": {}}, "Labels": {"team": "web"},
               "StopSignal": "SIGINT"},
}
PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\nbroken\n"
GROUP = "root:x:0:\nstaff:x:50:\n"


@pytest.mark.parametrize("user, expected", [
    ("", None),
    ("0", {"uid": 0, "gid": 0}),
    ("1000", {"uid": 1000, "gid": 1001}),       # primary group from passwd
    ("4242", {"uid": 4242, "gid": 0}),          # not listed: gid 0
    ("1000:50", {"uid": 1000, "gid": 50}),
    ("app", {"uid": 1000, "gid": 1001}),
    ("app:staff", {"uid": 1000, "gid": 50}),
    ("0:staff", {"uid": 0, "gid": 50}),
])
def test_image_user(user: str, expected: t.Optional[t.Dict[str, int]]) -> None:
    assert image_user(user, PASSWD, GROUP) == expected


@pytest.mark.parametrize("user, says", [("nobody", "/etc/passwd"), ("app:wheel", "/etc/group")])
def test_image_user_unknown_names(user: str, says: str) -> None:
    with pytest.raises(ValueError) as caught:
        image_user(user, PASSWD, GROUP)
    assert says in str(caught.value)


def test_annotations_follow_the_oci_conversion() -> None:
    assert image_annotations(CONFIG, DIGEST, "docker://r/app:1") == {
        "team": "web",
        "org.opencontainers.image.exposedPorts": "53/udp,8080/tcp",
        "org.opencontainers.image.stopSignal": "SIGINT",
        "org.opencontainers.image.os": "linux",
        "org.opencontainers.image.architecture": "amd64",
        "ocitools.runc.image.digest": DIGEST,
        "ocitools.runc.image.name": "docker://r/app:1",
    }


def test_image_gives_defaults() -> None:
    merged = merge_image_defaults({"bundle": "/b", "args": None}, CONFIG, DIGEST, "docker://r/app:1", "/store/rootfs/c",
                                  {"uid": 1000, "gid": 1001})
    assert merged["args"] == ["/bin/app", "--serve"]
    assert merged["env"] == {"PATH": "/bin", "MODE": "prod"}
    assert merged["cwd"] == "/srv" and merged["user"] == {"uid": 1000, "gid": 1001}
    assert merged["rootfs"] == "/store/rootfs/c" and merged["annotations"]["team"] == "web"


def test_explicit_options_override_the_image() -> None:
    params = {"args": ["/bin/sh"], "env": {"MODE": "dev", "EXTRA": "1"}, "cwd": "/", "user": {"uid": 5},
              "annotations": {"team": "ops"}, "rootfs": "/elsewhere"}
    merged = merge_image_defaults(params, CONFIG, DIGEST, "docker://r/app:1", "/store/rootfs/c", {"uid": 1000, "gid": 1001})
    assert merged["args"] == ["/bin/sh"] and merged["cwd"] == "/" and merged["user"] == {"uid": 5}
    assert merged["env"] == {"PATH": "/bin", "MODE": "dev", "EXTRA": "1"}
    assert merged["annotations"]["team"] == "ops" and merged["annotations"]["ocitools.runc.image.digest"] == DIGEST
    assert merged["rootfs"] == "/elsewhere"


def test_an_image_without_command_needs_args() -> None:
    with pytest.raises(SpecInputError) as caught:
        merge_image_defaults({}, {"config": {}}, DIGEST, "docker://r/app:1", "/r", None)
    assert caught.value.args[0].startswith("args: ") and "docker://r/app:1" in caught.value.args[0]


def test_without_image_params_are_unchanged() -> None:
    params = {"args": ["x"], "image": None}
    assert with_image_defaults(params) is params


def test_image_missing_from_the_store_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(SpecInputError) as caught:
        with_image_defaults({"image": "docker://r/app:1", "image_store": str(tmp_path)})
    assert caught.value.args[0].startswith("image: docker://r/app:1 is not in the image store")
    with pytest.raises(SpecInputError) as bad:
        with_image_defaults({"image": "dir:/x", "image_store": str(tmp_path)})
    assert bad.value.args[0].startswith("image: ")


def test_image_from_a_store(tmp_path: Path, store_image: t.Callable[..., Path]) -> None:
    rootfs = store_image(tmp_path, "docker://r/app:1", DIGEST, CONFIG, PASSWD)
    merged = with_image_defaults({"image": "r/app:1", "image_store": str(tmp_path)})
    assert merged["user"] == {"uid": 1000, "gid": 1001} and merged["rootfs"] == str(rootfs)
    (rootfs / "etc" / "passwd").write_text("root:x:0:0::/:/bin/sh\n")
    with pytest.raises(SpecInputError) as caught:
        with_image_defaults({"image": "r/app:1", "image_store": str(tmp_path)})
    assert "not in the image's /etc/passwd" in caught.value.args[0] and caught.value.args[0].endswith("give user")
    assert with_image_defaults({"image": "r/app:1", "image_store": str(tmp_path), "user": {"uid": 7}})["user"] == {"uid": 7}
