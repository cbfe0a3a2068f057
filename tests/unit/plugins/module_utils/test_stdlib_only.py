# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils runs on managed hosts with only the Python standard library: every file, in every
subpackage, imports the standard library and the collection's own module_utils only, except the Ansible
glue file below; and no file imports itself back through others (no import cycle)."""

from __future__ import annotations

import ast
import sys
import typing as t
from pathlib import Path

import pytest

# The files allowed to import ``ansible.*``: the glue between modules and the client.
ANSIBLE_GLUE = "_common.module_entry"

MODULE_UTILS = Path(__file__).resolve().parents[4] / "plugins" / "module_utils"
SIBLING_PREFIX = "ansible_collections.ocitools.runc.plugins.module_utils."
CLIENT = "_runc.client"

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


def dotted(path: Path) -> str:
    """``_runc/client.py`` -> ``_runc.client`` (the name after SIBLING_PREFIX)."""
    return ".".join(path.relative_to(MODULE_UTILS).with_suffix("").parts)


def module_utils_files() -> t.Dict[str, Path]:
    return {dotted(path): path for path in sorted(MODULE_UTILS.rglob("*.py")) if path.name != "__init__.py"}


def sibling_imports(name: str) -> t.List[str]:
    return [imported[len(SIBLING_PREFIX):] for imported in imported_modules(module_utils_files()[name])
            if imported.startswith(SIBLING_PREFIX)]


def test_module_utils_files_are_found() -> None:
    assert {"_runc.client", "_runc.runner", ANSIBLE_GLUE} <= set(module_utils_files())


@pytest.mark.parametrize("name", [
    pytest.param(name, id=name) for name in module_utils_files() if name != ANSIBLE_GLUE])
def test_imports_only_stdlib_and_siblings(name: str) -> None:
    bad = [imported for imported in imported_modules(module_utils_files()[name]) if not is_allowed(imported)]
    assert not bad, "%s imports %s: module_utils must use only the standard library and %s*" % (
        name, ", ".join(bad), SIBLING_PREFIX)


def test_sibling_imports_name_existing_files() -> None:
    files = module_utils_files()
    missing = sorted("%s: %s" % (name, imported) for name in files for imported in sibling_imports(name)
                     if imported not in files)
    assert not missing, "imports of module_utils files that do not exist: %s" % ", ".join(missing)


def sibling_closure(start: str) -> t.Set[str]:
    """The module_utils files ``start`` imports, directly or through siblings."""
    seen: t.Set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(sibling_imports(name))
    return seen


def test_client_closure_imports_no_ansible() -> None:
    closure = sibling_closure(CLIENT)
    assert {"_runc.client", "_runc.errors", "_runc.ids", "_runc.options", "_runc.parsers", "_runc.runner"} <= closure
    assert ANSIBLE_GLUE not in closure
    ansible_imports = sorted(
        "%s: %s" % (name, imported)
        for name in closure
        for imported in imported_modules(module_utils_files()[name])
        if imported.split(".")[0] == "ansible")
    assert not ansible_imports, "the client reaches Ansible: %s" % ", ".join(ansible_imports)


@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in module_utils_files()])
def test_no_import_cycle(name: str) -> None:
    reached = set()
    for imported in sibling_imports(name):
        reached |= sibling_closure(imported)
    assert name not in reached, "%s imports itself back through %s" % (name, ", ".join(sorted(reached)))


@pytest.mark.parametrize("name, allowed", [
    pytest.param("json", True, id="stdlib"),
    pytest.param("os.path", True, id="stdlib-submodule"),
    pytest.param(SIBLING_PREFIX + "_runc.errors", True, id="sibling"),
    pytest.param("ansible.module_utils.basic", False, id="ansible"),
    pytest.param("ansible_collections.community.general.plugins.module_utils.x", False, id="other-collection"),
    pytest.param("yaml", False, id="third-party"),
    pytest.param(".runc_errors", False, id="relative"),
])
def test_the_rule_itself(name: str, allowed: bool) -> None:
    assert is_allowed(name) is allowed
