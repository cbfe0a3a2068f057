# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wrong-typed fields in the merged spec are named, never a traceback."""

from __future__ import annotations

import json
import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._spec.structure import structure_problem


@pytest.fixture
def default(recorded: t.Callable[[str], str]) -> t.Dict[str, t.Any]:
    return json.loads(recorded("spec.json"))


def test_runcs_default_spec_fits(default: t.Dict[str, t.Any]) -> None:
    assert structure_problem(default) is None


@pytest.mark.parametrize("patch, message", [
    ({"process": "sh"}, "spec: process must be a JSON object, not a string"),
    ({"process": {"env": "A=1"}}, "spec: process.env must be a JSON array, not a string"),
    ({"process": {"env": ["A=1", 5]}}, "spec: process.env[1] must be a JSON string, not an integer"),
    ({"process": {"rlimits": ["x"]}}, "spec: process.rlimits[0] must be a JSON object, not a string"),
    ({"process": {"user": {"uid": "0"}}}, "spec: process.user.uid must be a JSON integer, not a string"),
    ({"process": {"capabilities": {"bounding": "CAP_KILL"}}}, "spec: process.capabilities.bounding must be a JSON array"),
    ({"root": {"path": 1.5}}, "spec: root.path must be a JSON string, not a number"),
    ({"mounts": [{"destination": None}]}, "spec: mounts[0].destination must be a JSON string, not null"),
    ({"linux": {"namespaces": {"type": "pid"}}}, "spec: linux.namespaces must be a JSON array, not an object"),
    ({"linux": {"resources": {"memory": 5}}}, "spec: linux.resources.memory must be a JSON object"),
    ({"annotations": {"a": True}}, "spec: annotations.a must be a JSON string, not a boolean"),
])
def test_wrong_types_are_named(default: t.Dict[str, t.Any], patch: t.Dict[str, t.Any], message: str) -> None:
    spec = dict(default)
    for key, value in patch.items():
        spec[key] = dict(default.get(key) or {}, **value) if isinstance(value, dict) and key != "annotations" else value
    problem = structure_problem(spec)
    assert problem is not None and problem.startswith(message), problem


def test_secret_values_are_never_quoted() -> None:
    problem = structure_problem({"process": {"env": ["TOKEN=hunter2", {"x": "hunter2"}]}})
    assert problem is not None and "hunter2" not in problem
