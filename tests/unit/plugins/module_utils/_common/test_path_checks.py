# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""NUL bytes named by option, directories that are or can become ours."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._common.path_checks import (
    directory_problem,
    filesystem_type,
    length_problem,
    nul_option,
    nul_problem,
)


@pytest.mark.parametrize("params, option", [
    ({"bundle": "/b\0"}, "bundle"),
    ({"mounts": [{"source": "/a"}, {"source": "/b\0c"}]}, "mounts[1].source"),
    ({"env": {"TOKEN": "se\0cret"}}, "env.TOKEN"),
    ({"env": {"A\0B": "x"}}, "env.A\0B"),
    ({"argv": ["sh", "-c", "a\0"]}, "argv[2]"),
    ({"bundle": "/b", "count": 3, "flag": None}, None),
])
def test_nul_option_names_the_path(params: t.Dict[str, t.Any], option: t.Optional[str]) -> None:
    assert nul_option(params) == option


def test_nul_problem_never_shows_the_value() -> None:
    problem = nul_problem({"env": {"TOKEN": "hunter2\0"}})
    assert problem is not None and problem.startswith("env.TOKEN: contains a NUL byte") and "hunter2" not in problem


MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
23 22 0:5 / /proc rw,nosuid - proc proc rw
24 22 0:6 / /srv/my\\040dir rw - tmpfs tmpfs rw
"""


def test_filesystem_type_takes_the_longest_mount_point(tmp_path: Path) -> None:
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(MOUNTINFO)
    assert filesystem_type("/proc/1", str(mountinfo)) == "proc"
    assert filesystem_type("/procfoo", str(mountinfo)) == "ext4"
    assert filesystem_type("/srv/my dir/x", str(mountinfo)) == "tmpfs"


def test_directory_problem(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert directory_problem("root", str(tmp_path)) is None
    assert directory_problem("root", str(tmp_path / "new" / "deeper")) is None
    assert str(directory_problem("root", str(tmp_path / "file"))).startswith("root: %s exists and is not a directory" % (tmp_path / "file"))
    under_file = tmp_path / "file" / "x"
    assert str(directory_problem("root", str(under_file))).startswith("root: %s cannot be created: %s is not" % (
        under_file, tmp_path / "file"))
    assert str(directory_problem("root", "/proc/ocitools-root")).startswith("root: /proc/ocitools-root is on a proc file system")
    assert str(directory_problem("root", "/sys/fs")).startswith("root: /sys/fs is on a sysfs file system")


@pytest.mark.parametrize("path, starts", [
    ("/tmp/" + "a" * 256, "bundle: a file name in it is 256 bytes long; at most 255"),
    ("/tmp/" + "\u00e9" * 128, "bundle: a file name in it is 256 bytes long"),
    ("/" + "/".join(["a" * 200] * 21), "bundle: the path is 4221 bytes long; at most 4095"),
])
def test_length_problem(path: str, starts: str) -> None:
    assert str(length_problem("bundle", path)).startswith(starts)
    assert str(directory_problem("bundle", path)).startswith(starts)


def test_length_of_ordinary_paths_is_fine() -> None:
    assert length_problem("bundle", "/tmp/" + "a" * 255) is None and length_problem("bundle", "") is None
