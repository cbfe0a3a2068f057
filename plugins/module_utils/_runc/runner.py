# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the client runs a command: argv only, always with a timeout, never a shell."""

from __future__ import annotations

import errno
import os
import select
import subprocess
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import (
    RuncError,
    RuncNotFoundError,
    RuncTimeoutError,
)

DEV_NULL = os.devnull


class ContainerIO(t.NamedTuple):
    """Files a detached container's stdio is bound to.

    A detached container inherits runc's stdio, so these replace the pipes the
    runner would otherwise wait on: a pipe held open by the container would
    block the caller until the container exits.
    """

    stdin: str = DEV_NULL
    stdout: str = DEV_NULL
    stderr: str = DEV_NULL


class CommandResult(t.NamedTuple):
    argv: t.List[str]
    rc: int
    stdout: bytes = b""
    stderr: bytes = b""

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", errors="replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", errors="replace")


class Runner(t.Protocol):
    def __call__(
        self,
        argv: t.Sequence[str],
        timeout: float,
        data: t.Optional[bytes] = None,
        io: t.Optional[ContainerIO] = None,
    ) -> CommandResult:
        """Run ``argv``; feed ``data`` on stdin; bind stdio to ``io`` when given."""


# A log file is created private (the container's output may hold secrets), appended to, and never
# reached through a symbolic link: as root, a link would let anyone aim the output at any file.
OUTPUT_MODE = 0o600
_OUTPUT_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC


def open_output(path: str) -> t.IO[bytes]:
    """``path`` opened for appending (created 0600); OSError (ELOOP) when it is a symbolic link."""
    if path == DEV_NULL:
        return open(path, "ab")
    return os.fdopen(os.open(path, _OUTPUT_FLAGS, OUTPUT_MODE), "ab")


def _open_io(io: ContainerIO) -> t.Tuple[t.IO[bytes], t.IO[bytes], t.IO[bytes]]:
    try:
        return _open_io_files(io)
    except OSError as exc:
        symlink = " (a symbolic link is refused: give the real file)" if exc.errno == errno.ELOOP else ""
        raise RuncError("cannot open %s for the container's stdio: %s%s" % (exc.filename, exc.strerror, symlink))


def _open_io_files(io: ContainerIO) -> t.Tuple[t.IO[bytes], t.IO[bytes], t.IO[bytes]]:
    stdin = open(io.stdin, "rb")
    try:
        stdout = open_output(io.stdout)
        try:
            stderr = stdout if io.stderr == io.stdout else open_output(io.stderr)
        except BaseException:
            stdout.close()
            raise
    except BaseException:
        stdin.close()
        raise
    return stdin, stdout, stderr


class SubprocessRunner:
    """The standard-library runner used on managed hosts.

    ``AnsibleModule.run_command`` takes no timeout, which every runc call needs,
    so modules use this runner; tests substitute a recording one.
    """

    def __init__(self, env: t.Optional[t.Mapping[str, str]] = None) -> None:
        self._env = dict(env) if env is not None else None

    def __call__(
        self,
        argv: t.Sequence[str],
        timeout: float,
        data: t.Optional[bytes] = None,
        io: t.Optional[ContainerIO] = None,
    ) -> CommandResult:
        argv = list(argv)
        try:
            if io is None:
                return self._run_captured(argv, timeout, data)
            return self._run_detached(argv, timeout, io)
        except FileNotFoundError as exc:
            raise RuncNotFoundError("cannot execute %s: %s" % (argv[0], exc.strerror), argv=argv)
        except PermissionError as exc:
            raise RuncNotFoundError("cannot execute %s: %s" % (argv[0], exc.strerror), argv=argv)

    def _run_captured(self, argv: t.List[str], timeout: float, data: t.Optional[bytes]) -> CommandResult:
        try:
            # run_command has no timeout, which every runc call needs (see class docstring).
            proc = subprocess.run(  # pylint: disable=ansible-bad-function
                argv,
                input=data,
                stdin=None if data is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                timeout=timeout,
                env=self._env,
                close_fds=True,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise RuncTimeoutError(
                "%s did not finish within %s seconds and was killed" % (" ".join(argv[:3]), timeout),
                argv=argv,
                stdout=_text(exc.stdout),
                stderr=_text(exc.stderr),
            )
        return CommandResult(argv, proc.returncode, proc.stdout, proc.stderr)

    def _run_detached(self, argv: t.List[str], timeout: float, io: ContainerIO) -> CommandResult:
        stdin, stdout, stderr = _open_io(io)
        try:
            proc = subprocess.Popen(  # pylint: disable=ansible-bad-function
                argv, stdin=stdin, stdout=stdout, stderr=stderr, env=self._env, close_fds=True)
        finally:
            for handle in {id(h): h for h in (stdin, stdout, stderr)}.values():
                handle.close()
        try:
            rc = _wait(proc, timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise RuncTimeoutError(
                "%s did not finish within %s seconds and was killed" % (" ".join(argv[:3]), timeout), argv=argv
            )
        return CommandResult(argv, rc)


def _wait(proc: "subprocess.Popen[bytes]", timeout: float) -> int:
    """``proc.wait(timeout)`` without its polling: that sleeps up to 50 ms between looks, which
    nearly doubles a ``runc create`` of 50 ms. Blocks on a pidfd instead where there is one
    (Linux 5.3+, Python 3.9+), and lets ``wait`` reap the process that then has exited."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is not None:
        try:
            pidfd = pidfd_open(proc.pid)
        except OSError:  # an older kernel, or the process is gone already
            return proc.wait(timeout=timeout)
        try:
            exited, _writable, _errors = select.select([pidfd], [], [], timeout)
        finally:
            os.close(pidfd)
        if not exited:
            raise subprocess.TimeoutExpired(proc.args, timeout)
    return proc.wait(timeout=timeout)


def _text(data: t.Union[bytes, str, None]) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data
