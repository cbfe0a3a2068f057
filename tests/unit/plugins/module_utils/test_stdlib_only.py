# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils runs on managed hosts with only the Python standard library: every file
imports the standard library and its siblings only, except the Ansible glue files below."""

from __future__ import annotations

import ast
import sys
import typing as t
from pathlib import Path

import pytest

# The files allowed to import ``ansible.*``: the glue between modules and the client.
ANSIBLE_GLUE_FILES = {"runc_module.py"}

MODULE_UTILS = Path(__file__).resolve().parents[4] / "plugins" / "module_utils"
SIBLING_PREFIX = "ansible_collections.ocitools.runc.plugins.module_utils."
CLIENT = "runc_client"

# Python 3.8/3.9 have no sys.stdlib_module_names: the modules module_utils may need.
_FALLBACK_STDLIB = frozenset("""
    __future__ abc argparse ast base64 binascii bisect calendar collections contextlib copy csv dataclasses datetime
    enum errno fcntl functools glob grp hashlib heapq io itertools json logging math operator os pathlib platform
    pwd queue random re resource select selectors shlex shutil signal socket stat string struct subprocess sys
    tempfile textwrap threading time traceback types typing uuid warnings weakref
""".split())
STDLIB = frozenset(getattr(sys, "stdlib_module_names", _FALLBACK_STDLIB))


def imported_modules(path: Path) -> t.List[str]:
    """Absolute names of every module ``path`` imports (relative imports are refused as such)."""
    names: t.List[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def is_allowed(name: str) -> bool:
    return name.split(".")[0] in STDLIB or name.startswith(SIBLING_PREFIX)


def module_utils_files() -> t.List[Path]:
    return sorted(MODULE_UTILS.glob("*.py"))


def test_module_utils_files_are_found() -> None:
    names = {path.name for path in module_utils_files()}
    assert {"runc_client.py", "runc_runner.py", "runc_module.py"} <= names


@pytest.mark.parametrize("path", [
    pytest.param(path, id=path.name) for path in module_utils_files() if path.name not in ANSIBLE_GLUE_FILES])
def test_imports_only_stdlib_and_siblings(path: Path) -> None:
    bad = [name for name in imported_modules(path) if not is_allowed(name)]
    assert not bad, "%s imports %s: module_utils must use only the standard library and %s*" % (
        path.name, ", ".join(bad), SIBLING_PREFIX)


def sibling_closure(start: str) -> t.Set[str]:
    """The module_utils files ``start`` imports, directly or through siblings."""
    seen: t.Set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for imported in imported_modules(MODULE_UTILS / (name + ".py")):
            if imported.startswith(SIBLING_PREFIX):
                todo.append(imported[len(SIBLING_PREFIX):].split(".")[0])
    return seen


def test_client_closure_imports_no_ansible() -> None:
    closure = sibling_closure(CLIENT)
    assert {"runc_client", "runc_errors", "runc_ids", "runc_options", "runc_parsers", "runc_runner"} <= closure
    assert not closure & {path.stem for path in MODULE_UTILS.glob("*.py") if path.name in ANSIBLE_GLUE_FILES}
    ansible_imports = sorted(
        "%s: %s" % (name, imported)
        for name in closure
        for imported in imported_modules(MODULE_UTILS / (name + ".py"))
        if imported.split(".")[0] == "ansible")
    assert not ansible_imports, "the client reaches Ansible: %s" % ", ".join(ansible_imports)


@pytest.mark.parametrize("name, allowed", [
    pytest.param("json", True, id="stdlib"),
    pytest.param("os.path", True, id="stdlib-submodule"),
    pytest.param(SIBLING_PREFIX + "runc_errors", True, id="sibling"),
    pytest.param("ansible.module_utils.basic", False, id="ansible"),
    pytest.param("ansible_collections.community.general.plugins.module_utils.x", False, id="other-collection"),
    pytest.param("yaml", False, id="third-party"),
    pytest.param(".runc_errors", False, id="relative"),
])
def test_the_rule_itself(name: str, allowed: bool) -> None:
    assert is_allowed(name) is allowed
