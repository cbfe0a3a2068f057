# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A summary of a bundle's config.json for ``runc_info``: what runs, with which env names,
mounts and resources. Env values are left out: they may be secrets."""

from __future__ import annotations

import typing as t


def env_names(env: t.Iterable[str]) -> t.List[str]:
    return [entry.split("=", 1)[0] for entry in env]


def _mount_summary(mount: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    return {"destination": mount.get("destination"), "type": mount.get("type"), "source": mount.get("source")}


def summarize_config(config: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    process = config.get("process") or {}
    root = config.get("root") or {}
    linux = config.get("linux") or {}
    return {
        "oci_version": config.get("ociVersion"),
        "args": list(process.get("args") or []),
        "cwd": process.get("cwd"),
        "user": process.get("user") or {},
        "env": env_names(process.get("env") or []),
        "terminal": bool(process.get("terminal", False)),
        "hostname": config.get("hostname"),
        "root": {"path": root.get("path"), "readonly": bool(root.get("readonly", False))},
        "mounts": [_mount_summary(mount) for mount in config.get("mounts") or []],
        "resources": linux.get("resources") or {},
    }
