# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README's install and "first container" commands, run verbatim (extracted from README.md) in an
empty directory, against the real runc and Ansible, as a new user would: a fresh HOME, no
ANSIBLE_* or PYTHONPATH from this harness, the collection installed from a git clone of this checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

import readme_blocks

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
RUNC = shutil.which("runc") or "runc"
CONTAINER_ID = "first-web"  # the README's container, under runc's default root
SCRIPT_TIMEOUT = 600


class Run(t.NamedTuple):
    rc: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def blocks() -> t.List[readme_blocks.Block]:
    return readme_blocks.parse(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def collection_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a reader has after `git clone`: this checkout's committed HEAD."""
    src = tmp_path_factory.mktemp("readme-src") / "ocitools-runc"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(src)], check=True, capture_output=True, timeout=120)
    return src


def user_env(home: Path, collection_src: Path) -> t.Dict[str, str]:
    """A user's shell: this venv's ansible first on PATH, nothing of the test harness's Ansible settings."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("ANSIBLE_") and name not in ("PYTHONPATH", "OCITOOLS_RESULTS_FILE")}
    env.update(HOME=str(home), COLLECTION_SRC=str(collection_src),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]))
    return env


def run_blocks(blocks: t.Sequence[readme_blocks.Block], names: t.Sequence[str], cwd: Path,
               env: t.Mapping[str, str]) -> Run:
    text = readme_blocks.script(blocks, names)
    assert text.strip(), "README.md has no readme-test block named %s" % list(names)
    proc = subprocess.run(["bash", "-euo", "pipefail", "-x"], input=text, capture_output=True, text=True,
                          cwd=str(cwd), env=dict(env), timeout=SCRIPT_TIMEOUT, check=False)
    print("---- README blocks %s in %s: rc %d\n%s\n---- stderr\n%s"
          % (list(names), cwd, proc.returncode, proc.stdout, proc.stderr))
    return Run(proc.returncode, proc.stdout, proc.stderr)


def adhoc_result(stdout: str, status: str) -> t.Tuple[t.Dict[str, t.Any], int]:
    """The JSON that `ansible HOST -m ...` printed after `localhost | STATUS => `, and its line count."""
    match = re.search(r"^localhost \| %s => (\{\n.*?\n\})$" % status, stdout, re.S | re.M)
    assert match, "no `localhost | %s` result in:\n%s" % (status, stdout)
    return json.loads(match.group(1)), match.group(0).count("\n") + 1


def recap_changed(stdout: str) -> t.List[int]:
    return [int(number) for number in re.findall(r"^localhost\s+: ok=\d+\s+changed=(\d+)", stdout, re.M)]


def runc_status(container_id: str) -> t.Optional[str]:
    state = subprocess.run([RUNC, "state", container_id], capture_output=True, text=True, timeout=30, check=False)
    return json.loads(state.stdout)["status"] if state.returncode == 0 else None


@pytest.fixture
def workdir(tmp_path: Path) -> t.Iterator[Path]:
    work = tmp_path / "work"
    work.mkdir()
    yield work
    subprocess.run([RUNC, "delete", "--force", CONTAINER_ID], capture_output=True, timeout=30, check=False)


def test_marked_blocks_exist(blocks: t.List[readme_blocks.Block]) -> None:
    names = {block.name for block in blocks}
    assert {"project", "install-tarball", "install-git", "install-requirements", "first-container",
            "first-container-cleanup"} <= names
    assert [block.file for block in blocks if block.file] == ["first.yml"]


@pytest.mark.parametrize("install", ["install-git", "install-requirements"])
def test_install_ways(blocks: t.List[readme_blocks.Block], collection_src: Path, workdir: Path,
                      tmp_path: Path, install: str) -> None:
    env = user_env(tmp_path / "home", collection_src)
    run = run_blocks(blocks, ["project", install], workdir, env)
    assert run.rc == 0
    project = workdir / "first"
    doc = subprocess.run(["ansible-doc", "--json", "ocitools.runc.runc_info"], capture_output=True, text=True,
                         cwd=str(project), env=env, timeout=120, check=False)
    assert doc.returncode == 0, doc.stderr
    filename = json.loads(doc.stdout)["ocitools.runc.runc_info"]["doc"]["filename"]
    assert filename.startswith(str(project / "collections" / "ansible_collections" / "ocitools" / "runc")), filename
    assert "features" in json.loads(doc.stdout)["ocitools.runc.runc_info"]["doc"]["options"]


def test_first_container(blocks: t.List[readme_blocks.Block], collection_src: Path, workdir: Path,
                         tmp_path: Path) -> None:
    assert runc_status(CONTAINER_ID) is None, "a container %s already exists under runc's default root" % CONTAINER_ID
    env = user_env(tmp_path / "home", collection_src)
    run = run_blocks(blocks, ["project", "install-tarball", "first-container"], workdir, env)
    assert run.rc == 0
    assert "Hello from runc" in run.stdout
    first, second = recap_changed(run.stdout)
    assert (first > 0, second) == (True, 0)
    assert runc_status(CONTAINER_ID) == "running"

    info, lines = adhoc_result(run.stdout, "SUCCESS")
    print("ad-hoc runc_info with one container: %d lines" % lines)
    entry = [container for container in info["containers"] if container["id"] == CONTAINER_ID]
    assert [(c["status"], c["bundle"]) for c in entry] == [("running", str(workdir / "first" / "web"))]
    assert isinstance(info["host"]["criu"]["usable"], bool) and info["host"]["runc"]["version"]
    assert "features" not in info["host"]

    cleanup = run_blocks(blocks, ["first-container-cleanup"], workdir / "first", env)
    assert cleanup.rc == 0
    assert adhoc_result(cleanup.stdout, "CHANGED")[0]["changed"] is True
    assert runc_status(CONTAINER_ID) is None


def test_blocks_are_taken_verbatim() -> None:
    markdown = ("text\n<!-- readme-test: a -->\n\n```sh\necho 'x  y'\n```\n"
                "<!-- readme-test: a file=f.yml -->\n```yaml\n- k: \"{{ v }}\"\n```\n```sh\nnot marked\n```\n")
    blocks = readme_blocks.parse(markdown)
    assert [(b.name, b.file, b.lang, b.text, b.line) for b in blocks] == [
        ("a", None, "sh", "echo 'x  y'\n", 5), ("a", "f.yml", "yaml", '- k: "{{ v }}"\n', 9)]
    assert readme_blocks.script(blocks, ["a"]) == (
        "echo 'x  y'\ncat > f.yml <<'README_TEST_EOF'\n- k: \"{{ v }}\"\nREADME_TEST_EOF\n")
    with pytest.raises(ValueError, match="must be followed by a fenced block"):
        readme_blocks.parse("<!-- readme-test: a -->\ntext\n")
    with pytest.raises(ValueError, match="not closed"):
        readme_blocks.parse("<!-- readme-test: a -->\n```sh\necho\n")
