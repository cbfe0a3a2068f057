# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_checkpoint against the real runc and a working CRIU: a restored counter continues."""

from __future__ import annotations

import stat
import threading
import time
import typing as t
from pathlib import Path

import pytest

import rootfs as rootfs_setup  # tests/setup, put on sys.path by conftest.py
from criu_fixtures import criu_has_dirty_tracking, working_criu  # noqa: F401 # pylint: disable=unused-import

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import RunOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import ContainerIO

# Increments a number in /tmp/count (inside the container's own rootfs) every 100 ms.
COUNTER = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; usleep 100000; done"]
# Increments a restored counter may make before the test sees it (the wait while dumped adds ~20).
RESUME_SLACK = 10


class Counter(t.NamedTuple):
    id: str
    bundle: Path
    count_file: Path

    def read(self) -> t.Optional[int]:
        """The counter, or None while the shell is rewriting the file."""
        try:
            text = self.count_file.read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def wait_above(self, value: int, seconds: float = 10.0) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            current = self.read()
            if current is not None and current > value:
                return current
            time.sleep(0.02)
        raise AssertionError("counter %s did not pass %d within %ss (now %s)" % (self.id, value, seconds, self.read()))

    def settled(self) -> int:
        """The value of a counter that no longer runs."""
        for _attempt in range(50):
            value = self.read()
            if value is not None:
                return value
            time.sleep(0.02)
        raise AssertionError("counter file %s stays unreadable" % self.count_file)


class FirstChange:
    """Watches the counter file in a thread and keeps the first value that differs from ``start``."""

    def __init__(self, counter: Counter, start: int) -> None:
        self.counter = counter
        self.start = start
        self.value: t.Optional[int] = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set() and self.value is None:
            current = self.counter.read()
            if current is not None and current != self.start:
                self.value = current
            time.sleep(0.005)

    def __enter__(self) -> "FirstChange":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        deadline = time.monotonic() + 5
        while self.value is None and time.monotonic() < deadline:
            time.sleep(0.02)
        self._stop.set()
        self._thread.join()


@pytest.fixture
def runc_client(runc_root: Path, working_criu: t.Any) -> Runc:
    return Runc(GlobalOptions(root=str(runc_root), criu=str(working_criu.path)), timeout=60)


@pytest.fixture
def start_counter(tmp_path: Path, runc_client: Runc) -> t.Callable[..., Counter]:
    """Start a counter container on its own rootfs (the shared one is read by other tests)."""

    def start(container_id: str, io: ContainerIO = ContainerIO()) -> Counter:
        rootfs = rootfs_setup.build_busybox_rootfs(tmp_path / ("rootfs-" + container_id))
        bundle = rootfs_setup.make_bundle(tmp_path / "bundles" / container_id, COUNTER, rootfs=rootfs, readonly=False)
        counter = Counter(container_id, bundle, rootfs / "tmp" / "count")
        runc_client.run(container_id, RunOptions(bundle=str(bundle), io=io))
        counter.wait_above(3)
        return counter

    return start


@pytest.fixture
def task_args(runc_root: Path, working_criu: t.Any) -> t.Callable[..., t.Dict[str, t.Any]]:
    def args(**options: t.Any) -> t.Dict[str, t.Any]:
        return dict(root=str(runc_root), criu=str(working_criu.path), **options)

    return args


def report(what: str, result: t.Dict[str, t.Any]) -> None:
    print("%s: changed=%s duration=%ss" % (what, result.get("changed"), result.get("duration")))


