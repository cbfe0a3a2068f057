# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_logs's main() with arguments, a recording runner and a stand-in journalctl stream: ad hoc with only
an id (file and journal), no change in check mode, a masked secret, clean failures for bad options and a
missing runc."""

from __future__ import annotations

import json
import subprocess
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._logs import manager
from ansible_collections.ocitools.runc.plugins.modules import runc_logs

RunModule = t.Callable[..., t.Dict[str, t.Any]]
SECRET = "s3cr3t-value-42"


@pytest.fixture
def args(fake_runc: Path, tmp_path: Path) -> t.Callable[..., t.Dict[str, t.Any]]:
    root = tmp_path / "root"
    root.mkdir()

    def make(**given: t.Any) -> t.Dict[str, t.Any]:
        return dict(dict(id="api", executable=str(fake_runc), root=str(root)), **given)

    return make


@pytest.fixture
def secret_bundle(bundle: Path) -> Path:
    config = json.loads((bundle / "config.json").read_text())
    config["process"]["env"].append("API_KEY=" + SECRET)
    (bundle / "config.json").write_text(json.dumps(config))
    return bundle


@pytest.mark.parametrize("check_mode", [False, True])
def test_ad_hoc_with_only_an_id_reads_the_running_containers_file(
        run_module: RunModule, runner: t.Any, state_json: t.Any, args: t.Any, unit_dir: Path, secret_bundle: Path,
        tmp_path: Path, check_mode: bool) -> None:
    log = tmp_path / "api.log"
    log.write_text("".join("line %d\n" % n for n in range(40)) + "key %s\n" % SECRET)
    with open(log, "ab") as out:
        proc = subprocess.Popen(["sleep", "30"], stdout=out)
    try:
        runner.respond(stdout=state_json(id="api", pid=proc.pid, bundle=str(secret_bundle)))
        result = run_module(runc_logs.main, args(), runner=runner, check_mode=check_mode)
    finally:
        proc.kill()
        proc.wait()
    assert result["changed"] is False and result["source"] == "file" and result["log_path"] == str(log)
    assert len(result["lines"]) == 20 and result["lines"][-1] == "key ********" and result["masked"] == ["API_KEY"]
    assert SECRET not in json.dumps(result)


def test_ad_hoc_supervised_reads_the_journal(run_module: RunModule, runner: t.Any, state_json: t.Any, args: t.Any,
                                             unit_dir: Path, secret_bundle: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (unit_dir / "ocitools-runc-api.service").write_text("[Service]\nExecStart=runc run --bundle /x api\n")
    asked: t.List[t.List[str]] = []

    def journal(argv: t.List[str], timeout: float) -> t.Iterator[bytes]:
        asked.append(argv)
        return iter([json.dumps({"__CURSOR": "c1", "MESSAGE": list(("up %s" % SECRET).encode())}).encode()])
    monkeypatch.setattr(manager, "stream_lines", journal)
    runner.respond(stdout=state_json(id="api", bundle=str(secret_bundle)))
    result = run_module(runc_logs.main, args(), runner=runner)
    expected = {"changed": False, "source": "journal", "unit": "ocitools-runc-api.service",
                "lines": ["up ********"], "masked": ["API_KEY"]}
    assert {key: result.get(key) for key in expected} == expected and "log_path" not in result
    assert asked[0][:1] == ["journalctl"] and "_SYSTEMD_UNIT=ocitools-runc-api.service" in asked[0]


def test_wait_timeout_fails_with_the_message(run_module: RunModule, args: t.Any, unit_dir: Path, secret_bundle: Path,
                                             tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("booting %s\n" % SECRET)
    result = run_module(runc_logs.main, args(log_path=str(log), bundle=str(secret_bundle), wait_for="ready",
                                             timeout=0.3))
    assert result["failed"] and result["msg"].startswith("wait_for: no line matching 'ready' appeared in log_path")
    assert result["msg"].endswith("the last lines seen:\nbooting ********") and result["changed"] is False
    assert SECRET not in json.dumps(result)


def test_bad_regex_fails_before_runc_is_looked_for(run_module: RunModule, args: t.Any, unit_dir: Path) -> None:
    result = run_module(runc_logs.main, args(grep="(", executable="/no/such/runc"))
    assert result["failed"] and result["msg"].startswith("grep: '(' is not a valid regular expression")


def test_missing_runc_fails_cleanly(run_module: RunModule, args: t.Any, unit_dir: Path) -> None:
    result = run_module(runc_logs.main, args(executable="/no/such/runc"))
    assert result["failed"] and result["msg"].startswith("executable: /no/such/runc is not an executable file")
