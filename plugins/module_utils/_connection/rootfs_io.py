# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read or write one file inside a running container's root filesystem, from the container's host.

The ``ocitools.runc.runc`` connection plugin runs this file on the host (``python3 -c``, standard
library only, Python 3.8+) to put and fetch files, so the container needs neither a shell, tar nor
Python. The container's root is reached as ``/proc/PID/root``; a path is then resolved one
component at a time, never by the kernel:

* every directory is opened with ``openat(parent_fd, name, O_DIRECTORY|O_NOFOLLOW)``, so a component
  that is (or is swapped into) a symlink makes the open fail instead of being followed;
* a symlink found by ``lstat`` is read with ``readlinkat`` and resolved *inside* the container root:
  an absolute target restarts at the root, ``..`` pops a stack of directory fds and never goes above
  the root (no ``openat(fd, "..")``, which from the root fd would reach the host's tree). This is what
  ``chroot``, and the kernel's ``openat2(RESOLVE_IN_ROOT)``, do; it is written out here because
  ``openat2`` is missing from older kernels and from Python;
* the file itself is written to a new temporary name (``O_CREAT|O_EXCL|O_NOFOLLOW``) and renamed over
  the final name in the same directory fd, and read with ``O_NOFOLLOW`` after checking it is a
  regular file, so neither a symlink nor a FIFO at the last component is ever opened.

A symlink inside the container that points at ``/etc/shadow`` therefore names the *container's*
``/etc/shadow``. The process behind ``/proc/PID`` is checked against the container: its root must be
the same inode as the container's rootfs on the host (``runc state``'s ``rootfs``), so a pid reused
after the container stopped is refused. New files get the owner of their directory and mode 0600;
a replaced file keeps its owner and mode.

