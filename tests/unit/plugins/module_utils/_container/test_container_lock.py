# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-container lock: exclusive, bounded wait, and safe removal of a discarded lock file."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._container.lock import (
    ContainerLock,
    LockTimeoutError,
    held_by_task,
)


def test_second_holder_waits_then_times_out(tmp_path: Path) -> None:
    with ContainerLock(str(tmp_path), "web").held(timeout=1):
        started = time.monotonic()
        with pytest.raises(LockTimeoutError):
            with ContainerLock(str(tmp_path), "web").held(timeout=0.2):
                pass  # pragma: no cover - never reached
        assert time.monotonic() - started >= 0.2
    with ContainerLock(str(tmp_path), "web").held(timeout=0.2):
        pass
    assert (tmp_path / "web@ocitools.lock").exists()


def test_other_ids_do_not_wait(tmp_path: Path) -> None:
    with ContainerLock(str(tmp_path), "web").held(timeout=1):
        with ContainerLock(str(tmp_path), "db").held(timeout=0):
            pass


def test_creates_the_root(tmp_path: Path) -> None:
    with ContainerLock(str(tmp_path / "root"), "web").held(timeout=1) as lock:
        assert Path(lock.path).exists()


def test_waiter_survives_a_discarded_lock_file(tmp_path: Path) -> None:
    order = []
    first = ContainerLock(str(tmp_path), "web")

    def second() -> None:
        with ContainerLock(str(tmp_path), "web").held(timeout=5):
            order.append("second")

    with first.held(timeout=1):
        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.2)
        order.append("first")
        first.discard()
    waiter.join()
    assert order == ["first", "second"]
    # The waiter locked a fresh file at the path, not the removed one.
    assert (tmp_path / "web@ocitools.lock").exists()


class _AreaError(TaskError):
    pass


def test_held_by_task_names_the_id_when_the_wait_times_out(tmp_path: Path) -> None:
    with ContainerLock(str(tmp_path), "web").held(timeout=1):
        with pytest.raises(_AreaError, match=r"^id: container web stayed locked by another task for 0 seconds"):
            with held_by_task(ContainerLock(str(tmp_path), "web"), 0.2, _AreaError):
                pass  # pragma: no cover - the lock is never got


def test_held_by_task_names_root_when_the_lock_file_cannot_be_made(tmp_path: Path) -> None:
    regular = tmp_path / "regular"
    regular.write_text("keep")
    with pytest.raises(_AreaError) as caught:
        with held_by_task(ContainerLock(str(regular / "root"), "web"), 1, _AreaError):
            pass  # pragma: no cover - the lock is never got
    assert caught.value.msg.startswith("root: cannot use %s" % (regular / "root")), caught.value.msg
    assert caught.value.details == {"path": str(regular / "root")} and regular.read_text() == "keep"


def test_held_by_task_passes_other_failures_on(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        with held_by_task(ContainerLock(str(tmp_path / "root"), "web"), 1):
            (tmp_path / "elsewhere" / "x").read_text()
