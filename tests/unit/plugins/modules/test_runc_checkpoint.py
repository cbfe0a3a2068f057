# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_checkpoint's main() with arguments and a recording runner: the runc calls, the actions (verbs)
and the result; clean failures for a forbidden root, a missing runc and an unreadable bundle."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.modules import runc_checkpoint

RunModule = t.Callable[..., t.Dict[str, t.Any]]
FULL_DUMP = ("core-1.img", "descriptors.json", "inventory.img", "pagemap-1.img", "pages-1.img", "pstree.img")
MISSING = "err-state-missing.txt"


def _fill(directory: Path, names: t.Iterable[str] = FULL_DUMP) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / name).write_text("x")


def _subcommand(argv: t.List[str]) -> str:
    rest = argv[1:]
    while rest and rest[0].startswith("--"):
        rest = rest[2:]
    return rest[0]


@pytest.fixture
def images(tmp_path: Path) -> Path:
    return tmp_path / "images"


@pytest.fixture
def args(fake_runc: Path, bundle: Path, images: Path, tmp_path: Path) -> t.Callable[..., t.Dict[str, t.Any]]:
    root = tmp_path / "root"
    root.mkdir()

    def make(**given: t.Any) -> t.Dict[str, t.Any]:
        values = dict(id="web", image_path=str(images), executable=str(fake_runc), root=str(root))
        if given.get("state") == "restored":
            values["bundle"] = str(bundle)
        values.update(given)
        return values

    return make


def test_checkpoint(run_module: RunModule, runner: t.Any, recorded: t.Any, args: t.Any, images: Path) -> None:
    runner.respond(stdout=recorded("state-running.json"))
    runner.respond(action=lambda call: _fill(images))
    runner.respond(stderr=recorded(MISSING), rc=1)
    result = run_module(runc_checkpoint.main, args(), runner=runner, diff=True)
    assert [_subcommand(call.argv) for call in runner.calls] == ["state", "checkpoint", "state"]
    assert runner.calls[1].argv[3:] == ["checkpoint", "--image-path", str(images), "web"]
    assert (result["changed"], result["actions"], result["container"]) == (True, ["prepare", "checkpoint", "delete"], {})
    assert len(result["steps"]) == 3 and result["checkpoint"]["complete"]
    assert result["diff"] == {"before": {"container": "running", "image": "none"},
                              "after": {"container": "absent", "image": "checkpoint"}}


def test_second_checkpoint_does_nothing(run_module: RunModule, runner: t.Any, recorded: t.Any, args: t.Any,
                                        images: Path) -> None:
    _fill(images)
    runner.respond(stderr=recorded(MISSING), rc=1)
    result = run_module(runc_checkpoint.main, args(), runner=runner)
    assert (result["changed"], result["actions"], result["container"]) == (False, [], {})
    assert "nothing to do" in result["msg"]


def test_restore(run_module: RunModule, runner: t.Any, recorded: t.Any, state_json: t.Any, args: t.Any,
                 images: Path, bundle: Path, tmp_path: Path) -> None:
    _fill(images)
    runner.respond(stderr=recorded(MISSING), rc=1)
    runner.respond()  # restore
    runner.respond(stdout=state_json(id="web", bundle=str(bundle)))  # for the record
    runner.respond(stdout=state_json(id="web", bundle=str(bundle)))
    result = run_module(runc_checkpoint.main, args(state="restored"), runner=runner)
    assert [_subcommand(call.argv) for call in runner.calls] == ["state", "restore", "state", "state"]
    assert (result["changed"], result["actions"], result["container"]["status"]) == (True, ["restore"], "running")
    assert (tmp_path / "root" / "web@ocitools.json").exists()


def test_forbidden_root_fails_cleanly(run_module: RunModule, runner: t.Any, recorded: t.Any, state_json: t.Any,
                                      args: t.Any, images: Path, bundle: Path) -> None:
    _fill(images)
    runner.respond(stderr=recorded(MISSING), rc=1)
    runner.respond()
    runner.respond(stdout=state_json(id="web", bundle=str(bundle)))
    result = run_module(runc_checkpoint.main, args(state="restored", root="/proc/forbidden-root"), runner=runner)
    assert result["failed"] and result["msg"].startswith("/proc/forbidden-root"), result
    assert "check that the path" in result["msg"]


def test_missing_executable_fails_cleanly(run_module: RunModule, args: t.Any, tmp_path: Path) -> None:
    result = run_module(runc_checkpoint.main, args(executable=str(tmp_path / "runc-gone")))
    assert result["failed"] and result["msg"].startswith("executable: %s is not an executable" % (tmp_path / "runc-gone"))


def test_unreadable_bundle_fails_cleanly(run_module: RunModule, runner: t.Any, recorded: t.Any, args: t.Any,
                                         images: Path, unreadable_bundle: Path) -> None:
    _fill(images)
    runner.respond(stderr=recorded(MISSING), rc=1)
    result = run_module(runc_checkpoint.main, args(state="restored", bundle=str(unreadable_bundle)), runner=runner)
    assert result["failed"] and result["msg"].startswith("bundle: %s has no config.json" % unreadable_bundle), result


def test_options_of_the_other_state_are_refused_before_runc_is_looked_for(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_checkpoint.main, args(pid_file="/p", executable="/no/such/runc"))
    assert result["failed"] and result["msg"].startswith("pid_file: only used with state=restored"), result
