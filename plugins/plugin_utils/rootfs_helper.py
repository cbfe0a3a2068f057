# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""argv that runs module_utils/_connection/rootfs_io.py on a container's host (``python3 -c``), to put or
fetch one file inside the container's root; see that file for why a symlink cannot lead out of it."""

from __future__ import annotations

import base64
import functools
import typing as t
import zlib

from ansible_collections.ocitools.runc.plugins.module_utils._connection import rootfs_io
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState

# The helper travels compressed inside the command line: one round trip, nothing left on the host.
_BOOTSTRAP = "import base64,zlib;exec(zlib.decompress(base64.b64decode('%s')))"


@functools.lru_cache(maxsize=1)
def _program() -> str:
    with open(rootfs_io.__file__, "rb") as handle:
        source = handle.read()
    return _BOOTSTRAP % base64.b64encode(zlib.compress(source, 9)).decode("ascii")


def put_argv(python: str, state: ContainerState, path: str, size: int) -> t.List[str]:
    """Writes ``size`` bytes from stdin to ``path`` in the container."""
    return [python, "-c", _program(), "put", str(state.pid), state.rootfs, path, str(size)]


def fetch_argv(python: str, state: ContainerState, path: str) -> t.List[str]:
    """Prints a marker, then the bytes of ``path`` in the container."""
    return [python, "-c", _program(), "fetch", str(state.pid), state.rootfs, path]


def split_fetched(stdout: bytes) -> t.Optional[bytes]:
    """The file's bytes: what follows the marker (None without one)."""
    index = stdout.find(rootfs_io.DATA_MARKER)
    return None if index < 0 else stdout[index + len(rootfs_io.DATA_MARKER):]
