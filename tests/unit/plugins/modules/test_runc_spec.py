# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_spec's main() with arguments and a recording runner answering ``runc spec`` with runc 1.1.5's
recorded default spec: the runc call, the file and the result; clean failures for a bundle under a
forbidden root, a missing runc and an unreadable config.json."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.modules import runc_spec

RunModule = t.Callable[..., t.Dict[str, t.Any]]


@pytest.fixture
def spec_runner(runner: t.Any, recorded: t.Any) -> t.Any:
    """``runc spec --bundle DIR [--rootless]`` writes the recorded default spec into DIR."""
    def write(call: t.Any) -> None:
        name = "spec-rootless.json" if "--rootless" in call.argv else "spec.json"
        target = Path(call.argv[call.argv.index("--bundle") + 1]) / "config.json"
        target.write_text(recorded(name))

    runner.respond(action=write)
    return runner


@pytest.fixture
def args(fake_runc: Path, tmp_path: Path) -> t.Callable[..., t.Dict[str, t.Any]]:
    bundle = tmp_path / "new-bundle"
    (bundle / "rootfs").mkdir(parents=True)

    def make(**given: t.Any) -> t.Dict[str, t.Any]:
        return dict(dict(bundle=str(bundle), args=["sleep", "60"], executable=str(fake_runc)), **given)

    return make


@pytest.mark.parametrize("given, argv_tail, fields", [
    pytest.param({}, [], {("process", "args"): ["sleep", "60"]}, id="default"),
    pytest.param({"rootless_spec": True}, ["--rootless"], {("process", "args"): ["sleep", "60"]}, id="rootless"),
    pytest.param({"hostname": "h", "resources": {"pids_limit": 64}}, [],
                 {("hostname",): "h", ("linux", "resources", "pids", "limit"): 64}, id="options"),
])
def test_runc_call_file_and_result(run_module: RunModule, spec_runner: t.Any, args: t.Any, given: t.Dict[str, t.Any],
                                   argv_tail: t.List[str], fields: t.Dict[t.Tuple[str, ...], t.Any]) -> None:
    result = run_module(runc_spec.main, args(**given), runner=spec_runner, diff=True)
    assert not result.get("failed"), result.get("msg")
    call = spec_runner.last.argv
    assert call[:3] == [args()["executable"], "spec", "--bundle"] and call[4:] == argv_tail
    written = json.loads(Path(result["path"]).read_text())
    for path, value in fields.items():
        found: t.Any = written
        for key in path:
            found = found[key]
        assert found == value
    assert result["changed"] and result["diff"]["before"] == {"state": "absent"}


def test_check_mode_writes_nothing(run_module: RunModule, spec_runner: t.Any, args: t.Any) -> None:
    result = run_module(runc_spec.main, args(), runner=spec_runner, check_mode=True)
    assert result["changed"] and not Path(result["path"]).exists() and "diff" not in result


def test_forbidden_root_fails_cleanly(run_module: RunModule, spec_runner: t.Any, args: t.Any) -> None:
    result = run_module(runc_spec.main, args(bundle="/proc/forbidden-root/b", rootfs="/"), runner=spec_runner)
    assert result["failed"] and result["msg"].startswith("bundle: cannot write /proc/forbidden-root/b/config.json"), result


def test_missing_executable_fails_cleanly(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_spec.main, args(executable="no-such-runc-here"))
    assert result["failed"] and result["msg"].startswith("executable: 'no-such-runc-here' was not found on PATH")


def test_unreadable_config_fails_cleanly(run_module: RunModule, spec_runner: t.Any, args: t.Any,
                                         unreadable_bundle: Path) -> None:
    (unreadable_bundle / "rootfs").mkdir()
    result = run_module(runc_spec.main, args(bundle=str(unreadable_bundle)), runner=spec_runner)
    assert result["failed"] and result["msg"].startswith("bundle: cannot write %s/config.json" % unreadable_bundle), result


def test_bad_option_is_refused_before_runc_is_looked_for(run_module: RunModule, args: t.Any) -> None:
    result = run_module(runc_spec.main, args(cwd="relative", executable="/no/such/runc"))
    assert result["failed"] and result["msg"].startswith("cwd: "), result
