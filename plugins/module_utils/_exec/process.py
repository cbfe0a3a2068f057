# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``runc_exec``'s options, checked, and the OCI process spec built from them.

The spec starts from the container's own ``process`` in its bundle's config.json (as runc
exec itself does), so the exec'd process inherits PATH, capabilities, rlimits, AppArmor and
so on; the options then override it. Env values are secrets: nothing here puts them into
an error message, and ``masked_env`` is how they may be shown.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import shlex
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._common.process import ProcessOverrides, capability_name
from ansible_collections.ocitools.runc.plugins.module_utils._container.drift import MASK
from ansible_collections.ocitools.runc.plugins.module_utils._runc.ids import validate_container_id

# Sets runc exec --cap adds to (ambient only where the spec has inheritable ones: see below).
_CAP_SETS = ("bounding", "effective", "permitted")
_ENV_NAME = re.compile(r"^[^=\0]+$")
_ID_NUMBER = re.compile(r"^\d+$")
_MAX_ID = 2 ** 32 - 1


class ExecError(TaskError):
    """A runc_exec task fails: the command could not run, or it failed (rc and output in the details)."""


class ExecInputError(ExecError):
    """An option value runc_exec cannot use; the message names the option."""


@dataclasses.dataclass(frozen=True)
class ExecRequest:
    container_id: str
    argv: t.Tuple[str, ...]
    env: t.Tuple[t.Tuple[str, str], ...] = ()
    cwd: t.Optional[str] = None
    uid: t.Optional[int] = None
    gid: t.Optional[int] = None
    additional_gids: t.Optional[t.Tuple[int, ...]] = None
    stdin: t.Optional[bytes] = None
    timeout: t.Optional[float] = None
    capabilities: t.Tuple[str, ...] = ()
    no_new_privileges: t.Optional[bool] = None
    detach: bool = False
    creates: t.Optional[str] = None
    removes: t.Optional[str] = None
    run_in_check_mode: bool = False

    def overrides(self) -> ProcessOverrides:
        return ProcessOverrides(self.argv, self.env, self.cwd, self.uid, self.gid, self.additional_gids,
                                self.no_new_privileges)


def command_argv(argv: t.Optional[t.Sequence[str]], cmd: t.Optional[str]) -> t.Tuple[str, ...]:
    """``argv`` as given, or ``cmd`` split as ansible.builtin.command splits it (shlex, no shell)."""
    if argv is not None and cmd is not None:
        raise ExecInputError("argv and cmd are mutually exclusive: give the command as a list (argv) or a string (cmd)")
    if cmd is not None:
        try:
            words = shlex.split(cmd)
        except ValueError as exc:
            raise ExecInputError("cmd: cannot split %r into words (%s); check its quotes or use argv" % (cmd, exc))
    elif argv is not None:
        words = [str(word) for word in argv]
    else:
        raise ExecInputError("one of argv or cmd is required: the command to run in the container")
    if not words or not words[0]:
        raise ExecInputError("argv/cmd: the command is empty; give at least the program to run")
    return tuple(words)


def parse_user(user: t.Optional[str]) -> t.Tuple[t.Optional[int], t.Optional[int]]:
    """``uid`` or ``uid:gid`` as numbers (names would need the container's /etc/passwd)."""
    if user is None or user == "":
        return None, None
    parts = user.split(":")
    if len(parts) > 2 or not all(_ID_NUMBER.match(part) and int(part) <= _MAX_ID for part in parts):
        raise ExecInputError("user: %r is not UID or UID:GID with numeric ids, e.g. 1000 or 1000:1000" % user)
    uid = int(parts[0])
    gid = int(parts[1]) if len(parts) == 2 else None
    return uid, gid


def normalize_capability(name: str) -> str:
    """``CAP_NET_ADMIN``, ``cap_net_admin`` and ``NET_ADMIN`` all give ``CAP_NET_ADMIN``."""
    normalised = capability_name(name)
    if normalised is None:
        raise ExecInputError("capabilities: unknown capability %r; use names such as CAP_NET_ADMIN" % name)
    return normalised


