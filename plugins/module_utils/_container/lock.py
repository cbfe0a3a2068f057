# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A per-container lock under the runc root, held while runc_container or runc_checkpoint changes a container.

``<root>/<id>@ocitools.lock``, locked with ``fcntl.flock``. A holder that deletes the
container also removes the lock file; a waiter that then gets the lock on the removed
file notices (the path no longer names its file) and locks the new one instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError

LOCK_SUFFIX = "@ocitools.lock"
_POLL_SECONDS = 0.05


class LockTimeoutError(Exception):
    """Another task held the container's lock for longer than we were willing to wait."""


def lock_path(root: str, container_id: str) -> str:
    return os.path.join(root, container_id + LOCK_SUFFIX)


def _still_linked(handle: int, path: str) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(handle)
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)


def _acquire(path: str, deadline: float) -> int:
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(handle)
                    raise LockTimeoutError(path)
                time.sleep(_POLL_SECONDS)
        if _still_linked(handle, path):
            return handle
        os.close(handle)  # the holder removed it: lock the file that is there now


class ContainerLock:
    """Exclusive lock of one container id; ``discard()`` removes the file on release."""

    def __init__(self, root: str, container_id: str) -> None:
        self.root = root
        self.container_id = container_id
        self.path = lock_path(root, container_id)
        self._discard = False

    def discard(self) -> None:
        """Remove the lock file when released (the container is gone)."""
        self._discard = True

    @contextlib.contextmanager
    def held(self, timeout: float) -> t.Iterator["ContainerLock"]:
        os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
        handle = _acquire(self.path, time.monotonic() + timeout)
        try:
            yield self
        finally:
            if self._discard:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)
            os.close(handle)


@contextlib.contextmanager
def held_by_task(lock: ContainerLock, timeout: float, error: t.Type[TaskError] = TaskError) -> t.Iterator[ContainerLock]:
    """``lock.held(timeout)`` for a task (runc_container, runc_checkpoint): a wait that times out, or a root
    where the lock file or the container's record cannot be made, fails the task as ``error``."""
    try:
        with lock.held(timeout):
            yield lock
    except LockTimeoutError:
        raise error("id: container %s stayed locked by another task for %.0f seconds (%s)"
                    % (lock.container_id, timeout, lock.path))
    except OSError as exc:
        if exc.filename is None or not str(exc.filename).startswith(lock.root):
            raise
        raise error("root: cannot use %s for the container's lock and record: %s; root must be a directory the task's "
                    "user can write (runc's state root)" % (exc.filename, exc.strerror or exc), path=exc.filename)
