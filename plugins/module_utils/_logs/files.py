# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A container's output in a log file (runc_container ``log_path``): its last lines, read backwards in
blocks, or every line from an offset, in blocks (memory stays bounded however large the file is).

Lines are decoded as UTF-8 (invalid bytes replaced) without their ``\\n`` (or ``\\r\\n``). A last line
the container has not ended yet is a line of the tail, but a scan stops before it (``offset`` stays at
its start), so a wait reads it again once it is complete.
"""

from __future__ import annotations

import os
import stat
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._logs.selection import LogsError

BLOCK = 64 * 1024
UNFINISHED_LIMIT = 64 * 1024  # of a last line not ended yet, what is returned


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").rstrip("\r")


class LogFile:
    """One open log file and the offset after its last complete line read so far."""

    def __init__(self, path: str) -> None:
        self.path = path
        # O_NONBLOCK: a FIFO given as log_path must not hang the open; it is refused just below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise LogsError("log_path: %s is not a regular file; give the file the container's output is written to "
                            "(runc_container log_path)" % path)
        self._handle = os.fdopen(fd, "rb")
        self.offset = 0

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> "LogFile":
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()

    def _size(self) -> int:
        return os.fstat(self._handle.fileno()).st_size

    def tail(self, count: int) -> t.List[str]:
        """The last ``count`` lines (an unfinished last line included), read backwards from the end."""
        end = self._size()
        self.offset = end
        start, data = end, b""
        while start > 0 and data.count(b"\n") <= count:
            start = max(0, start - BLOCK)
            self._handle.seek(start)
            data = self._handle.read(end - start)
        pieces = data.split(b"\n")
        if start > 0:  # the first piece is the end of an earlier line
            pieces = pieces[1:]
        if pieces and pieces[-1] == b"":
            pieces.pop()
        return [_decode(piece) for piece in pieces[-count:]]

    def scan(self) -> t.Iterator[str]:
        """Every complete line from ``offset`` on; ``offset`` follows. A truncated file is read from its start."""
        if self._size() < self.offset:
            self.offset = 0
        self._handle.seek(self.offset)
        pending = b""
        while True:
            block = self._handle.read(BLOCK)
            if not block:
                return
            pieces = (pending + block).split(b"\n")
            pending = pieces.pop()
            for piece in pieces:
                self.offset += len(piece) + 1
                yield _decode(piece)

    def unfinished(self) -> str:
        """The text after the last complete line (what the container has written of its next line), "" when
        complete lines came meanwhile (a later scan reads them)."""
        self._handle.seek(self.offset)
        rest = self._handle.read(UNFINISHED_LIMIT)
        return "" if b"\n" in rest else _decode(rest)
