# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc argv for callers that run runc themselves, elsewhere: the connection and inventory plugins run it
on a container's host through an SSH or local connection. Built by the client's own options types and
``Runc.argv``, so there is still one place that assembles runc's command line."""

from __future__ import annotations

import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.ids import validate_container_id
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.exec_options import ExecOptions


def exec_argv(options: GlobalOptions, container_id: str, exec_options: ExecOptions) -> t.List[str]:
    """``runc [global flags] exec [flags] ID COMMAND...``; a process spec needs a file on the host, so it is refused."""
    if exec_options.process is not None:
        raise ValueError("a remote runc exec takes its process as flags, not as a process spec file")
    subcommand = ["exec", *exec_options.args(), validate_container_id(container_id), *exec_options.trailing_args()]
    return Runc(options).argv(subcommand)


def state_argv(options: GlobalOptions, container_id: str) -> t.List[str]:
    """``runc [global flags] state ID``: its output is what ``parse_state`` reads."""
    return Runc(options).argv(["state", validate_container_id(container_id)])


def list_argv(options: GlobalOptions) -> t.List[str]:
    """``runc [global flags] list --format json``: its output is what ``parse_list`` reads."""
    return Runc(options).argv(["list", "--format", "json"])
