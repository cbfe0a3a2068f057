# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared unit-test fixtures: a runner that records calls instead of running runc, the
outputs recorded from the real runc 1.1.5 (tests/unit/fixtures/), and ``run_module`` that
drives a module's main() with arguments and returns its result."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import typing as t
from pathlib import Path

import pytest

from ansible.module_utils import _internal as module_utils_internal
from ansible.module_utils import basic

from ansible_collections.ocitools.runc.plugins.module_utils._image.reference import parse_reference
from ansible_collections.ocitools.runc.plugins.module_utils._logs import manager as logs_manager
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
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


try:  # ansible-core 2.19+
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # older cores: the classic set_module_args pattern
    @contextlib.contextmanager  # type: ignore[no-redef]
    def patch_module_args(args: t.Optional[t.Dict[str, t.Any]] = None) -> t.Iterator[None]:
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode("utf-8")
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


RunModule = t.Callable[..., t.Dict[str, t.Any]]


@pytest.fixture
def run_module(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> RunModule:
    """``run_module(main, args, runner=None, check_mode=False, diff=False)``: the result main() prints.

    With ``runner``, every Runc client the module makes uses it instead of running runc.
    A traceback (any exception other than the module's exit) fails the test.
    """
    def run(main: t.Callable[[], None], args: t.Dict[str, t.Any], runner: t.Optional[t.Any] = None,
            check_mode: bool = False, diff: bool = False) -> t.Dict[str, t.Any]:
        if runner is not None:
            monkeypatch.setattr(Runc, "__init__", _with_runner(Runc.__init__, runner))
        module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        # A module runs on a managed host. Once any test imports controller code (the connection and
        # inventory plugins' tests do), ansible-core 2.19 routes module warnings to the controller's
        # display instead of the result; the module under test must behave as on a managed host.
        monkeypatch.setattr(module_utils_internal, "is_controller", False, raising=False)
        capsys.readouterr()
        with patch_module_args(module_args):
            with pytest.raises(SystemExit) as caught:
                main()
        result = json.loads(capsys.readouterr().out)
        assert (caught.value.code == 1) == bool(result.get("failed")), result
        if "warnings" in result:  # ansible-core 2.19+ sends each as a summary with its message inside
            result["warnings"] = [_warning_text(warning) for warning in result["warnings"]]
        return result

    return run


def _warning_text(warning: t.Any) -> str:
    return warning["event"]["msg"] if isinstance(warning, dict) else warning


def _with_runner(init: t.Callable[..., None], runner: t.Any) -> t.Callable[..., None]:
    def patched(self: Runc, options: t.Optional[GlobalOptions] = None, **kwargs: t.Any) -> None:
        kwargs["runner"] = runner
        init(self, options, **kwargs)
    return patched


def state_json(**fields: t.Any) -> str:
    """runc 1.1.5's recorded ``runc state`` of a running container, with ``fields`` replaced."""
    state = json.loads(fixture_text("state-running.json"))
    state.update(fields)
    return json.dumps(state)


@pytest.fixture
def fake_runc(tmp_path: Path) -> Path:
    """An executable file that stands in for runc (a recording runner answers instead)."""
    path = tmp_path / "bin" / "runc"
    path.parent.mkdir(exist_ok=True)
    path.write_text("#!/bin/false\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A bundle directory with a small config.json and an empty rootfs."""
    path = tmp_path / "bundle"
    (path / "rootfs").mkdir(parents=True)
    (path / "config.json").write_text(json.dumps({
        "ociVersion": "1.0.2-dev", "process": {"args": ["sleep", "1000"], "env": ["PATH=/bin"], "cwd": "/"},
        "root": {"path": "rootfs"}, "linux": {"resources": {"memory": {"limit": 1048576}}},
    }))
    return path


@pytest.fixture
def unreadable_bundle(tmp_path: Path) -> Path:
    """A bundle whose config.json cannot be read as a file (it is a directory; root reads any mode)."""
    path = tmp_path / "unreadable"
    (path / "config.json").mkdir(parents=True)
    return path


def store_image(store: Path, reference: str, digest: str, config: t.Mapping[str, t.Any], passwd: str) -> Path:
    """An image as runc_image leaves it in ``store`` (layout, rootfs with /etc/passwd, ref); its rootfs."""
    hexa = digest.split(":")[1]
    config_hex = "d" * 64
    layout = store / "images" / hexa
    (layout / "blobs" / "sha256").mkdir(parents=True)
    (layout / "index.json").write_text(json.dumps({"manifests": [
        {"digest": digest, "annotations": {"org.opencontainers.image.ref.name": "image"}}]}))
    (layout / "blobs" / "sha256" / hexa).write_text(json.dumps({"config": {"digest": "sha256:" + config_hex}}))
    (layout / "blobs" / "sha256" / config_hex).write_text(json.dumps(config))
    rootfs = store / "rootfs" / hexa
    (rootfs / "etc").mkdir(parents=True)
    (rootfs / "etc" / "passwd").write_text(passwd)
    (store / "refs").mkdir(exist_ok=True)
    key = parse_reference(reference).key
    (store / "refs" / (key + ".json")).write_text(json.dumps(
        {"format": 1, "reference": reference, "resolved": digest, "manifest": digest, "platform": ""}))
    return rootfs


@pytest.fixture(name="store_image")
def store_image_fixture() -> t.Callable[..., Path]:
    return store_image


@pytest.fixture
def unit_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory that runc_logs takes for /etc/systemd/system (a unit file there: a supervised container)."""
    path = tmp_path / "units"
    path.mkdir()
    monkeypatch.setattr(logs_manager, "UNIT_DIR", str(path))
    return path


FORBIDDEN_ROOT = "/proc/forbidden-root"


@pytest.fixture(name="state_json")
def state_json_fixture() -> t.Callable[..., str]:
    return state_json
