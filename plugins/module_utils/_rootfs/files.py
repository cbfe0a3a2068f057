# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files written from the host into a container's root filesystem, all in one task, without following its links.

A path in a root filesystem means a path in the container: a symbolic link there (``/etc -> /x``) would aim a
write by root on the host at the host's own files. So every directory on the way is opened from the rootfs with
``O_NOFOLLOW`` (a link on the way fails the task), and a link at the file's own place is replaced by the file,
never followed. Each file is replaced atomically (a temporary file beside it, then a rename) only when its
content differs; a file whose content is right but whose mode is not is only ``chmod``-ed.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import secrets
import stat
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.difference import MISSING, Difference
from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc

DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
MAX_CONTENT = 1024 * 1024  # bytes: configuration files, not images


@dataclasses.dataclass(frozen=True)
class WantedFile:
    """A file as the task declares it: its path in the rootfs (``etc/hostname`` parts), content and mode."""

    path: str
    parts: t.Tuple[str, ...]
    content: bytes
    mode: int


@dataclasses.dataclass(frozen=True)
class FoundFile:
    """What is at a file's place now: a regular file (content, mode), or something else (``kind``)."""

    kind: str  # "file", "absent", "link" or "other"
    content: bytes = b""
    mode: int = 0


def _mode(value: t.Any, where: str) -> int:
    text = str(value if value is not None else "0644")
    try:
        mode = int(text, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o7777:
        raise TaskError("%s.mode: %r is not an octal file mode such as '0644'" % (where, value))
    return mode


def _parts(path: t.Any, where: str) -> t.Tuple[str, ...]:
    parts = tuple(str(path or "").split("/")[1:])
    if not str(path or "").startswith("/") or not parts or any(part in ("", ".", "..") for part in parts):
        raise TaskError("%s.path: %r is not a normalized absolute path in the rootfs, such as /etc/hostname "
                        "(no '.', '..', '//' or trailing '/')" % (where, path))
    return parts


def wanted_files(files: t.Sequence[t.Mapping[str, t.Any]]) -> t.List[WantedFile]:
    """The ``files`` option checked; TaskError names the first bad entry and why."""
    wanted: t.List[WantedFile] = []
    for index, entry in enumerate(files):
        where = "files[%d]" % index
        parts = _parts(entry.get("path"), where)
        content = str(entry.get("content") or "").encode("utf-8")
        if len(content) > MAX_CONTENT:
            raise TaskError("%s.content: %d bytes, more than the %d this module writes (it is for configuration "
                            "files)" % (where, len(content), MAX_CONTENT))
        wanted.append(WantedFile("/" + "/".join(parts), parts, content, _mode(entry.get("mode"), where)))
    paths = [item.path for item in wanted]
    twice = sorted({path for path in paths if paths.count(path) > 1})
    if twice:
        raise TaskError("files: %s given more than once; give each path once" % ", ".join(twice))
    return wanted


def planned_action(found: FoundFile, wanted: WantedFile) -> t.Optional[str]:
    """What makes ``found`` the ``wanted`` file: ``write``, ``chmod`` or nothing (None)."""
    if found.kind != "file" or found.content != wanted.content:
        return "write"
    if found.mode != wanted.mode:
        return "chmod"
    return None


def _open_parent(rootfs_fd: int, wanted: WantedFile) -> int:
    fd = os.dup(rootfs_fd)
    try:
        for index, part in enumerate(wanted.parts[:-1]):
            try:
                next_fd = os.open(part, DIRECTORY_FLAGS, dir_fd=fd)
            except OSError as exc:
                where = "/" + "/".join(wanted.parts[:index + 1])
                raise TaskError("%s: %s in the rootfs is %s; the directories on the way to a file must exist and "
                                "must not be symbolic links (write to the real path)" % (
                                    wanted.path, where, "missing" if exc.errno == errno.ENOENT else
                                    "not a directory (or a symbolic link)"), path=wanted.path) from None
            os.close(fd)
            fd = next_fd
        return fd
    except BaseException:
        os.close(fd)
        raise


def _found(parent_fd: int, name: str) -> FoundFile:
    try:
        info = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
    except FileNotFoundError:
        return FoundFile("absent")
    if stat.S_ISLNK(info.st_mode):
        return FoundFile("link")
    if not stat.S_ISREG(info.st_mode):
        return FoundFile("other")
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent_fd)
    with os.fdopen(fd, "rb") as handle:
        return FoundFile("file", handle.read(MAX_CONTENT + 1), stat.S_IMODE(os.fstat(handle.fileno()).st_mode))


def _write(parent_fd: int, name: str, wanted: WantedFile) -> None:
    temporary = ".%s.%s.tmp" % (name[:200], secrets.token_hex(4))
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                 dir_fd=parent_fd)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(wanted.content)
            handle.flush()
            os.fchmod(handle.fileno(), wanted.mode)
            os.fsync(handle.fileno())
        os.replace(temporary, name, src_dir_fd=parent_fd, dst_dir_fd=parent_fd)
    except BaseException:
        try:
            os.unlink(temporary, dir_fd=parent_fd)
        except OSError:
            pass
        raise


def _chmod(parent_fd: int, name: str, mode: int) -> None:
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent_fd)
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def _side(found: FoundFile) -> t.Any:
    if found.kind == "absent":
        return MISSING
    if found.kind != "file":
        return {"type": found.kind}
    return {"content": found.content.decode("utf-8", "replace"), "mode": "%04o" % found.mode}


def converge_files(rootfs: str, files: t.Sequence[t.Mapping[str, t.Any]], check_mode: bool) -> t.Dict[str, t.Any]:
    """Bring every file to its declared content and mode (nothing in check mode); the task's result."""
    wanted = wanted_files(files)
    try:
        rootfs_fd = os.open(rootfs, DIRECTORY_FLAGS)
    except OSError as exc:
        raise TaskError("rootfs: %s is not a directory (%s); give the container's root filesystem, such as "
                        "BUNDLE/rootfs" % (rootfs, exc.strerror), rootfs=rootfs) from None
    changed: t.List[str] = []
    difference = Difference()
    try:
        for item in wanted:
            parent_fd = _open_parent(rootfs_fd, item)
            try:
                name = item.parts[-1]
                found = _found(parent_fd, name)
                if found.kind == "other":
                    raise TaskError("%s: a directory or special file is there in the rootfs; remove it or write "
                                    "another path" % item.path, path=item.path)
                action = planned_action(found, item)
                if action is None:
                    continue
                changed.append(item.path)
                difference.add(item.path, _side(found), _side(FoundFile("file", item.content, item.mode)))
                if check_mode:
                    continue
                if action == "write":
                    _write(parent_fd, name, item)
                else:
                    _chmod(parent_fd, name, item.mode)
            finally:
                os.close(parent_fd)
    finally:
        os.close(rootfs_fd)
    return {"changed": bool(changed), "rootfs": rootfs, "changed_files": changed, "diff": difference.to_dict()}


def manage_files(params: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc],
                 check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
    """The runc_rootfs_files task (it needs no runc)."""
    return converge_files(params["rootfs"], params["files"], check_mode)
