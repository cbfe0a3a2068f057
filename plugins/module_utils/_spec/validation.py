# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec's options, checked and normalised into SpecOptions, and the checks against the host.

Every error message starts with the option it is about (``mounts[1].destination: ...``),
says what was wrong and what to do. Env values never appear in a message.
"""

from __future__ import annotations

import os
import re
import resource
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._common.process import capability_name
from ansible_collections.ocitools.runc.plugins.module_utils._exec.process import (
    ExecInputError,
    env_pairs,
)
from ansible_collections.ocitools.runc.plugins.module_utils._spec.builder import (
    NS_HOST,
    NS_PRIVATE,
    Mount,
    Rlimit,
    SpecOptions,
)

MAX_ID = 2 ** 32 - 1
RLIM_INFINITY = 2 ** 64 - 1  # as the OCI spec writes "unlimited"
RLIMIT_TYPES = frozenset("""
    RLIMIT_AS RLIMIT_CORE RLIMIT_CPU RLIMIT_DATA RLIMIT_FSIZE RLIMIT_LOCKS RLIMIT_MEMLOCK RLIMIT_MSGQUEUE
    RLIMIT_NICE RLIMIT_NOFILE RLIMIT_NPROC RLIMIT_RSS RLIMIT_RTPRIO RLIMIT_RTTIME RLIMIT_SIGPENDING RLIMIT_STACK
