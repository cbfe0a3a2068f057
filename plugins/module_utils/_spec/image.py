# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec's ``image`` option: defaults from an image in runc_image's store, under the explicit options.

Following the OCI image spec's conversion rules: Entrypoint + Cmd give ``process.args``, Env
``process.env``, WorkingDir ``process.cwd``, User ``process.user`` (names looked up in the
image's own /etc/passwd and /etc/group), ExposedPorts, StopSignal, os and architecture become
``org.opencontainers.image.*`` annotations and Labels annotations of the same name. The rootfs is the
image digest's directory in the store, and the digest is recorded in an annotation so that
runc_container sees a new image behind the same tag.
"""

from __future__ import annotations

import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._image.annotations import DIGEST_ANNOTATION, NAME_ANNOTATION
from ansible_collections.ocitools.runc.plugins.module_utils._image.errors import ImageError
from ansible_collections.ocitools.runc.plugins.module_utils._image.reference import parse_reference
from ansible_collections.ocitools.runc.plugins.module_utils._image.store import ImageStore
from ansible_collections.ocitools.runc.plugins.module_utils._spec.validation import SpecInputError

_MAX_ACCOUNT_FILE = 1 << 20


def _entries(text: str) -> t.List[t.List[str]]:
    """passwd/group lines as fields, only those with a numeric id in the third field."""
    rows = [line.split(":") for line in text.splitlines()]
    return [row for row in rows if len(row) > 2 and row[2].isdigit()]


def _primary_gid(passwd: str, match: t.Callable[[t.List[str]], bool]) -> t.Optional[t.Tuple[int, int]]:
    for row in _entries(passwd):
        if match(row):
            return int(row[2]), int(row[3]) if len(row) > 3 and row[3].isdigit() else 0
    return None


def image_user(user: str, passwd: str, group: str) -> t.Optional[t.Dict[str, int]]:
    """{uid, gid} for an image's User (``uid``, ``uid:gid``, ``name``, ``name:group``); None when empty.

    A user without a group gets its primary group from the image's /etc/passwd (0 when not listed).
    ValueError names a name that the image's /etc/passwd or /etc/group does not have.
    """
    if not user:
        return None
    who, _sep, grp = user.partition(":")
    found = _primary_gid(passwd, lambda row: row[2] == who if who.isdigit() else row[0] == who)
    if found is None and not who.isdigit():
        raise ValueError("user %r is not in the image's /etc/passwd" % who)
    uid, gid = found if found is not None else (int(who), 0)
    if grp.isdigit():
        gid = int(grp)
    elif grp:
        named = [int(row[2]) for row in _entries(group) if row[0] == grp]
        if not named:
            raise ValueError("group %r is not in the image's /etc/group" % grp)
        gid = named[0]
    return {"uid": uid, "gid": gid}


def image_annotations(config: t.Mapping[str, t.Any], digest: str, reference: str) -> t.Dict[str, str]:
    section = config.get("config") or {}
    annotations = {str(key): str(value) for key, value in (section.get("Labels") or {}).items()}
    ports = sorted(section.get("ExposedPorts") or {})
    extra = {
        "org.opencontainers.image.exposedPorts": ",".join(ports),
        "org.opencontainers.image.stopSignal": section.get("StopSignal") or "",
        "org.opencontainers.image.os": config.get("os") or "",
        "org.opencontainers.image.architecture": config.get("architecture") or "",
    }
    annotations.update((key, str(value)) for key, value in extra.items() if value)
    annotations[DIGEST_ANNOTATION] = digest
    annotations[NAME_ANNOTATION] = reference
    return annotations


def image_env(config: t.Mapping[str, t.Any]) -> t.Dict[str, str]:
    env: t.Dict[str, str] = {}
    for entry in (config.get("config") or {}).get("Env") or []:
        name, _sep, value = str(entry).partition("=")
        env[name] = value
    return env


def merge_image_defaults(params: t.Mapping[str, t.Any], config: t.Mapping[str, t.Any], digest: str, reference: str,
                         rootfs: str, user: t.Optional[t.Dict[str, int]]) -> t.Dict[str, t.Any]:
    """``params`` with the image's defaults filled in where an option was not given (pure)."""
    section = config.get("config") or {}
    merged = dict(params)
    command = list(section.get("Entrypoint") or []) + list(section.get("Cmd") or [])
    if not params.get("args"):
        if not command:
            raise SpecInputError("args: the image %s has no Entrypoint or Cmd; give args" % reference)
        merged["args"] = command
    env = image_env(config)
    env.update(params.get("env") or {})
    merged["env"] = env or None
    if params.get("cwd") is None and section.get("WorkingDir"):
        merged["cwd"] = section["WorkingDir"]
    if params.get("user") is None and user is not None:
        merged["user"] = user
    annotations = image_annotations(config, digest, reference)
    annotations.update(params.get("annotations") or {})
    merged["annotations"] = annotations
    merged["rootfs"] = params.get("rootfs") or rootfs
    return merged


def _read_account_file(rootfs: str, name: str) -> str:
    """The image's /etc/NAME, read without following a symlink out of the rootfs ('' when absent)."""
    etc = os.path.join(rootfs, "etc")
    if os.path.islink(etc):
        return ""
    try:
        fd = os.open(os.path.join(etc, name), os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return ""
    with os.fdopen(fd, "rb") as handle:
        return handle.read(_MAX_ACCOUNT_FILE).decode("utf-8", errors="replace")


def with_image_defaults(params: t.Mapping[str, t.Any]) -> t.Mapping[str, t.Any]:
    """``params`` unchanged without ``image``; else with the stored image's defaults (SpecInputError names ``image``)."""
    name = params.get("image")
    if not name:
        return params
    try:
        reference = parse_reference(name)
    except ImageError as exc:
        raise SpecInputError("image: %s" % exc.msg.split(": ", 1)[-1])
    store = ImageStore(params.get("image_store") or "")
    record = store.read_ref(reference)
    if record is None or not store.complete(record.manifest):
        raise SpecInputError("image: %s is not in the image store %s; pull it first with ocitools.runc.runc_image"
                             % (reference.text, store.path))
    try:
        config = store.config(record.manifest)
    except ImageError as exc:
        raise SpecInputError("image: %s" % exc.msg)
    rootfs = store.rootfs(record.manifest)
    try:
        user = image_user(str((config.get("config") or {}).get("User") or ""),
                          _read_account_file(rootfs, "passwd"), _read_account_file(rootfs, "group"))
    except ValueError as exc:
        user = None
        if params.get("user") is None:
            raise SpecInputError("image: %s: %s; give user" % (reference.text, exc))
    return merge_image_defaults(params, config, record.manifest, reference.text, rootfs, user)
