# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_stack against the real runc: transitions of a whole stack, idempotence, check mode, pods, prune.

Each step asks for a stack four times, as the runc_container transition tests do: in check mode
(reports the change, changes nothing), for real, again (changed=false) and again in check mode.
Check-mode runs go through the counting runc, so their runc calls can be audited.
"""

from __future__ import annotations

import json
import os
import typing as t
from pathlib import Path

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions

STOPS_ON_TERM = ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
STEPS = ("check", "real", "repeat", "repeat_check")
IDS = ("c14-a", "c14-b", "c14-c", "c14-pod")


def declare(tmp_path: Path, rootfs: Path, container_id: str, **extra: t.Any) -> t.Dict[str, t.Any]:
    entry: t.Dict[str, t.Any] = {"id": container_id, "bundle": str(tmp_path / "stack-bundles" / container_id),
                                 "rootfs": str(rootfs), "args": STOPS_ON_TERM, "env": {"C14_SECRET": "hidden-value"}}
    entry.update(extra)
    return entry


def step_tasks(name: str, args: t.Dict[str, t.Any], counting: Path) -> t.List[t.Dict[str, t.Any]]:
    tasks = []
    for step in STEPS:
        check = step.endswith("check")
        task_args = dict(args, executable=str(counting)) if check else args
        tasks.append({"name": "%s %s" % (name, step), "ocitools.runc.runc_stack": task_args,
                      "check_mode": check, "diff": True, "ignore_errors": True})
    return tasks


def netns(root: Path, container_id: str) -> str:
    pid = Runc(GlobalOptions(root=str(root)), timeout=20).state(container_id).pid
    return os.readlink("/proc/%d/ns/net" % pid)


def statuses(root: Path) -> t.Dict[str, str]:
    return {state.id: state.status for state in Runc(GlobalOptions(root=str(root)), timeout=20).list()}


def run_steps(ansible, tmp_path: Path, counting, steps: t.Sequence[t.Tuple[str, t.Dict[str, t.Any]]]) -> t.Dict[str, t.Any]:
    tasks: t.List[t.Dict[str, t.Any]] = []
    for name, args in steps:
        tasks += step_tasks(name, args, counting.executable)
    playbook = tmp_path / ("stack-%d.yml" % len(list(tmp_path.glob("stack-*.yml"))))
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    counting.reset()
    run = ansible.playbook(playbook)
    results = {task.task: task for task in run.tasks}
    assert len(results) == len(tasks), run.stdout[-3000:]
    assert counting.calls(), "the check-mode tasks did not use the counting runc"
    assert counting.mutating_calls() == []
    assert "hidden-value" not in run.stdout
    return results


def check_step(results: t.Mapping[str, t.Any], name: str, expected: t.Mapping[str, t.List[str]],
               pruned: t.Optional[t.Mapping[str, t.List[str]]] = None) -> None:
    """``expected``: container id -> actions of the real run (and of check mode); repeats change nothing."""
    check, real, repeat, repeat_check = (results["%s %s" % (name, step)] for step in STEPS)
    for task in (check, real, repeat, repeat_check):
        assert task.status == "ok", (name, task.result.get("msg"))
    for task in (check, real):
        actions = {entry["id"]: entry["actions"] for entry in task.result["containers"]}
        assert {cid: acts for cid, acts in actions.items() if acts} == expected, (name, task.result)
        assert {p["id"]: p["actions"] for p in task.result["pruned"]} == dict(pruned or {}), name
        assert task.changed
    for task in (repeat, repeat_check):
        assert not task.changed, (name, task.result)
        assert all(entry["actions"] == [] for entry in task.result["containers"]) and task.result["pruned"] == []


def test_stack_transitions(ansible, runc_root, busybox_rootfs, counting_runc, tmp_path) -> None:
    def stack(*containers: t.Dict[str, t.Any], **extra: t.Any) -> t.Dict[str, t.Any]:
        return dict({"root": str(runc_root), "containers": list(containers)}, **extra)

    a, b, c = (declare(tmp_path, busybox_rootfs, cid) for cid in IDS[:3])
    pod = declare(tmp_path, busybox_rootfs, "c14-pod", namespaces={"network": "container:c14-a"})
    b_drifted = dict(b, args=STOPS_ON_TERM[:2] + ["trap 'exit 0' TERM; sleep 999 & wait"])
    everything = ["create", "start"]
    recreate = ["stop", "delete", "create", "start"]
    results = run_steps(ansible, tmp_path, counting_runc, [
        ("all running", stack(pod, a, b, c)),
        ("c removed with prune", stack(pod, a, b, prune=True)),
        ("b drifted", stack(pod, a, b_drifted, prune=True)),
        ("b paused", stack(pod, a, dict(b_drifted, state="paused"), prune=True)),
    ])
    check_step(results, "all running", {cid: everything for cid in IDS})
    check_step(results, "c removed with prune", {}, pruned={"c14-c": ["stop", "delete"]})
    check_step(results, "b drifted", {"c14-b": recreate})
    check_step(results, "b paused", {"c14-b": ["pause"]})

    real = results["all running real"].result
    assert [entry["id"] for entry in real["containers"]] == list(("c14-pod", "c14-a", "c14-b", "c14-c"))  # declared order
    drifted = results["b drifted real"].result
    entry_b = next(entry for entry in drifted["containers"] if entry["id"] == "c14-b")
    assert entry_b["config_changed"] and entry_b["drift"]["fields"] == ["process.args"]
    assert statuses(runc_root) == {"c14-a": "running", "c14-b": "paused", "c14-pod": "running"}
    assert netns(runc_root, "c14-pod") == netns(runc_root, "c14-a") != os.readlink("/proc/self/ns/net")


def test_pod_follows_a_recreated_container_and_reads_are_batched(ansible, runc_root, busybox_rootfs, counting_runc,
                                                                 tmp_path) -> None:
    a = declare(tmp_path, busybox_rootfs, "c14-pa")
    pod = declare(tmp_path, busybox_rootfs, "c14-pp", namespaces={"network": "container:c14-pa"})
    args = {"root": str(runc_root), "containers": [pod, a], "executable": str(counting_runc.executable)}
    assert ansible.module("runc_stack", args).changed
    before = netns(runc_root, "c14-pa")
    assert netns(runc_root, "c14-pp") == before

    counting_runc.reset()
    again = ansible.module("runc_stack", args)
    assert not again.changed
    # ["--root", ROOT, subcommand, ...]: one runc list, no runc state per container, nothing mutating
    assert [call[2] for call in counting_runc.calls()] == ["list", "spec"], counting_runc.calls()

    a_changed = dict(a, args=STOPS_ON_TERM[:2] + ["trap 'exit 0' TERM; sleep 998 & wait"])
    result = ansible.module("runc_stack", dict(args, containers=[pod, a_changed]))
    assert {e["id"]: e["actions"] for e in result.result["containers"]} == {
        "c14-pp": ["stop", "delete", "create", "start"], "c14-pa": ["stop", "delete", "create", "start"]}
    assert netns(runc_root, "c14-pp") == netns(runc_root, "c14-pa") != before


def test_a_container_exiting_at_once_fails_the_stack_with_its_log(ansible, runc_root, busybox_rootfs, tmp_path) -> None:
    log = tmp_path / "exits.log"
    exits = declare(tmp_path, busybox_rootfs, "c14-exits", args=["sh", "-c", "echo going down; exit 3"],
                    log_path=str(log), wait_started=1)
    ok = declare(tmp_path, busybox_rootfs, "c14-ok")
    result = ansible.module("runc_stack", {"root": str(runc_root), "containers": [ok, exits]})
    assert result.failed
    assert result.result["msg"].startswith("containers[1] (c14-exits): container c14-exits exited right after start")
    assert "going down" in result.result["msg"]
    assert [entry["id"] for entry in result.result["containers"]] == ["c14-ok"]
    assert statuses(runc_root) == {"c14-ok": "running"}
