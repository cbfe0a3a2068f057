# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The end of a log file, for error messages (container logs, CRIU's dump/restore logs)."""

from __future__ import annotations

import os


def read_tail(path: str, limit: int) -> str:
    """The last ``limit`` bytes of ``path`` as text ("" when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - limit))
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
