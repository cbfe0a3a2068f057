# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What runc_spec shows: env values masked, the diff limited to changed fields and attributes."""

from __future__ import annotations

import copy
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._spec.diff import mask_env, masked_spec, spec_diff
from ansible_collections.ocitools.runc.plugins.module_utils._spec.file import FileAttributes

SECRET = "s3cr3t"
SPEC: t.Dict[str, t.Any] = {
    "process": {"args": ["sh"], "env": ["PATH=/bin", "TOKEN=" + SECRET]},
    "linux": {"resources": {"memory": {"limit": 1024}}},
}
NO_CHANGE = FileAttributes()


def changed(**process: t.Any) -> t.Dict[str, t.Any]:
    spec = copy.deepcopy(SPEC)
    spec["process"].update(process)
    return spec


def test_masked_spec_hides_env_values_only() -> None:
    shown = masked_spec(SPEC)
    assert shown["process"] == {"args": ["sh"], "env": ["PATH=********", "TOKEN=********"]}
    assert SPEC["process"]["env"][1] == "TOKEN=" + SECRET, "the spec itself is untouched"
    assert masked_spec({"root": {}}) == {"root": {}}
    assert mask_env(None) is None


def test_diff_shows_exactly_the_changed_field() -> None:
    assert spec_diff(SPEC, changed(args=["sleep", "1"]), None, NO_CHANGE) == {
        "before": {"spec": {"process.args": ["sh"]}},
        "after": {"spec": {"process.args": ["sleep", "1"]}},
    }
    after = copy.deepcopy(SPEC)
    after["linux"]["resources"]["memory"]["limit"] = 2048
    assert spec_diff(SPEC, after, None, NO_CHANGE) == {
        "before": {"spec": {"linux.resources.memory.limit": 1024}},
        "after": {"spec": {"linux.resources.memory.limit": 2048}},
    }


def test_no_change_is_an_empty_diff() -> None:
    assert spec_diff(SPEC, copy.deepcopy(SPEC), FileAttributes(0o644, 0, 0), NO_CHANGE) == {"before": {}, "after": {}}


def test_env_changes_are_marked_never_shown() -> None:
    diff = spec_diff(SPEC, changed(env=["PATH=/bin", "TOKEN=other", "NEW=x"]), None, NO_CHANGE)
    assert diff == {
        "before": {"spec": {"process.env": ["PATH=********", "TOKEN=********"]}},
        "after": {"spec": {"process.env": ["PATH=********", "TOKEN=******** (changed)", "NEW=********"]}},
    }
    assert SECRET not in repr(diff) and "other" not in repr(diff)


def test_new_file_shows_every_field_and_the_attributes() -> None:
    diff = spec_diff(None, SPEC, None, FileAttributes(0o644), before_state="absent")
    assert diff["before"] == {"state": "absent"}
    assert diff["after"] == {
        "state": "file",
        "spec": {"process.args": ["sh"], "process.env": ["PATH=********", "TOKEN=********"],
                 "linux.resources.memory.limit": 1024},
        "mode": "0644",
    }
    assert spec_diff(None, SPEC, None, NO_CHANGE, before_state="invalid")["before"] == {"state": "invalid"}


def test_attribute_changes_show_before_and_after() -> None:
    diff = spec_diff(SPEC, SPEC, FileAttributes(0o600, 0, 0), FileAttributes(mode=0o644))
    assert diff == {"before": {"mode": "0600"}, "after": {"mode": "0644"}}
