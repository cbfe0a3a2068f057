# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared harness for the integration tests: real runc, real Ansible, on this host.

Fixtures:
- ``busybox_rootfs``: a busybox rootfs built once per session (tests/setup/rootfs.py).
- ``runc_root``: a private runc state root; every container left in it is deleted afterwards.
- ``bundle_factory``: ``make(name, args, **tweaks) -> Path`` makes a bundle using the shared rootfs.
- ``ansible``: runs modules ad hoc and playbooks with ansible-core, returning parsed task results.
- ``counting_runc``: a runc executable that records each invocation's argv, then execs the real runc.
- ``machine_lab``: three runc machines with systemd and sshd, booted once per session (machine_lab.py).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "setup"))

import rootfs as rootfs_setup  # noqa: E402  (tests/setup is not a package)
from machine_lab import MachineLab  # noqa: E402

CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"
RUNC = shutil.which("runc") or "runc"


def pytest_collection_modifyitems(config: pytest.Config, items: t.List[pytest.Item]) -> None:
    if os.geteuid() == 0 and shutil.which("runc"):
        return
    if os.environ.get("CI"):
        return  # in CI these must run, so let them fail loudly rather than skip
    reason = "integration tests need root and a runc binary on PATH (euid=%d, runc=%s)" % (
        os.geteuid(), shutil.which("runc"))
    for item in items:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collections tree whose ocitools.runc is this checkout."""
    base = tmp_path_factory.mktemp("collections")
    target = base / "ansible_collections" / "ocitools"
    target.mkdir(parents=True)
    (target / "runc").symlink_to(REPO)
    return base


@pytest.fixture(scope="session")
def busybox_rootfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rootfs_setup.build_busybox_rootfs(tmp_path_factory.mktemp("busybox") / "rootfs")


def _delete_all(root: Path) -> None:
    listed = subprocess.run([RUNC, "--root", str(root), "list", "--quiet"], capture_output=True, text=True, check=False)
    for container_id in listed.stdout.split():
        subprocess.run([RUNC, "--root", str(root), "delete", "--force", container_id], capture_output=True, check=False)


@pytest.fixture
def runc_root(tmp_path: Path) -> t.Iterator[Path]:
    root = tmp_path / "runc-root"
    root.mkdir()
    yield root
    _delete_all(root)


@pytest.fixture
def bundle_factory(tmp_path: Path, busybox_rootfs: Path) -> t.Callable[..., Path]:
    def make(name: str, args: t.Sequence[str], **tweaks: t.Any) -> Path:
        return rootfs_setup.make_bundle(tmp_path / "bundles" / name, list(args), rootfs=busybox_rootfs, **tweaks)

    return make


class TaskResult(t.NamedTuple):
    status: str  # ok, failed, skipped, unreachable
    result: t.Dict[str, t.Any]
    host: str = "localhost"
    task: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.result.get("changed"))

    @property
    def failed(self) -> bool:
        return self.status == "failed"


class AnsibleRun(t.NamedTuple):
    rc: int
    stdout: str
    stderr: str
    tasks: t.List[TaskResult]


class AnsibleHarness:
    """Runs ansible-core's own CLI against localhost (connection local)."""

    def __init__(self, collections: Path, workdir: Path) -> None:
        self.collections = collections
        self.workdir = workdir
        self.inventory = workdir / "inventory.ini"
        self.inventory.write_text(
            "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable
        )
        self._runs = 0

    def env(self, results_file: Path, extra: t.Optional[t.Mapping[str, str]] = None) -> t.Dict[str, str]:
        env = dict(os.environ)
        env.update(
            ANSIBLE_COLLECTIONS_PATH=str(self.collections),
            ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS),
            ANSIBLE_CALLBACKS_ENABLED="results_to_file",
            ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
            ANSIBLE_HOST_KEY_CHECKING="False",
            ANSIBLE_RETRY_FILES_ENABLED="False",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCAL_TEMP=str(self.workdir / "ansible-local"),
            ANSIBLE_REMOTE_TEMP=str(self.workdir / "ansible-remote"),
            OCITOOLS_RESULTS_FILE=str(results_file),
        )
        env.update(extra or {})
        return env

    def _run(self, argv: t.List[str], extra_env: t.Optional[t.Mapping[str, str]], timeout: float) -> AnsibleRun:
        self._runs += 1
        results_file = self.workdir / ("results-%d.jsonl" % self._runs)
        proc = subprocess.run(
            argv, capture_output=True, text=True, env=self.env(results_file, extra_env),
            cwd=str(self.workdir), timeout=timeout, check=False,
        )
        tasks = []
        if results_file.exists():
            for line in results_file.read_text().splitlines():
                record = json.loads(line)
                tasks.append(TaskResult(record["status"], record["result"], record["host"], record["task"]))
        return AnsibleRun(proc.returncode, proc.stdout, proc.stderr, tasks)

    def module_run(
        self,
        name: str,
        args: t.Mapping[str, t.Any],
        check: bool = False,
        diff: bool = False,
        verbosity: int = 0,
        timeout: float = 300,
    ) -> AnsibleRun:
        """Run ``ocitools.runc.<name>`` ad hoc on localhost; the whole run (stdout for -vvv checks)."""
        argv = [str(Path(sys.executable).parent / "ansible"), "localhost", "-i", str(self.inventory),
                "-m", "ocitools.runc." + name, "-a", json.dumps(dict(args))]
        argv += ["--check"] if check else []
        argv += ["--diff"] if diff else []
        argv += ["-" + "v" * verbosity] if verbosity else []
        return self._run(argv, None, timeout)

    def module(self, name: str, args: t.Mapping[str, t.Any], **kwargs: t.Any) -> TaskResult:
        """Like ``module_run``, returning the one task result."""
        run = self.module_run(name, args, **kwargs)
        if len(run.tasks) != 1:
            raise AssertionError("expected one task result, got %d\nstdout:\n%s\nstderr:\n%s" % (len(run.tasks), run.stdout, run.stderr))
        return run.tasks[0]

    def playbook(
        self,
        playbook: Path,
        extra_vars: t.Optional[t.Mapping[str, t.Any]] = None,
        inventory: t.Optional[Path] = None,
        check: bool = False,
        diff: bool = False,
        extra_env: t.Optional[t.Mapping[str, str]] = None,
        timeout: float = 900,
        limit: t.Optional[str] = None,
    ) -> AnsibleRun:
        argv = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory or self.inventory), str(playbook)]
        if extra_vars:
            argv += ["-e", json.dumps(dict(extra_vars))]
        argv += ["--limit", limit] if limit else []
        argv += ["--check"] if check else []
        argv += ["--diff"] if diff else []
        return self._run(argv, extra_env, timeout)


