# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding what to kill when an exec times out."""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._exec.kill import (
    descendants,
    exec_processes,
    kill_exec_process,
    parent_pid,
    read_pid_file,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc


@pytest.mark.parametrize("text, expected", [("1234", 1234), ("1234\n", 1234), ("", None), ("x", None)])
def test_read_pid_file(tmp_path: Path, text: str, expected: t.Optional[int]) -> None:
    path = tmp_path / "pid"
    path.write_text(text)
    assert read_pid_file(str(path)) == expected


def test_read_missing_pid_file(tmp_path: Path) -> None:
    assert read_pid_file(str(tmp_path / "none")) is None


def test_parent_pid_of_this_process() -> None:
    assert parent_pid(os.getpid()) == os.getppid()
    assert parent_pid(2 ** 30) is None


def test_descendants_follow_the_tree_in_any_order() -> None:
    parents = {20: 10, 30: 20, 40: 1, 50: 30, 60: 40}
    assert sorted(descendants(10, [50, 30, 20, 40, 60], parents.get)) == [10, 20, 30, 50]


def test_nothing_is_killed_for_a_pid_outside_the_container(runc: Runc, runner: t.Any) -> None:
    runner.respond(stdout="[100, 200]")
    assert kill_exec_process(runc, "web", os.getpid()) == []
    assert runner.last.argv == ["runc", "ps", "--format", "json", "web"]


def test_nothing_is_killed_when_the_container_is_gone(runc: Runc, runner: t.Any) -> None:
    runner.respond(stderr='time="x" level=error msg="container does not exist"', rc=1)
    assert kill_exec_process(runc, "web", 1234) == []


def test_exec_processes_include_its_session_and_group_after_the_leader_exited() -> None:
    # 10 is the exec'd sh (gone); 11 its background sleep, reparented to the container's init (1);
    # 12 a child of 11; 13 another exec's process; 1 the container's init.
    parents = {11: 1, 12: 11, 13: 1, 1: 0}
    groups = {11: (10, 10), 12: (11, 10), 13: (13, 13), 1: (1, 1)}
    assert sorted(exec_processes(10, [1, 11, 12, 13], parents.get, groups.__getitem__)) == [11, 12]
    assert sorted(exec_processes(10, [1, 10, 11, 12, 13], {**parents, 10: 1}.get, {**groups, 10: (10, 10)}.__getitem__)) \
        == [10, 11, 12]
