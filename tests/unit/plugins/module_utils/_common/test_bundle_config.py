# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one config.json reader: a dict, or a ConfigError naming the bundle option and what is wrong."""

from __future__ import annotations

import json
import re
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._common.bundle_config import ConfigError, read_config
from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError

SPEC = {"ociVersion": "1.0.2-dev", "process": {"args": ["sh"]}}


def write(bundle: Path, text: str) -> Path:
    bundle.mkdir()
    (bundle / "config.json").write_text(text)
    return bundle


def test_reads_the_config(tmp_path: Path) -> None:
    assert read_config(str(write(tmp_path / "b", json.dumps(SPEC)))) == SPEC


@pytest.mark.parametrize("make,message", [
    (lambda path: path, "is not a directory"),
    (lambda path: (path.mkdir(), path)[1], "has no config.json"),
    # json's wording differs between Python versions (3.13 names the trailing comma); the position is always there.
    (lambda path: write(path, '{\n "a": 1,\n}'), re.compile(r"is not valid JSON: .+ at line \d+ column \d+$")),
    (lambda path: write(path, '"text"'), "must hold a JSON object"),
    (lambda path: write(path, ""), "is not valid JSON: Expecting value at line 1 column 1"),
    (lambda path: ((path / "config.json").mkdir(parents=True), path)[1], "cannot read"),
    (lambda path: (path.mkdir(), (path / "config.json").write_bytes(b"\xff\xfe"), path)[2], "cannot read"),
])
def test_errors_name_the_option(
    tmp_path: Path, make: t.Callable[[Path], Path], message: t.Union[str, "re.Pattern[str]"]
) -> None:
    with pytest.raises(ConfigError) as caught:
        read_config(str(make(tmp_path / "b")))
    text = str(caught.value)
    assert text.startswith("bundle: ")
    assert message.search(text) if isinstance(message, re.Pattern) else message in text, text


def test_a_config_error_is_a_task_error() -> None:
    assert issubclass(ConfigError, TaskError)
