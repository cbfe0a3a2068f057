# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_container against the real runc: drift, live updates, stopping, bad input, concurrency.

(Every state transition is in test_runc_container_transitions.py.)
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import sys
import threading
import time
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import CreateOptions

STOPS_ON_TERM = ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
IGNORES_TERM = ["sh", "-c", "trap '' TERM; sleep 1000 & wait"]
MIB = 1024 * 1024
SECRET = "hunter2-do-not-show"


def client(root: Path) -> Runc:
    return Runc(GlobalOptions(root=str(root)), timeout=20)


def edit_config(bundle: Path, edit: t.Callable[[t.Dict[str, t.Any]], None]) -> None:
    path = bundle / "config.json"
    config = json.loads(path.read_text())
    edit(config)
    path.write_text(json.dumps(config, indent=4))


def container_args(container_id: str, bundle: t.Optional[Path], root: Path, **extra: t.Any) -> t.Dict[str, t.Any]:
    args: t.Dict[str, t.Any] = {"id": container_id, "root": str(root), "wait_started": 0.2}
    if bundle is not None:
        args["bundle"] = str(bundle)
    args.update(extra)
    return args


CGROUP_ROOT = Path("/sys/fs/cgroup")
UNLIMITED_V2 = "max"


def memory_limit(pid: int, cgroup_root: Path = CGROUP_ROOT) -> int:
    """The memory limit of the process's cgroup, from either hierarchy: cgroup v1's
    memory/<path>/memory.limit_in_bytes or cgroup v2's unified <path>/memory.max
    (``0::<path>``; "max" reads as -1)."""
    for line in Path("/proc/%d/cgroup" % pid).read_text().splitlines():
        hierarchy, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return int((cgroup_root / ("memory" + path) / "memory.limit_in_bytes").read_text())
        if hierarchy == "0" and controllers == "" and (cgroup_root / path.lstrip("/") / "memory.max").exists():
            value = (cgroup_root / path.lstrip("/") / "memory.max").read_text().strip()
            return -1 if value == UNLIMITED_V2 else int(value)
    raise AssertionError("no memory cgroup (v1 memory controller or v2 memory.max) for pid %d" % pid)


# -- drift -----------------------------------------------------------------


def test_changed_args_recreate_the_container(ansible, runc_root, bundle_factory) -> None:
    bundle = bundle_factory("args", STOPS_ON_TERM, env={"SECRET": SECRET})
    args = container_args("rc-args", bundle, runc_root)
    first = ansible.module("runc_container", args)
    assert first.changed and first.result["actions"] == ["create", "start"]

    edit_config(bundle, lambda c: c["process"].update(args=STOPS_ON_TERM[:2] + ["trap 'exit 0' TERM; sleep 999 & wait"]))
    check = ansible.module("runc_container", args, check=True, diff=True)
    assert check.changed and check.result["actions"] == ["stop", "delete", "create", "start"]
    assert client(runc_root).state("rc-args").pid == first.result["container"]["pid"]

    second = ansible.module("runc_container", args, diff=True)
    assert second.result["actions"] == ["stop", "delete", "create", "start"]
    assert second.result["drift"]["kind"] == "recreate"
    assert second.result["drift"]["fields"] == ["process.args"]
    assert "process.args changed" in second.result["drift"]["reasons"][0]
    assert second.result["container"]["pid"] != first.result["container"]["pid"]
    diff = second.result["diff"]
    assert diff["before"]["spec"]["process.args"][2].startswith("trap 'exit 0' TERM; sleep 1000")
    assert diff["after"]["spec"]["process.args"][2].startswith("trap 'exit 0' TERM; sleep 999")
    assert not ansible.module("runc_container", args).changed


def test_changed_env_value_is_masked_everywhere(ansible, runc_root, bundle_factory) -> None:
    bundle = bundle_factory("env", STOPS_ON_TERM, env={"SECRET": SECRET})
    args = container_args("rc-env", bundle, runc_root, state="created")
    ansible.module("runc_container", args)
    edit_config(bundle, lambda c: c["process"].update(env=[e for e in c["process"]["env"] if not e.startswith("SECRET=")] + ["SECRET=other-" + SECRET]))
    run = ansible.module_run("runc_container", args, diff=True, verbosity=3)
    result = run.tasks[0].result
    assert result["actions"] == ["delete", "create"]
    assert result["drift"]["fields"] == ["process.env.SECRET"]
    assert result["diff"]["before"]["spec"] == {"process.env.SECRET": "********"}
    assert result["diff"]["after"]["spec"] == {"process.env.SECRET": "******** (changed)"}
    record = (runc_root / "rc-env@ocitools.json").read_text()
    for text in (run.stdout, run.stderr, json.dumps(result), record):
        assert SECRET not in text
    assert stat.S_IMODE((runc_root / "rc-env@ocitools.json").stat().st_mode) == 0o600


