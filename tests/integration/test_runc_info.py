# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ocitools.runc.runc_info against the real runc, through ansible-core."""

from __future__ import annotations

import time
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import CreateOptions, RunOptions

LOOP = ["sh", "-c", "while true; do sleep 1; done"]
MANY = 50


@pytest.fixture
def runc(runc_root: Path) -> Runc:
    return Runc(GlobalOptions(root=str(runc_root)), timeout=30)


@pytest.fixture
def bundle(bundle_factory: t.Callable[..., Path]) -> Path:
    """One bundle serves every container here: its rootfs is read-only and shared."""
    return bundle_factory("info", LOOP, annotations={"org.example/role": "test"})


def create(runc: Runc, bundle: Path, ids: t.Iterable[str]) -> None:
    """``runc create`` only: cheap, and each container has a live init process."""
    for container_id in ids:
        runc.create(container_id, CreateOptions(bundle=str(bundle)))


def subcommand_counts(calls: t.List[t.List[str]]) -> t.Dict[str, int]:
    """How often each subcommand ran; these calls carry only ``--root ROOT`` as global flags."""
    counts: t.Dict[str, int] = {}
    for argv in calls:
        name = argv[2] if argv[:1] == ["--root"] else argv[0]
        counts[name] = counts.get(name, 0) + 1
    return counts


def test_no_containers_and_host_facts(ansible: t.Any, runc_root: Path) -> None:
    task = ansible.module("runc_info", {"root": str(runc_root)})
    assert (task.status, task.changed, task.result["containers"]) == ("ok", False, [])
    host = task.result["host"]
    assert host["runc"]["version"].startswith("1.") and host["runc"]["libseccomp"]
    assert set(host["runc"]) == {"version", "commit", "spec", "go", "libseccomp", "path"}
    assert "features" not in host and "features_error" not in host
    assert host["cgroup_version"] in (1, 2) and host["cgroup_mode"] in ("unified", "hybrid", "legacy")
    assert (host["root"], host["root_exists"]) == (str(runc_root), True)
    assert set(host["criu"]) == {"usable", "path", "version", "message"} and host["criu"]["message"]


def adhoc_lines(ansible: t.Any, args: t.Mapping[str, t.Any]) -> t.List[str]:
    """What ``ansible HOST -m ocitools.runc.runc_info -a ARGS`` prints, as a person sees it (stdout + stderr)."""
    run = ansible.module_run("runc_info", args)
    assert run.rc == 0, run.stdout + run.stderr
    return (run.stdout + run.stderr).splitlines()


def test_adhoc_output_is_short_and_features_bring_the_full_dump(ansible: t.Any, runc_root: Path, counting_runc: t.Any) -> None:
    args = {"root": str(runc_root), "executable": str(counting_runc.executable)}
    short = adhoc_lines(ansible, args)
    print("ad-hoc runc_info on an empty root: %d lines" % len(short))
    assert len(short) < 30, "\n".join(short)
    assert short[0] == "localhost | SUCCESS => {" and '    "containers": [],' in short
    assert any('"usable": ' in line for line in short) and any('"message": ' in line for line in short)
    assert subcommand_counts(counting_runc.calls()) == {"--version": 1, "list": 1}
    counting_runc.reset()

    full = adhoc_lines(ansible, dict(args, features=True))
    assert subcommand_counts(counting_runc.calls()) == {"--version": 1, "list": 1, "features": 1}
    print("ad-hoc runc_info features=true: %d lines" % len(full))
    assert len(full) > 100 and any('"ociVersionMin": ' in line for line in full)
    task = ansible.module("runc_info", dict(args, features=True))
    assert task.result["host"]["features"]["ociVersionMin"] and "features_error" not in task.result["host"]


def test_features_need_host_facts(ansible: t.Any, runc_root: Path) -> None:
    task = ansible.module("runc_info", {"root": str(runc_root), "host": False, "features": True})
    assert task.failed and task.result["msg"].startswith("features: ") and "host: true" in task.result["msg"]


def test_a_root_that_does_not_exist_is_not_created(ansible: t.Any, tmp_path: Path) -> None:
    root = tmp_path / "no-root"
    task = ansible.module("runc_info", {"root": str(root), "host": False})
    assert (task.status, task.result["containers"]) == ("ok", [])
    assert not root.exists()


def test_one_and_fifty_containers_cost_the_same_runc_calls(
    ansible: t.Any, runc: Runc, runc_root: Path, bundle: Path, counting_runc: t.Any
) -> None:
    args = {"root": str(runc_root), "executable": str(counting_runc.executable)}
    create(runc, bundle, ["c000"])
    one = ansible.module("runc_info", args)
    calls_for_one = counting_runc.calls()
    counting_runc.reset()

    create(runc, bundle, ["c%03d" % number for number in range(1, MANY)])
    started = time.monotonic()
    fifty = ansible.module("runc_info", args)
    elapsed = time.monotonic() - started
    calls_for_fifty = counting_runc.calls()
    print("runc_info over %d containers: %.2f s, runc calls %s" % (MANY, elapsed, subcommand_counts(calls_for_fifty)))

    assert [c["id"] for c in one.result["containers"]] == ["c000"]
    assert [c["id"] for c in fifty.result["containers"]] == ["c%03d" % number for number in range(MANY)]
    entry = fifty.result["containers"][7]
    assert (entry["status"], entry["exists"], entry["bundle"]) == ("created", True, str(bundle))
    assert entry["annotations"] == {"org.example/role": "test"} and entry["pid"] > 0 and entry["rootfs"]
    assert len(calls_for_fifty) == len(calls_for_one)
    assert subcommand_counts(calls_for_fifty) == {"--version": 1, "list": 1}
    assert elapsed < 20


def test_ids_with_a_missing_one(ansible: t.Any, runc: Runc, runc_root: Path, bundle: Path, counting_runc: t.Any) -> None:
    create(runc, bundle, ["alpha", "beta"])
    args = {"root": str(runc_root), "id": ["beta", "missing"], "host": False, "executable": str(counting_runc.executable)}
    task = ansible.module("runc_info", args)
    assert [(c["id"], c["exists"]) for c in task.result["containers"]] == [("beta", True), ("missing", False)]
    assert subcommand_counts(counting_runc.calls()) == {"list": 1}
    single = ansible.module("runc_info", {"root": str(runc_root), "id": "alpha", "host": False})
    assert [c["id"] for c in single.result["containers"]] == ["alpha"]


def test_extras_in_check_mode(ansible: t.Any, runc: Runc, runc_root: Path, bundle: Path, tmp_path: Path,
                              counting_runc: t.Any) -> None:
    runc.run("live", RunOptions(bundle=str(bundle)))
    args = {"root": str(runc_root), "id": "live", "ps": True, "top": True, "ps_options": ["-o", "pid,args"],
            "stats": True, "spec": True, "executable": str(counting_runc.executable)}
    task = ansible.module("runc_info", args, check=True)
    assert (task.status, task.changed) == ("ok", False)
    entry = task.result["containers"][0]
    assert entry["pid"] in entry["ps"]
    assert [row["COMMAND"] for row in entry["top"] if row["PID"] == str(entry["pid"])] == [" ".join(LOOP)]
    assert entry["stats"]["pids"]["current"] >= 1 and entry["stats"]["memory"]["usage"]["usage"] > 0
    assert entry["spec"]["args"] == LOOP and "PATH" in entry["spec"]["env"]
    assert {"destination": "/proc", "type": "proc", "source": "proc"} in entry["spec"]["mounts"]
    assert counting_runc.mutating_calls() == []
