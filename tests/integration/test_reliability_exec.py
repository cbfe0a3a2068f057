# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_exec's timeout kills every process the command started, newlines, and bounds (issue 10)."""

from __future__ import annotations

import time
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import RunOptions

CONTAINER = "i10-exec"


@pytest.fixture
def started(runc_root: Path, bundle_factory: t.Callable[..., Path]) -> Runc:
    """A running busybox container under ``runc_root`` (stdio on /dev/null); its client."""
    runc = Runc(GlobalOptions(root=str(runc_root)), timeout=30)
    runc.run(CONTAINER, RunOptions(bundle=str(bundle_factory(CONTAINER, ["sleep", "1000"]))))
    return runc


def _commands(runc: Runc) -> t.List[str]:
    return [row["CMD"] for row in runc.top(CONTAINER).to_dicts()]


def test_background_process_holding_the_output_is_killed_at_the_timeout(ansible: t.Any, started: Runc,
                                                                        runc_root: Path) -> None:
    # The reproducer of issue 10: sh exits at once, its background sleep keeps stdout open.
    began = time.monotonic()
    task = ansible.module("runc_exec", {"id": CONTAINER, "root": str(runc_root), "timeout": 8,
                                        "argv": ["sh", "-c", "sleep 20 & echo started"]})
    elapsed = time.monotonic() - began
    assert task.failed and task.result["rc"] == -9
    assert task.result["msg"].startswith("the command's process exited, but its stdout or stderr stayed open until "
                                         "the timeout of 8.0 seconds"), task.result["msg"]
    assert "were killed (host pids" in task.result["msg"]
    assert task.result["stdout"] == "started"
    assert elapsed < 18, elapsed  # not the 20 s of the sleep
    assert not [cmd for cmd in _commands(started) if "sleep 20" in cmd], _commands(started)


def test_redirected_background_process_does_not_hold_the_task(ansible: t.Any, started: Runc, runc_root: Path) -> None:
    task = ansible.module("runc_exec", {"id": CONTAINER, "root": str(runc_root), "timeout": 8,
                                        "argv": ["sh", "-c", "sleep 21 >/dev/null 2>&1 & echo started"]})
    assert task.status == "ok" and task.result["stdout"] == "started", task.result
    assert [cmd for cmd in _commands(started) if "sleep 21" in cmd]  # left running: no timeout, as documented


def test_setsid_grandchild_is_killed_too(ansible: t.Any, started: Runc, runc_root: Path) -> None:
    # A descendant in a new process group (not session) is still found by the tree walk or the session.
    task = ansible.module("runc_exec", {"id": CONTAINER, "root": str(runc_root), "timeout": 3,
                                        "argv": ["sh", "-c", "sh -c 'sleep 22' & sleep 23"]})
    assert task.failed and task.result["msg"].startswith("the command did not finish within 3.0 seconds")
    assert not [cmd for cmd in _commands(started) if "sleep 22" in cmd or "sleep 23" in cmd], _commands(started)


@pytest.mark.parametrize("timeout", [0, -1, 86401, 1e12])
def test_timeout_bounds(ansible: t.Any, started: Runc, runc_root: Path, timeout: float) -> None:
    task = ansible.module("runc_exec", {"id": CONTAINER, "root": str(runc_root), "timeout": timeout, "argv": ["true"]})
    assert task.failed and task.result["msg"].startswith("timeout: must be a number of seconds above 0 and at most 86400")


def test_trailing_newlines_stripped_by_default_exact_on_request(ansible: t.Any, started: Runc, runc_root: Path) -> None:
    argv = ["sh", "-c", "printf 'a\\n\\nb\\n\\n'; printf 'e\\n' >&2"]
    default = ansible.module("runc_exec", {"id": CONTAINER, "root": str(runc_root), "argv": argv})
    exact = ansible.module("runc_exec", {"id": CONTAINER, "root": str(runc_root), "argv": argv,
                                         "strip_empty_ends": False})
    assert (default.result["stdout"], default.result["stderr"]) == ("a\n\nb", "e")
    assert (exact.result["stdout"], exact.result["stderr"]) == ("a\n\nb\n\n", "e\n")