def test_memory_limit_is_updated_in_place(ansible, runc_root, bundle_factory) -> None:
    resources = {"linux": {"resources": {"memory": {"limit": 64 * MIB}}}}
    bundle = bundle_factory("memory", STOPS_ON_TERM, extra=resources)
    args = container_args("rc-memory", bundle, runc_root)
    pid = ansible.module("runc_container", args).result["container"]["pid"]
    assert memory_limit(pid) == 64 * MIB

    edit_config(bundle, lambda c: c["linux"]["resources"]["memory"].update(limit=32 * MIB))
    updated = ansible.module("runc_container", args, diff=True)
    assert updated.result["actions"] == ["update"]
    assert updated.result["drift"]["kind"] == "update"
    assert updated.result["diff"]["before"]["spec"] == {"linux.resources.memory.limit": 64 * MIB}
    assert updated.result["diff"]["after"]["spec"] == {"linux.resources.memory.limit": 32 * MIB}
    assert updated.result["container"]["pid"] == pid
    assert memory_limit(pid) == 32 * MIB
    assert not ansible.module("runc_container", args).changed


def test_other_bundle_path_recreates(ansible, runc_root, bundle_factory) -> None:
    first = bundle_factory("first", STOPS_ON_TERM)
    second = bundle_factory("second", STOPS_ON_TERM)
    ansible.module("runc_container", container_args("rc-moved", first, runc_root, state="created"))
    moved = ansible.module("runc_container", container_args("rc-moved", second, runc_root, state="created"), diff=True)
    assert moved.result["actions"] == ["delete", "create"]
    assert "bundle changed" in moved.result["drift"]["reasons"][0]
    assert (moved.result["diff"]["before"]["bundle"], moved.result["diff"]["after"]["bundle"]) == (str(first), str(second))


def test_container_made_outside_the_module_is_not_recreated(ansible, runc_root, bundle_factory) -> None:
    bundle = bundle_factory("outside", STOPS_ON_TERM)
    runc = client(runc_root)
    runc.create("rc-outside", CreateOptions(bundle=str(bundle)))
    edit_config(bundle, lambda c: c["process"].update(cwd="/tmp"))
    result = ansible.module("runc_container", container_args("rc-outside", bundle, runc_root, state="created"))
    assert (result.changed, result.result["actions"]) == (False, [])
    assert any("no record" in warning for warning in result.result.get("warnings", []))


# -- stopping --------------------------------------------------------------


def timed_stop(ansible, args: t.Dict[str, t.Any], stop_timeout: int) -> float:
    """Seconds a state=stopped run takes for a freshly started container."""
    assert ansible.module("runc_container", args).result["container"]["status"] == "running"
    started = time.monotonic()
    stopped = ansible.module("runc_container", dict(args, state="stopped", stop_timeout=stop_timeout))
    elapsed = time.monotonic() - started
    assert stopped.result["container"]["status"] == "stopped"
    return elapsed


def test_stop_timeout_kills_a_process_that_ignores_sigterm(ansible, runc_root, bundle_factory) -> None:
    bundle = bundle_factory("stubborn", IGNORES_TERM)
    args = container_args("rc-stubborn", bundle, runc_root)
    # The same run without a grace period measures what Ansible itself costs.
    baseline = timed_stop(ansible, args, stop_timeout=0)
    graceful = timed_stop(ansible, args, stop_timeout=3)
    assert 2.5 <= graceful - baseline < 3.0 + 5.0, (baseline, graceful)


# -- bad input -------------------------------------------------------------


def write_failing_runc(directory: Path) -> Path:
    """A runc that really creates (or runs) the container, then reports failure (runc failing mid-create).

    The error goes to runc's --log, where the client reads it (stderr belongs to the container).
    """
    real = shutil.which("runc")
    wrapper = directory / "failing-runc"
    wrapper.write_text(
        "#!%s\nimport os, subprocess, sys\n"
        "if 'create' in sys.argv or 'run' in sys.argv:\n"
        "    subprocess.run([%r] + sys.argv[1:], check=False)\n"
        "    log = sys.argv[sys.argv.index('--log') + 1]\n"
        "    open(log, 'a').write('{\"level\": \"error\", \"msg\": \"simulated failure after create\"}\\n')\n"
        "    sys.exit(1)\n"
        "os.execv(%r, [%r] + sys.argv[1:])\n" % (sys.executable, real, real, real)
    )
    wrapper.chmod(0o755)
    return wrapper


BAD_BUNDLES: t.Dict[str, t.Tuple[t.Callable[[Path], None], str]] = {
    "missing": (lambda bundle: None, r"bundle: .* is not a directory"),
    "no-config": (lambda bundle: bundle.mkdir(), r"bundle: .* has no config.json"),
    "unreadable": (lambda bundle: (bundle / "config.json").mkdir(parents=True), r"bundle: cannot read .*config.json: \[Errno 21\] Is a directory"),
    "invalid-json": (
        lambda bundle: (bundle.mkdir(), (bundle / "config.json").write_text('{\n  "ociVersion": "1.0.2",\n  oops\n}')),
        r"bundle: .*config.json is not valid JSON: Expecting property name enclosed in double quotes at line 3 column 3",
    ),
    "not-an-object": (
        lambda bundle: (bundle.mkdir(), (bundle / "config.json").write_text("[]")),
        r"bundle: .*config.json must hold a JSON object",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BUNDLES))
