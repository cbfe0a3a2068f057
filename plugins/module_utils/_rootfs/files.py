# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files written from the host into a container's root filesystem, all in one task, as the container sees them.

A path in a root filesystem means a path in the container: a symbolic link there (``/etc/hosts -> /x``) must not
aim a write by root on the host at the host's own files. Paths are resolved inside the rootfs the way the
connection plugin does (``_connection/rootfs_io.py``: one component at a time, links resolved in the root, never
above it). A file is written anew (a temporary file with its mode, renamed over it) only when its content differs;
a file whose content is right but whose mode is not is only ``chmod``-ed.
"""

from __future__ import annotations

import dataclasses
import errno
import io
import os
import stat
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.difference import MISSING, Difference
from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._connection.rootfs_io import (
    RootfsIOError,
    open_in_root,
    write_file,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc

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
    """What is at a file's place now (its links resolved in the rootfs): a regular file (content, mode), or not."""

    kind: str  # "file", "absent" or "other"
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


def _found(root_fd: int, path: str) -> FoundFile:
    fd = open_in_root(root_fd, path)
    if fd is None:
        return FoundFile("absent")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return FoundFile("other")
    with os.fdopen(fd, "rb") as handle:
        return FoundFile("file", handle.read(MAX_CONTENT + 1), stat.S_IMODE(info.st_mode))


def _chmod(root_fd: int, path: str, mode: int) -> None:
    fd = open_in_root(root_fd, path)
    if fd is None:
        raise RootfsIOError("%s: gone before its mode was set" % path)
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def _converge_one(root_fd: int, item: WantedFile, check_mode: bool, changed: t.List[str],
                  difference: Difference) -> None:
    found = _found(root_fd, item.path)
    if found.kind == "other":
        raise TaskError("%s: a directory or special file is there in the rootfs; remove it or write another path"
                        % item.path, path=item.path)
    action = planned_action(found, item)
    if action is None:
        return
    changed.append(item.path)
    difference.add(item.path, _side(found), _side(FoundFile("file", item.content, item.mode)))
    if check_mode:
        return
    if action == "write":
        write_file(root_fd, item.path, io.BytesIO(item.content), len(item.content), mode=item.mode)
    else:
        _chmod(root_fd, item.path, item.mode)


def _side(found: FoundFile) -> t.Any:
    if found.kind == "absent":
        return MISSING
    if found.kind != "file":
        return {"type": found.kind}
    return {"content": found.content.decode("utf-8", "replace"), "mode": "%04o" % found.mode}


def _result(rootfs: str, changed: t.List[str], difference: Difference) -> t.Dict[str, t.Any]:
    return {"changed": bool(changed), "rootfs": rootfs, "changed_files": changed, "diff": difference.to_dict()}


def converge_files(rootfs: str, files: t.Sequence[t.Mapping[str, t.Any]], check_mode: bool) -> t.Dict[str, t.Any]:
    """Bring every file to its declared content and mode (nothing in check mode); the task's result."""
    wanted = wanted_files(files)
    changed: t.List[str] = []
    difference = Difference()
    try:
        rootfs_fd = os.open(rootfs, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        if check_mode and exc.errno == errno.ENOENT:  # a task before this one would have made it
            for item in wanted:
                changed.append(item.path)
                difference.add(item.path, MISSING, _side(FoundFile("file", item.content, item.mode)))
            return _result(rootfs, changed, difference)
        raise TaskError("rootfs: %s is not a directory (%s); give the container's root filesystem, such as "
                        "BUNDLE/rootfs" % (rootfs, exc.strerror), rootfs=rootfs) from None
    try:
        for item in wanted:
            try:
                _converge_one(rootfs_fd, item, check_mode, changed, difference)
            except RootfsIOError as exc:
                raise TaskError("%s; the directories on the way to a file must exist in the rootfs" % exc,
                                path=item.path) from None
    finally:
        os.close(rootfs_fd)
    return _result(rootfs, changed, difference)


def manage_files(params: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc],
                 check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
    """The runc_rootfs_files task (it needs no runc)."""
    return converge_files(params["rootfs"], params["files"], check_mode)
