# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registry credentials for one task: a private (0600) auth file, removed when the task ends.

skopeo reads the containers-auth.json format. The password never goes on a command line
(where ``ps`` shows it) and never into a result.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
import typing as t


def auth_json(registry: str, username: str, password: str) -> bytes:
    token = base64.b64encode(("%s:%s" % (username, password)).encode("utf-8")).decode("ascii")
    return json.dumps({"auths": {registry: {"auth": token}}}).encode("utf-8")


@contextlib.contextmanager
def auth_file(registry: str, username: t.Optional[str], password: t.Optional[str],
              given: t.Optional[str]) -> t.Iterator[t.Optional[str]]:
    """The auth file skopeo gets: ``given`` as it is, a private temporary one for username/password, or None."""
    if given or not username:
        yield given or None
        return
    fd, path = tempfile.mkstemp(prefix="ocitools-auth-", suffix=".json")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(auth_json(registry, username, password or ""))
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