def test_bad_bundle_fails_naming_the_option(ansible, runc_root, tmp_path, case) -> None:
    make, message = BAD_BUNDLES[case]
    bundle = tmp_path / "bad-bundle"
    make(bundle)
    result = ansible.module("runc_container", container_args("rc-bad", bundle, runc_root))
    assert result.failed
    assert re.search(message, result.result["msg"]), result.result["msg"]
    assert client(runc_root).list() == []


def test_spec_runc_rejects_fails_with_runcs_message(ansible, runc_root, bundle_factory) -> None:
    bundle = bundle_factory("rejected", STOPS_ON_TERM, cwd="relative/dir")
    result = ansible.module("runc_container", container_args("rc-rejected", bundle, runc_root))
    assert result.failed
    assert result.result["msg"].startswith("bundle: runc could not create container rc-rejected from %s" % bundle)
    assert "absolute" in result.result["msg"] and "absolute" in result.result["runc_message"]
    assert client(runc_root).list() == []


@pytest.mark.parametrize("bad_id", ["../x", "a b", ""])
def test_invalid_id_fails_before_runc_is_called(ansible, runc_root, bundle_factory, counting_runc, bad_id) -> None:
    bundle = bundle_factory("ids", STOPS_ON_TERM)
    result = ansible.module("runc_container", container_args(bad_id, bundle, runc_root, executable=str(counting_runc.executable)))
    assert result.failed and result.result["msg"].startswith("id: container id")
    assert counting_runc.calls() == []


def test_missing_runc_fails_naming_executable(ansible, runc_root, bundle_factory) -> None:
    bundle = bundle_factory("norunc", STOPS_ON_TERM)
    result = ansible.module("runc_container", container_args("rc-norunc", bundle, runc_root, executable="/nonexistent/runc"))
    assert result.failed and result.result["msg"].startswith("executable: /nonexistent/runc is not an executable file")


def test_runc_failing_mid_create_leaves_nothing(ansible, runc_root, bundle_factory, tmp_path) -> None:
    bundle = bundle_factory("midcreate", STOPS_ON_TERM)
    failing = write_failing_runc(tmp_path)
    result = ansible.module("runc_container", container_args("rc-midcreate", bundle, runc_root, executable=str(failing)))
    assert result.failed
    assert "bundle: runc could not create container rc-midcreate" in result.result["msg"]
    assert "simulated failure after create" in result.result["msg"]
    assert client(runc_root).list() == []
    assert not (runc_root / "rc-midcreate@ocitools.json").exists()


def test_container_exiting_at_start_fails_with_its_log(ansible, runc_root, bundle_factory, tmp_path) -> None:
    bundle = bundle_factory("exits", ["sh", "-c", "echo going down; exit 3"])
    log = tmp_path / "exits.log"
    args = container_args("rc-exits", bundle, runc_root, log_path=str(log), wait_started=1)  # a readiness wait
    result = ansible.module("runc_container", args)
    assert result.failed
    assert "exited right after start" in result.result["msg"] and "going down" in result.result["msg"]
    assert result.result["status"] == "stopped"
    assert client(runc_root).list() == []


def test_bundle_required_unless_absent(ansible, runc_root) -> None:
    result = ansible.module("runc_container", container_args("rc-nobundle", None, runc_root))
    assert result.failed and result.result["msg"].startswith("bundle: required when state is running")
    assert not ansible.module("runc_container", container_args("rc-nobundle", None, runc_root, state="absent")).changed


# -- concurrency -----------------------------------------------------------


def run_together(ansible, argument_sets: t.Sequence[t.Mapping[str, t.Any]], tmp_path: Path) -> t.List[t.Any]:
    """Run the module once per argument set, all at the same time, each with its own harness."""
    results: t.List[t.Any] = [None] * len(argument_sets)
    harnesses = []
    for index in range(len(argument_sets)):
        workdir = tmp_path / ("parallel-%d" % index)
        workdir.mkdir(parents=True)
        harnesses.append(type(ansible)(ansible.collections, workdir))

    def call(index: int) -> None:
        results[index] = harnesses[index].module("runc_container", argument_sets[index])

    threads = [threading.Thread(target=call, args=(index,)) for index in range(len(argument_sets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_runs_on_one_id_at_once_stay_consistent(ansible, runc_root, bundle_factory, tmp_path) -> None:
    bundle = bundle_factory("parallel", STOPS_ON_TERM)
    args = container_args("rc-parallel", bundle, runc_root)
    both = run_together(ansible, [args, args], tmp_path)
    assert [result.status for result in both] == ["ok", "ok"]
    assert sorted(result.changed for result in both) == [False, True]

    again = run_together(ansible, [dict(args, recreate=True), dict(args, recreate=True)], tmp_path / "again")
    assert [result.status for result in again] == ["ok", "ok"]
    assert all(result.result["actions"] == ["stop", "delete", "create", "start"] for result in again)
    state = client(runc_root).state("rc-parallel")
    record = json.loads((runc_root / "rc-parallel@ocitools.json").read_text())
    assert (state.status, record["created"]) == ("running", state.created)
    assert not ansible.module("runc_container", args).changed
