# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec through ansible-core: idempotence, exact diffs, check mode, errors, and a spec the real runc runs."""

from __future__ import annotations

import json
import time
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import DeleteOptions, RunOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import ContainerIO

SECRET = "s3cr3t-token-value"


def spec_task(bundle: Path, rootfs: Path, **options: t.Any) -> t.Dict[str, t.Any]:
    task: t.Dict[str, t.Any] = {"bundle": str(bundle), "rootfs": str(rootfs), "args": ["sleep", "300"]}
    task.update(options)
    return task


def file_state(path: Path) -> t.Tuple[bytes, int, int]:
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, info.st_ino


def test_second_run_is_unchanged_and_byte_identical(ansible: t.Any, busybox_rootfs: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundles" / "idem"
    task = spec_task(bundle, busybox_rootfs, env={"TOKEN": SECRET}, resources={"memory_limit": 64 << 20},
                     mounts=[{"destination": "/data", "source": str(tmp_path), "options": ["ro"]}])
    first = ansible.module("runc_spec", task, diff=True)
    assert (first.status, first.changed) == ("ok", True), first.result
    config = bundle / "config.json"
    assert first.result["path"] == str(config) and first.result["diff"]["before"] == {"state": "absent"}
    written = file_state(config)

    second = ansible.module("runc_spec", task, diff=True)
    assert (second.status, second.changed) == ("ok", False), second.result
    assert file_state(config) == written
    assert SECRET not in json.dumps(first.result) + json.dumps(second.result)
    assert "TOKEN=********" in second.result["spec"]["process"]["env"]
    assert "TOKEN=" + SECRET in json.loads(config.read_text())["process"]["env"]


@pytest.mark.parametrize("change, field, before, after", [
    pytest.param({"args": ["sleep", "301"]}, "process.args", ["sleep", "300"], ["sleep", "301"], id="args"),
    pytest.param({"resources": {"memory_limit": 128 << 20}}, "linux.resources.memory.limit", 64 << 20, 128 << 20,
                 id="memory-limit"),
])
def test_a_change_shows_exactly_that_field(ansible: t.Any, busybox_rootfs: Path, tmp_path: Path,
                                           change: t.Dict[str, t.Any], field: str, before: t.Any, after: t.Any) -> None:
    bundle = tmp_path / "bundle"
    base = spec_task(bundle, busybox_rootfs, resources={"memory_limit": 64 << 20})
    assert ansible.module("runc_spec", base).changed
    old = json.loads((bundle / "config.json").read_text())
    result = ansible.module("runc_spec", dict(base, **change), diff=True)
    assert (result.status, result.changed) == ("ok", True), result.result
    assert result.result["diff"] == {"before": {"spec": {field: before}}, "after": {"spec": {field: after}}}
    new = json.loads((bundle / "config.json").read_text())
    assert {key for key in new if new[key] != old[key]} == {field.split(".")[0]}


def test_check_mode_creates_nothing(ansible: t.Any, busybox_rootfs: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "not-yet"
    result = ansible.module("runc_spec", spec_task(bundle, busybox_rootfs), check=True, diff=True)
    assert (result.status, result.changed) == ("ok", True), result.result
    assert result.result["diff"]["after"]["spec"]["process.args"] == ["sleep", "300"]
    assert not bundle.exists()


@pytest.mark.parametrize("change, words", [
    pytest.param({"mounts": [{"source": "/srv"}]}, ["destination", "mounts"], id="mount-without-destination"),
    pytest.param({"resources": {"memory_limit": -1}}, ["resources.memory_limit:", "out of range"], id="negative-memory"),
    pytest.param({"capabilities": {"add": ["FLY"]}}, ["capabilities.add:", "unknown capability 'FLY'"], id="unknown-capability"),
    pytest.param({"rootfs": "no-such-rootfs"}, ["rootfs:", "no-such-rootfs does not exist"], id="missing-rootfs"),
    pytest.param({"rlimits": [{"type": "nofile", "soft": 1024, "hard": 2 ** 40}]}, ["rlimits:", "CAP_SYS_RESOURCE"],
                 id="rlimit-above-hard-limit"),
])
def test_bad_input_fails_naming_the_option(ansible: t.Any, busybox_rootfs: Path, tmp_path: Path,
                                           change: t.Dict[str, t.Any], words: t.List[str]) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    result = ansible.module("runc_spec", dict(spec_task(bundle, busybox_rootfs), **change))
    assert result.failed, result.result
    assert all(word in result.result["msg"] for word in words), result.result["msg"]
    assert "Traceback" not in json.dumps(result.result) and not (bundle / "config.json").exists()


def wait_running(runc: Runc, container_id: str, seconds: float = 5.0) -> str:
    deadline = time.monotonic() + seconds
    status = runc.state(container_id).status
    while status != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
        status = runc.state(container_id).status
    return status


def test_the_real_runc_runs_the_spec(ansible: t.Any, busybox_rootfs: Path, runc_root: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    data = tmp_path / "data"
    data.mkdir()
    (data / "marker").write_text("hello\n")
    task = spec_task(
        bundle, busybox_rootfs,
        args=["sh", "-c", "cat /data/marker > /tmp/out && exec sleep 300"],
        env={"TOKEN": SECRET}, cwd="/tmp", hostname="spec-test",
        user={"uid": 0, "gid": 0, "additional_gids": [10]},
        capabilities={"add": ["net_admin"], "drop": ["CAP_KILL"]},
        rlimits=[{"type": "nofile", "soft": 512, "hard": 1024}],
        mounts=[{"destination": "/data", "source": str(data), "options": ["ro"]},
                {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}],
        namespaces={"network": "host"},
        resources={"memory_limit": 64 << 20, "pids_limit": 32, "cpu_shares": 512},
        annotations={"org.example/test": "runc_spec"},
    )
    result = ansible.module("runc_spec", task)
    assert (result.status, result.changed) == ("ok", True), result.result

    runc = Runc(GlobalOptions(root=str(runc_root)), timeout=20)
    io = ContainerIO(stdout=str(tmp_path / "out.log"), stderr=str(tmp_path / "err.log"))
    try:
        runc.run("spec-test", RunOptions(bundle=str(bundle), io=io))
        assert wait_running(runc, "spec-test") == "running", (tmp_path / "err.log").read_text()
        time.sleep(0.3)  # the bind mount and the tmpfs were usable: sh went on to sleep
        assert runc.state("spec-test").status == "running", (tmp_path / "err.log").read_text()
        state = runc.state("spec-test")
        assert state.annotations == {"org.example/test": "runc_spec"}
    finally:
        runc.delete("spec-test", DeleteOptions(force=True))
