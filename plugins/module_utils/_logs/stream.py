# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A command's standard output line by line as it comes (journalctl's, which can be long): argv only,
never a shell, killed after a timeout. Its standard error goes to a private temporary file, so a
chatty one cannot block it."""

from __future__ import annotations

import subprocess
import tempfile
import threading
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._logs.selection import LogsError

# ``stream(argv, timeout)``: the output lines; StreamFailed when the command exits non-zero.
Stream = t.Callable[[t.List[str], float], t.Iterator[bytes]]


class StreamFailed(LogsError):
    """The command exited non-zero, or could not run; ``stderr`` says why."""

    def __init__(self, msg: str, stderr: str = "") -> None:
        super().__init__(msg, stderr=stderr)
        self.stderr = stderr


def stream_lines(argv: t.List[str], timeout: float) -> t.Iterator[bytes]:
    with tempfile.TemporaryFile() as errors:
        try:
            # run_command neither streams nor has a timeout.
            proc = subprocess.Popen(  # pylint: disable=ansible-bad-function
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, close_fds=True)
        except OSError as exc:
            raise StreamFailed("cannot execute %s: %s" % (argv[0], exc.strerror), stderr=str(exc))
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        stdout = t.cast(t.IO[bytes], proc.stdout)
        try:
            yield from stdout
        finally:
            stdout.close()
            if proc.poll() is None:
                proc.kill()
            rc = proc.wait()
            killer.cancel()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", errors="replace").strip()
        if rc != 0:
            reason = "it was killed after %s seconds" % timeout if rc < 0 else "rc=%d" % rc
            raise StreamFailed("%s failed (%s): %s" % (" ".join(argv[:1]), reason, stderr or "no message"), stderr)
