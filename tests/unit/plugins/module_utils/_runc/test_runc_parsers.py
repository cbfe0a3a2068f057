# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers fed with runc 1.1.5's recorded output, and with malformed output: each malformed
input must raise RuncParseError saying what was expected, never return an empty result."""

from __future__ import annotations

import json
import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncParseError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.status import CONTAINER_STATUSES
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import (
    parse_list,
    parse_log_errors,
    parse_state,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import (
    RuncVersion,
    parse_event,
    parse_features,
    parse_pids,
    parse_ps_table,
    parse_version,
)

Recorded = t.Callable[[str], str]

RUNC_10 = "runc version 1.0.3\ncommit: v1.0.3-0-gf46b6ba2\nspec: 1.0.2-dev\n"
RUNC_13 = (
    "runc version 1.3.0\n"
    "commit: v1.3.0-0-g4ca628d1\n"
    "spec: 1.2.1\n"
    "go: go1.23.8\n"
    "libseccomp: 2.5.6\n"
)


# -- version ---------------------------------------------------------------------------

def test_version_of_runc_115(recorded: Recorded) -> None:
    assert parse_version(recorded("version.txt")) == RuncVersion(
        version="1.1.5+ds1", commit="1.1.5+ds1-1+deb12u1", spec="1.0.2-dev", go="go1.19.8", libseccomp="2.5.4")


@pytest.mark.parametrize("output, expected", [
    pytest.param(RUNC_10, RuncVersion("1.0.3", "v1.0.3-0-gf46b6ba2", "1.0.2-dev"), id="runc-1.0-three-lines"),
    pytest.param(RUNC_13, RuncVersion("1.3.0", "v1.3.0-0-g4ca628d1", "1.2.1", "go1.23.8", "2.5.6"), id="runc-1.3"),
    pytest.param("runc version 1.2.0-rc.1\r\ncommit: abc\r\n", RuncVersion("1.2.0-rc.1", "abc"), id="crlf"),
    pytest.param("\n  runc version 1.1.0\n\nunknown: field\n", RuncVersion("1.1.0"), id="blank-and-unknown-lines"),
])
def test_version_variants(output: str, expected: RuncVersion) -> None:
    assert parse_version(output) == expected


@pytest.mark.parametrize("output", [
    pytest.param("", id="empty"),
    pytest.param("commit: abc\nspec: 1.0.2\n", id="no-version-line"),
    pytest.param("runc version\n", id="version-without-number"),
    pytest.param("crun version 1.8\n", id="another-runtime"),
])
def test_version_malformed(output: str) -> None:
    with pytest.raises(RuncParseError, match="printed no 'runc version X' line"):
        parse_version(output)


@pytest.mark.parametrize("version, release", [
    pytest.param("1.1.5+ds1", (1, 1, 5), id="debian-suffix"),
    pytest.param("1.2", (1, 2, 0), id="no-patch"),
    pytest.param("1.2.0-rc.1", (1, 2, 0), id="release-candidate"),
])
def test_version_release(version: str, release: t.Tuple[int, int, int]) -> None:
    assert RuncVersion(version).release() == release


def test_version_release_malformed() -> None:
    with pytest.raises(RuncParseError, match="has no major.minor number"):
        RuncVersion("unknown").release()


# -- list / state ----------------------------------------------------------------------------

def test_list_empty_is_null(recorded: Recorded) -> None:
    assert recorded("list-empty.json").strip() == "null"
    assert parse_list(recorded("list-empty.json")) == []


def test_list_three_containers(recorded: Recorded) -> None:
    containers = parse_list(recorded("list-three.json"))
    assert [(c.id, c.status) for c in containers] == [
        ("fx-created", "created"), ("fx-paused", "paused"), ("fx-running", "running")]
    running = containers[2]
    assert running.annotations == {"org.example.owner": "fixtures", "org.example/role": "web"}
    assert containers[0].annotations == {}
    assert running.pid == 17583
    assert running.bundle.endswith("/bundles/fx-running")
    assert running.rootfs.endswith("/rootfs")
    assert running.created.startswith("2026-")
    assert running.owner == "root"
    assert running.oci_version == "1.0.2-dev"


def test_state_annotations(recorded: Recorded) -> None:
    assert parse_state(recorded("state-running.json")).annotations["org.example/role"] == "web"


def test_state_creating_is_known() -> None:
    assert "creating" in CONTAINER_STATUSES
    assert parse_state('{"id": "a", "pid": 1, "status": "creating", "bundle": "/b"}').status == "creating"


def test_state_null_annotations() -> None:
    assert parse_state('{"id": "a", "pid": 1, "status": "running", "bundle": "/b", "annotations": null}').annotations == {}


GOOD_STATE = {"id": "a", "pid": 1, "status": "running", "bundle": "/b"}


def _state_without(key: str) -> str:
    return json.dumps({k: v for k, v in GOOD_STATE.items() if k != key})


def _state_with(**changes: t.Any) -> str:
    return json.dumps(dict(GOOD_STATE, **changes))


@pytest.mark.parametrize("output, message", [
    pytest.param("", "runc state: output is not JSON", id="empty"),
    pytest.param("container does not exist", "runc state: output is not JSON", id="text"),
    pytest.param('{"id": "a",', "runc state: output is not JSON", id="cut-off"),
    pytest.param("null", "expected a JSON object per container, got NoneType", id="null"),
    pytest.param("[]", "expected a JSON object per container, got list", id="array"),
    pytest.param(_state_without("id"), "container entry lacks id", id="no-id"),
    pytest.param(_state_without("pid"), "container entry lacks pid", id="no-pid"),
    pytest.param(_state_without("status"), "container entry lacks status", id="no-status"),
    pytest.param(_state_without("bundle"), "container entry lacks bundle", id="no-bundle"),
    pytest.param(_state_with(status="exploded"), "unknown container status 'exploded'", id="unknown-status"),
    pytest.param(_state_with(pid="12"), "pid is not an integer: '12'", id="pid-string"),
    pytest.param(_state_with(pid=True), "pid is not an integer: True", id="pid-bool"),
])
def test_state_malformed(output: str, message: str) -> None:
    with pytest.raises(RuncParseError, match=message):
        parse_state(output)


@pytest.mark.parametrize("output, message", [
    pytest.param("", "runc list: output is not JSON", id="empty"),
    pytest.param("ID   PID   STATUS\n", "runc list: output is not JSON", id="table-instead-of-json"),
    pytest.param("{}", "runc list: expected a JSON array or null, got dict", id="object"),
    pytest.param('"x"', "runc list: expected a JSON array or null, got str", id="string"),
    pytest.param("[1]", "runc list: expected a JSON object per container, got int", id="array-of-ints"),
    pytest.param("[%s]" % _state_without("status"), "runc list: container entry lacks status", id="entry-lacks-status"),
])
def test_list_malformed(output: str, message: str) -> None:
    with pytest.raises(RuncParseError, match=message):
        parse_list(output)


def test_list_table_output_is_refused(recorded: Recorded) -> None:
    with pytest.raises(RuncParseError, match="runc list: output is not JSON"):
        parse_list(recorded("list-table.txt"))


# -- ps ------------------------------------------------------------------------------------------

def test_pids(recorded: Recorded) -> None:
    assert parse_pids(recorded("ps-json.txt")) == [17583, 17630]


@pytest.mark.parametrize("output", ["null", "[]"], ids=["null", "empty-array"])
def test_pids_none(output: str) -> None:
    assert parse_pids(output) == []


@pytest.mark.parametrize("output, message", [
    pytest.param("", "runc ps: output is not JSON", id="empty"),
    pytest.param("UID PID\n", "runc ps: output is not JSON", id="table"),
    pytest.param('{"pids": [1]}', "runc ps: expected a JSON array of pids", id="object"),
    pytest.param('["1"]', "runc ps: expected a JSON array of pids", id="strings"),
    pytest.param("[true]", "runc ps: expected a JSON array of pids", id="bools"),
    pytest.param("[1.5]", "runc ps: expected a JSON array of pids", id="floats"),
])
def test_pids_malformed(output: str, message: str) -> None:
    with pytest.raises(RuncParseError, match=message):
        parse_pids(output)


PS_TITLES = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]


@pytest.mark.parametrize("name", ["ps-table.txt", "ps-table-ef.txt"], ids=["default", "ef"])
def test_ps_table(recorded: Recorded, name: str) -> None:
    table = parse_ps_table(recorded(name))
    assert table.titles == PS_TITLES
    assert [row[1] for row in table.processes] == ["17583", "17630"]
    assert table.processes[0][-1] == "sh -c while true; do sleep 1; done"
    assert table.to_dicts()[1] == {"UID": "root", "PID": "17630", "PPID": "17583", "C": "0", "STIME": "02:03",
                                   "TTY": "?", "TIME": "00:00:00", "CMD": "sleep 1"}


def test_ps_table_custom_columns(recorded: Recorded) -> None:
    table = parse_ps_table(recorded("ps-table-o.txt"))
    assert table.titles == ["PID", "USER", "STAT", "COMMAND"]
    assert table.to_dicts()[0] == {"PID": "17583", "USER": "root", "STAT": "Ss",
                                   "COMMAND": "sh -c while true; do sleep 1; done"}


def test_ps_table_header_only() -> None:
    assert parse_ps_table("UID PID CMD\n").processes == []


@pytest.mark.parametrize("output, message", [
    pytest.param("", "runc ps: empty output, expected a header line", id="empty"),
    pytest.param("  \n\n", "runc ps: empty output, expected a header line", id="blank"),
    pytest.param("UID PID CMD\nroot 1\n", "runc ps: row has 2 fields, header has 3", id="short-row"),
])
def test_ps_table_malformed(output: str, message: str) -> None:
    with pytest.raises(RuncParseError, match=message):
        parse_ps_table(output)


# -- events -----------------------------------------------------------------------------------------

def test_stats_event(recorded: Recorded) -> None:
    event = parse_event(recorded("events-stats.json"))
    assert (event.type, event.id) == ("stats", "fx-running")
    assert event.data["cpu"]["usage"]["total"] > 0
    assert event.data["memory"]["usage"]["usage"] > 0
    assert "pids" in event.data
    assert event.to_dict()["type"] == "stats"


def test_event_without_data() -> None:
    event = parse_event('{"type": "oom", "id": "c1"}')
    assert (event.type, event.id, event.data) == ("oom", "c1", {})


@pytest.mark.parametrize("output, message", [
    pytest.param("", "runc events --stats: output is not JSON", id="empty"),
    pytest.param('{"type": "stats"', "runc events --stats: output is not JSON", id="cut-off"),
    pytest.param("[]", "runc events: expected an object with a 'type'", id="array"),
    pytest.param('{"id": "c1"}', "runc events: expected an object with a 'type'", id="no-type"),
    pytest.param('{"type": 1}', "runc events: expected an object with a 'type'", id="type-not-a-string"),
    pytest.param('{"type": "stats", "data": [1]}', "runc events: 'data' is not an object", id="data-not-an-object"),
])
def test_event_malformed(output: str, message: str) -> None:
    with pytest.raises(RuncParseError, match=message):
        parse_event(output)


# -- features ------------------------------------------------------------------------------------------

def test_features(recorded: Recorded) -> None:
    features = parse_features(recorded("features.json"))
    assert features["ociVersionMin"] == "1.0.0"
    assert "prestart" in features["hooks"]


@pytest.mark.parametrize("output, message", [
    pytest.param("", "runc features: output is not JSON", id="empty"),
    pytest.param("No help topic for 'features'\n", "runc features: output is not JSON", id="runc-1.0-text"),
    pytest.param("{}", "runc features: expected an object with ociVersionMin", id="no-oci-version-min"),
    pytest.param("[]", "runc features: expected an object with ociVersionMin", id="array"),
])
def test_features_malformed(output: str, message: str) -> None:
    with pytest.raises(RuncParseError, match=message):
        parse_features(output)


# -- runc's log -------------------------------------------------------------------------------------------

def test_log_errors_json(recorded: Recorded) -> None:
    assert parse_log_errors(recorded("err-log-json.jsonl")) == [
        'runc create failed: unable to start container process: exec: "/no/such/binary": '
        "stat /no/such/binary: no such file or directory"]


@pytest.mark.parametrize("name, messages", [
    pytest.param("err-state-missing.txt", ["container does not exist"], id="state-missing"),
    pytest.param("err-create-exists.txt", ["runc create failed: container with given ID already exists"],
                 id="create-exists"),
    pytest.param("err-delete-running.txt", ["cannot delete container fx-running that is not stopped: running"],
                 id="delete-running"),
    pytest.param("err-exec-paused.txt",
                 ["exec failed: cannot exec in a paused container (use --ignore-paused to override)"], id="exec-paused"),
    pytest.param("err-kill-stopped.txt", ["container not running"], id="kill-stopped"),
    pytest.param("err-checkpoint-regular-file.txt",
                 ["container still running", "criu failed: type NOTIFY errno 0\nlog file: dump.log"],
                 id="checkpoint-two-lines-with-escaped-newline"),
])
def test_log_errors_text(recorded: Recorded, name: str, messages: t.List[str]) -> None:
    assert parse_log_errors(recorded(name)) == messages


@pytest.mark.parametrize("text, messages", [
    pytest.param("", [], id="empty"),
    pytest.param('{"level":"debug","msg":"x"}\n{"level":"warning","msg":"y"}\n', [], id="json-below-error"),
    pytest.param('{"level":"fatal","msg":"f"}\n{"level":"panic","msg":"p"}\n', ["f", "p"], id="json-fatal-panic"),
    pytest.param('{"level":"error"}\n{"level":"error","msg":""}\n', [], id="json-without-msg"),
    pytest.param('{"level":"error","msg":"cut', [], id="json-cut-off"),
    pytest.param("[1, 2]\n", [], id="json-not-an-object"),
    pytest.param('time="t" level=info msg="starting"\n', [], id="text-info"),
    pytest.param("level=error msg=bare\n", ["bare"], id="text-unquoted"),
    pytest.param('level=error msg="say \\"hi\\""\n', ['say "hi"'], id="text-escaped-quotes"),
    pytest.param("plain stderr without fields\n", [], id="plain-text"),
])
def test_log_errors_variants(text: str, messages: t.List[str]) -> None:
    assert parse_log_errors(text) == messages
