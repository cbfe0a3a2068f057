# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CheckpointManager against a recording runner: plans, idempotency, check mode, failures."""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.manager import (
    CheckpointError,
    CheckpointManager,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions

FULL_DUMP = ("core-1.img", "descriptors.json", "inventory.img", "pagemap-1.img", "pages-1.img", "pstree.img")
PRE_DUMP = ["inventory.img", "pagemap-1.img", "pages-1.img"]
REGULAR_FILE_STDERR = "err-checkpoint-regular-file.txt"
RecordingRunner = t.Any  # tests/unit/conftest.py's runner fixture


def _defaults(**params: t.Any) -> t.Dict[str, t.Any]:
    base: t.Dict[str, t.Any] = dict(
        id="web", state="checkpointed", image_path=None, work_path=None, parent_path=None, pre_dump=False,
        leave_running=False, tcp_established=False, tcp_skip_in_flight=False, ext_unix_sk=False, shell_job=False,
        file_locks=False, link_remap=False, manage_cgroups_mode=None, empty_ns=[], page_server=None,
        auto_dedup=False, lazy_pages=False, force=False, bundle=None, pid_file=None, no_subreaper=False,
        no_pivot=False, lsm_profile=None, lsm_mount_context=None,
    )
    base.update(params)
    return base


