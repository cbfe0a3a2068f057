# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failure messages: CRIU's log tail (only when this call wrote it) and the likely cause."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._checkpoint.failure import (
    LogMark,
    describe_failure,
    likely_cause,
    read_log,
    tail,
)

Recorded = t.Callable[[str], str]


@pytest.mark.parametrize("text, words", [
    ("Error (criu/files-reg.c:1790): Can't lookup mount=27 for fd=1 path=/tmp/out.txt", "regular file on the host"),
    ("Error (criu/config.c:1128): Tracking memory is not available. Consider omitting --track-mem option.",
     "CONFIG_MEM_SOFT_DIRTY"),
    ("Error (criu/util.c:640): execvp(\"iptables-restore\", ...) failed: No such file or directory",
     "install iptables"),
    ("Error (criu/vdso.c:123): vdso: Unexpected rt vDSO area bounds", "does not work on this kernel"),
    ("exec: \"criu\": executable file not found in $PATH", "cannot find CRIU"),
    ("Invalid manage cgroups mode", "manage_cgroups_mode"),
    ("Error (criu/sk-inet.c:199): inet: Connected TCP socket, consider using --tcp-established option.",
     "tcp_established"),
    ("Error (criu/sk-unix.c:888): unix: External socket is used. Consider using --ext-unix-sk option.",
     "ext_unix_sk"),
    ("Error (criu/file-lock.c:1): Some file locks are hold by dumping tasks!", "file_locks"),
    ("something nobody has seen", "criu check"),
])
def test_likely_cause(text: str, words: str) -> None:
    assert words in likely_cause("criu failed: type NOTIFY errno 0", text)


def test_regular_file_failure_quotes_the_fresh_log(tmp_path: Path, recorded: Recorded) -> None:
    log = tmp_path / "dump.log"
    mark = LogMark.of(str(log))
    log.write_text(recorded("err-checkpoint-regular-file.dump-log-tail.txt"))
    runc_message = "container still running; criu failed: type NOTIFY errno 0\nlog file: dump.log"

    details = describe_failure("runc checkpoint", runc_message, mark)

    assert details["msg"].startswith("runc checkpoint failed: container still running; criu failed")
    assert "regular file on the host" in details["likely_cause"]
    assert "Last lines of %s:" % log in details["msg"]
    assert details["msg"].rstrip().endswith("Dumping FAILED.")
    assert details["criu_log"] == str(log)
    assert len(details["criu_log_tail"].splitlines()) == 25


def test_a_stale_log_is_not_quoted(tmp_path: Path, recorded: Recorded) -> None:
    log = tmp_path / "dump.log"
    log.write_text(recorded("err-checkpoint-regular-file.dump-log-tail.txt"))
    details = describe_failure("runc pre-dump", "CRIU is missing features", LogMark.of(str(log)), ["pre_dump"])
    assert "CRIU wrote no log at %s" % log in details["msg"]
    assert "regular file" not in details["msg"]
    assert details["likely_cause"].startswith("pre_dump needs CRIU's memory tracking")
    assert (details["criu_log"], details["criu_log_tail"]) == (None, "")


@pytest.mark.parametrize("requested, words", [
    (["parent_path"], "parent_path needs CRIU's memory tracking"),
    (["lazy_pages", "page_server"], "lazy_pages needs CRIU's lazy pages"),
    ([], "lacks a feature"),
])
def test_missing_features_names_the_option(tmp_path: Path, requested: t.List[str], words: str) -> None:
    details = describe_failure("runc checkpoint", "CRIU is missing features", LogMark.of(str(tmp_path / "x")), requested)
    assert words in details["likely_cause"]


def test_a_failing_criu_check_is_the_cause(tmp_path: Path) -> None:
    details = describe_failure("runc restore", "criu failed: type RESTORE errno 0", LogMark.of(str(tmp_path / "r")),
                               criu_check_failure="criu check failed (exit 1): vdso")
    assert "CRIU does not work on this host (criu check failed (exit 1): vdso)" in details["msg"]


def test_log_mark_sees_appends(tmp_path: Path) -> None:
    log = tmp_path / "restore.log"
    log.write_text("old\n")
    mark = LogMark.of(str(log))
    assert not mark.written_since()
    with log.open("a") as handle:
        handle.write("new\n")
    assert mark.written_since()


def test_read_log_keeps_the_end(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    log.write_text("".join("line %d\n" % i for i in range(1000)))
    assert read_log(str(log), limit=20).endswith("line 999\n")
    assert tail(read_log(str(log)), 2) == "line 998\nline 999"
    assert read_log(str(tmp_path / "missing")) == ""
