# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""argv for runc run elsewhere (the connection and inventory plugins): the client's own options types."""

from __future__ import annotations

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.argv import exec_argv, list_argv, state_argv
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.exec_options import ExecOptions

ROOTED = GlobalOptions(command="/usr/sbin/runc", root="/run/r")


@pytest.mark.parametrize("options, exec_options, expected", [
    pytest.param(GlobalOptions(), ExecOptions(command=["/bin/sh", "-c", "echo hi"]),
                 ["runc", "exec", "web", "/bin/sh", "-c", "echo hi"], id="plain"),
    pytest.param(ROOTED, ExecOptions(command=["id"], user="1000:1000", cwd="/srv", env=["A=1", "B=two words"]),
                 ["/usr/sbin/runc", "--root", "/run/r", "exec", "--cwd", "/srv", "--env", "A=1", "--env", "B=two words",
                  "--user", "1000:1000", "web", "id"], id="user-cwd-env"),
    pytest.param(GlobalOptions(), ExecOptions(command=["--help"]), ["runc", "exec", "web", "--help"],
                 id="command-after-the-id"),
])
def test_exec_argv(options, exec_options, expected) -> None:
    assert exec_argv(options, "web", exec_options) == expected


def test_exec_argv_refuses_a_process_spec() -> None:
    with pytest.raises(ValueError, match="not as a process spec file"):
        exec_argv(GlobalOptions(), "web", ExecOptions(process={"args": ["id"]}))


@pytest.mark.parametrize("build", [
    pytest.param(lambda: exec_argv(GlobalOptions(), "--force", ExecOptions(command=["id"])), id="exec"),
    pytest.param(lambda: state_argv(GlobalOptions(), "../x"), id="state"),
])
def test_invalid_ids_are_refused(build) -> None:
    with pytest.raises(InvalidContainerIdError):
        build()


def test_state_and_list_argv() -> None:
    assert state_argv(ROOTED, "web") == ["/usr/sbin/runc", "--root", "/run/r", "state", "web"]
    assert list_argv(ROOTED) == ["/usr/sbin/runc", "--root", "/run/r", "list", "--format", "json"]