Usage: ``python3 rootfs_io.py put PID ROOTFS PATH SIZE`` (SIZE bytes from stdin) or
``python3 rootfs_io.py fetch PID ROOTFS PATH`` (``DATA_MARKER`` then the file's bytes on stdout).
Errors: one line on stderr, exit status 1 (2 for bad usage).
"""

from __future__ import annotations

import binascii
import collections
import os
import stat
import sys
import typing as t

MAX_SYMLINKS = 40
CHUNK = 1024 * 1024
# Printed before the data of a fetch: the caller takes what follows it, whatever precedes it
# (a become plugin's success marker, a login banner).
DATA_MARKER = b"OCITOOLS-ROOTFS-DATA\n"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class RootfsIOError(Exception):
    """A path that cannot be read or written inside the container root."""


def open_container_root(pid: int, rootfs: str, proc: str = "/proc") -> int:
    """A directory fd on the root of process ``pid``, checked to be the container's ``rootfs``."""
    try:
        proc_fd = os.open("%s/%d" % (proc, pid), _DIR_FLAGS)
    except OSError as exc:
        raise RootfsIOError("process %d is gone (%s): is the container still running?" % (pid, exc.strerror))
    try:
        # "root" is the one link followed on purpose: it is the process's root directory.
        root_fd = os.open("root", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=proc_fd)
    except OSError as exc:
        raise RootfsIOError("cannot open the root of process %d: %s" % (pid, exc.strerror))
    finally:
        os.close(proc_fd)
    try:
        expected = os.stat(rootfs)
    except OSError as exc:
        os.close(root_fd)
        raise RootfsIOError("cannot stat the container's rootfs %s on the host: %s" % (rootfs, exc.strerror))
    actual = os.fstat(root_fd)
    if (actual.st_dev, actual.st_ino) != (expected.st_dev, expected.st_ino):
        os.close(root_fd)
        raise RootfsIOError("the root of process %d is not the container's rootfs %s: did the container stop?"
                            % (pid, rootfs))
    return root_fd


def _components(path: str) -> t.List[str]:
    return [part for part in path.split("/") if part not in ("", ".")]


def resolve_in_root(root_fd: int, path: str) -> t.Tuple[int, str]:
    """(fd of the directory holding the last component, its name), with every symlink on the way,
    the last one included, resolved inside ``root_fd``. The caller closes the fd; the name may not
    exist yet."""
    if not path.startswith("/"):
        raise RootfsIOError("path %r is not absolute" % path)
    stack = [os.dup(root_fd)]
    pending = collections.deque(_components(path))
    links = 0
    try:
        while pending:
            name = pending.popleft()
            if name == "..":
                if len(stack) > 1:
                    os.close(stack.pop())
                continue
            try:
                info = os.stat(name, dir_fd=stack[-1], follow_symlinks=False)
            except FileNotFoundError:
                if pending:
                    raise RootfsIOError("%s: directory %r does not exist in the container" % (path, name))
                break
            if stat.S_ISLNK(info.st_mode):
                links += 1
                if links > MAX_SYMLINKS:
                    raise RootfsIOError("%s: more than %d symlinks" % (path, MAX_SYMLINKS))
                target = os.readlink(name, dir_fd=stack[-1])
                if target.startswith("/"):
                    while len(stack) > 1:
                        os.close(stack.pop())
                pending.extendleft(reversed(_components(target)))
                if not pending:  # a link to "/" or "."
                    raise RootfsIOError("%s: resolves to a directory" % path)
                continue
            if not pending:
                break
            if not stat.S_ISDIR(info.st_mode):
                raise RootfsIOError("%s: %r is not a directory" % (path, name))
            stack.append(os.open(name, _DIR_FLAGS, dir_fd=stack[-1]))
        else:
            raise RootfsIOError("%s: resolves to a directory" % path)
    except OSError as exc:
        for fd in stack:
            os.close(fd)
        raise RootfsIOError("%s: %s" % (path, exc.strerror or exc))
    except RootfsIOError:
        for fd in stack:
            os.close(fd)
        raise
    for fd in stack[:-1]:
        os.close(fd)
    return stack[-1], name


def _existing(dir_fd: int, name: str) -> t.Optional[os.stat_result]:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def write_file(root_fd: int, path: str, source: t.BinaryIO, size: int, mode: t.Optional[int] = None) -> None:
    """Write ``size`` bytes of ``source`` to ``path`` inside the root: a new file renamed into place, with ``mode``
    (by default the replaced file's mode, or 0600 for a new file)."""
    dir_fd, name = resolve_in_root(root_fd, path)
    temp = ".%s.%s.ocitools" % (name[:200], binascii.hexlify(os.urandom(6)).decode("ascii"))
    try:
        old = _existing(dir_fd, name)
        if old is not None and stat.S_ISDIR(old.st_mode):
            raise RootfsIOError("%s is a directory" % path)
        owner = old if old is not None and stat.S_ISREG(old.st_mode) else os.fstat(dir_fd)
        if mode is None:
            mode = stat.S_IMODE(old.st_mode) if old is not None and stat.S_ISREG(old.st_mode) else 0o600
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                     dir_fd=dir_fd)
        try:
            with os.fdopen(fd, "wb", closefd=False) as out:
                _copy(source, out, size, path)
            os.fchown(fd, owner.st_uid, owner.st_gid)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.rename(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except OSError as exc:
        _unlink_quietly(dir_fd, temp)
        raise RootfsIOError("%s: %s" % (path, exc.strerror or exc))
    except BaseException:
        _unlink_quietly(dir_fd, temp)
        raise
    finally:
        os.close(dir_fd)


def open_in_root(root_fd: int, path: str) -> t.Optional[int]:
    """A read-only descriptor of what is at ``path`` inside the root (links resolved there), None when nothing is;
    the caller checks what it is (a directory, a FIFO and a regular file all open)."""
    dir_fd, name = resolve_in_root(root_fd, path)
    try:
        # O_NONBLOCK: opening a FIFO must not hang; O_NOFOLLOW: the name became a link meanwhile
        return os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RootfsIOError("%s: %s" % (path, exc.strerror or exc))
    finally:
        os.close(dir_fd)


def read_file(root_fd: int, path: str, sink: t.BinaryIO) -> int:
    """Copy the regular file ``path`` inside the root to ``sink``; returns the byte count."""
    fd = open_in_root(root_fd, path)
    if fd is None:
        raise RootfsIOError("%s does not exist in the container" % path)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RootfsIOError("%s is not a regular file" % path)
        count = 0
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            sink.write(chunk)
            count += len(chunk)
        return count


def _copy(source: t.BinaryIO, out: t.BinaryIO, size: int, path: str) -> None:
    left = size
    while left > 0:
        chunk = source.read(min(CHUNK, left))
        if not chunk:
            raise RootfsIOError("%s: input ended after %d of %d bytes" % (path, size - left, size))
        out.write(chunk)
        left -= len(chunk)


def _unlink_quietly(dir_fd: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except OSError:
        pass


def main(argv: t.Sequence[str]) -> int:
    if len(argv) < 4 or argv[0] not in ("put", "fetch") or (argv[0] == "put") != (len(argv) == 5):
        sys.stderr.write("usage: rootfs_io.py put PID ROOTFS PATH SIZE | fetch PID ROOTFS PATH\n")
        return 2
    try:
        root_fd = open_container_root(int(argv[1]), argv[2])
        try:
            if argv[0] == "put":
                write_file(root_fd, argv[3], sys.stdin.buffer, int(argv[4]))
            else:
                sys.stdout.buffer.write(DATA_MARKER)
                read_file(root_fd, argv[3], sys.stdout.buffer)
                sys.stdout.buffer.flush()
        finally:
            os.close(root_fd)
    except RootfsIOError as exc:
        sys.stderr.write("rootfs_io: %s\n" % exc)
        return 1
    return 0


if __name__ == "__main__":
    # a program the connection plugin runs on the container's host, not a module: no exit_json here
    sys.exit(main(sys.argv[1:]))  # pylint: disable=ansible-bad-function
