# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""build_spec on runc 1.1.5's recorded default spec: each option changes only its own fields."""

from __future__ import annotations

import copy
import json
import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.drift import changed_fields
from ansible_collections.ocitools.runc.plugins.module_utils._spec.builder import (
    Mount,
    Rlimit,
    SpecOptions,
    build_spec,
    merge_patch,
)

BASE = SpecOptions(args=("sleep", "60"))


@pytest.fixture
def default(recorded: t.Callable[[str], str]) -> t.Dict[str, t.Any]:
    return json.loads(recorded("spec.json"))


def changed_names(before: t.Mapping[str, t.Any], after: t.Mapping[str, t.Any]) -> t.Set[str]:
    return {field.name for field in changed_fields(before, after)}


def with_options(**changes: t.Any) -> SpecOptions:
    values = dict(BASE.__dict__)
    values.update(changes)
    return SpecOptions(**values)


def test_args_only_changes_args_and_terminal(default: t.Dict[str, t.Any]) -> None:
    spec = build_spec(default, BASE)
    assert changed_names(default, spec) == {"process.args", "process.terminal"}
    assert spec["process"]["args"] == ["sleep", "60"] and spec["process"]["terminal"] is False
    assert list(spec) == list(default), "runc's key order is kept"


def test_default_is_not_modified_and_result_is_stable(default: t.Dict[str, t.Any]) -> None:
    original = copy.deepcopy(default)
    options = with_options(env=(("A", "1"),), mounts=(Mount("/data", "/srv"),), resources=((("memory", "limit"), 1),))
    assert build_spec(default, options) == build_spec(default, options)
    assert default == original


@pytest.mark.parametrize("changes, fields", [
    pytest.param(dict(resources=((("memory", "limit"), 1 << 20),)), {"linux.resources.memory.limit"}, id="memory"),
    pytest.param(dict(resources=((("cpu", "shares"), 512), (("pids", "limit"), 10))),
                 {"linux.resources.cpu.shares", "linux.resources.pids.limit"}, id="cpu-pids"),
    pytest.param(dict(args=("sh",)), {"process.args"}, id="args"),
    pytest.param(dict(cwd="/tmp"), {"process.cwd"}, id="cwd"),
    pytest.param(dict(env=(("A", "1"),)), {"process.env"}, id="env"),
    pytest.param(dict(uid=1000, gid=100, additional_gids=(5,)),
                 {"process.user.uid", "process.user.gid", "process.user.additionalGids"}, id="user"),
    pytest.param(dict(hostname="web"), {"hostname"}, id="hostname"),
    pytest.param(dict(readonly_rootfs=False), {"root.readonly"}, id="readonly"),
    pytest.param(dict(root_path="/srv/rootfs"), {"root.path"}, id="rootfs"),
    pytest.param(dict(no_new_privileges=False), {"process.noNewPrivileges"}, id="nnp"),
    pytest.param(dict(rlimits=(Rlimit("RLIMIT_NOFILE", 10, 20),)), {"process.rlimits"}, id="rlimits"),
    pytest.param(dict(mounts=(Mount("/data", "/srv", "bind", ("rbind",)),)), {"mounts"}, id="mounts"),
    pytest.param(dict(namespaces=(("network", "host"),)), {"linux.namespaces"}, id="namespaces"),
    pytest.param(dict(annotations=(("a", "b"),)), {"annotations.a"}, id="annotations"),
    pytest.param(dict(cap_add=("CAP_NET_ADMIN",)),
                 {"process.capabilities." + name for name in ("bounding", "effective", "permitted", "ambient")}, id="caps"),
    pytest.param(dict(raw={"linux": {"sysctl": {"net.ipv4.ip_forward": "1"}}}),
                 {"linux.sysctl.net.ipv4.ip_forward"}, id="raw"),
])
def test_each_option_changes_only_its_fields(default: t.Dict[str, t.Any], changes: t.Dict[str, t.Any],
                                             fields: t.Set[str]) -> None:
    assert changed_names(build_spec(default, BASE), build_spec(default, with_options(**changes))) == fields


def test_env_replaces_defaults_in_place_and_appends_new(default: t.Dict[str, t.Any]) -> None:
    env = build_spec(default, with_options(env=(("B", "2"), ("TERM", "dumb"))))["process"]["env"]
    assert env == [default["process"]["env"][0], "TERM=dumb", "B=2"]


