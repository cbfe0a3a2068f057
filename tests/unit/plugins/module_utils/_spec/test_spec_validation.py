# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec's option checks: normalised values, and errors that start with the option's name."""

from __future__ import annotations

import resource
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._spec.builder import Mount, Rlimit
from ansible_collections.ocitools.runc.plugins.module_utils._spec.validation import (
    SpecInputError,
    check_bundle,
    check_rlimits,
    rootfs_missing,
    current_hard_limit,
    options_from_params,
)

SECRET = "s3cr3t-value"


def params(**changes: t.Any) -> t.Dict[str, t.Any]:
    values: t.Dict[str, t.Any] = {"args": ["sleep", "60"]}
    values.update(changes)
    return values


@pytest.mark.parametrize("changes, prefix, words", [
    pytest.param(dict(args=[]), "args:", "empty", id="args-empty"),
    pytest.param(dict(args=[""]), "args:", "empty", id="args-empty-program"),
    pytest.param(dict(mounts=[{"source": "/srv"}]), "mounts[0].destination:", "required", id="mount-no-destination"),
    pytest.param(dict(mounts=[{"destination": "data", "source": "/srv"}]), "mounts[0].destination:", "absolute", id="mount-relative"),
    pytest.param(dict(mounts=[{"destination": "/a", "source": "/b"}, {"destination": "/c"}]), "mounts[1].source:", "bind mount",
                 id="bind-no-source"),
    pytest.param(dict(mounts=[{"destination": "/a", "source": "/b"}, {"destination": "/a", "source": "/c"}]),
                 "mounts[1].destination:", "twice", id="mount-twice"),
    pytest.param(dict(resources={"memory_limit": -1}), "resources.memory_limit:", "out of range", id="memory-negative"),
    pytest.param(dict(resources={"memory_limit": 0}), "resources.memory_limit:", "out of range", id="memory-zero"),
    pytest.param(dict(resources={"cpu_quota": 10}), "resources.cpu_quota:", "or -1", id="cpu-quota"),
    pytest.param(dict(resources={"blkio_weight": 5000}), "resources.blkio_weight:", "10 to 1000", id="blkio"),
    pytest.param(dict(resources={"cpuset_cpus": "0-a"}), "resources.cpuset_cpus:", "cpu/node list", id="cpuset"),
    pytest.param(dict(resources={"pids_limit": True}), "resources.pids_limit:", "integer", id="bool-is-no-int"),
    pytest.param(dict(capabilities={"add": ["CAP_FLY"]}), "capabilities.add:", "unknown capability 'CAP_FLY'", id="cap-unknown"),
    pytest.param(dict(capabilities={"add": ["ALL"]}), "capabilities.add:", "unknown capability", id="cap-all-only-drop"),
    pytest.param(dict(capabilities={"drop": ["nope"]}), "capabilities.drop:", "or ALL", id="cap-drop-unknown"),
    pytest.param(dict(rlimits=[{"type": "files", "soft": 1, "hard": 1}]), "rlimits[0].type:", "RLIMIT_NOFILE", id="rlimit-type"),
    pytest.param(dict(rlimits=[{"type": "nofile", "soft": 2, "hard": 1}]), "rlimits[0]:", "soft <= hard", id="rlimit-soft"),
    pytest.param(dict(rlimits=[{"type": "nofile", "soft": -2, "hard": 1}]), "rlimits[0].soft:", "out of range", id="rlimit-neg"),
    pytest.param(dict(namespaces={"net": "host"}), "namespaces.net:", "network", id="ns-unknown"),
    pytest.param(dict(namespaces={"network": "shared"}), "namespaces.network:", "absolute path", id="ns-how"),
    pytest.param(dict(namespaces={"mount": "host"}), "namespaces.mount:", "private mount namespace", id="ns-mount-host"),
    pytest.param(dict(namespaces={"uts": "host"}, hostname="web"), "hostname:", "uts is host", id="hostname-uts"),
    pytest.param(dict(cwd="tmp"), "cwd:", "absolute", id="cwd-relative"),
    pytest.param(dict(user={"uid": -1}), "user.uid:", "out of range", id="uid"),
    pytest.param(dict(user={"additional_gids": [1, 2 ** 32]}), "user.additional_gids[1]:", "out of range", id="gids"),
    pytest.param(dict(env={"A=B": SECRET}), "env:", "variable name", id="env-name"),
    pytest.param(dict(env={"A": {"nested": SECRET}}), "env:", "must be a string", id="env-value"),
])
def test_bad_input_names_the_option(changes: t.Dict[str, t.Any], prefix: str, words: str) -> None:
    with pytest.raises(SpecInputError) as caught:
        options_from_params(params(**changes))
    message = str(caught.value)
    assert message.startswith(prefix) and words in message
    assert SECRET not in message


def test_normalised_options() -> None:
    options = options_from_params(params(
        env={"Z": "1", "A": "x"},
        capabilities={"add": ["net_admin", "CAP_NET_ADMIN", "Sys_Time"], "drop": ["all"]},
        rlimits=[{"type": "nofile", "soft": 10, "hard": 20}],
        mounts=[{"destination": "/data", "source": "/srv", "options": ["ro"]},
                {"destination": "/b", "source": "/c", "options": ["bind"]},
                {"destination": "/t", "type": "tmpfs", "source": "tmpfs"}],
        namespaces={"network": "host", "ipc": "/proc/1/ns/ipc"},
        resources={"memory_limit": 1024, "cpuset_cpus": "0-1,3", "pids_limit": -1},
        annotations={"n": 1},
        rootfs=None,
    ))
    assert options.env == (("A", "x"), ("Z", "1"))
    assert options.cap_add == ("CAP_NET_ADMIN", "CAP_SYS_TIME") and options.cap_drop == ("ALL",)
    assert options.rlimits == (Rlimit("RLIMIT_NOFILE", 10, 20),)
    assert options.mounts == (Mount("/data", "/srv", "bind", ("rbind", "ro")), Mount("/b", "/c", "bind", ("bind",)),
                              Mount("/t", "tmpfs", "tmpfs", ()))
    assert options.namespaces == (("network", "host"), ("ipc", "/proc/1/ns/ipc"))
    assert options.resources == ((("memory", "limit"), 1024), (("cpu", "cpus"), "0-1,3"), (("pids", "limit"), -1))
    assert options.annotations == (("n", "1"),) and options.root_path == "rootfs"


def test_bundle_must_be_absolute() -> None:
    assert check_bundle("/srv/b") == "/srv/b"
    with pytest.raises(SpecInputError, match="^bundle: 'b' is not an absolute path"):
        check_bundle("b")


def test_rootfs_must_exist(tmp_path: Path) -> None:
    (tmp_path / "rootfs").mkdir()
    assert rootfs_missing(str(tmp_path), "rootfs") is None
    assert rootfs_missing("/elsewhere", str(tmp_path)) is None
    assert str(rootfs_missing(str(tmp_path), "missing")).startswith("rootfs: %s does not exist" % (tmp_path / "missing"))


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("x"), "exists and is not a directory"),
    (lambda p: p.parent.joinpath("file").write_text("x"), "cannot be created"),
])
def test_bundle_must_be_or_become_a_directory(tmp_path: Path, make: t.Callable[[Path], t.Any], message: str) -> None:
    bundle = tmp_path / "bundle"
    make(bundle)
    target = bundle if bundle.exists() else tmp_path / "file" / "bundle"
    with pytest.raises(SpecInputError, match="^bundle: %s %s" % (target, message)):
        check_bundle(str(target))


def test_bundle_under_proc_is_refused() -> None:
    with pytest.raises(SpecInputError, match="^bundle: /proc/ocitools-bundle is on a proc file system"):
        check_bundle("/proc/ocitools-bundle")


def test_rlimits_above_the_hard_limit_fail() -> None:
    spec = {"process": {"rlimits": [{"type": "RLIMIT_CORE", "hard": 10**9, "soft": 0},
                                    {"type": "RLIMIT_NOFILE", "hard": 30000, "soft": 1024}]}}
    limits = {"RLIMIT_NOFILE": 20000, "RLIMIT_CORE": None}
    with pytest.raises(SpecInputError) as caught:
        check_rlimits(spec, limits.get)
    assert str(caught.value).startswith("rlimits: RLIMIT_NOFILE hard limit 30000 is above this host's hard limit 20000")
    check_rlimits({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 20000, "soft": 1}]}}, limits.get)
    check_rlimits({}, limits.get)


def test_current_hard_limit_reads_this_process() -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    assert current_hard_limit("RLIMIT_NOFILE") == (None if hard == resource.RLIM_INFINITY else hard)
    assert current_hard_limit("RLIMIT_NOPE") is None