@pytest.fixture
def ansible(collections_path: Path, tmp_path: Path) -> AnsibleHarness:
    workdir = tmp_path / "ansible"
    workdir.mkdir()
    return AnsibleHarness(collections_path, workdir)


class RuncCallCounter(t.NamedTuple):
    executable: Path
    log: Path

    def calls(self) -> t.List[t.List[str]]:
        """argv (after the executable) of every runc invocation so far."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def mutating_calls(self) -> t.List[t.List[str]]:
        readonly = {"state", "list", "ps", "events", "--version", "features", "spec", "--help"}
        return [argv for argv in self.calls() if _subcommand(argv) not in readonly]

    def reset(self) -> None:
        if self.log.exists():
            self.log.unlink()


def _subcommand(argv: t.List[str]) -> str:
    """The runc subcommand in argv, skipping global flags (and their values)."""
    with_value = {"--root", "--log", "--log-format", "--criu", "--rootless"}
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in with_value:
            skip = True
        elif not arg.startswith("--") or arg == "--version":
            return arg
    return ""


@pytest.fixture
def counting_runc(tmp_path: Path) -> RuncCallCounter:
    """A real runc behind a recorder: pass ``executable`` to a module, then read ``calls()``."""
    wrapper = tmp_path / "bin" / "runc"
    wrapper.parent.mkdir()
    log = tmp_path / "runc-calls.jsonl"
    wrapper.write_text(
        "#!%s\n"
        "import json, os, sys\n"
        "with open(%r, 'a') as log:\n"
        "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "os.execv(%r, [%r] + sys.argv[1:])\n" % (sys.executable, str(log), RUNC, RUNC)
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return RuncCallCounter(wrapper, log)


@pytest.fixture(scope="session")
def machine_lab(collections_path: Path, tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[MachineLab]:
    """The lab machines for the session, removed afterwards (nothing may be left under their runc root)."""
    if os.geteuid() != 0:
        reason = "runc machines need root (runc, mmdebstrap, chroot)"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    workdir = tmp_path_factory.mktemp("machine-lab")
    (workdir / "ansible").mkdir()
    lab = MachineLab(workdir, AnsibleHarness(collections_path, workdir / "ansible")).start()
    print("machine lab up in %.1fs" % lab.start_seconds)
    try:
        yield lab
    finally:
        lab.stop()
