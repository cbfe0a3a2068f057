# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``creates``/``removes`` for ``runc_exec``: paths checked inside a container's filesystem.

Paths are resolved as the container would resolve them, with the container's root as ``/``:
symlinks (absolute or relative) and ``..`` never lead out of it. The walk goes one component
at a time through directory file descriptors opened with O_NOFOLLOW, so a symlink the
container swaps in meanwhile is not followed on the host either.
"""

from __future__ import annotations

import os
import posixpath
import stat
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError

MAX_SYMLINKS = 40  # as Linux's own path walk
_DIR_FLAGS = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class GuardError(TaskError):
    """A path that cannot be resolved (a symlink loop, a permission error)."""


def container_root(pid: int, rootfs: str) -> str:
    """The container's own view of its filesystem: /proc/PID/root (which includes its mounts,
    such as a tmpfs) while it has a process, else its rootfs on the host."""
    proc_root = "/proc/%d/root" % pid
    if pid > 0 and os.path.isdir(proc_root):
        return proc_root
    return rootfs


def _components(path: str) -> t.List[str]:
    return [part for part in path.split("/") if part not in ("", ".")]


class _Walk:
    """Directory fds from the root down to the current directory."""

    def __init__(self, root: str) -> None:
        self.fds = [os.open(root, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)]

    def current(self) -> int:
        return self.fds[-1]

    def up(self) -> None:
        if len(self.fds) > 1:  # ".." at the root stays at the root
            os.close(self.fds.pop())

    def to_root(self) -> None:
        while len(self.fds) > 1:
            os.close(self.fds.pop())

    def down(self, name: str) -> None:
        self.fds.append(os.open(name, _DIR_FLAGS, dir_fd=self.current()))

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []


def exists_in_root(root: str, path: str, cwd: str = "/") -> bool:
    """Whether ``path`` (relative ones from ``cwd``) exists inside ``root``, following symlinks
    as the container would (a dangling one does not exist)."""
    pending = _components(path if path.startswith("/") else posixpath.join(cwd, path))
    links = 0
    walk = _Walk(root)
    try:
        while pending:
            name = pending.pop(0)
            if name == "..":
                walk.up()
                continue
            try:
                info = os.stat(name, dir_fd=walk.current(), follow_symlinks=False)
            except (FileNotFoundError, NotADirectoryError):
                return False
            if stat.S_ISLNK(info.st_mode):
                links += 1
                if links > MAX_SYMLINKS:
                    raise GuardError("%s: more than %d symbolic links on the way (a loop?)" % (path, MAX_SYMLINKS))
                target = os.readlink(name, dir_fd=walk.current())
                if target.startswith("/"):
                    walk.to_root()
                pending = _components(target) + pending
                continue
            if not pending:
                return True
            if not stat.S_ISDIR(info.st_mode):
                return False  # "file/more": not a directory
            walk.down(name)
        return True
    except PermissionError as exc:
        raise GuardError("%s: %s" % (path, exc.strerror))
    finally:
        walk.close()


def guard_skip_message(root: str, creates: t.Optional[str], removes: t.Optional[str], cwd: str = "/") -> t.Optional[str]:
    """Why the command need not run (as ansible.builtin.command says it), or None to run it."""
    if creates and exists_in_root(root, creates, cwd):
        return "skipped, since %s exists" % creates
    if removes and not exists_in_root(root, removes, cwd):
        return "skipped, since %s does not exist" % removes
    return None