""".split())
# Namespaces runc 1.1 knows. The mount namespace cannot be shared: runc needs a private one
# to set up the rootfs, masked and read-only paths.
NAMESPACE_TYPES = ("pid", "network", "ipc", "uts", "mount", "user", "cgroup")
_CPUSET = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")
_BIND_OPTIONS = ("bind", "rbind")


class SpecInputError(TaskError):
    """An option value runc_spec cannot use; the message names the option."""


def _integer(option: str, value: t.Any, low: int, high: int, also: t.Tuple[int, ...] = ()) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (low <= value <= high or value in also):
        allowed = "%d to %d" % (low, high) + "".join(" or %d" % extra for extra in also)
        raise SpecInputError("%s: %r is out of range; use an integer from %s" % (option, value, allowed))
    return value


def _absolute(option: str, path: t.Any) -> str:
    if not isinstance(path, str) or not path.startswith("/"):
        raise SpecInputError("%s: %r is not an absolute path; give a path starting with /" % (option, path))
    return path


def command_args(args: t.Optional[t.Sequence[t.Any]]) -> t.Tuple[str, ...]:
    words = tuple(str(word) for word in args or ())
    if not words or not words[0]:
        raise SpecInputError("args: the command is empty; give at least the program to run, e.g. [sh, -c, 'sleep 60']")
    return words


def env_entries(env: t.Optional[t.Mapping[str, t.Any]]) -> t.Tuple[t.Tuple[str, str], ...]:
    """Env names checked (values are secrets and never shown), added names sorted for a stable file."""
    for name, value in (env or {}).items():
        if isinstance(value, (dict, list)):
            raise SpecInputError("env: the value of %s must be a string, not a %s" % (name, type(value).__name__))
    try:
        pairs = env_pairs(env)
    except ExecInputError as exc:
        raise SpecInputError(str(exc))
    return tuple(sorted(pairs))


def capability_names(option: str, names: t.Optional[t.Sequence[str]], allow_all: bool = False) -> t.Tuple[str, ...]:
    """``net_admin``, ``NET_ADMIN`` and ``CAP_NET_ADMIN`` all give ``CAP_NET_ADMIN``; duplicates dropped."""
    normalised: t.List[str] = []
    for name in names or ():
        upper = capability_name(name, allow_all)
        if upper is None:
            raise SpecInputError("%s: unknown capability %r; use Linux capability names such as NET_ADMIN or CAP_NET_ADMIN%s"
                                 % (option, name, " (or ALL)" if allow_all else ""))
        if upper not in normalised:
            normalised.append(upper)
    return tuple(normalised)


def rlimit_list(rlimits: t.Optional[t.Sequence[t.Mapping[str, t.Any]]]) -> t.Tuple[Rlimit, ...]:
    checked: t.List[Rlimit] = []
    for index, item in enumerate(rlimits or ()):
        option = "rlimits[%d]" % index
        name = str(item.get("type") or "").strip().upper()
        name = name if name.startswith("RLIMIT_") else "RLIMIT_" + name
        if name not in RLIMIT_TYPES:
            raise SpecInputError("%s.type: unknown rlimit %r; use one of %s" % (option, item.get("type"), ", ".join(sorted(RLIMIT_TYPES))))
        soft = _integer(option + ".soft", item.get("soft"), 0, RLIM_INFINITY)
        hard = _integer(option + ".hard", item.get("hard"), 0, RLIM_INFINITY)
        if soft > hard:
            raise SpecInputError("%s: soft limit %d is above the hard limit %d; make soft <= hard" % (option, soft, hard))
        checked.append(Rlimit(name, soft, hard))
    return tuple(checked)


def _mount(index: int, item: t.Mapping[str, t.Any]) -> Mount:
    option = "mounts[%d]" % index
    if not item.get("destination"):
        raise SpecInputError("%s.destination: is required; give the absolute path inside the container" % option)
    destination = _absolute(option + ".destination", item["destination"])
    mount_type = str(item.get("type") or "bind")
    options = tuple(str(word) for word in item.get("options") or ())
    source = item.get("source")
    if mount_type == "bind":
        if not source:
            raise SpecInputError("%s.source: a bind mount needs the host path to mount at %s" % (option, destination))
        if not any(word in _BIND_OPTIONS for word in options):
            options = ("rbind",) + options  # runc bind-mounts only with bind or rbind among the options
    return Mount(destination, None if source is None else str(source), mount_type, options)


def mount_list(mounts: t.Optional[t.Sequence[t.Mapping[str, t.Any]]]) -> t.Tuple[Mount, ...]:
    checked = tuple(_mount(index, item) for index, item in enumerate(mounts or ()))
    seen: t.Set[str] = set()
    for index, mount in enumerate(checked):
        if mount.destination in seen:
            raise SpecInputError("mounts[%d].destination: %s is given twice; give each destination once" % (index, mount.destination))
        seen.add(mount.destination)
    return checked


def namespace_list(namespaces: t.Optional[t.Mapping[str, t.Any]]) -> t.Tuple[t.Tuple[str, str], ...]:
    checked = []
    for ns_type, how in (namespaces or {}).items():
        option = "namespaces.%s" % ns_type
        if ns_type not in NAMESPACE_TYPES:
            raise SpecInputError("%s: unknown namespace; use one of %s" % (option, ", ".join(NAMESPACE_TYPES)))
        how = str(how)
        if how not in (NS_PRIVATE, NS_HOST) and not how.startswith("/"):
            raise SpecInputError("%s: %r is not %s, %s or an absolute path to a namespace to join (e.g. /proc/PID/ns/net)"
                                 % (option, how, NS_PRIVATE, NS_HOST))
        if ns_type == "mount" and how == NS_HOST:
            raise SpecInputError("%s: runc needs a private mount namespace; use %s or a path" % (option, NS_PRIVATE))
        checked.append((ns_type, how))
    return tuple(checked)


def _cpuset(option: str, value: t.Any) -> str:
    if not _CPUSET.match(str(value)):
        raise SpecInputError("%s: %r is not a cpu/node list such as 0-3,5" % (option, value))
    return str(value)


# option -> (linux.resources section, field, check)
_RESOURCES: t.Dict[str, t.Tuple[str, str, t.Callable[[str, t.Any], t.Any]]] = {
    "memory_limit": ("memory", "limit", lambda o, v: _integer(o, v, 1, 2 ** 63 - 1)),
    "cpu_shares": ("cpu", "shares", lambda o, v: _integer(o, v, 2, 262144)),
    "cpu_quota": ("cpu", "quota", lambda o, v: _integer(o, v, 1000, 2 ** 63 - 1, also=(-1,))),
    "cpu_period": ("cpu", "period", lambda o, v: _integer(o, v, 1000, 1000000)),
    "cpuset_cpus": ("cpu", "cpus", _cpuset),
    "cpuset_mems": ("cpu", "mems", _cpuset),
    "pids_limit": ("pids", "limit", lambda o, v: _integer(o, v, 1, 2 ** 63 - 1, also=(-1,))),
    "blkio_weight": ("blockIO", "weight", lambda o, v: _integer(o, v, 10, 1000)),
}


def resource_list(resources: t.Optional[t.Mapping[str, t.Any]]) -> t.Tuple[t.Tuple[t.Tuple[str, str], t.Any], ...]:
    checked = []
    for name, (section, field, check) in _RESOURCES.items():
        value = (resources or {}).get(name)
        if value is not None:
            checked.append(((section, field), check("resources." + name, value)))
    return tuple(checked)


def _user(user: t.Optional[t.Mapping[str, t.Any]]) -> t.Dict[str, t.Any]:
    user = user or {}
    checked: t.Dict[str, t.Any] = {}
    for name in ("uid", "gid"):
        if user.get(name) is not None:
            checked[name] = _integer("user." + name, user[name], 0, MAX_ID)
    if user.get("additional_gids") is not None:
        checked["additional_gids"] = tuple(
            _integer("user.additional_gids[%d]" % index, gid, 0, MAX_ID) for index, gid in enumerate(user["additional_gids"]))
    return checked


def options_from_params(params: t.Mapping[str, t.Any]) -> SpecOptions:
    """SpecOptions for the module's params; raises SpecInputError naming the option."""
    user = _user(params.get("user"))
    capabilities = params.get("capabilities") or {}
    namespaces = namespace_list(params.get("namespaces"))
    hostname = params.get("hostname")
    if hostname is not None and dict(namespaces).get("uts", NS_PRIVATE) == NS_HOST:
        raise SpecInputError("hostname: cannot be set when namespaces.uts is host; drop one of them")
    cwd = params.get("cwd")
    return SpecOptions(
        args=command_args(params.get("args")),
        root_path=str(params.get("rootfs") or "rootfs"),
        readonly_rootfs=params.get("readonly_rootfs"),
        env=env_entries(params.get("env")),
        cwd=None if cwd is None else _absolute("cwd", cwd),
        uid=user.get("uid"),
        gid=user.get("gid"),
        additional_gids=user.get("additional_gids"),
        hostname=hostname,
        terminal=bool(params.get("terminal")),
        cap_add=capability_names("capabilities.add", capabilities.get("add")),
        cap_drop=capability_names("capabilities.drop", capabilities.get("drop"), allow_all=True),
        no_new_privileges=params.get("no_new_privileges"),
        rlimits=rlimit_list(params.get("rlimits")),
        mounts=mount_list(params.get("mounts")),
        namespaces=namespaces,
        resources=resource_list(params.get("resources")),
        annotations=tuple((str(key), str(value)) for key, value in (params.get("annotations") or {}).items()),
        raw=params.get("spec") or None,
    )


