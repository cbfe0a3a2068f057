# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Change a directory's mode without following a symbolic link (which could aim root's chmod anywhere)."""

from __future__ import annotations

import os


def chmod_directory(path: str, mode: int) -> None:
    """``chmod`` of the directory ``path`` itself; OSError (ELOOP, ENOTDIR) when it is a symbolic link."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
