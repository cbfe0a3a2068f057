# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_stack's declarations: every entry checked before runc is looked up, errors naming entry and option."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.manager import ContainerTaskError
from ansible_collections.ocitools.runc.plugins.module_utils._stack.declarations import parse_declarations


def entry(container_id: str, **extra: t.Any) -> t.Dict[str, t.Any]:
    base: t.Dict[str, t.Any] = {"id": container_id, "bundle": "/srv/b/" + container_id, "args": ["sh"]}
    base.update(extra)
    return base


def test_entries_become_container_and_spec_parameters(tmp_path: Path) -> None:
    declarations = parse_declarations([entry("a", env={"K": "v"}), entry("b", args=None), entry("c", state="absent")],
                                      str(tmp_path))
    a, b, c = declarations
    assert (a.label, a.params.root, a.params.state) == ("containers[0] (a)", str(tmp_path), "running")
    assert a.spec_params is not None and a.spec_params["env"] == {"K": "v"} and a.spec_params["bundle"] == "/srv/b/a"
    assert b.spec_params is None  # no args: the bundle's config.json as it is
    assert c.spec_params is None and c.params.state == "absent"


def test_joining_containers_come_after_the_one_they_join(tmp_path: Path) -> None:
    declarations = parse_declarations([entry("side", namespaces={"network": "container:web"}), entry("web")],
                                      str(tmp_path))
    assert [d.id for d in declarations] == ["web", "side"]
    assert declarations[1].joins == (("network", "web"),)
    assert [d.index for d in declarations] == [1, 0]


@pytest.mark.parametrize("entries,message", [
    ([entry("a"), entry("a")], "containers[1].id: a is also containers[0].id"),
    ([entry("../x")], "containers[0].id: container id '../x' is invalid"),
    ([entry("a", bundle=None)], "containers[0].bundle: required when state is running"),
    ([entry("a", args=[])], "containers[0].args: the command is empty"),
    ([entry("a", mounts=[{"destination": "/data"}])], "containers[0].mounts[0].source: a bind mount needs"),
    ([entry("a", resources={"memory_limt": 1})], "containers[0].resources: unknown key memory_limt; use memory_limit"),
    ([entry("a", mounts=["/data"])], "containers[0].mounts[0]: must be a mapping, not str"),
    ([entry("a", stop_timeout=-1)], "containers[0].stop_timeout: must not be negative"),
    ([entry("a", args=None, namespaces={"network": "host"})], "containers[0].namespaces: needs args"),
    ([entry("a", namespaces={"network": "container:nope"})],
     "containers[0].namespaces.network: container nope is not declared"),
    ([entry("a", namespaces={"network": "container:a"})], "containers[0].namespaces.network: a container cannot join its own"),
    ([entry("a", namespaces={"network": "container:b"}), entry("b", state="stopped")],
     "containers[0].namespaces.network: container b is declared stopped"),
    ([entry("a", namespaces={"network": "container:b"}), entry("b", namespaces={"ipc": "container:a"})],
     "containers[].namespaces: the containers join each other's namespaces in a cycle"),
    ([entry("a", namespaces={"net": "container:b"}), entry("b")], "containers[0].namespaces.net: unknown namespace"),
])
def test_bad_entries_name_the_entry_and_the_option(tmp_path: Path, entries, message: str) -> None:
    with pytest.raises(ContainerTaskError) as caught:
        parse_declarations(entries, str(tmp_path))
    assert caught.value.msg.startswith(message), caught.value.msg
