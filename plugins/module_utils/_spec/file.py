# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""config.json on disk for runc_spec: read it, render a spec, write it atomically, keep its mode and owner.

The file is rewritten only when its parsed JSON differs from the new spec, so a file
reformatted by hand but equal in content is left alone. What is written is
deterministic: runc's key order, tab indentation as ``runc spec`` writes it, and a
final newline.
"""

from __future__ import annotations

import dataclasses
import grp
import json
import os
import pwd
import stat
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.atomic_file import write_atomically
from ansible_collections.ocitools.runc.plugins.module_utils._common.bundle_config import ConfigError, read_config
from ansible_collections.ocitools.runc.plugins.module_utils._spec.validation import SpecInputError

BUNDLE_MODE = 0o755
_UNREADABLE = object()  # an existing config.json that is not a JSON object


def render_spec(spec: t.Mapping[str, t.Any]) -> bytes:
    return (json.dumps(spec, indent="\t", ensure_ascii=False) + "\n").encode("utf-8")


def read_spec(path: str) -> t.Any:
    """The current config.json as a dict, None when there is none, or _UNREADABLE."""
    if not os.path.exists(path):
        return None
    try:
        return read_config(os.path.dirname(path))
    except ConfigError:
        return _UNREADABLE


def is_unreadable(current: t.Any) -> bool:
    return current is _UNREADABLE


@dataclasses.dataclass(frozen=True)
class FileAttributes:
    """Mode and owner of a file; None means "leave as it is" (new files: the caller's own)."""

    mode: t.Optional[int] = None
    uid: t.Optional[int] = None
    gid: t.Optional[int] = None

    def shown(self) -> t.Dict[str, t.Any]:
        """As diffs show them: mode in octal, owner and group by name where there is one."""
        shown: t.Dict[str, t.Any] = {}
        if self.mode is not None:
            shown["mode"] = "%04o" % self.mode
        if self.uid is not None:
            shown["owner"] = _user_name(self.uid)
        if self.gid is not None:
            shown["group"] = _group_name(self.gid)
        return shown


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def parse_mode(mode: t.Any) -> int:
    """``0644``, ``"0644"`` or ``"644"``: the permission bits (an int is taken as already parsed by YAML)."""
    if isinstance(mode, int) and not isinstance(mode, bool):
        value = mode
    else:
        try:
            value = int(str(mode), 8)
        except ValueError:
            raise SpecInputError("mode: %r is not an octal file mode; quote it, e.g. '0644'" % (mode,))
    if not 0 <= value <= 0o7777:
        raise SpecInputError("mode: %r is out of range; use an octal mode such as '0644'" % (mode,))
    return value


def _lookup(option: str, name: t.Optional[str], by_name: t.Callable[[str], t.Any], field: str) -> t.Optional[int]:
    if name is None or name == "":
        return None
    if str(name).isdigit():
        return int(name)
    try:
        return int(getattr(by_name(str(name)), field))
    except KeyError:
        raise SpecInputError("%s: %r does not exist on this host; create it first or give a numeric id" % (option, name))


def attributes_from_params(params: t.Mapping[str, t.Any]) -> FileAttributes:
    return FileAttributes(
        mode=parse_mode(params.get("mode", "0644")),
        uid=_lookup("owner", params.get("owner"), pwd.getpwnam, "pw_uid"),
        gid=_lookup("group", params.get("group"), grp.getgrnam, "gr_gid"),
    )


def current_attributes(path: str) -> t.Optional[FileAttributes]:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return FileAttributes(stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)


def attribute_changes(current: t.Optional[FileAttributes], wanted: FileAttributes) -> FileAttributes:
    """The attributes that differ from ``current`` (None ones: no change)."""
    if current is None:
        return wanted
    return FileAttributes(
        mode=wanted.mode if wanted.mode is not None and wanted.mode != current.mode else None,
        uid=wanted.uid if wanted.uid is not None and wanted.uid != current.uid else None,
        gid=wanted.gid if wanted.gid is not None and wanted.gid != current.gid else None,
    )


def attributes_for_write(current: t.Optional[FileAttributes], wanted: FileAttributes) -> FileAttributes:
    """What a rewritten file gets: ``wanted``, and the current owner and group where none is wanted."""
    if current is None:
        return wanted
    return FileAttributes(
        mode=current.mode if wanted.mode is None else wanted.mode,
        uid=current.uid if wanted.uid is None else wanted.uid,
        gid=current.gid if wanted.gid is None else wanted.gid,
    )


def _apply_attributes(fd: int, attributes: FileAttributes) -> None:
    if attributes.uid is not None or attributes.gid is not None:
        os.fchown(fd, -1 if attributes.uid is None else attributes.uid, -1 if attributes.gid is None else attributes.gid)
    if attributes.mode is not None:
        os.fchmod(fd, attributes.mode)  # after chown, which clears setuid/setgid bits


def ensure_bundle(bundle: str) -> None:
    """Create the bundle directory (and missing parents) with mode 0755 when it is missing."""
    if not os.path.isdir(bundle):
        os.makedirs(bundle, BUNDLE_MODE)
        os.chmod(bundle, BUNDLE_MODE)  # makedirs' mode is masked by the umask


def write_spec_file(path: str, data: bytes, attributes: FileAttributes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``.

    Readers (runc, runc_container) see the old file or the new one, never a part.
    """
    write_atomically(path, data, lambda fd: _apply_attributes(fd, attributes))


def set_attributes(path: str, attributes: FileAttributes) -> None:
    """Change mode and owner of an existing file in place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        _apply_attributes(fd, attributes)
    finally:
        os.close(fd)
