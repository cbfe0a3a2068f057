# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad paths, structures, lengths and values end in a clean message with nothing left behind (issue 10).

Each case is one of the classes the adversarial run found; every failure must be a
``fail_json`` naming the option (no traceback in the task's output) and leave the
host as it was.
"""

from __future__ import annotations

import json
import os
import stat
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions

PREFIX = "i10-"
LONG_ID = PREFIX + "x" * (228 - len(PREFIX))  # one more than the cap of 227


def clean_failure(run: t.Any, starts: str) -> t.Dict[str, t.Any]:
    """The one task failed with a message starting with ``starts``, and no traceback anywhere."""
    assert len(run.tasks) == 1, (run.stdout, run.stderr)
    task = run.tasks[0]
    assert task.failed, task.result
    assert task.result["msg"].startswith(starts), task.result["msg"]
    for text in (run.stdout, run.stderr, json.dumps(task.result)):
        assert "Traceback" not in text and "MODULE FAILURE" not in text, text
    return task.result


def files_under(path: Path) -> t.List[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


# -- root ------------------------------------------------------------------

ABSENT = ("runc_container", {"id": PREFIX + "c", "state": "absent"})
RUNNING = ("runc_container", {"id": PREFIX + "c", "state": "running", "bundle": "/nonexistent-bundle"})
INFO = ("runc_info", {})
EXEC = ("runc_exec", {"id": PREFIX + "c", "argv": ["true"]})


@pytest.mark.parametrize("module, args, where", [  # each module, each kind of root (not every pair: time)
    ABSENT + ("proc",), RUNNING + ("file",), INFO + ("file",), INFO + ("proc",), EXEC + ("under-file",),
    RUNNING + ("under-file",),
])
def test_unusable_root_is_named(ansible: t.Any, tmp_path: Path, module: str, args: t.Dict[str, t.Any],
                                where: str) -> None:
    regular = tmp_path / "regular"
    regular.write_text("keep")
    root = {"proc": "/proc/ocitools-i10-root", "file": str(regular), "under-file": str(regular / "runc")}[where]
    result = clean_failure(ansible.module_run(module, dict(args, root=root)), "root: %s " % root)
    assert result["msg"].endswith("default /run/runc)" if where != "proc" else "on a real file system")
    assert regular.read_text() == "keep" and not os.path.exists("/proc/ocitools-i10-root")


# -- runc_spec: bundle, structures, env -------------------------------------

def test_spec_bundle_that_is_a_regular_file(ansible: t.Any, busybox_rootfs: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.write_text("not a directory")
    run = ansible.module_run("runc_spec", {"bundle": str(bundle), "rootfs": str(busybox_rootfs), "args": ["true"]})
    clean_failure(run, "bundle: %s exists and is not a directory" % bundle)
    assert bundle.read_text() == "not a directory"


@pytest.mark.parametrize("spec, starts", [
    ({"process": "sh"}, "spec: process must be a JSON object, not a string"),
    ({"process": {"env": "TOKEN=x"}}, "spec: process.env must be a JSON array, not a string"),
    ({"process": {"rlimits": [7]}}, "spec: process.rlimits[0] must be a JSON object, not an integer"),
    ({"mounts": ["/data"]}, "spec: mounts[0] must be a JSON object, not a string"),
    ({"linux": {"namespaces": "pid"}}, "spec: linux.namespaces must be a JSON array, not a string"),
    ({"root": {"path": 5}}, "spec: root.path must be a JSON string, not an integer"),
    ({"annotations": ["a"]}, "spec: annotations must be a JSON object, not an array"),
])
def test_wrong_typed_spec_structures(ansible: t.Any, busybox_rootfs: Path, tmp_path: Path,
                                     spec: t.Dict[str, t.Any], starts: str) -> None:
    bundle = tmp_path / "bundle"
    run = ansible.module_run("runc_spec", {"bundle": str(bundle), "rootfs": str(busybox_rootfs), "args": ["true"],
                                           "spec": spec})
    clean_failure(run, starts)
    assert not bundle.exists()


@pytest.mark.parametrize("value, kind", [(True, "a boolean"), (8080, "a number"), (None, "null")])
def test_non_string_env_values_are_refused_naming_the_key(ansible: t.Any, busybox_rootfs: Path, tmp_path: Path,
                                                          value: t.Any, kind: str) -> None:
    run = ansible.module_run("runc_spec", {"bundle": str(tmp_path / "b"), "rootfs": str(busybox_rootfs),
                                           "args": ["true"], "env": {"SETTING": value}})
    clean_failure(run, "env: the value of SETTING must be a string, not %s" % kind)


def test_check_mode_with_a_rootfs_still_to_be_unpacked(ansible: t.Any, tmp_path: Path) -> None:
    bundle = tmp_path / "fresh-bundle"
    run = ansible.module_run("runc_spec", {"bundle": str(bundle), "args": ["true"]}, check=True, diff=True)
    task = run.tasks[0]
    assert (task.status, task.changed) == ("ok", True), task.result
    assert task.result["diff"]["before"] == {"state": "absent"}
    assert task.result["spec"]["root"]["path"] == "rootfs"
    assert any("rootfs: %s/rootfs does not exist" % bundle in w for w in task.result.get("warnings", [])), task.result
    assert not bundle.exists()
    clean_failure(ansible.module_run("runc_spec", {"bundle": str(bundle), "args": ["true"]}),
                  "rootfs: %s/rootfs does not exist" % bundle)


# -- NUL bytes ----------------------------------------------------------------

@pytest.mark.parametrize("module, args, starts", [
    ("runc_spec", {"bundle": "/tmp/i10\0bundle", "args": ["true"]}, "bundle: contains a NUL byte"),
    ("runc_spec", {"bundle": "/tmp/i10-b", "args": ["true"], "mounts": [{"destination": "/d", "source": "/a\0b"}]},
     "mounts[0].source: contains a NUL byte"),
    ("runc_spec", {"bundle": "/tmp/i10-b", "args": ["true"], "env": {"TOKEN": "i10-secret\0tail"}},
     "env.TOKEN: contains a NUL byte"),
    ("runc_container", {"id": PREFIX + "c", "bundle": "/tmp/i10\0b"}, "bundle: contains a NUL byte"),
    ("runc_container", {"id": PREFIX + "c", "state": "absent", "log_path": "/tmp/l\0g"}, "log_path: contains a NUL"),
    ("runc_exec", {"id": PREFIX + "c", "argv": ["true"], "cwd": "/\0"}, "cwd: contains a NUL byte"),
    ("runc_exec", {"id": PREFIX + "c", "argv": ["echo", "a\0b"]}, "argv[1]: contains a NUL byte"),
    ("runc_checkpoint", {"id": PREFIX + "c", "image_path": "/tmp/i10\0img"}, "image_path: contains a NUL byte"),
    ("runc_info", {"log": "/tmp/i10\0log"}, "log: contains a NUL byte"),
])
def test_nul_bytes_are_named(ansible: t.Any, runc_root: Path, module: str, args: t.Dict[str, t.Any],
                             starts: str) -> None:
    result = clean_failure(ansible.module_run(module, dict(args, root=str(runc_root))), starts)
    assert "i10-secret" not in json.dumps(result)
    assert files_under(runc_root) == []


# -- ids, lock files, bounds -------------------------------------------------------

@pytest.mark.parametrize("state", ["running", "absent"])
def test_id_over_the_cap_is_refused_before_any_file(ansible: t.Any, runc_root: Path, bundle_factory: t.Any,
                                                    state: str) -> None:
    bundle = bundle_factory("long", ["sleep", "60"])
    run = ansible.module_run("runc_container", {"id": LONG_ID, "bundle": str(bundle), "state": state,
                                                "root": str(runc_root)})
    clean_failure(run, "id: container id is 228 characters long; at most 227 are allowed")
    assert files_under(runc_root) == []


def test_longest_id_allowed_works_end_to_end(ansible: t.Any, runc_root: Path, bundle_factory: t.Any) -> None:
    container_id = LONG_ID[:227]
    bundle = bundle_factory("longest", ["sleep", "60"])
    args = {"id": container_id, "bundle": str(bundle), "root": str(runc_root), "wait_started": 0.2}
    assert ansible.module("runc_container", args).changed
    assert ansible.module("runc_container", dict(args, state="absent")).changed
    assert files_under(runc_root) == []


def test_failed_create_and_absent_leave_no_lock_file(ansible: t.Any, runc_root: Path, bundle_factory: t.Any) -> None:
    bundle = bundle_factory("broken", ["/no/such/program"])
    failed = ansible.module("runc_container", {"id": PREFIX + "broken", "bundle": str(bundle), "root": str(runc_root)})
    assert failed.failed
    absent = ansible.module("runc_container", {"id": PREFIX + "never", "state": "absent", "root": str(runc_root)})
    assert (absent.status, absent.changed) == ("ok", False)
    assert [name for name in files_under(runc_root) if "@ocitools" in name] == []


@pytest.mark.parametrize("option, value, starts", [
    ("wait_started", 1e12, "wait_started: 1000000000000.0 seconds is more than the 600 allowed"),
    ("stop_timeout", 10 ** 12, "stop_timeout: 1000000000000 seconds is more than the 3600 allowed"),
    ("command_timeout", 1e12, "command_timeout must be a number of seconds above 0 and at most 86400"),
])
def test_upper_bounds(ansible: t.Any, runc_root: Path, bundle_factory: t.Any, option: str, value: t.Any,
                      starts: str) -> None:
    bundle = bundle_factory("bounds", ["sleep", "60"])
    run = ansible.module_run("runc_container", {"id": PREFIX + "b", "bundle": str(bundle), "root": str(runc_root),
                                                option: value})
    clean_failure(run, starts)
    assert Runc(GlobalOptions(root=str(runc_root))).list() == []


# -- destroy before validate ----------------------------------------------------

def test_recreate_with_an_unusable_record_keeps_the_running_container(ansible: t.Any, runc_root: Path,
                                                                      bundle_factory: t.Any) -> None:
    container_id = PREFIX + "keep"
    args = {"id": container_id, "bundle": str(bundle_factory("keep", ["sleep", "600"])), "root": str(runc_root),
            "wait_started": 0.2}
    assert ansible.module("runc_container", args).changed
    runc = Runc(GlobalOptions(root=str(runc_root)))
    before = runc.state(container_id)
    record = runc_root / (container_id + "@ocitools.json")
    record.unlink()
    record.mkdir()  # the record path is now unusable
    run = ansible.module_run("runc_container", dict(args, recreate=True))
    result = clean_failure(run, "root: %s (this module's record of the container) is not a regular file" % record)
    assert result["actions"] == []
    after = runc.state(container_id)
    assert (after.status, after.pid, after.created) == ("running", before.pid, before.created)


def test_recreate_with_a_missing_rootfs_keeps_the_running_container(ansible: t.Any, runc_root: Path,
                                                                    bundle_factory: t.Any, tmp_path: Path) -> None:
    container_id = PREFIX + "rootfs"
    bundle = bundle_factory("rootfs", ["sleep", "600"])
    args = {"id": container_id, "bundle": str(bundle), "root": str(runc_root), "wait_started": 0.2}
    assert ansible.module("runc_container", args).changed
    config = json.loads((bundle / "config.json").read_text())
    config["root"]["path"] = str(tmp_path / "not-unpacked-yet")
    (bundle / "config.json").write_text(json.dumps(config))
    clean_failure(ansible.module_run("runc_container", args),
                  "bundle: the root filesystem %s (root.path in %s/config.json) does not exist" % (
                      tmp_path / "not-unpacked-yet", bundle))
    assert Runc(GlobalOptions(root=str(runc_root))).state(container_id).status == "running"


# -- symlinks and modes of log files --------------------------------------------------

def test_log_path_is_created_private_and_a_symlink_is_refused(ansible: t.Any, runc_root: Path,
                                                              bundle_factory: t.Any, tmp_path: Path) -> None:
    bundle = bundle_factory("logs", ["sh", "-c", "echo i10-output; sleep 600"])
    log = tmp_path / "container.log"
    args = {"id": PREFIX + "logs", "bundle": str(bundle), "root": str(runc_root), "wait_started": 0.2,
            "log_path": str(log)}
    assert ansible.module("runc_container", args).changed
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    victim = tmp_path / "victim"
    victim.write_text("untouched\n")
    link = tmp_path / "link.log"
    link.symlink_to(victim)
    run = ansible.module_run("runc_container", dict(args, id=PREFIX + "link", log_path=str(link)))
    clean_failure(run, "log_path: %s is a symbolic link" % link)
    assert victim.read_text() == "untouched\n"
    assert [c.id for c in Runc(GlobalOptions(root=str(runc_root))).list()] == [PREFIX + "logs"]


def test_runc_log_symlink_is_refused_and_a_new_one_is_private(ansible: t.Any, runc_root: Path,
                                                              tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("untouched\n")
    link = tmp_path / "runc.log"
    link.symlink_to(victim)
    clean_failure(ansible.module_run("runc_info", {"root": str(runc_root), "log": str(link)}),
                  "log: cannot open %s" % link)
    assert victim.read_text() == "untouched\n"
    fresh = tmp_path / "fresh.log"
    assert ansible.module("runc_info", {"root": str(runc_root), "log": str(fresh)}).status == "ok"
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


@pytest.mark.parametrize("module, args, starts", [
    ("runc_spec", {"bundle": "/tmp/" + "b" * 256, "args": ["true"]}, "bundle: a file name in it is 256 bytes long"),
    ("runc_container", {"id": PREFIX + "c", "bundle": "/tmp/x", "log_path": "/tmp/" + "l" * 300},
     "log_path: a file name in it is 300 bytes long"),
    ("runc_checkpoint", {"id": PREFIX + "c", "image_path": "/tmp/" + "i" * 256},
     "image_path: a file name in it is 256 bytes long"),
    ("runc_info", {"root": "/" + "/".join(["r" * 200] * 21)}, "root: the path is 4221 bytes long"),
])
def test_over_long_paths_are_named(ansible: t.Any, runc_root: Path, module: str, args: t.Dict[str, t.Any],
                                   starts: str) -> None:
    clean_failure(ansible.module_run(module, dict({"root": str(runc_root)}, **args)), starts)
    assert files_under(runc_root) == []
