# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/demo.yml on localhost, twice (the README's first command must be re-runnable)."""

from __future__ import annotations

import subprocess
import typing as t
from pathlib import Path

import pytest
from criu_fixtures import working_criu  # noqa: F401 # pylint: disable=unused-import

DEMO = Path(__file__).resolve().parents[2] / "playbooks" / "demo.yml"


@pytest.fixture
def demo_dirs(tmp_path: Path) -> t.Iterator[t.Dict[str, str]]:
    """A private state root and base dir for the demo, its containers deleted afterwards."""
    root = tmp_path / "demo-root"
    yield {"runc_root": str(root), "runc_base_dir": str(tmp_path / "demo-base")}
    listed = subprocess.run(["runc", "--root", str(root), "list", "--quiet"], capture_output=True, text=True,
                            timeout=60, check=False)
    for container_id in listed.stdout.split():
        subprocess.run(["runc", "--root", str(root), "delete", "--force", container_id], capture_output=True,
                       timeout=60, check=False)


def _messages(run: t.Any, task: str) -> t.List[t.Any]:
    return [result.result.get("msg") for result in run.tasks if result.task == task]


def test_demo_runs_twice(ansible, demo_dirs, working_criu) -> None:
    extra_vars = dict(demo_dirs, runc_criu=str(working_criu.path), demo_require_checkpoint=True)
    for attempt in (1, 2):
        run = ansible.playbook(DEMO, extra_vars)

        assert run.rc == 0, "run %d:\n%s\n%s" % (attempt, run.stdout, run.stderr)
        assert _messages(run, "Show the command's output")[0].startswith("hello from ocitools.runc, runc, counter at ")
        assert "counts on after restore" in _messages(run, "Show that it continued where it was dumped")[0]
        summary = _messages(run, "Summary")[0]
        assert "2 containers under %s" % demo_dirs["runc_root"] in summary[0]
        assert [line.split(", ")[:2] for line in summary[1:]] == [["demo-counter", "running"], ["demo-web", "running"]]
