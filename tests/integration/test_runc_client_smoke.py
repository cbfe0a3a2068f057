# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Runc client against the real runc: one busybox container through its whole life."""

from __future__ import annotations

import time
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.exec_options import ExecOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import CreateOptions, KillOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.update_options import UpdateOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import ContainerIO

CONTAINER = "smoke"
MEMORY_LIMIT = 64 * 1024 * 1024


def wait_for_status(runc: Runc, status: str, seconds: float = 5.0) -> str:
    deadline = time.monotonic() + seconds
    current = runc.state(CONTAINER).status
    while current != status and time.monotonic() < deadline:
        time.sleep(0.05)
        current = runc.state(CONTAINER).status
    return current


def test_container_lifecycle(runc_root: Path, bundle_factory: t.Callable[..., Path], tmp_path: Path) -> None:
    bundle = bundle_factory(CONTAINER, ["sh", "-c", "while true; do sleep 1; done"],
                            annotations={"org.example/test": "smoke"})
    runc = Runc(GlobalOptions(root=str(runc_root)), timeout=20)
    io = ContainerIO(stdout=str(tmp_path / "container.out"), stderr=str(tmp_path / "container.err"))

    assert runc.version().libseccomp  # runc 1.1+ prints all five lines
    runc.create(CONTAINER, CreateOptions(bundle=str(bundle), io=io))
    created = runc.state(CONTAINER)
    assert (created.status, created.annotations) == ("created", {"org.example/test": "smoke"})
    assert [c.id for c in runc.list()] == [CONTAINER]

    runc.start(CONTAINER)
    assert wait_for_status(runc, "running") == "running"
    pids = runc.ps(CONTAINER)
    assert created.pid in pids
    table = runc.top(CONTAINER, ["-o", "pid,args"])
    assert table.titles == ["PID", "COMMAND"]
    assert str(created.pid) in [row[0] for row in table.processes]
    stats = runc.stats(CONTAINER)
    assert stats.type == "stats" and {"cpu", "memory"} <= set(stats.data)

    runc.pause(CONTAINER)
    assert runc.state(CONTAINER).status == "paused"
    # runc's own message reaches the error through the client's private JSON log.
    with pytest.raises(RuncError, match="paused") as caught:
        runc.exec(CONTAINER, ExecOptions(command=["true"]))
    assert "cannot exec in a paused container" in caught.value.runc_message
    runc.resume(CONTAINER)
    assert runc.state(CONTAINER).status == "running"

    result = runc.exec(CONTAINER, ExecOptions(command=["sh", "-c", "echo hello; echo oops >&2; exit 3"]))
    assert (result.rc, result.out, result.err) == (3, "hello\n", "oops\n")

    runc.update(CONTAINER, UpdateOptions(memory=MEMORY_LIMIT))
    assert runc.stats(CONTAINER).data["memory"]["usage"]["limit"] == MEMORY_LIMIT

    runc.kill(CONTAINER, KillOptions(signal="KILL"))
    assert wait_for_status(runc, "stopped") == "stopped"
    runc.delete(CONTAINER)
    assert runc.find(CONTAINER) is None
    assert runc.list() == []
