# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replace a file atomically: readers see the old content or the new, never a part."""

from __future__ import annotations

import os
import tempfile
import typing as t


def write_atomically(path: str, data: bytes, prepare: t.Optional[t.Callable[[int], None]] = None) -> None:
    """Write ``data`` to a private (0600) temporary file beside ``path``, then rename it over ``path``.

    ``prepare`` gets the temporary file's descriptor before the rename (to set mode and owner).
    """
    fd, tmp_path = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if prepare is not None:
                prepare(handle.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise
