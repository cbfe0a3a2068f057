# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host facts: cgroup version from the mount table, runc's default root, features on request where supported."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._info import host as info_host
from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.criu_check import CriuStatus
from ansible_collections.ocitools.runc.plugins.module_utils._info.host import cgroup_facts, host_facts
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import state_root
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions

UNIFIED = "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n"
LEGACY = (
    "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0\n"
    "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\n"
    "cgroup /sys/fs/cgroup/freezer cgroup rw,relatime,freezer 0 0\n"
)
HYBRID = LEGACY + "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n"
ELSEWHERE = "cgroup2 /mnt/cg cgroup2 rw 0 0\nproc /proc proc rw 0 0\n"


@pytest.mark.parametrize("mounts, expected", [
    pytest.param(UNIFIED, {"version": 2, "mode": "unified"}, id="unified"),
    pytest.param(HYBRID, {"version": 1, "mode": "hybrid"}, id="hybrid"),
    pytest.param(LEGACY, {"version": 1, "mode": "legacy"}, id="legacy"),
    pytest.param(ELSEWHERE, {"version": None, "mode": "none"}, id="not-at-sys-fs-cgroup"),
    pytest.param("", {"version": None, "mode": "none"}, id="empty"),
    pytest.param("garbage\n", {"version": None, "mode": "none"}, id="garbage"),
])
def test_cgroup_facts(mounts: str, expected: t.Dict[str, t.Any]) -> None:
    assert cgroup_facts(mounts) == expected


@pytest.mark.parametrize("euid, environ, expected", [
    (0, {"XDG_RUNTIME_DIR": "/run/user/0"}, "/run/runc"),
    (1000, {"XDG_RUNTIME_DIR": "/run/user/1000"}, "/run/user/1000/runc"),
    (1000, {}, "/run/runc"),
])
def test_default_root(euid: int, environ: t.Dict[str, str], expected: str) -> None:
    assert state_root(None, euid, environ) == expected
    assert state_root("/r", euid, environ) == "/r"


@pytest.fixture
def no_criu(monkeypatch: t.Any) -> None:
    monkeypatch.setattr(info_host, "check_criu", lambda *args: CriuStatus(False, None, None, "not found"))


def test_host_facts(runner: t.Any, recorded: t.Any, tmp_path: t.Any, no_criu: None) -> None:
    runner.respond_to("--version", stdout=recorded("version.txt"))
    runner.respond_to("features", stdout=recorded("features.json"))
    runc = Runc(GlobalOptions(command="/usr/sbin/runc", root=str(tmp_path)), runner=runner)
    facts = host_facts(runc, features=True)
    assert facts["runc"] == {"version": "1.1.5+ds1", "commit": "1.1.5+ds1-1+deb12u1", "spec": "1.0.2-dev",
                             "go": "go1.19.8", "libseccomp": "2.5.4", "path": "/usr/sbin/runc"}
    assert facts["features"]["ociVersionMin"] == "1.0.0" and "features_error" not in facts
    assert (facts["root"], facts["root_exists"]) == (str(tmp_path), True)
    assert facts["cgroup_version"] in (1, 2, None)
    assert facts["criu"] == {"usable": False, "path": None, "version": None, "message": "not found"}


def test_no_features_unless_asked(runner: t.Any, recorded: t.Any, tmp_path: t.Any, no_criu: None) -> None:
    runner.respond_to("--version", stdout=recorded("version.txt"))
    facts = host_facts(Runc(GlobalOptions(root=str(tmp_path)), runner=runner))
    assert set(facts) == {"runc", "cgroup_version", "cgroup_mode", "root", "root_exists", "criu"}
    assert [call.argv[-1] for call in runner.calls] == ["--version"]


def test_features_of_an_old_runc(runner: t.Any, tmp_path: t.Any, no_criu: None) -> None:
    runner.respond_to("--version", stdout="runc version 1.0.3\ncommit: v1.0.3\nspec: 1.0.2-dev\n")
    facts = host_facts(Runc(GlobalOptions(root=str(tmp_path / "missing")), runner=runner), features=True)
    assert facts["features"] is None
    assert "added in runc 1.1" in facts["features_error"]
    assert facts["root_exists"] is False
    assert not any("features" in call.argv for call in runner.calls)