def test_restored_counter_continues_from_the_dump(ansible: t.Any, start_counter: t.Callable[..., Counter],
                                                  runc_client: Runc, task_args: t.Any, tmp_path: Path) -> None:
    counter = start_counter("counter")
    images = tmp_path / "images" / "counter"

    dumped = ansible.module("runc_checkpoint", task_args(id=counter.id, image_path=str(images)))
    report("checkpoint", dumped.result)
    assert dumped.status == "ok", dumped.result
    assert dumped.changed and dumped.result["checkpoint"]["complete"]
    assert dumped.result["container"] == {} and runc_client.find(counter.id) is None
    assert dumped.result["actions"] == ["prepare", "checkpoint", "delete"], dumped.result["steps"]
    assert stat.S_IMODE(images.stat().st_mode) == 0o700
    at_dump = counter.settled()
    time.sleep(2)
    assert counter.settled() == at_dump, "the counter ran on after the checkpoint"

    restore = task_args(id=counter.id, state="restored", image_path=str(images), bundle=str(counter.bundle))
    with FirstChange(counter, at_dump) as first:
        restored = ansible.module("runc_checkpoint", restore)
    report("restore", restored.result)
    assert restored.status == "ok", restored.result
    assert restored.changed and restored.result["container"]["status"] == "running"
    # Resumed from the dumped value: not restarted from 0, not jumped by the ~20 increments of the wait.
    assert first.value is not None, "the restored counter never changed"
    print("counter at dump %d, first value after restore %d" % (at_dump, first.value))
    assert at_dump < first.value < at_dump + RESUME_SLACK
    assert counter.wait_above(first.value) > first.value

    again = ansible.module("runc_checkpoint", restore)
    assert (again.status, again.changed) == ("ok", False)
    kept = ansible.module("runc_checkpoint", task_args(id=counter.id, image_path=str(images)))
    assert (kept.status, kept.changed) == ("ok", False), "a complete checkpoint is kept without force"
    assert runc_client.state(counter.id).status == "running"

    # The restore leaves runc_container's creation record: the same declaration is a no-op, with no
    # "no record" warning, and the same pid keeps running.
    pid = runc_client.state(counter.id).pid
    declared = ansible.module("runc_container", dict(id=counter.id, bundle=str(counter.bundle), state="running",
                                                     root=task_args()["root"]))
    assert (declared.status, declared.changed) == ("ok", False), declared.result
    assert not declared.result.get("warnings"), declared.result.get("warnings")
    assert runc_client.state(counter.id).pid == pid


def test_leave_running_keeps_the_container_and_is_idempotent(
        ansible: t.Any, start_counter: t.Callable[..., Counter], runc_client: Runc, task_args: t.Any,
        tmp_path: Path) -> None:
    counter = start_counter("live")
    args = task_args(id=counter.id, image_path=str(tmp_path / "live-images"), leave_running=True)

    first = ansible.module("runc_checkpoint", args, diff=True)
    report("checkpoint leave_running", first.result)
    assert first.status == "ok", first.result
    assert first.changed and first.result["container"]["status"] == "running"
    assert first.result["diff"] == {"before": {"container": "running", "image": "none"},
                                    "after": {"container": "running", "image": "checkpoint"}}
    counter.wait_above(counter.settled())

    second = ansible.module("runc_checkpoint", args)
    assert (second.status, second.changed) == ("ok", False)
    assert runc_client.state(counter.id).status == "running"


