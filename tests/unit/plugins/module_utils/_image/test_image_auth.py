# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The task's auth file: private, in skopeo's format, gone afterwards; a given file is used as it is."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._image.auth import auth_file, auth_json


def test_temporary_auth_file_is_private_and_removed() -> None:
    with auth_file("127.0.0.1:5000", "deploy", "s3cret", None) as path:
        assert path is not None
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        assert base64.b64decode(data["auths"]["127.0.0.1:5000"]["auth"]) == b"deploy:s3cret"
    assert not os.path.exists(path)


def test_removed_after_an_error_too() -> None:
    with pytest.raises(RuntimeError):
        with auth_file("r", "u", "p", None) as path:
            raise RuntimeError("pull failed")
    assert path is not None and not os.path.exists(path)


def test_given_file_or_none() -> None:
    with auth_file("r", None, None, "/etc/auth.json") as path:
        assert path == "/etc/auth.json"
    with auth_file("r", None, None, None) as path:
        assert path is None


def test_auth_json_format() -> None:
    assert json.loads(auth_json("r.example", "u", "p")) == {"auths": {"r.example": {"auth": "dTpw"}}}
