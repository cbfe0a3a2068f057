# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bundle loading, spec digest, env masking and the recreate / live-update classification."""

from __future__ import annotations

import copy
import json
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.drift import (
    MASK,
    classify,
    live_resources,
    masked_spec,
    spec_digest,
)

SPEC: t.Dict[str, t.Any] = {
    "ociVersion": "1.0.2-dev",
    "process": {"args": ["sh"], "env": ["PATH=/bin", "TOKEN=s3cret"], "cwd": "/"},
    "root": {"path": "rootfs"},
    "linux": {"resources": {"memory": {"limit": 1024}, "devices": [{"allow": False, "access": "rwm"}]}},
}


def write(bundle: Path, text: str) -> Path:
    bundle.mkdir()
    (bundle / "config.json").write_text(text)
    return bundle


def test_digest_ignores_formatting_and_key_order() -> None:
    reordered = json.loads(json.dumps(SPEC, indent=3, sort_keys=True))
    assert spec_digest(reordered) == spec_digest(SPEC)
    changed = copy.deepcopy(SPEC)
    changed["process"]["cwd"] = "/tmp"
    assert spec_digest(changed) != spec_digest(SPEC)


def test_masked_spec_hashes_env_values_with_the_salt() -> None:
    masked = masked_spec(SPEC, "salt")
    assert set(masked["process"]["env"]) == {"PATH", "TOKEN"}
    assert "s3cret" not in json.dumps(masked)
    assert masked_spec(SPEC, "salt") == masked
    assert masked_spec(SPEC, "other")["process"]["env"] != masked["process"]["env"]
    assert SPEC["process"]["env"] == ["PATH=/bin", "TOKEN=s3cret"]  # the input is left alone


def changed(edit: t.Callable[[t.Dict[str, t.Any]], None]) -> t.Dict[str, t.Any]:
    spec = copy.deepcopy(SPEC)
    edit(spec)
    return spec


def drift_of(new: t.Mapping[str, t.Any], old_bundle: str = "/b", new_bundle: str = "/b", known: bool = True):
    old_masked = masked_spec(SPEC, "salt") if known else None
    return classify(old_bundle, new_bundle, old_masked, masked_spec(new, "salt"), spec_digest(SPEC) == spec_digest(new))


def test_no_change_is_no_drift() -> None:
    assert drift_of(SPEC).kind == "none"


@pytest.mark.parametrize("edit,kind,fields", [
    (lambda s: s["process"].update(args=["true"]), "recreate", ["process.args"]),
    (lambda s: s["linux"]["resources"]["memory"].update(limit=2048), "update", ["linux.resources.memory.limit"]),
    (lambda s: s["linux"]["resources"].update(pids={"limit": 10}, cpu={"shares": 512, "cpus": "0"}), "update",
     ["linux.resources.cpu.cpus", "linux.resources.cpu.shares", "linux.resources.pids.limit"]),
    (lambda s: s["linux"]["resources"].pop("memory"), "recreate", ["linux.resources.memory.limit"]),
    (lambda s: s["linux"]["resources"]["devices"][0].update(allow=True), "recreate", ["linux.resources.devices"]),
    (lambda s: s["linux"]["resources"]["memory"].update(limit=1, kernel=5), "recreate",
     ["linux.resources.memory.kernel", "linux.resources.memory.limit"]),
    (lambda s: s["process"].update(env=["PATH=/bin", "TOKEN=other"]), "recreate", ["process.env.TOKEN"]),
])
def test_classification(edit, kind: str, fields: t.List[str]) -> None:
    drift = drift_of(changed(edit))
    assert (drift.kind, [field.name for field in drift.fields]) == (kind, fields)
    assert drift.reasons


def test_env_values_are_masked_in_the_diff() -> None:
    drift = drift_of(changed(lambda s: s["process"].update(env=["PATH=/bin", "TOKEN=other", "NEW=x"])))
    before, after = drift.spec_diff()
    assert before == {"process.env.NEW": None, "process.env.TOKEN": MASK}
    assert after == {"process.env.NEW": MASK, "process.env.TOKEN": MASK + " (changed)"}


def test_other_bundle_recreates_even_without_a_record() -> None:
    drift = drift_of(SPEC, old_bundle="/old", new_bundle="/new", known=False)
    assert drift.kind == "recreate" and "bundle changed from /old to /new" in drift.reasons[0]


def test_unknown_spec_is_no_drift() -> None:
    assert drift_of(changed(lambda s: s["process"].update(args=["x"])), known=False).kind == "none"


def test_live_resources_keeps_only_what_runc_update_applies() -> None:
    spec = changed(lambda s: s["linux"]["resources"].update(cpu={"shares": 2, "cpus": "0-1", "idle": 1}, pids={"limit": 5}))
    assert live_resources(spec) == {"memory": {"limit": 1024}, "cpu": {"shares": 2, "cpus": "0-1"}, "pids": {"limit": 5}}
    assert live_resources({"process": {}}) == {}
