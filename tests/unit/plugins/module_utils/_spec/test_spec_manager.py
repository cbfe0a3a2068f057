# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""manage_spec with runc's recorded default spec: idempotence, check mode, diff, errors before runc."""

from __future__ import annotations

import json
import os
import resource
import stat
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._spec.manager import manage_spec
from ansible_collections.ocitools.runc.plugins.module_utils._spec.validation import SpecInputError


class FakeRunc:
    """Answers default_spec with a recorded ``runc spec`` output, counting calls."""

    def __init__(self, recorded: t.Callable[[str], str]) -> None:
        self.recorded = recorded
        self.calls: t.List[bool] = []

    def default_spec(self, rootless: bool = False) -> t.Dict[str, t.Any]:
        self.calls.append(rootless)
        return json.loads(self.recorded("spec-rootless.json" if rootless else "spec.json"))


@pytest.fixture
def runc(recorded: t.Callable[[str], str]) -> FakeRunc:
    return FakeRunc(recorded)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    (tmp_path / "bundle" / "rootfs").mkdir(parents=True)
    return tmp_path / "bundle"


def run(runc: FakeRunc, bundle_dir: Path, check_mode: bool = False, diff: bool = True, **params: t.Any) -> t.Dict[str, t.Any]:
    values: t.Dict[str, t.Any] = {"bundle": str(bundle_dir), "args": ["sleep", "60"], "mode": "0644"}
    values.update(params)
    return manage_spec(values, lambda: t.cast(t.Any, runc), check_mode, diff)


def test_second_run_changes_nothing_and_keeps_the_bytes(runc: FakeRunc, bundle: Path) -> None:
    first = run(runc, bundle, env={"TOKEN": "secret"})
    config = bundle / "config.json"
    assert first["changed"] and first["path"] == str(config)
    before = config.read_bytes(), config.stat().st_mtime_ns
    second = run(runc, bundle, env={"TOKEN": "secret"})
    assert not second["changed"] and second["diff"] == {"before": {}, "after": {}}
    assert (config.read_bytes(), config.stat().st_mtime_ns) == before
    assert stat.S_IMODE(config.stat().st_mode) == 0o644
    assert "TOKEN=secret" in json.loads(config.read_bytes())["process"]["env"]
    assert "secret" not in json.dumps(first) and "TOKEN=********" in first["spec"]["process"]["env"]


def test_reformatted_equal_file_is_left_alone(runc: FakeRunc, bundle: Path) -> None:
    run(runc, bundle)
    config = bundle / "config.json"
    config.write_text(json.dumps(json.loads(config.read_text()), sort_keys=True))
    assert not run(runc, bundle)["changed"]


def test_a_resource_change_changes_only_that_field(runc: FakeRunc, bundle: Path) -> None:
    run(runc, bundle, resources={"memory_limit": 1 << 26})
    result = run(runc, bundle, resources={"memory_limit": 1 << 27})
    assert result["changed"]
    assert result["diff"] == {"before": {"spec": {"linux.resources.memory.limit": 1 << 26}},
                              "after": {"spec": {"linux.resources.memory.limit": 1 << 27}}}


def test_check_mode_writes_nothing_not_even_the_bundle(runc: FakeRunc, bundle: Path, tmp_path: Path) -> None:
    missing = tmp_path / "new-bundle"
    result = run(runc, missing, check_mode=True, rootfs=str(bundle / "rootfs"))
    assert result["changed"] and result["diff"]["before"] == {"state": "absent"}
    assert not missing.exists()
    run(runc, bundle)
    assert run(runc, bundle, check_mode=True, args=["sh"])["changed"]
    assert json.loads((bundle / "config.json").read_text())["process"]["args"] == ["sleep", "60"]


def test_missing_bundle_is_created_with_an_absolute_rootfs(runc: FakeRunc, bundle: Path, tmp_path: Path) -> None:
    new = tmp_path / "parent" / "new-bundle"
    assert run(runc, new, rootfs=str(bundle / "rootfs"))["changed"]
    assert stat.S_IMODE(new.stat().st_mode) == 0o700 and (new / "config.json").is_file()


def test_mode_only_change(runc: FakeRunc, bundle: Path) -> None:
    run(runc, bundle)
    config = bundle / "config.json"
    inode = config.stat().st_ino
    result = run(runc, bundle, mode="0600")
    assert result["changed"] and result["diff"] == {"before": {"mode": "0644"}, "after": {"mode": "0600"}}
    assert stat.S_IMODE(config.stat().st_mode) == 0o600 and config.stat().st_ino == inode


def test_invalid_existing_file_is_replaced(runc: FakeRunc, bundle: Path) -> None:
    (bundle / "config.json").write_text("{ not json")
    result = run(runc, bundle)
    assert result["changed"] and result["diff"]["before"]["state"] == "invalid"
    assert json.loads((bundle / "config.json").read_text())["process"]["args"] == ["sleep", "60"]


def test_rootless_spec_starts_from_the_rootless_default(runc: FakeRunc, bundle: Path) -> None:
    result = run(runc, bundle, rootless_spec=True)
    assert runc.calls == [True] and result["spec"]["linux"]["uidMappings"]


@pytest.mark.parametrize("params, prefix", [
    ({"mounts": [{"source": "/srv"}]}, "mounts[0].destination:"),
    ({"resources": {"memory_limit": -5}}, "resources.memory_limit:"),
    ({"capabilities": {"add": ["CAP_NOPE"]}}, "capabilities.add:"),
    ({"rootfs": "missing"}, "rootfs:"),
    ({"bundle": "relative"}, "bundle:"),
    ({"mode": "rw"}, "mode:"),
])
def test_bad_input_fails_before_runc_is_called(runc: FakeRunc, bundle: Path, params: t.Dict[str, t.Any], prefix: str) -> None:
    with pytest.raises(SpecInputError, match="^" + prefix.replace("[", r"\[")):
        run(runc, bundle, **params)
    assert runc.calls == [] and not (bundle / "config.json").exists()


def test_rlimit_above_the_hard_limit_fails(runc: FakeRunc, bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda number: (512, 512))
    with pytest.raises(SpecInputError, match="^rlimits: RLIMIT_NOFILE hard limit 1024 is above this host's hard limit 512"):
        run(runc, bundle)
    assert not (bundle / "config.json").exists()


def test_unwritable_bundle_names_it(runc: FakeRunc, bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SpecInputError, match="^bundle: cannot write .*config.json: Permission denied"):
        run(runc, bundle)
