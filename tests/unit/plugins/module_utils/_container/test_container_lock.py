# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-container lock: exclusive, bounded wait, and safe removal of a discarded lock file."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.lock import ContainerLock, LockTimeoutError


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
