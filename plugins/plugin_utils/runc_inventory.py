# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure part of the ``runc_containers`` inventory plugin: which hosts to list, and what each listed
container becomes (its inventory name, groups and variables). Tested as tables; no Ansible here."""

from __future__ import annotations

import dataclasses
import re
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState

CONNECTION_PLUGIN = "ocitools.runc.runc"
HOST_CONNECTIONS = ("auto", "ssh", "local")
_HOST_KEYS = ("name", "address", "connection", "roots", "vars")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


class InventoryConfigError(ValueError):
    """The inventory source's ``hosts`` is not what the plugin takes."""


@dataclasses.dataclass(frozen=True)
class ContainerHost:
    """One host whose containers the plugin lists."""

    name: str
    address: str
    connection: str = "auto"
    roots: t.Tuple[t.Optional[str], ...] = (None,)
    vars: t.Mapping[str, t.Any] = dataclasses.field(default_factory=dict)


def parse_hosts(entries: t.Any) -> t.List[ContainerHost]:
    """The ``hosts`` option, checked: each entry a name, or a mapping with at least ``name``."""
    if not isinstance(entries, list) or not entries:
        raise InventoryConfigError("hosts must be a non-empty list of host names or mappings with a name")
    hosts: t.List[ContainerHost] = []
    for index, entry in enumerate(entries):
        where = "hosts[%d]" % index
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not entry.get("name") or not isinstance(entry["name"], str):
            raise InventoryConfigError("%s: expected a host name or a mapping with a name, got %r" % (where, entry))
        unknown = sorted(set(entry) - set(_HOST_KEYS))
        if unknown:
            raise InventoryConfigError("%s (%s): unknown keys %s; known: %s"
                                       % (where, entry["name"], ", ".join(unknown), ", ".join(_HOST_KEYS)))
        connection = entry.get("connection") or "auto"
        if connection not in HOST_CONNECTIONS:
            raise InventoryConfigError("%s (%s): connection must be one of %s, got %r"
                                       % (where, entry["name"], ", ".join(HOST_CONNECTIONS), connection))
        roots = entry.get("roots") or [None]
        if not isinstance(roots, list) or not all(root is None or isinstance(root, str) for root in roots):
            raise InventoryConfigError("%s (%s): roots must be a list of paths" % (where, entry["name"]))
        host_vars = entry.get("vars") or {}
        if not isinstance(host_vars, dict):
            raise InventoryConfigError("%s (%s): vars must be a mapping" % (where, entry["name"]))
        hosts.append(ContainerHost(entry["name"], str(entry.get("address") or entry["name"]), connection,
                                   tuple(roots), dict(host_vars)))
    names = [host.name for host in hosts]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InventoryConfigError("hosts: the names %s appear more than once" % ", ".join(duplicates))
    return hosts


def safe_name(text: str) -> str:
    """A group name part Ansible accepts without a warning."""
    return _UNSAFE.sub("_", text)


def inventory_name(host: ContainerHost, state: ContainerState) -> str:
    """``ID@HOST``: the same container id may exist on several hosts."""
    return "%s@%s" % (state.id, host.name)


def builtin_groups(host: ContainerHost, state: ContainerState) -> t.List[str]:
    """Every container is in ``runc_containers``, ``status_<status>`` and ``runc_host_<host name>``."""
    return ["runc_containers", "status_" + state.status, "runc_host_" + safe_name(host.name)]


def container_vars(host: ContainerHost, root: t.Optional[str], state: ContainerState,
                   executable: str) -> t.Dict[str, t.Any]:
    """Connection variables for ``ocitools.runc.runc``, the host's own ``vars``, and ``runc_container``."""
    variables: t.Dict[str, t.Any] = dict(host.vars)
    variables.update({
        "ansible_connection": CONNECTION_PLUGIN,
        "ansible_runc_container_id": state.id,
        "ansible_runc_host": host.address,
        "ansible_runc_host_connection": host.connection,
        "ansible_runc_executable": executable,
    })
    if root:
        variables["ansible_runc_root"] = root
    facts = state.to_dict()
    facts.update(host=host.name, root=root)
    variables["runc_container"] = facts
    return variables
