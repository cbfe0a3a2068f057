# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the paths and strings a task is given, before anything uses them.

Each returns a message that starts with the option it is about (or None when all is
well); the caller raises its own area's error with it. Values are never quoted for
options that may hold secrets: a NUL byte is reported by the option's name only.
"""

from __future__ import annotations

import os
import typing as t

# File systems where no directory or file of ours can be created (mkdir fails, or means something else).
PSEUDO_FILESYSTEMS = frozenset((
    "proc", "sysfs", "cgroup", "cgroup2", "devpts", "securityfs", "debugfs", "tracefs", "bpf", "configfs",
    "pstore", "efivarfs", "binfmt_misc", "fusectl", "mqueue",
))
MOUNTINFO = "/proc/self/mountinfo"
NAME_MAX = 255  # bytes in one file name
PATH_MAX = 4096  # bytes in a path, with its final NUL


def nul_option(value: t.Any, option: str = "") -> t.Optional[str]:
    """The option path (``mounts[1].source``, ``env.TOKEN``) of the first string holding a NUL byte."""
    if isinstance(value, (str, bytes)):
        return option if ("\0" if isinstance(value, str) else b"\0") in value else None
    if isinstance(value, t.Mapping):
        for key, item in value.items():
            path = "%s.%s" % (option, key) if option else str(key)
            if "\0" in str(key):
                return path
            found = nul_option(item, path)
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = nul_option(item, "%s[%d]" % (option, index))
            if found is not None:
                return found
    return None


def nul_problem(params: t.Mapping[str, t.Any]) -> t.Optional[str]:
    """A message for the first option holding a NUL byte (no file name or argument can)."""
    option = nul_option(params)
    if option is None:
        return None
    return "%s: contains a NUL byte, which no path, argument or environment value can hold; remove it" % option


def _unescape(field: str) -> str:
    """mountinfo escapes space, tab, newline and backslash as octal (``\\040``)."""
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def filesystem_type(path: str, mountinfo: str = MOUNTINFO) -> t.Optional[str]:
    """The type of the file system ``path`` (which exists) is on: the longest mount point above it."""
    real = os.path.realpath(path)
    best: t.Tuple[int, t.Optional[str]] = (-1, None)
    try:
        with open(mountinfo, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    for line in lines:
        before, _sep, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) < 5 or not tail:
            continue
        mount_point = _unescape(fields[4])
        inside = real == mount_point or real.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > best[0]:
            best = (len(mount_point), tail[0])
    return best[1]


def _nearest_existing(path: str) -> str:
    current = os.path.abspath(path)
    while not os.path.lexists(current) and os.path.dirname(current) != current:
        current = os.path.dirname(current)
    return current


def length_problem(option: str, path: str) -> t.Optional[str]:
    """Why ``path`` is too long for Linux (a name over NAME_MAX or the whole over PATH_MAX bytes), or None."""
    encoded = path.encode("utf-8", errors="surrogateescape")
    longest = max((len(part) for part in encoded.split(b"/")), default=0)
    if longest > NAME_MAX:
        return "%s: a file name in it is %d bytes long; at most %d are allowed" % (option, longest, NAME_MAX)
    if len(encoded) >= PATH_MAX:
        return "%s: the path is %d bytes long; at most %d are allowed" % (option, len(encoded), PATH_MAX - 1)
    return None


def directory_problem(option: str, path: str, what: str = "a directory", mountinfo: str = MOUNTINFO) -> t.Optional[str]:
    """Why ``path`` cannot be (or become) a usable directory of ours, or None.

    It must be a directory, or missing with a directory as its nearest existing ancestor,
    and not on a pseudo file system such as /proc or /sys.
    """
    too_long = length_problem(option, path)
    if too_long:
        return too_long
    if os.path.lexists(path) and not os.path.isdir(path):
        return "%s: %s exists and is not a directory; give %s" % (option, path, what)
    existing = _nearest_existing(path)
    if existing != os.path.abspath(path) and not os.path.isdir(existing):
        return "%s: %s cannot be created: %s is not a directory; give %s" % (option, path, existing, what)
    fs_type = filesystem_type(existing, mountinfo)
    if fs_type in PSEUDO_FILESYSTEMS:
        return "%s: %s is on a %s file system, where no directory or file of ours can be made; give %s " \
               "on a real file system" % (option, path, fs_type, what)
    return None
