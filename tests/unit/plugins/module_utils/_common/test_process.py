# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one process-override type and the one capability normaliser (runc_exec and runc_spec)."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._common.process import ProcessOverrides, capability_name


@pytest.mark.parametrize("name, allow_all, expected", [
    ("net_admin", False, "CAP_NET_ADMIN"),
    (" CAP_SYS_ADMIN ", False, "CAP_SYS_ADMIN"),
    ("all", True, "ALL"),
    ("all", False, None),
    ("CAP_FLY", False, None),
])
def test_capability_name(name: str, allow_all: bool, expected: t.Optional[str]) -> None:
    assert capability_name(name, allow_all) == expected


def test_overrides_change_only_what_is_set() -> None:
    process: t.Dict[str, t.Any] = {"args": ["sh"], "env": ["PATH=/bin", "TERM=xterm"], "cwd": "/",
                                   "user": {"uid": 0, "gid": 0}, "noNewPrivileges": True}
    ProcessOverrides(("id",), env=(("TERM", "dumb"), ("A", "1")), uid=1000).apply(process)
    assert process == {"args": ["id"], "env": ["PATH=/bin", "TERM=dumb", "A=1"], "cwd": "/",
                       "user": {"uid": 1000, "gid": 0}, "noNewPrivileges": True}


def test_overrides_on_a_bare_process() -> None:
    process: t.Dict[str, t.Any] = {}
    ProcessOverrides(("true",), cwd="/w", gid=5, additional_gids=(6,), no_new_privileges=False).apply(process)
    assert process == {"args": ["true"], "cwd": "/w", "user": {"uid": 0, "gid": 5, "additionalGids": [6]},
                       "noNewPrivileges": False}
