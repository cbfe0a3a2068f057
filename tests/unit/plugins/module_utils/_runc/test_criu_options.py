# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checkpoint/restore options declared once: the rows give argv, the version gates, the module's
argument spec and which state an option belongs to."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.manager import ARGUMENT_SPEC
from ansible_collections.ocitools.runc.plugins.module_utils._runc.criu_options import (
    CHECKPOINT_FLAGS,
    DUMP_ONLY,
    RESTORE_FLAGS,
    RESTORE_ONLY,
    CheckpointOptions,
    RestoreOptions,
)


def test_each_state_owns_its_options() -> None:
    assert DUMP_ONLY == ("parent_path", "leave_running", "pre_dump", "tcp_skip_in_flight", "link_remap", "page_server")
    assert RESTORE_ONLY == ("bundle", "pid_file", "no_subreaper", "no_pivot", "lsm_profile", "lsm_mount_context")


def test_module_options_come_from_the_rows() -> None:
    flags = {flag.name for flag in CHECKPOINT_FLAGS + RESTORE_FLAGS if flag.option}
    assert set(ARGUMENT_SPEC) == flags | {"id", "state", "force"}
    assert ARGUMENT_SPEC["image_path"] == {"type": "path", "required": True}
    assert ARGUMENT_SPEC["manage_cgroups_mode"] == {"type": "str", "choices": ["soft", "full", "strict", "ignore"]}
    assert ARGUMENT_SPEC["empty_ns"] == {"type": "list", "elements": "str", "default": []}
    assert ARGUMENT_SPEC["leave_running"] == {"type": "bool", "default": False}
    assert not {"status_fd", "detach", "console_socket"} & set(ARGUMENT_SPEC)


def test_options_from_params() -> None:
    params = {name: None for name in ARGUMENT_SPEC}
    params.update(id="web", state="checkpointed", leave_running=True, empty_ns=["network"], bundle="/ignored")
    options = CheckpointOptions.from_params(params, image_path="/img")
    assert options.args() == ["--image-path", "/img", "--empty-ns", "network", "--leave-running"]
    restore = RestoreOptions.from_params(dict(params, bundle="/b", pid_file="/p"), image_path="/img")
    assert restore.args() == ["--image-path", "/img", "--empty-ns", "network", "--bundle", "/b", "--detach",
                              "--pid-file", "/p"]


@pytest.mark.parametrize("options, needs", [
    pytest.param(CheckpointOptions(leave_running=True, manage_cgroups_mode="soft"), [], id="all-in-1.1"),
    pytest.param(CheckpointOptions(tcp_skip_in_flight=True, link_remap=True),
                 [("tcp_skip_in_flight", (1, 2, 0)), ("link_remap", (1, 2, 0))], id="flags-of-1.2"),
    pytest.param(RestoreOptions(manage_cgroups_mode="ignore"), [("manage_cgroups_mode=ignore", (1, 2, 0))],
                 id="value-of-1.2"),
])
def test_version_gates(options: t.Any, needs: t.List[t.Any]) -> None:
    assert options.newer_than_1_1() == needs


def test_bad_cgroups_mode() -> None:
    with pytest.raises(ValueError, match="manage_cgroups_mode must be one of"):
        CheckpointOptions(manage_cgroups_mode="loose")