def env_pairs(env: t.Optional[t.Mapping[str, t.Any]]) -> t.Tuple[t.Tuple[str, str], ...]:
    pairs = []
    for name, value in (env or {}).items():
        if not _ENV_NAME.match(str(name)):
            # Only the name is shown: the value is a secret.
            raise ExecInputError("env: %r is not a valid variable name (it must be non-empty, without '=')" % name)
        pairs.append((str(name), "" if value is None else str(value)))
    return tuple(pairs)


def additional_gid_list(gids: t.Optional[t.Sequence[t.Any]]) -> t.Optional[t.Tuple[int, ...]]:
    if gids is None:
        return None
    values = []
    for gid in gids:
        if not isinstance(gid, int) or isinstance(gid, bool) or not 0 <= gid <= _MAX_ID:
            raise ExecInputError("additional_gids: %r is not a group id (0 to %d)" % (gid, _MAX_ID))
        values.append(gid)
    return tuple(values)


def stdin_bytes(stdin: t.Optional[str], add_newline: bool) -> t.Optional[bytes]:
    if stdin is None:
        return None
    return (stdin + ("\n" if add_newline else "")).encode("utf-8")


def request_from_params(params: t.Mapping[str, t.Any]) -> ExecRequest:
    """The request for the module's params; raises ExecInputError (or InvalidContainerIdError)."""
    uid, gid = parse_user(params.get("user"))
    timeout = params.get("timeout")
    if timeout is not None and timeout <= 0:
        raise ExecInputError("timeout: must be a positive number of seconds, got %s" % timeout)
    request = ExecRequest(
        container_id=validate_container_id(params["id"]),
        argv=command_argv(params.get("argv"), params.get("cmd")),
        env=env_pairs(params.get("env")),
        cwd=params.get("cwd") or None,
        uid=uid,
        gid=gid,
        additional_gids=additional_gid_list(params.get("additional_gids")),
        stdin=stdin_bytes(params.get("stdin"), bool(params.get("stdin_add_newline", True))),
        timeout=timeout,
        capabilities=tuple(dict.fromkeys(normalize_capability(cap) for cap in params.get("capabilities") or ())),
        no_new_privileges=params.get("no_new_privileges"),
        detach=bool(params.get("detach")),
        creates=params.get("creates") or None,
        removes=params.get("removes") or None,
        run_in_check_mode=bool(params.get("run_in_check_mode")),
    )
    if request.detach and request.stdin is not None:
        raise ExecInputError("stdin: a detached process reads /dev/null; drop stdin or detach")
    return request


def _add_capabilities(process: t.Dict[str, t.Any], capabilities: t.Sequence[str]) -> None:
    """Add to the container's sets as ``runc exec --cap`` does: ambient only when the spec
    has inheritable capabilities, since ambient ones need inheritable ones."""
    caps = process.setdefault("capabilities", {})
    sets = _CAP_SETS + (("ambient",) if caps.get("inheritable") else ())
    for name in sets:
        current = list(caps.get(name) or [])
        caps[name] = current + [cap for cap in capabilities if cap not in current]


def build_process(container_process: t.Mapping[str, t.Any], request: ExecRequest) -> t.Dict[str, t.Any]:
    """The OCI process spec for ``request``, starting from the container's own process."""
    process = copy.deepcopy(dict(container_process))
    process.pop("consoleSize", None)
    process["terminal"] = False
    request.overrides().apply(process)
    process["env"] = process.get("env") or []
    process.setdefault("cwd", "/")
    if request.capabilities:
        _add_capabilities(process, request.capabilities)
    return process


def masked_env(request: ExecRequest) -> t.List[str]:
    """The env the options set, as it may be shown: ``NAME=********``."""
    return ["%s=%s" % (name, MASK) for name, _value in request.env]
