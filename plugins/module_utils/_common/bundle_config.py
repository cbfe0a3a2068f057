# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one reader of a bundle's config.json (runc_container, runc_checkpoint, runc_exec, runc_info
and runc_spec all read it here)."""

from __future__ import annotations

import json
import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError

CONFIG_NAME = "config.json"


class ConfigError(TaskError):
    """The bundle or its config.json cannot be used; the message names the ``bundle`` option."""


def read_config(bundle: str) -> t.Dict[str, t.Any]:
    """The bundle's config.json as a dict, or ConfigError saying what is wrong with it."""
    if not os.path.isdir(bundle):
        raise ConfigError("bundle: %s is not a directory; point bundle at an OCI bundle (a directory with config.json)" % bundle)
    path = os.path.join(bundle, CONFIG_NAME)
    if not os.path.exists(path):
        raise ConfigError("bundle: %s has no %s; write one (e.g. with ocitools.runc.runc_spec or runc spec)" % (bundle, CONFIG_NAME))
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("bundle: cannot read %s: %s" % (path, exc))
    try:
        spec = json.loads(text)
    except ValueError as exc:
        where = "line %s column %s" % (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else "?"
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise ConfigError("bundle: %s is not valid JSON: %s at %s" % (path, message, where))
    if not isinstance(spec, dict):
        raise ConfigError("bundle: %s must hold a JSON object (an OCI runtime spec), not %s" % (path, type(spec).__name__))
    return spec
