# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_stack's main() through the one module entry: a check-mode plan with one runc list, diff only under
--diff, and clean failures (never a traceback) for a bad entry, an image not in the store and a missing runc."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.modules import runc_stack

RunModule = t.Callable[..., t.Dict[str, t.Any]]


@pytest.fixture
def args(fake_runc: Path, bundle: Path, tmp_path: Path) -> t.Callable[..., t.Dict[str, t.Any]]:
    root = tmp_path / "root"
    root.mkdir()

    def make(*containers: t.Dict[str, t.Any], **given: t.Any) -> t.Dict[str, t.Any]:
        declared = list(containers) or [dict(id="web", bundle=str(bundle))]
        return dict(dict(containers=declared, executable=str(fake_runc), root=str(root)), **given)

    return make


@pytest.mark.parametrize("diff", [False, True])
def test_check_mode_plans_with_one_runc_list(run_module: RunModule, runner: t.Any, args: t.Any, diff: bool) -> None:
    runner.respond(stdout="null")
    result = run_module(runc_stack.main, args(), runner=runner, check_mode=True, diff=diff)
    assert not result.get("failed"), result.get("msg")
    assert len(runner.calls) == 1 and runner.last.argv[-3:] == ["list", "--format", "json"], runner.calls
    assert result["changed"] and result["containers"][0]["actions"] == ["create", "start"]
    assert ("diff" in result) is diff


def test_a_bad_entry_fails_cleanly(run_module: RunModule, args: t.Any, bundle: Path) -> None:
    result = run_module(runc_stack.main, args(dict(id="web", bundle=str(bundle), args=["sh"], mounts=[{"dest": "/x"}])))
    assert result["failed"] and result["msg"].startswith("containers[0].mounts[0]: unknown key dest"), result


def test_an_image_not_in_the_store_fails_cleanly(run_module: RunModule, args: t.Any, bundle: Path, tmp_path: Path) -> None:
    entry = dict(id="web", bundle=str(bundle), image="r/app:1", image_store=str(tmp_path / "store"))
    result = run_module(runc_stack.main, args(entry))
    assert result["failed"] and result["msg"].startswith("containers[0].image: docker://r/app:1 is not in the image store")


def test_missing_executable_fails_cleanly(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_stack.main, args(executable="no-such-runc-here"))
    assert result["failed"] and result["msg"].startswith("executable: 'no-such-runc-here' was not found on PATH")
