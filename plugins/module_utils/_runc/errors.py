# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions raised by the runc client. Each keeps everything runc said."""

from __future__ import annotations

import typing as t


def _tail(text: str, limit: int = 4000) -> str:
    text = text.strip()
    return text if len(text) <= limit else "..." + text[-limit:]


def _repeats(line: str, message: str) -> bool:
    """Whether a stderr line only repeats runc's message (runc logs it and prints it)."""
    return bool(message) and any(part.strip() and part.strip() in line for part in message.split("; "))


class RuncError(Exception):
    """A runc invocation that failed, or output that could not be understood.

    ``runc_message`` is runc's own error text, taken from its JSON log when
    ``--log-format json`` is in use (the only place it appears when the
    container's stdio is redirected), otherwise from stderr.
    """

    def __init__(
        self,
        message: str,
        argv: t.Sequence[str] = (),
        rc: t.Optional[int] = None,
        stdout: str = "",
        stderr: str = "",
        runc_message: str = "",
    ) -> None:
        self.message = message
        self.argv = list(argv)
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.runc_message = runc_message
        super().__init__(self.describe())

    def describe(self) -> str:
        parts = [self.message]
        if self.runc_message and self.runc_message not in self.message:
            parts.append("runc said: " + _tail(self.runc_message))
        extra = [line for line in self.stderr.splitlines() if line.strip() and not _repeats(line, self.runc_message)]
        if extra:
            parts.append("stderr: " + _tail("\n".join(extra)))
        return "; ".join(parts)

    def as_dict(self) -> t.Dict[str, t.Any]:
        """The details of a failed task beside ``msg``."""
        return {
            "cmd": self.argv,
            "rc": self.rc,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "runc_message": self.runc_message,
        }


class RuncNotFoundError(RuncError):
    """The runc binary (or the CRIU path handed to it) does not exist."""


class RuncTimeoutError(RuncError):
    """runc did not finish within the call's timeout."""


class ContainerNotFoundError(RuncError):
    """runc reports that the container does not exist."""


class RuncParseError(RuncError):
    """runc's output did not have the expected shape."""


class RuncUnsupportedError(RuncError):
    """The installed runc lacks a subcommand or flag that was asked for."""


class InvalidContainerIdError(ValueError):
    """A container id that runc would refuse (or that would escape its root)."""