def _fill(directory: Path, names: t.Iterable[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / name).write_text("x")


def _subcommands(runner: RecordingRunner) -> t.List[str]:
    """Each call's subcommand, past the client's private ``--log L --log-format json``."""
    return [call.argv[5] if call.argv[1] == "--log" else call.argv[1] for call in runner.calls]


class Host:
    """A recording runner answering runc as a host with one container would."""

    def __init__(self, runner: RecordingRunner, recorded: t.Callable[[str], str], tmp_path: Path) -> None:
        self.runner = runner
        self.recorded = recorded
        self.runc = Runc(GlobalOptions(), runner=runner)
        self.images = tmp_path / "images"
        self.bundle = tmp_path / "bundle"
        _fill(self.bundle, ["config.json"])
        (tmp_path / "runc-root").mkdir()

    def running(self) -> None:
        self.runner.respond(stdout=self.recorded("state-running.json"))

    def stopped(self) -> None:
        self.runner.respond(stdout=self.recorded("state-stopped.json"))

    def absent(self) -> None:
        self.runner.respond(stderr=self.recorded("err-state-missing.txt"), rc=1)

    def then(self, names: t.Iterable[str] = FULL_DUMP, rc: int = 0, stderr: str = "", log: str = "") -> None:
        """The next runc call (a dump) writes ``names`` (and CRIU's ``log``) into the image dir."""
        images = self.images

        def write(_call: t.Any) -> None:
            _fill(images, names)
            if log:
                (images / "dump.log").write_text(log)

        self.runner.respond(rc=rc, stderr=stderr, action=write)

    def params(self, **params: t.Any) -> t.Dict[str, t.Any]:
        params.setdefault("image_path", str(self.images))
        params.setdefault("root", str(self.images.parent / "runc-root"))  # where the container's lock is taken
        if params.get("state") == "restored":
            params.setdefault("bundle", str(self.bundle))
        return _defaults(**params)

    def run(self, check_mode: bool = False, **params: t.Any) -> t.Dict[str, t.Any]:
        return CheckpointManager(self.runc, self.params(**params), check_mode).run()


@pytest.fixture
def host(runner: RecordingRunner, recorded: t.Callable[[str], str], tmp_path: Path) -> Host:
    return Host(runner, recorded, tmp_path)


def test_checkpoint_creates_the_dir_and_reports_the_deleted_container(host: Host) -> None:
    host.running()
    host.then(FULL_DUMP)
    host.absent()
    result = host.run(empty_ns=["network"], manage_cgroups_mode="soft")
    assert host.runner.calls[1].argv == [
        "runc", "checkpoint", "--image-path", str(host.images), "--manage-cgroups-mode", "soft",
        "--empty-ns", "network", "web"]
    assert oct(host.images.stat().st_mode & 0o777) == "0o700"
    assert result["changed"] is True and result["container"] == {}
    assert result["actions"] == ["prepare", "checkpoint", "delete"]
    assert result["steps"] == [
        "create %s (mode 0700)" % host.images,
        "checkpoint container web into %s (runc then stops and deletes the container)" % host.images,
        "runc deleted container web after the checkpoint",
    ]
    assert result["checkpoint"]["complete"] and result["checkpoint"]["files"] == len(FULL_DUMP)
    assert result["diff"] == {"before": {"container": "running", "image": "none"},
                              "after": {"container": "absent", "image": "checkpoint"}}


@pytest.mark.parametrize("existing, pre_dump", [(FULL_DUMP, False), (FULL_DUMP, True), (PRE_DUMP, True)])
def test_an_existing_image_is_kept(host: Host, existing: t.List[str], pre_dump: bool) -> None:
    _fill(host.images, existing)
    host.running()
    result = host.run(pre_dump=pre_dump)
    assert (result["changed"], _subcommands(host.runner)) == (False, ["state"])
    assert (result["actions"], result["steps"]) == ([], [])
    assert "nothing to do (force: true takes a new one)" in result["msg"]


def test_force_replaces_the_old_images(host: Host) -> None:
    _fill(host.images, FULL_DUMP + ("pages-9.img", "dump.log"))
    host.running()
    host.then(FULL_DUMP)
    host.running()
    result = host.run(force=True, leave_running=True, work_path=str(host.images / "work"))
    assert not (host.images / "pages-9.img").exists() and (host.images / "dump.log").exists()
    assert "--leave-running" in host.runner.calls[1].argv
    assert host.runner.calls[1].argv[2:6] == ["--image-path", str(host.images), "--work-path",
                                              str(host.images / "work")]
    assert result["actions"] == ["clean", "checkpoint"]
    assert result["steps"][0] == "remove the checkpoint image files in %s before the new dump" % host.images
    assert result["container"]["status"] == "running"


def test_check_mode_only_reads(host: Host) -> None:
    host.running()
    result = host.run(check_mode=True)
    assert _subcommands(host.runner) == ["state"]
    assert not host.images.exists()
    assert result["changed"] is True and result["duration"] == 0.0
    assert result["diff"]["after"] == {"container": "absent", "image": "checkpoint"}


@pytest.mark.parametrize("params, message", [
    (dict(bundle="/b"), "bundle: only used with state=restored"),
    (dict(state="restored", bundle="/b", parent_path="../p", leave_running=True),
     "parent_path, leave_running: only used with state=checkpointed"),
    (dict(lazy_pages=True), "lazy_pages: a lazy checkpoint"),
    (dict(parent_path="../pre"), "parent_path: ../pre (resolved against image_path"),
    (dict(parent_path="."), "resolves to image_path itself"),
])
def test_bad_input_is_refused_before_runc_acts(host: Host, params: t.Dict[str, t.Any], message: str) -> None:
    host.running()
    with pytest.raises(CheckpointError, match=message.replace("(", r"\(")):
        host.run(**params)
    assert set(_subcommands(host.runner)) <= {"state"}


@pytest.mark.parametrize("option, value, named", [
    ("tcp_skip_in_flight", True, "tcp_skip_in_flight needs runc 1.2.0"),
    ("link_remap", True, "link_remap needs runc 1.2.0"),
    ("manage_cgroups_mode", "ignore", "manage_cgroups_mode=ignore needs runc 1.2.0"),
])
def test_runc_1_2_options_are_refused_on_1_1(host: Host, option: str, value: t.Any, named: str) -> None:
    host.running()
    host.runner.respond(stdout=host.recorded("version.txt"))
    with pytest.raises(CheckpointError, match=named):
        host.run(**{option: value})
    assert _subcommands(host.runner) == ["state", "--version"]


@pytest.mark.parametrize("answer, message", [
    ("absent", "id: container web does not exist and image_path"),
    ("stopped", "id: container web is stopped; only a running or paused container"),
])
def test_a_container_that_cannot_be_dumped(host: Host, answer: str, message: str) -> None:
    getattr(host, answer)()
    with pytest.raises(CheckpointError, match=message):
        host.run()


def test_a_failed_dump_explains_and_leaves_no_images(host: Host) -> None:
    host.running()
    host.then(["descriptors.json", "inventory.img", "core-1.img", "pstree.img"], rc=1,
              stderr=host.recorded(REGULAR_FILE_STDERR),
              log=host.recorded("err-checkpoint-regular-file.dump-log-tail.txt"))
    with pytest.raises(CheckpointError) as caught:
        host.run()
    error = caught.value
    assert error.msg.startswith("runc checkpoint failed: container still running; criu failed")
    assert "regular file on the host" in error.details["likely_cause"]
    assert "Can't lookup mount=27 for fd=1" in error.msg
    assert error.details["rc"] == 1 and error.details["criu"]["usable"] is True
    assert sorted(os.listdir(str(host.images))) == ["dump.log"]
    assert [call.argv[1:] for call in host.runner.calls[2:]] == [["--version"], ["check"]]


def test_restore_of_a_running_container_is_a_no_op(host: Host) -> None:
    host.running()
    result = host.run(state="restored")
    assert (result["changed"], _subcommands(host.runner)) == (False, ["state"])
    assert result["actions"] == [] and result["msg"] == "container web is already running; nothing to do"


def test_restore_deletes_a_stopped_container_first(host: Host, tmp_path: Path) -> None:
    _fill(host.images, FULL_DUMP)
    host.stopped()
    host.runner.respond()  # delete
    host.runner.respond()  # restore
    host.running()
    result = host.run(state="restored", pid_file=str(tmp_path / "pid"), no_pivot=True)
    assert _subcommands(host.runner) == ["state", "delete", "restore", "state"]
    assert host.runner.calls[1].argv == ["runc", "delete", "--force", "web"]
    restore = host.runner.calls[2]
    assert restore.argv == ["runc", "--log", restore.argv[2], "--log-format", "json", "restore",
                            "--image-path", str(host.images), "--bundle", str(host.bundle), "--detach",
                            "--pid-file", str(tmp_path / "pid"), "--no-pivot", "web"]
    assert restore.io is not None and restore.io.stdout == os.devnull
    assert result["actions"] == ["delete", "restore"]
    assert result["steps"][0] == "delete the stopped container web first (it would block the restore)"
    assert result["container"]["status"] == "running"


def test_restore_check_mode_plans_the_delete_without_it(host: Host) -> None:
    _fill(host.images, FULL_DUMP)
    host.stopped()
    result = host.run(state="restored", check_mode=True)
    assert _subcommands(host.runner) == ["state"]
    assert result["changed"] is True and len(result["actions"]) == 2


@pytest.mark.parametrize("images, bundle_ok, message", [
    (PRE_DUMP, True, "image_path: .* holds no complete checkpoint \\(found: pre-dump\\)"),
    ([], True, "holds no complete checkpoint \\(found: none\\)"),
    (FULL_DUMP, False, "bundle: .* has no config.json"),
])
def test_restore_refuses_what_cannot_work(host: Host, images: t.List[str], bundle_ok: bool, message: str) -> None:
    _fill(host.images, images)
    if not bundle_ok:
        (host.bundle / "config.json").unlink()
    host.absent()
    with pytest.raises(CheckpointError, match=message):
        host.run(state="restored")
    assert _subcommands(host.runner) == ["state"]


def test_incremental_dump_checks_the_parent(host: Host, tmp_path: Path) -> None:
    _fill(tmp_path / "pre", PRE_DUMP)
    host.running()
    host.then(FULL_DUMP)
    host.absent()
    result = host.run(parent_path="../pre")
    assert host.runner.calls[1].argv[2:6] == ["--image-path", str(host.images), "--parent-path", "../pre"]
    assert "on top of the pre-dump in ../pre" in result["steps"][1]
