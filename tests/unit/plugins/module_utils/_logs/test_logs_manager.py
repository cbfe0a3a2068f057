# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One runc_logs task with a fake journalctl stream, a fake clock and a recording runc: the source
chosen, lines read and masked, waits that find a line (file and journal) or time out with a message,
check mode, and options refused before anything is read."""

from __future__ import annotations

import json
import subprocess
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._logs import manager
from ansible_collections.ocitools.runc.plugins.module_utils._logs.manager import ContainerLogs, request_from_params
from ansible_collections.ocitools.runc.plugins.module_utils._logs.selection import LogsError
from ansible_collections.ocitools.runc.plugins.module_utils._logs.stream import StreamFailed
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions

SECRET = "hunter2-very-secret"
UNIT = "ocitools-runc-api.service"


class FakeClock:
    """Sleeping moves time and runs ``on_sleep`` (what the container writes meanwhile)."""

    def __init__(self, on_sleep: t.Optional[t.Callable[[int], None]] = None) -> None:
        self.now = 0.0
        self.sleeps = 0
        self.on_sleep = on_sleep

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.sleeps += 1
        if self.on_sleep:
            self.on_sleep(self.sleeps)


class FakeJournal:
    """journalctl for one unit: entries with cursors; --lines, --after-cursor and a --since error."""

    def __init__(self, messages: t.Sequence[t.Any] = ()) -> None:
        self.entries: t.List[t.Dict[str, t.Any]] = []
        self.calls: t.List[t.List[str]] = []
        for message in messages:
            self.add(message)

    def add(self, message: t.Any) -> None:
        self.entries.append({"__CURSOR": "c%d" % len(self.entries), "MESSAGE": message, "_SYSTEMD_UNIT": UNIT})

    def __call__(self, argv: t.List[str], timeout: float) -> t.Iterator[bytes]:
        self.calls.append(argv)
        if "--since" in argv and argv[argv.index("--since") + 1] == "bogus":
            raise StreamFailed("journalctl failed (rc=1): Failed to parse timestamp: bogus",
                               "Failed to parse timestamp: bogus")
        entries = self.entries
        if "--after-cursor" in argv:
            entries = entries[int(argv[argv.index("--after-cursor") + 1][1:]) + 1:]
        if "--lines" in argv:
            entries = entries[-int(argv[argv.index("--lines") + 1]):]
        return iter([b"-- junk --"] + [json.dumps(entry).encode() + b"\n" for entry in entries])


@pytest.fixture
def config_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "config.json").write_text(json.dumps({"process": {"env": [
        "PATH=/bin", "DB_PASSWORD=" + SECRET, "DEBUG=1"]}}))
    return bundle


def _params(**given: t.Any) -> t.Dict[str, t.Any]:
    params = dict(id="api", lines=20, since=None, grep=None, wait_for=None, timeout=None, source="auto",
                  log_path=None, bundle=None, command_timeout=60.0)
    params.update(given)
    return params


def _no_runc() -> Runc:
    raise AssertionError("runc was looked for")


def _maker(root: Path, runner: t.Any) -> t.Callable[[], Runc]:
    def make() -> Runc:
        return Runc(GlobalOptions(root=str(root)), runner=runner)
    return make


def _logs(params: t.Dict[str, t.Any], make_runc: t.Callable[[], Runc] = _no_runc, check_mode: bool = False,
          stream: t.Any = None, clock: t.Any = None) -> ContainerLogs:
    return ContainerLogs(request_from_params(params), make_runc, check_mode, stream=stream or FakeJournal(),
                         clock=clock or FakeClock())


def test_file_last_lines_masked_without_runc(tmp_path: Path, unit_dir: Path, config_bundle: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("".join("line %d\n" % n for n in range(30)) + "password is %s\nDEBUG=1 PATH=/bin\n" % SECRET)
    result = _logs(_params(log_path=str(log), bundle=str(config_bundle), lines=3)).run()
    assert result == {"changed": False, "source": "file", "log_path": str(log), "masked": ["DB_PASSWORD"],
                      "lines": ["line 29", "password is ********", "DEBUG=1 PATH=/bin"]}


def test_file_wait_finds_a_line_written_later(tmp_path: Path, unit_dir: Path, config_bundle: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("starting\n")

    def write(sleeps: int) -> None:
        with open(log, "a") as handle:
            handle.write({1: "loading\n", 2: "ready on ", 3: "port 8080 key=%s\nafter\n" % SECRET}.get(sleeps, ""))
    clock = FakeClock(write)
    result = _logs(_params(log_path=str(log), bundle=str(config_bundle), wait_for="ready on port",
                           grep="^(?!loading)"), clock=clock).run()
    assert result["matched"] == "ready on port 8080 key=********" and result["waited"] == 0.75
    assert result["lines"] == ["starting", "ready on port 8080 key=********", "after"]


def test_file_wait_matches_an_unfinished_last_line(tmp_path: Path, unit_dir: Path, config_bundle: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("one\n")
    clock = FakeClock(lambda sleeps: log.write_text("one\nprompt> ") if sleeps == 2 else None)
    result = _logs(_params(log_path=str(log), bundle=str(config_bundle), wait_for="prompt>"), clock=clock).run()
    assert result["matched"] == "prompt> " and result["lines"] == ["one", "prompt> "]


def test_file_wait_times_out_with_a_message(tmp_path: Path, unit_dir: Path, config_bundle: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("".join("noise %d\n" % n for n in range(15)) + "token %s\n" % SECRET)
    clock = FakeClock()
    with pytest.raises(LogsError) as caught:
        _logs(_params(log_path=str(log), bundle=str(config_bundle), wait_for="ready", timeout=2.0), clock=clock).run()
    msg = caught.value.msg
    assert msg.startswith("wait_for: no line matching 'ready' appeared in log_path %s within 2.0 seconds (timeout); "
                          "the last lines seen:\nnoise 6\n" % log), msg
    assert msg.endswith("noise 14\ntoken ********") and SECRET not in json.dumps(caught.value.result())
    assert caught.value.details["lines"][-1] == "token ********" and clock.now == 2.0


def test_empty_file_timeout_says_so(tmp_path: Path, unit_dir: Path, config_bundle: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    with pytest.raises(LogsError, match="within 1.0 seconds \\(timeout\\); it holds no line at all$"):
        _logs(_params(log_path=str(log), bundle=str(config_bundle), wait_for="x", timeout=1.0)).run()


def test_journal_of_a_supervised_container_that_is_gone(
        tmp_path: Path, unit_dir: Path, config_bundle: Path, runner: t.Any, recorded: t.Any) -> None:
    (unit_dir / UNIT).write_text("[Service]\nExecStart=/usr/sbin/runc --root /run/r run --bundle %s api\n" % config_bundle)
    root = tmp_path / "root"
    root.mkdir()
    runner.respond(stderr=recorded("err-state-missing.txt"), rc=1)
    journal = FakeJournal(["one", list(("two %s" % SECRET).encode()), "three"])
    result = _logs(_params(lines=2), make_runc=_maker(root, runner),
                   stream=journal).run()
    assert result == {"changed": False, "source": "journal", "unit": UNIT, "masked": ["DB_PASSWORD"],
                      "lines": ["two ********", "three"]}
    assert journal.calls == [["journalctl", "--output", "json", "--all", "--no-pager", "--quiet",
                              "_SYSTEMD_UNIT=" + UNIT, "--lines", "2"]]
    assert [call.argv[-2:] for call in runner.calls] == [["state", "api"]]


def test_journal_wait_polls_after_the_cursor(unit_dir: Path, config_bundle: Path) -> None:
    (unit_dir / UNIT).write_text("")
    journal = FakeJournal(["booting"])
    clock = FakeClock(lambda sleeps: journal.add("ready %d" % sleeps) if sleeps == 3 else None)
    result = _logs(_params(bundle=str(config_bundle), wait_for="^ready", since="-5min"), stream=journal,
                   clock=clock).run()
    assert result["matched"] == "ready 3" and result["lines"] == ["booting", "ready 3"]
    assert journal.calls[0][-2:] == ["--since", "-5min"]
    assert [call[-2:] for call in journal.calls[1:]] == [["--after-cursor", "c0"]] * 3


def test_journal_wait_with_nothing_read_yet_polls_from_since(unit_dir: Path, config_bundle: Path) -> None:
    (unit_dir / UNIT).write_text("")
    journal = FakeJournal()
    clock = FakeClock(lambda sleeps: journal.add("up") if sleeps == 2 else None)
    result = _logs(_params(bundle=str(config_bundle), wait_for="up", since="today"), stream=journal, clock=clock).run()
    assert result["matched"] == "up" and all(call[-2:] == ["--since", "today"] for call in journal.calls)


def test_journal_bad_since_names_the_option(unit_dir: Path, config_bundle: Path) -> None:
    (unit_dir / UNIT).write_text("")
    with pytest.raises(LogsError, match="^since: journalctl cannot read 'bogus' \\(Failed to parse timestamp: bogus\\); "
                                        "give a time journalctl --since accepts"):
        _logs(_params(bundle=str(config_bundle), since="bogus")).run()


def test_journalctl_missing_is_explained(unit_dir: Path, config_bundle: Path) -> None:
    (unit_dir / UNIT).write_text("")

    def missing(argv: t.List[str], timeout: float) -> t.Iterator[bytes]:
        raise StreamFailed("cannot execute journalctl: No such file or directory")
    with pytest.raises(LogsError, match="^cannot read the journal of %s: cannot execute journalctl: .*journalctl, "
                                        "from systemd, must be installed" % UNIT):
        _logs(_params(bundle=str(config_bundle)), stream=missing).run()


def test_since_with_a_file_is_refused(tmp_path: Path, unit_dir: Path, config_bundle: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("x\n")
    with pytest.raises(LogsError, match="^since: the container's output is a file .*, whose lines carry no time"):
        _logs(_params(log_path=str(log), bundle=str(config_bundle), since="today")).run()


def test_supervised_with_log_path_reads_the_journal_and_warns(tmp_path: Path, unit_dir: Path,
                                                              config_bundle: Path) -> None:
    (unit_dir / UNIT).write_text("")
    result = _logs(_params(bundle=str(config_bundle), log_path=str(tmp_path / "x.log")),
                   stream=FakeJournal(["j"])).run()
    assert result["lines"] == ["j"] and result["warnings"][0].startswith("log_path %s is not read" % (tmp_path / "x.log"))


def test_running_container_stdout_is_found(tmp_path: Path, unit_dir: Path, config_bundle: Path, runner: t.Any,
                                           state_json: t.Any) -> None:
    log = tmp_path / "found.log"
    log.write_text("from the container\n")
    root = tmp_path / "root"
    root.mkdir()
    with open(log, "ab") as out:
        proc = subprocess.Popen(["sleep", "30"], stdout=out)
    try:
        runner.respond(stdout=state_json(id="api", pid=proc.pid, bundle=str(config_bundle)))
        result = _logs(_params(), make_runc=_maker(root, runner)).run()
    finally:
        proc.kill()
        proc.wait()
    assert result["log_path"] == str(log) and result["lines"] == ["from the container"]
    assert len(runner.calls) == 1  # one runc state, for the pid and the bundle


def test_container_output_to_dev_null_is_explained(tmp_path: Path, unit_dir: Path, config_bundle: Path,
                                                   runner: t.Any, state_json: t.Any) -> None:
    root = tmp_path / "root"
    root.mkdir()
    proc = subprocess.Popen(["sleep", "30"], stdout=subprocess.DEVNULL)
    try:
        runner.respond(stdout=state_json(id="api", pid=proc.pid, bundle=str(config_bundle)))
        with pytest.raises(LogsError, match="nor supervised \\(no unit %s\\): its stdout is /dev/null; give log_path"
                                            % UNIT):
            _logs(_params(), make_runc=_maker(root, runner)).run()
    finally:
        proc.kill()
        proc.wait()


def test_missing_state_root_means_no_container_and_no_runc_call(tmp_path: Path, unit_dir: Path, runner: t.Any) -> None:
    make = _maker(tmp_path / "no-root", runner)
    with pytest.raises(LogsError, match="the container does not exist under root %s" % (tmp_path / "no-root")):
        _logs(_params(), make_runc=make).run()
    assert runner.calls == []


def test_gone_container_without_bundle_fails_rather_than_leak(tmp_path: Path, unit_dir: Path, runner: t.Any) -> None:
    log = tmp_path / "api.log"
    log.write_text("x\n")
    make = _maker(tmp_path / "no-root", runner)
    with pytest.raises(LogsError, match="^bundle: the container 'api' is gone, so its env values cannot be known"):
        _logs(_params(log_path=str(log)), make_runc=make).run()


def test_check_mode_does_not_wait(tmp_path: Path, unit_dir: Path, config_bundle: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("starting\n")
    clock = FakeClock()
    result = _logs(_params(log_path=str(log), bundle=str(config_bundle), wait_for="ready"), check_mode=True,
                   clock=clock).run()
    assert result["matched"] is None and result["lines"] == ["starting"] and clock.sleeps == 0
    assert result["warnings"][0].startswith("check mode: no line matches wait_for yet")


def test_check_mode_skips_what_an_earlier_task_would_make(tmp_path: Path, unit_dir: Path, config_bundle: Path) -> None:
    result = _logs(_params(log_path=str(tmp_path / "later.log"), bundle=str(config_bundle)), check_mode=True).run()
    assert result["skipped"] and result["msg"].startswith("skipped in check mode: log_path: %s does not exist (yet)"
                                                          % (tmp_path / "later.log"))
    with pytest.raises(LogsError, match="does not exist \\(yet\\)"):
        _logs(_params(log_path=str(tmp_path / "later.log"), bundle=str(config_bundle))).run()


@pytest.mark.parametrize("given, message", [
    pytest.param({"lines": -1}, "lines: -1 is negative", id="negative-lines"),
    pytest.param({"timeout": 5.0}, "timeout: it is how long wait_for waits", id="timeout-without-wait_for"),
    pytest.param({"timeout": 0.0, "wait_for": "x"}, "timeout must be a number of seconds above 0", id="zero-timeout"),
    pytest.param({"timeout": 4000.0, "wait_for": "x"}, "timeout must be a number of seconds above 0", id="long-timeout"),
    pytest.param({"grep": "[a"}, "grep: '[a' is not a valid regular expression", id="bad-grep"),
    pytest.param({"source": "syslog"}, "source: 'syslog' is not one of auto, journal, file", id="bad-source"),
])
def test_bad_options(given: t.Dict[str, t.Any], message: str) -> None:
    with pytest.raises(LogsError) as caught:
        request_from_params(_params(**given))
    assert caught.value.msg.startswith(message), caught.value.msg


def test_manage_logs_checks_options_before_runc(unit_dir: Path) -> None:
    with pytest.raises(LogsError, match="^lines: "):
        manager.manage_logs(_params(lines=-2), _no_runc, False, False)