def test_capabilities_drop_then_add_in_every_default_set(default: t.Dict[str, t.Any]) -> None:
    caps = build_spec(default, with_options(cap_drop=("CAP_KILL",), cap_add=("CAP_NET_ADMIN", "CAP_AUDIT_WRITE")))
    for name in ("bounding", "effective", "permitted", "ambient"):
        assert caps["process"]["capabilities"][name] == ["CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE", "CAP_NET_ADMIN"]
    assert "inheritable" not in caps["process"]["capabilities"], "no set runc's default lacks is added"


def test_drop_all(default: t.Dict[str, t.Any]) -> None:
    caps = build_spec(default, with_options(cap_drop=("ALL",), cap_add=("CAP_CHOWN",)))["process"]["capabilities"]
    assert set(map(tuple, caps.values())) == {("CAP_CHOWN",)}


def test_rlimit_of_a_default_type_replaces_it(default: t.Dict[str, t.Any]) -> None:
    spec = build_spec(default, with_options(rlimits=(Rlimit("RLIMIT_CORE", 0, 0), Rlimit("RLIMIT_NOFILE", 10, 20))))
    assert spec["process"]["rlimits"] == [
        {"type": "RLIMIT_NOFILE", "hard": 20, "soft": 10}, {"type": "RLIMIT_CORE", "hard": 0, "soft": 0}]


def test_mount_with_a_default_destination_replaces_it_in_place(default: t.Dict[str, t.Any]) -> None:
    shm = Mount("/dev/shm", "shm", "tmpfs", ("size=1m",))
    mounts = build_spec(default, with_options(mounts=(Mount("/data", "/srv", "bind", ("rbind", "ro")), shm)))["mounts"]
    destinations = [mount["destination"] for mount in mounts]
    assert destinations == [mount["destination"] for mount in default["mounts"]] + ["/data"]
    assert mounts[destinations.index("/dev/shm")] == {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["size=1m"]}
    assert mounts[-1] == {"destination": "/data", "type": "bind", "source": "/srv", "options": ["rbind", "ro"]}


def test_namespaces_host_path_private(default: t.Dict[str, t.Any]) -> None:
    spec = build_spec(default, with_options(namespaces=(
        ("network", "host"), ("ipc", "/proc/1/ns/ipc"), ("cgroup", "private"), ("pid", "private"))))
    assert spec["linux"]["namespaces"] == [
        {"type": "pid"}, {"type": "ipc", "path": "/proc/1/ns/ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}]


def test_shared_uts_drops_the_default_hostname(default: t.Dict[str, t.Any]) -> None:
    assert "hostname" not in build_spec(default, with_options(namespaces=(("uts", "host"),)))
    assert build_spec(default, BASE)["hostname"] == "runc"


def test_resources_keep_the_default_device_rule(default: t.Dict[str, t.Any]) -> None:
    resources = build_spec(default, with_options(resources=((("memory", "limit"), 5), (("blockIO", "weight"), 100))))
    assert resources["linux"]["resources"] == {
        "devices": [{"allow": False, "access": "rwm"}], "memory": {"limit": 5}, "blockIO": {"weight": 100}}


def test_terminal_keeps_console_size_only_with_a_terminal() -> None:
    default = {"process": {"terminal": True, "consoleSize": {"height": 1, "width": 2}}}
    assert "consoleSize" not in build_spec(default, BASE)["process"]
    assert "consoleSize" in build_spec(default, with_options(terminal=True))["process"]


def test_rootless_default_is_built_the_same_way(recorded: t.Callable[[str], str]) -> None:
    rootless = json.loads(recorded("spec-rootless.json"))
    spec = build_spec(rootless, BASE)
    assert changed_names(rootless, spec) == {"process.args", "process.terminal"}
    assert spec["linux"]["uidMappings"]


@pytest.mark.parametrize("target, patch, merged", [
    ({"a": {"b": 1, "c": 2}}, {"a": {"b": 3}}, {"a": {"b": 3, "c": 2}}),
    ({"a": {"b": 1, "c": 2}}, {"a": {"b": None}}, {"a": {"c": 2}}),
    ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
    ({"a": 1}, {"a": {"b": {"c": None, "d": 1}}}, {"a": {"b": {"d": 1}}}),
    ({"a": 1}, {"missing": None}, {"a": 1}),
])
def test_merge_patch_is_rfc7386(target: t.Any, patch: t.Any, merged: t.Any) -> None:
    assert merge_patch(target, patch) == merged
