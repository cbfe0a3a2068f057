# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Namespaces shared between declared containers (a pod), resolved at converge time.

``namespaces: {network: container:web}`` joins the network namespace of the declared
container ``web``: at converge time, once ``web`` is converged, the value becomes
``/proc/PID/ns/net`` of web's process. When ``web`` is recreated its pid changes, so
the joining container's spec changes too and it is recreated into the new namespace.
Pure: the pids come from the caller.
"""

from __future__ import annotations

import typing as t

JOIN_PREFIX = "container:"
# runc_spec's namespace names -> the file under /proc/PID/ns/
NS_FILES = {"pid": "pid", "network": "net", "ipc": "ipc", "uts": "uts", "mount": "mnt", "user": "user", "cgroup": "cgroup"}
UNKNOWN_PID = "PID-OF-"  # check mode, a container not created yet: /proc/PID-OF-web/ns/net


class PodError(ValueError):
    """A namespace reference that cannot be resolved; the message names the option."""


def joined(namespaces: t.Optional[t.Mapping[str, t.Any]]) -> t.Tuple[t.Tuple[str, str], ...]:
    """(namespace type, container id) for each ``container:ID`` value, in the order given."""
    return tuple((str(kind), str(how)[len(JOIN_PREFIX):]) for kind, how in (namespaces or {}).items()
                 if str(how).startswith(JOIN_PREFIX))


def namespace_path(kind: str, pid: t.Union[int, str]) -> str:
    return "/proc/%s/ns/%s" % (pid, NS_FILES.get(kind, kind))


def resolve(namespaces: t.Mapping[str, t.Any], pids: t.Mapping[str, t.Optional[int]], check_mode: bool) -> t.Dict[str, t.Any]:
    """``namespaces`` with each ``container:ID`` replaced by that container's namespace file.

    ``pids`` maps converged container ids to their pid (None: no process, or in check
    mode not known yet). In check mode an unknown pid gives a placeholder path, which
    differs from any real one, so the plan shows the joining container recreated.
    """
    resolved: t.Dict[str, t.Any] = {}
    for kind, how in namespaces.items():
        text = str(how)
        if not text.startswith(JOIN_PREFIX):
            resolved[kind] = how
            continue
        target = text[len(JOIN_PREFIX):]
        pid = pids.get(target)
        if pid:
            resolved[kind] = namespace_path(kind, pid)
        elif check_mode:
            resolved[kind] = namespace_path(kind, UNKNOWN_PID + target)
        else:
            raise PodError("namespaces.%s: container %s has no process whose namespace could be joined; declare it "
                           "with state running, created or paused" % (kind, target))
    return resolved


def converge_order(joins: t.Mapping[str, t.Sequence[str]]) -> t.List[str]:
    """Ids in declared order, each after the containers whose namespaces it joins.

    ``joins`` maps every declared id (in declared order) to the ids it joins; a cycle raises PodError.
    """
    order: t.List[str] = []
    visiting: t.List[str] = []

    def visit(container_id: str) -> None:
        if container_id in order:
            return
        if container_id in visiting:
            cycle = visiting[visiting.index(container_id):] + [container_id]
            raise PodError("namespaces: the containers join each other's namespaces in a cycle (%s); "
                           "let one of them own the namespace" % " -> ".join(cycle))
        visiting.append(container_id)
        for target in joins[container_id]:
            visit(target)
        visiting.pop()
        order.append(container_id)

    for container_id in joins:
        visit(container_id)
    return order
