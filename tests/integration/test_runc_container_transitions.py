# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_container: every transition between the five states, against the real runc.

For each (from, to) pair one container is brought to ``from``, then asked for ``to``
four times: in check mode (reports the change, changes nothing), for real (changes),
again (changed=false) and again in check mode (changed=false). All 25 pairs run in one
generated playbook (ad-hoc calls would cost ~2 s each); results come back per task.
"""

from __future__ import annotations

import itertools
import json
import typing as t
from pathlib import Path

from ansible_collections.ocitools.runc.plugins.module_utils._container.planner import plan

STATES = ("absent", "created", "running", "paused", "stopped")
PAIRS = list(itertools.product(STATES, STATES))
# The process stops at once on SIGTERM (pid 1 ignores signals it has no handler for).
ARGS = ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
STEPS = ("check", "real", "repeat", "repeat_check")


def container_id(source: str, target: str) -> str:
    return "rct-%s-%s" % (source, target)


def task_name(source: str, target: str, step: str) -> str:
    return "%s->%s %s" % (source, target, step)


def transition_tasks(source: str, target: str, bundle: Path, root: Path, counting: Path) -> t.List[t.Dict[str, t.Any]]:
    common = {"id": container_id(source, target), "bundle": str(bundle), "root": str(root), "wait_started": 0.2}
    tasks = [{"name": task_name(source, target, "setup"), "ocitools.runc.runc_container": dict(common, state=source)}]
    for step in STEPS:
        check = step.endswith("check")
        # Check-mode runs go through the counting runc, so their runc calls can be audited.
        args = dict(common, state=target, executable=str(counting)) if check else dict(common, state=target)
        tasks.append({
            "name": task_name(source, target, step), "ocitools.runc.runc_container": args,
            "check_mode": check, "diff": True, "ignore_errors": True,
        })
    return tasks


def test_every_transition(ansible, runc_root, bundle_factory, counting_runc, tmp_path, subtests) -> None:
    bundle = bundle_factory("transitions", ARGS)
    tasks: t.List[t.Dict[str, t.Any]] = []
    for source, target in PAIRS:
        tasks += transition_tasks(source, target, bundle, runc_root, counting_runc.executable)
    playbook = tmp_path / "transitions.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))

    run = ansible.playbook(playbook)
    results = {task.task: task for task in run.tasks}
    assert len(results) == len(PAIRS) * (1 + len(STEPS)), run.stdout[-3000:]
    assert counting_runc.calls(), "the check-mode tasks did not use the counting runc"
    assert counting_runc.mutating_calls() == []

    for source, target in PAIRS:
        with subtests.test(msg="%s->%s" % (source, target)):
            check_transition(source, target, {step: results[task_name(source, target, step)] for step in ("setup",) + STEPS})


def check_transition(source: str, target: str, steps: t.Mapping[str, t.Any]) -> None:
    for step, task in steps.items():
        assert task.status == "ok", (step, task.result.get("msg"))
    expected = plan(source, target)  # the planner's own table is checked by hand in the unit tests
    check, real, repeat, repeat_check = (steps[step].result for step in STEPS)
    assert (check["changed"], check["actions"]) == (bool(expected), expected)
    # The real run plans exactly what check mode did: check mode changed nothing.
    assert (real["changed"], real["actions"]) == (bool(expected), expected)
    assert (repeat["changed"], repeat["actions"]) == (False, [])
    assert (repeat_check["changed"], repeat_check["actions"]) == (False, [])

    for result in (check, real):
        assert result["diff"]["before"]["status"] == source
        assert result["diff"]["after"]["status"] == target
    assert repeat["diff"]["before"] == repeat["diff"]["after"]
    assert real["container"].get("status", "absent") == target
    assert check["container"].get("status", "absent") == source