def test_pre_dump_then_final_dump_with_parent(ansible: t.Any, start_counter: t.Callable[..., Counter],
                                              runc_client: Runc, task_args: t.Any, tmp_path: Path,
                                              working_criu: t.Any) -> None:
    counter = start_counter("incremental")
    pre, final = tmp_path / "ckpt" / "pre", tmp_path / "ckpt" / "final"
    pre_dump = task_args(id=counter.id, image_path=str(pre), pre_dump=True)

    if not criu_has_dirty_tracking(working_criu.path):
        # This kernel lacks soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY): the module must say so.
        refused = ansible.module("runc_checkpoint", pre_dump)
        assert refused.status == "failed"
        assert "CONFIG_MEM_SOFT_DIRTY" in refused.result["msg"] and "pre_dump" in refused.result["msg"]
        assert "Traceback" not in refused.result["msg"]
        assert runc_client.state(counter.id).status == "running"
        no_parent = ansible.module("runc_checkpoint", task_args(id=counter.id, image_path=str(final),
                                                                parent_path="../pre"))
        assert no_parent.status == "failed" and "holds no pre-dump" in no_parent.result["msg"]
        return

    dumped = ansible.module("runc_checkpoint", pre_dump)
    report("pre-dump", dumped.result)
    assert dumped.status == "ok" and dumped.changed, dumped.result
    assert dumped.result["checkpoint"]["kind"] == "pre-dump"
    assert runc_client.state(counter.id).status == "running"
    assert ansible.module("runc_checkpoint", pre_dump).changed is False

    last = ansible.module("runc_checkpoint", task_args(id=counter.id, image_path=str(final), parent_path="../pre"))
    report("final dump", last.result)
    assert last.status == "ok" and last.result["checkpoint"]["complete"], last.result
    assert (final / "parent").resolve() == pre.resolve()
    at_dump = counter.settled()

    restored = ansible.module("runc_checkpoint", task_args(
        id=counter.id, state="restored", image_path=str(final), bundle=str(counter.bundle)))
    assert restored.status == "ok", restored.result
    assert at_dump < counter.wait_above(at_dump) < at_dump + RESUME_SLACK + 10


def test_restore_under_a_new_id(ansible: t.Any, start_counter: t.Callable[..., Counter], runc_client: Runc,
                                task_args: t.Any, tmp_path: Path) -> None:
    counter = start_counter("original")
    images = tmp_path / "moved"
    assert ansible.module("runc_checkpoint", task_args(id=counter.id, image_path=str(images))).changed
    assert runc_client.find(counter.id) is None
    at_dump = counter.settled()

    moved = ansible.module("runc_checkpoint", task_args(
        id="renamed", state="restored", image_path=str(images), bundle=str(counter.bundle)))
    assert moved.status == "ok", moved.result
    assert moved.result["container"]["id"] == "renamed"
    assert [c.id for c in runc_client.list()] == ["renamed"]
    assert at_dump < counter.wait_above(at_dump)


def test_regular_file_stdout_fails_with_the_cause(ansible: t.Any, start_counter: t.Callable[..., Counter],
                                                  runc_client: Runc, task_args: t.Any, tmp_path: Path) -> None:
    output = tmp_path / "container-output.txt"
    counter = start_counter("fileout", io=ContainerIO(stdout=str(output), stderr=str(output)))
    images = tmp_path / "fileout-images"

    failed = ansible.module("runc_checkpoint", task_args(id=counter.id, image_path=str(images)))
    assert failed.status == "failed"
    msg = failed.result["msg"]
    assert "regular file on the host" in failed.result["likely_cause"]
    assert "Can't lookup mount" in msg and str(images / "dump.log") in msg
    assert "Traceback" not in msg
    assert runc_client.state(counter.id).status == "running"
    assert failed.result["criu"]["usable"] is True
    # The failed dump's images are gone, so the directory never looks like a checkpoint; the log stays.
    assert sorted(p.name for p in images.iterdir()) == ["dump.log"]


def test_check_mode_runs_no_mutating_runc_call(ansible: t.Any, start_counter: t.Callable[..., Counter],
                                               counting_runc: t.Any, runc_client: Runc, task_args: t.Any,
                                               tmp_path: Path) -> None:
    counter = start_counter("dry")
    images = tmp_path / "dry-images"
    dump = task_args(id=counter.id, image_path=str(images), executable=str(counting_runc.executable))
    restore = dict(dump, state="restored", bundle=str(counter.bundle))

    planned = ansible.module("runc_checkpoint", dump, check=True)
    assert planned.status == "ok" and planned.changed, planned.result
    assert counting_runc.calls() and counting_runc.mutating_calls() == []
    assert not images.exists() and runc_client.state(counter.id).status == "running"

    assert ansible.module("runc_checkpoint", dump).changed
    counting_runc.reset()
    planned = ansible.module("runc_checkpoint", restore, check=True)
    assert planned.status == "ok" and planned.changed, planned.result
    assert counting_runc.calls() and counting_runc.mutating_calls() == []
    assert runc_client.find(counter.id) is None