def check_bundle(bundle: t.Any) -> str:
    return _absolute("bundle", bundle)


def check_rootfs(bundle: str, root_path: str) -> str:
    """The rootfs directory on the host; it must exist (runc cannot start without one)."""
    path = os.path.join(bundle, root_path)
    if not os.path.isdir(path):
        raise SpecInputError("rootfs: %s does not exist or is not a directory; unpack the container's root filesystem "
                             "there first, or point rootfs at it (relative to bundle, or absolute)" % path)
    return path


HardLimit = t.Callable[[str], t.Optional[int]]


def current_hard_limit(rlimit_type: str) -> t.Optional[int]:
    """This host's hard limit for ``RLIMIT_X`` (None when unknown here or unlimited)."""
    number = getattr(resource, rlimit_type, None)
    if not isinstance(number, int):
        return None
    hard = resource.getrlimit(number)[1]
    return None if hard == resource.RLIM_INFINITY else hard


def check_rlimits(spec: t.Mapping[str, t.Any], hard_limit: HardLimit = current_hard_limit) -> None:
    """Every rlimit in the final spec within the host's hard limits.

    Raising a hard limit needs CAP_SYS_RESOURCE, which runc may not have: it then fails
    only when the container starts, with "error setting rlimit".
    """
    for item in (spec.get("process") or {}).get("rlimits") or []:
        limit = hard_limit(str(item.get("type")))
        if limit is not None and int(item.get("hard", 0)) > limit:
            raise SpecInputError(
                "rlimits: %s hard limit %s is above this host's hard limit %d; runc cannot raise it without "
                "CAP_SYS_RESOURCE (it would fail with \"error setting rlimit\"); set rlimits with hard <= %d"
                % (item.get("type"), item.get("hard"), limit, limit))
