# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Namespace references between declared containers: parsing, resolving, converge order (tables)."""

from __future__ import annotations

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._stack.pods import (
    PodError,
    converge_order,
    joined,
    resolve,
)


def test_joined_lists_only_container_references() -> None:
    namespaces = {"network": "container:web", "uts": "host", "ipc": "container:db", "pid": "/proc/1/ns/pid"}
    assert joined(namespaces) == (("network", "web"), ("ipc", "db"))
    assert joined(None) == ()


@pytest.mark.parametrize("pids,check_mode,expected", [
    ({"web": 42}, False, "/proc/42/ns/net"),
    ({"web": 42}, True, "/proc/42/ns/net"),
    ({"web": None}, True, "/proc/PID-OF-web/ns/net"),
    ({}, True, "/proc/PID-OF-web/ns/net"),
])
def test_resolve(pids, check_mode: bool, expected: str) -> None:
    resolved = resolve({"network": "container:web", "uts": "private"}, pids, check_mode)
    assert resolved == {"network": expected, "uts": "private"}


def test_resolve_names_the_other_container_when_it_has_no_process() -> None:
    with pytest.raises(PodError, match="namespaces.network: container web has no process"):
        resolve({"network": "container:web"}, {"web": None}, check_mode=False)


def test_namespace_files_follow_proc_names() -> None:
    assert resolve({"mount": "container:a", "ipc": "container:a"}, {"a": 7}, False) == {
        "mount": "/proc/7/ns/mnt", "ipc": "/proc/7/ns/ipc"}


@pytest.mark.parametrize("joins,order", [
    ({"a": [], "b": [], "c": []}, ["a", "b", "c"]),
    ({"side": ["web"], "web": []}, ["web", "side"]),
    ({"c": ["b"], "b": ["a"], "a": []}, ["a", "b", "c"]),
    ({"x": ["db", "web"], "web": [], "db": []}, ["db", "web", "x"]),
])
def test_converge_order_puts_owners_first_and_keeps_declared_order(joins, order) -> None:
    assert converge_order(joins) == order


def test_a_cycle_is_refused() -> None:
    with pytest.raises(PodError, match=r"cycle \(a -> b -> a\)"):
        converge_order({"a": ["b"], "b": ["a"]})
