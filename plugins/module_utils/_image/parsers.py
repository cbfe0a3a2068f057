# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parsers of what skopeo and umoci print and of OCI layout files (index.json, manifest, config)."""

from __future__ import annotations

import hashlib
import json
import re
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._image.reference import is_digest

# logrus lines: time="..." level=fatal msg="..." (quotes inside msg escaped as \")
_LOGRUS_MSG = re.compile(r'level=(?:fatal|error) msg="((?:[^"\\]|\\.)*)"')
# skopeo inspect says this of any failure to open the source; the task's message names the reference already.
_PARSING_PREFIX = re.compile(r'^Error parsing image name "[^"]*": ')

# What a tool's error means for the user, first match wins: (text in the message, lower case; hint).
HINTS: t.Tuple[t.Tuple[str, str], ...] = (
    ("manifest unknown", "the registry has no such tag or digest; check the name"),
    ("name unknown", "the registry has no such repository; check the name"),
    ("connection refused", "the registry cannot be reached; check the host and port"),
    ("no such host", "the registry host name does not resolve; check the name"),
    ("i/o timeout", "the registry did not answer in time; check the host and the network"),
    ("unauthorized", "the registry wants valid credentials; check username/password or auth_file"),
    ("authentication required", "the registry needs credentials; give username/password or auth_file"),
    ("invalid username/password", "the registry refused the credentials; check username/password or auth_file"),
    ("x509", "TLS verification failed; give cert_dir with the registry's CA certificate (or tls_verify=false)"),
    ("http response to https client", "the registry speaks plain HTTP; set tls_verify=false"),
    ("digest did not match", "a downloaded blob does not match its digest: the image in the source is corrupt"),
    ("does not match config's diffid", "a layer does not match the image config: the image in the source is corrupt"),
    ("no such file or directory", "the local source does not exist; check the path"),
    ("choosing image instance", "the image has no instance for the requested platform; check platform"),
    ("no image found in manifest list for architecture", "the image has no instance for the requested platform; check platform"),
)


class LayoutError(ValueError):
    """An OCI layout file is not what the OCI image spec says."""


def manifest_digest(raw: bytes) -> str:
    """The digest of a manifest or index, as registries compute it: sha256 of its exact bytes."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def tool_message(stderr: str) -> str:
    """The error a skopeo or umoci run ended with, without log decoration ('' when there is none)."""
    found = _LOGRUS_MSG.findall(stderr)
    if found:
        return _PARSING_PREFIX.sub("", found[-1].replace('\\"', '"').replace("\\\\", "\\"))
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def hint_for(message: str) -> str:
    lowered = message.lower()
    for needle, hint in HINTS:
        if needle in lowered:
            return hint
    return ""


def _json_object(text: t.Union[str, bytes], what: str) -> t.Dict[str, t.Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise LayoutError("%s is not valid JSON: %s" % (what, exc))
    if not isinstance(data, dict):
        raise LayoutError("%s must be a JSON object" % what)
    return data


def _digest(value: t.Any, what: str) -> str:
    if not isinstance(value, str) or not is_digest(value):
        raise LayoutError("%s: %r is not a sha256 digest" % (what, value))
    return value


def index_manifest(text: t.Union[str, bytes], ref_name: str) -> str:
    """The manifest digest index.json tags with ``ref_name`` (org.opencontainers.image.ref.name)."""
    index = _json_object(text, "index.json")
    for entry in index.get("manifests") or []:
        if isinstance(entry, dict) and (entry.get("annotations") or {}).get("org.opencontainers.image.ref.name") == ref_name:
            return _digest(entry.get("digest"), "index.json manifests[].digest")
    raise LayoutError("index.json has no manifest named %s" % ref_name)


def manifest_config(text: t.Union[str, bytes]) -> str:
    """The config blob digest of an image manifest."""
    manifest = _json_object(text, "the image manifest")
    config = manifest.get("config")
    if not isinstance(config, dict):
        raise LayoutError("the image manifest has no config descriptor")
    return _digest(config.get("digest"), "manifest config.digest")


def image_config(text: t.Union[str, bytes]) -> t.Dict[str, t.Any]:
    """The image config blob (architecture, os, config, rootfs, history)."""
    return _json_object(text, "the image config")


def platform_of(config: t.Mapping[str, t.Any]) -> str:
    return "/".join(str(config[key]) for key in ("os", "architecture", "variant") if config.get(key))
