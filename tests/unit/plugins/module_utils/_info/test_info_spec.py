# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The config.json summary: env names only, mounts, resources."""

from __future__ import annotations

import json

from ansible_collections.ocitools.runc.plugins.module_utils._info.spec import (
    summarize_config,
)

CONFIG = {
    "ociVersion": "1.0.2-dev",
    "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0},
                "env": ["PATH=/bin", "TOKEN=secret-value", "EMPTY"]},
    "root": {"path": "rootfs", "readonly": True},
    "hostname": "web",
    "mounts": [{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid"]}],
    "linux": {"resources": {"memory": {"limit": 1048576}}},
}


def test_summary() -> None:
    summary = summarize_config(CONFIG)
    assert summary == {
        "oci_version": "1.0.2-dev", "args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0},
        "env": ["PATH", "TOKEN", "EMPTY"], "terminal": False, "hostname": "web",
        "root": {"path": "rootfs", "readonly": True},
        "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
        "resources": {"memory": {"limit": 1048576}},
    }
    assert "secret-value" not in json.dumps(summary)


def test_summary_of_a_sparse_config() -> None:
    assert summarize_config({})["args"] == [] and summarize_config({})["mounts"] == []
