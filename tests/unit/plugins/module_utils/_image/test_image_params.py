# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_image's options checked before anything runs: each error names its option."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._image.commands import Platform, Tools
from ansible_collections.ocitools.runc.plugins.module_utils._image.errors import ImageError
from ansible_collections.ocitools.runc.plugins.module_utils._image.manager import ImageParams

BASE: t.Dict[str, t.Any] = {"name": "docker://127.0.0.1:5000/app:1", "state": "present", "store": "/var/lib/ocitools/images",
                            "tls_verify": True, "timeout": 600.0, "prune": False}


def params(**changes: t.Any) -> ImageParams:
    return ImageParams.from_options(dict(BASE, **changes), Tools())


def test_defaults_and_platform() -> None:
    checked = params(platform={"architecture": "arm64", "variant": "v8"}, store="/srv/images/")
    assert checked.reference is not None and checked.reference.text == BASE["name"]
    assert checked.store == "/srv/images" and checked.platform == Platform("", "arm64", "v8")
    assert params(name=None, prune=True).reference is None


@pytest.mark.parametrize("changes, starts", [
    ({"name": None}, "name: required unless prune=true"),
    ({"name": "dir:/x"}, "name: "),
    ({"store": "relative"}, "store: "),
    ({"timeout": 0}, "timeout: "),
    ({"auth_file": "/nonexistent/auth.json"}, "auth_file: "),
    ({"cert_dir": "/nonexistent/certs"}, "cert_dir: "),
])
def test_bad_options_name_the_option(changes: t.Dict[str, t.Any], starts: str) -> None:
    with pytest.raises(ImageError) as caught:
        params(**changes)
    assert caught.value.msg.startswith(starts)


def test_existing_files_are_accepted(tmp_path: Path) -> None:
    auth = tmp_path / "auth.json"
    auth.write_text("{}")
    checked = params(auth_file=str(auth), cert_dir=str(tmp_path), tls_verify=False)
    assert checked.auth_file == str(auth) and checked.cert_dir == str(tmp_path) and checked.tls_verify is False
