# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugin's decisions: which hosts, and what a listed container becomes."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleError

from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState
from ansible_collections.ocitools.runc.plugins.plugin_utils.runc_host import hop_kind
from ansible_collections.ocitools.runc.plugins.plugin_utils.runc_inventory import (
    ContainerHost,
    InventoryConfigError,
    builtin_groups,
    container_vars,
    inventory_name,
    parse_hosts,
)

STATE = ContainerState(id="web", pid=42, status="running", bundle="/b", rootfs="/b/rootfs", created="t",
                       annotations={"app": "web"}, owner="root")


@pytest.mark.parametrize("entries, expected", [
    pytest.param(["node1"], [ContainerHost("node1", "node1")], id="a-name"),
    pytest.param([{"name": "n", "address": "192.0.2.1", "connection": "ssh", "roots": ["/r1", "/r2"],
                   "vars": {"ansible_user": "deploy"}}],
                 [ContainerHost("n", "192.0.2.1", "ssh", ("/r1", "/r2"), {"ansible_user": "deploy"})], id="everything"),
])
def test_parse_hosts(entries, expected) -> None:
    assert parse_hosts(entries) == expected


@pytest.mark.parametrize("entries, message", [
    pytest.param(None, "non-empty list", id="missing"),
    pytest.param([], "non-empty list", id="empty"),
    pytest.param([{"address": "a"}], r"hosts\[0\]: expected a host name or a mapping with a name", id="no-name"),
    pytest.param([{"name": "n", "user": "x"}], r"hosts\[0\] \(n\): unknown keys user", id="unknown-key"),
    pytest.param([{"name": "n", "connection": "docker"}], "connection must be one of auto, ssh, local", id="connection"),
    pytest.param([{"name": "n", "roots": "/r"}], "roots must be a list of paths", id="roots"),
    pytest.param([{"name": "n", "vars": ["a"]}], "vars must be a mapping", id="vars"),
    pytest.param(["n", {"name": "n"}], "the names n appear more than once", id="duplicate"),
])
def test_parse_hosts_refuses(entries, message: str) -> None:
    with pytest.raises(InventoryConfigError, match=message):
        parse_hosts(entries)


def test_a_container_becomes_a_host_of_the_runc_connection() -> None:
    host = ContainerHost("node-1", "192.0.2.1", "ssh", ("/r",), {"ansible_user": "deploy"})
    assert inventory_name(host, STATE) == "web@node-1"
    assert builtin_groups(host, STATE) == ["runc_containers", "status_running", "runc_host_node_1"]
    variables = container_vars(host, "/r", STATE, "/usr/sbin/runc")
    assert variables == {
        "ansible_user": "deploy",
        "ansible_connection": "ocitools.runc.runc",
        "ansible_runc_container_id": "web",
        "ansible_runc_host": "192.0.2.1",
        "ansible_runc_host_connection": "ssh",
        "ansible_runc_executable": "/usr/sbin/runc",
        "ansible_runc_root": "/r",
        "runc_container": dict(STATE.to_dict(), host="node-1", root="/r"),
    }
    assert "ansible_runc_root" not in container_vars(host, None, STATE, "runc")


@pytest.mark.parametrize("requested, address, expected", [
    ("auto", "localhost", "local"), ("auto", "127.0.0.1", "local"), (None, "::1", "local"), ("auto", "", "local"),
    ("auto", "192.0.2.1", "ssh"), ("", "node1", "ssh"), ("ssh", "localhost", "ssh"), ("local", "node1", "local"),
])
def test_hop_kind(requested, address, expected) -> None:
    assert hop_kind(requested, address) == expected


def test_hop_kind_refuses_other_connections() -> None:
    with pytest.raises(AnsibleError, match="runc host connection must be one of auto, ssh, local, got 'docker'"):
        hop_kind("docker", "node1")
