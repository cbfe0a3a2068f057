# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files written into a rootfs: the plan as a table, writes and chmods that change only what differs, check mode,
and links in the rootfs that are never followed out of it."""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._rootfs.files import (
    FoundFile,
    WantedFile,
    converge_files,
    planned_action,
    wanted_files,
)

WANTED = WantedFile("/etc/hostname", ("etc", "hostname"), b"web\n", 0o644)


@pytest.mark.parametrize("found, action", [
    (FoundFile("absent"), "write"),
    (FoundFile("link"), "write"),
    (FoundFile("file", b"old\n", 0o644), "write"),
    (FoundFile("file", b"old\n", 0o600), "write"),
    (FoundFile("file", b"web\n", 0o600), "chmod"),
    (FoundFile("file", b"web\n", 0o644), None),
])
def test_planned_action(found: FoundFile, action: t.Optional[str]) -> None:
    assert planned_action(found, WANTED) == action


@pytest.mark.parametrize("entry, message", [
    ({"path": "etc/hostname"}, "files[0].path: 'etc/hostname' is not a normalized absolute path"),
    ({"path": "/etc/../hostname"}, "files[0].path: '/etc/../hostname' is not a normalized"),
    ({"path": "/etc//hostname"}, "is not a normalized"),
    ({"path": "/etc/"}, "is not a normalized"),
    ({"path": "/"}, "is not a normalized"),
    ({"path": None}, "files[0].path: None is not a normalized"),
    ({"path": "/etc/a", "mode": "rw"}, "files[0].mode: 'rw' is not an octal file mode"),
    ({"path": "/etc/a", "mode": "17777"}, "files[0].mode: '17777' is not an octal file mode"),
    ({"path": "/etc/a", "content": "x" * (1024 * 1024 + 1)}, "files[0].content: 1048577 bytes, more than"),
])
def test_bad_entries_are_named(entry: t.Dict[str, t.Any], message: str) -> None:
    with pytest.raises(TaskError) as raised:
        wanted_files([entry])
    assert message in raised.value.msg


def test_a_path_given_twice_is_refused() -> None:
    with pytest.raises(TaskError, match="files: /etc/a given more than once"):
        wanted_files([{"path": "/etc/a"}, {"path": "/etc/b"}, {"path": "/etc/a"}])


def test_entries_with_their_defaults() -> None:
    assert wanted_files([{"path": "/etc/a"}, {"path": "/root/.ssh/k", "content": "é", "mode": "600"}]) == [
        WantedFile("/etc/a", ("etc", "a"), b"", 0o644),
        WantedFile("/root/.ssh/k", ("root", ".ssh", "k"), "é".encode("utf-8"), 0o600),
    ]


@pytest.fixture
def rootfs(tmp_path: Path) -> Path:
    root = tmp_path / "rootfs"
    (root / "etc").mkdir(parents=True)
    (root / "root" / ".ssh").mkdir(parents=True)
    return root


FILES = [
    {"path": "/etc/hostname", "content": "web\n"},
    {"path": "/root/.ssh/authorized_keys", "content": "ssh-ed25519 AAAA key\n", "mode": "0600"},
]


def _mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o7777


def test_writes_then_changes_nothing(rootfs: Path) -> None:
    first = converge_files(str(rootfs), FILES, check_mode=False)
    again = converge_files(str(rootfs), FILES, check_mode=False)

    assert first["changed"] is True and first["changed_files"] == ["/etc/hostname", "/root/.ssh/authorized_keys"]
    assert first["diff"]["before"] == {}
    assert first["diff"]["after"]["/root/.ssh/authorized_keys"] == {"content": "ssh-ed25519 AAAA key\n", "mode": "0600"}
    assert (rootfs / "etc/hostname").read_text() == "web\n" and _mode(rootfs / "etc/hostname") == 0o644
    assert _mode(rootfs / "root/.ssh/authorized_keys") == 0o600
    assert again == {"changed": False, "rootfs": str(rootfs), "changed_files": [], "diff": {"before": {}, "after": {}}}
    assert sorted(os.listdir(rootfs / "etc")) == ["hostname"]  # no temporary file left


def test_only_a_mode_that_differs_is_changed_in_place(rootfs: Path) -> None:
    converge_files(str(rootfs), FILES, check_mode=False)
    os.chmod(rootfs / "etc/hostname", 0o600)
    inode = os.stat(rootfs / "etc/hostname").st_ino

    result = converge_files(str(rootfs), FILES, check_mode=False)

    assert result["changed_files"] == ["/etc/hostname"]
    assert result["diff"]["before"]["/etc/hostname"] == {"content": "web\n", "mode": "0600"}
    assert _mode(rootfs / "etc/hostname") == 0o644 and os.stat(rootfs / "etc/hostname").st_ino == inode


def test_check_mode_writes_nothing_and_says_what_would_change(rootfs: Path) -> None:
    (rootfs / "etc/hostname").write_text("old\n")

    result = converge_files(str(rootfs), FILES, check_mode=True)

    assert result["changed"] is True and result["changed_files"] == ["/etc/hostname", "/root/.ssh/authorized_keys"]
    assert result["diff"]["before"] == {"/etc/hostname": {"content": "old\n", "mode": "%04o" % _mode(rootfs / "etc/hostname")}}
    assert (rootfs / "etc/hostname").read_text() == "old\n" and not (rootfs / "root/.ssh/authorized_keys").exists()


def test_links_are_resolved_in_the_rootfs_never_on_the_host(rootfs: Path, tmp_path: Path) -> None:
    host_file = tmp_path / "host-hostname"
    host_file.write_text("the host's\n")
    (rootfs / "etc/hostname").symlink_to(host_file)  # the container's /tmp/.../host-hostname
    (rootfs / str(host_file.parent).lstrip("/")).mkdir(parents=True)
    (rootfs / "etc/hosts").symlink_to("../../../../etc/real-hosts")  # ".." never goes above the root

    result = converge_files(str(rootfs), [{"path": "/etc/hostname", "content": "web\n"},
                                          {"path": "/etc/hosts", "content": "127.0.0.1 localhost\n"}], check_mode=False)

    assert result["changed_files"] == ["/etc/hostname", "/etc/hosts"]
    assert host_file.read_text() == "the host's\n"
    assert (rootfs / str(host_file).lstrip("/")).read_text() == "web\n"
    assert (rootfs / "etc/real-hosts").read_text() == "127.0.0.1 localhost\n"
    assert (rootfs / "etc/hostname").is_symlink()


def test_a_link_on_the_way_is_resolved_in_the_rootfs(rootfs: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (rootfs / "etc").rmdir()
    (rootfs / "etc").symlink_to(outside)  # absolute: means the container's /tmp/.../outside, which is missing

    with pytest.raises(TaskError) as raised:
        converge_files(str(rootfs), FILES[:1], check_mode=False)

    assert "/etc/hostname: directory" in raised.value.msg and "does not exist in the container" in raised.value.msg
    assert os.listdir(outside) == []


def test_a_missing_directory_or_a_directory_at_the_place_fails_clearly(rootfs: Path) -> None:
    with pytest.raises(TaskError, match="/etc/ssh/sshd_config.d/x.conf: directory 'ssh' does not exist"):
        converge_files(str(rootfs), [{"path": "/etc/ssh/sshd_config.d/x.conf"}], check_mode=False)
    with pytest.raises(TaskError, match="/root/.ssh: a directory or special file is there"):
        converge_files(str(rootfs), [{"path": "/root/.ssh"}], check_mode=False)


def test_a_rootfs_that_is_not_a_directory_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(TaskError, match="rootfs: %s is not a directory" % (tmp_path / "none")):
        converge_files(str(tmp_path / "none"), FILES, check_mode=False)


def test_in_check_mode_a_rootfs_not_made_yet_gets_every_file(tmp_path: Path) -> None:
    result = converge_files(str(tmp_path / "none"), FILES, check_mode=True)

    assert result["changed_files"] == ["/etc/hostname", "/root/.ssh/authorized_keys"]
    assert result["diff"]["before"] == {} and not (tmp_path / "none").exists()
