# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared unit-test fixtures: a runner that records calls instead of running runc, and the
outputs recorded from the real runc 1.1.5 (tests/unit/fixtures/)."""

from __future__ import annotations

import dataclasses
import typing as t
from pathlib import Path

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import CommandResult, ContainerIO

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECORDED = FIXTURES / "runc-1.1.5"


def fixture_text(name: str) -> str:
    """A runc output recorded in runc-1.1.5/ (commands.json there says how)."""
    path = RECORDED / name
    if not path.exists():
        raise AssertionError("recorded runc output %s is missing from %s" % (name, RECORDED))
    return path.read_text(encoding="utf-8")


@dataclasses.dataclass(frozen=True)
class RecordedCall:
    argv: t.List[str]
    timeout: float
    data: t.Optional[bytes]
    io: t.Optional[ContainerIO]


# What a canned response may do while "runc" runs, e.g. write runc's JSON log.
Action = t.Callable[[RecordedCall], None]


@dataclasses.dataclass
class CannedResult:
    stdout: str = ""
    stderr: str = ""
    rc: int = 0
    action: t.Optional[Action] = None
    error: t.Optional[BaseException] = None


class RecordingRunner:
    """A ``Runner`` that records argv/timeout/data/io and returns canned results.

    ``respond(...)`` queues a result for the next call; ``respond_to(token, ...)``
    answers every call whose argv contains ``token`` (e.g. ``"--version"``).
    Without either, a call succeeds with empty output.
    """

    def __init__(self) -> None:
        self.calls: t.List[RecordedCall] = []
        self._queue: t.List[CannedResult] = []
        self._by_token: t.Dict[str, CannedResult] = {}

    def respond(self, stdout: str = "", stderr: str = "", rc: int = 0,
                action: t.Optional[Action] = None, error: t.Optional[BaseException] = None) -> None:
        self._queue.append(CannedResult(stdout, stderr, rc, action, error))

    def respond_to(self, token: str, stdout: str = "", stderr: str = "", rc: int = 0) -> None:
        self._by_token[token] = CannedResult(stdout, stderr, rc)

    def __call__(
        self,
        argv: t.Sequence[str],
        timeout: float,
        data: t.Optional[bytes] = None,
        io: t.Optional[ContainerIO] = None,
    ) -> CommandResult:
        call = RecordedCall(list(argv), timeout, data, io)
        self.calls.append(call)
        canned = self._canned_for(call)
        if canned.action is not None:
            canned.action(call)
        if canned.error is not None:
            raise canned.error
        return CommandResult(call.argv, canned.rc, canned.stdout.encode("utf-8"), canned.stderr.encode("utf-8"))

    def _canned_for(self, call: RecordedCall) -> CannedResult:
        for token, canned in self._by_token.items():
            if token in call.argv:
                return canned
        return self._queue.pop(0) if self._queue else CannedResult()

    @property
    def last(self) -> RecordedCall:
        assert self.calls, "runc was never called"
        return self.calls[-1]


@pytest.fixture
def recorded() -> t.Callable[[str], str]:
    """``recorded(name)``: the text of a recorded runc output."""
    return fixture_text


@pytest.fixture
def runner() -> RecordingRunner:
    return RecordingRunner()


@pytest.fixture
def runc(runner: RecordingRunner) -> Runc:
    """A client with no global flags, so argv is ``runc`` plus exactly what the method built."""
    return Runc(GlobalOptions(), runner=runner)


@pytest.fixture
def runc_115(runner: RecordingRunner) -> Runc:
    """Like ``runc``, answering ``--version`` with runc 1.1.5's recorded output."""
    runner.respond_to("--version", stdout=fixture_text("version.txt"))
    return Runc(GlobalOptions(), runner=runner)
