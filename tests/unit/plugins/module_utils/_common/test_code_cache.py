# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import importlib
import importlib.machinery
import marshal
import os
import sys
import zipfile

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import (
    OPT_OUT,
    CachedFinder,
    CodeCache,
    cache_compiled_code,
    cache_dir,
    entry_name,
    private_dir,
)

PACKAGE = "ocitools_code_cache_probe"


def test_cache_dir_follows_xdg_cache_home():
    assert cache_dir({"XDG_CACHE_HOME": "/x/cache"}) == "/x/cache/ocitools-runc/code"
    assert cache_dir({}).endswith("/.cache/ocitools-runc/code")


def test_private_dir_is_made_0700(tmp_path):
    path = str(tmp_path / "a" / "code")
    assert private_dir(path)
    assert os.stat(path).st_mode & 0o777 == 0o700


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o755])
def test_a_directory_others_may_use_is_no_cache(tmp_path, mode):
    path = tmp_path / "code"
    path.mkdir()
    path.chmod(mode)
    assert not private_dir(str(path))


def test_a_symbolic_link_is_no_cache(tmp_path):
    (tmp_path / "real").mkdir(mode=0o700)
    (tmp_path / "code").symlink_to(tmp_path / "real")
    assert not private_dir(str(tmp_path / "code"))


def test_entry_names_differ_by_source_and_file():
    assert entry_name("a.py", b"x = 1") == entry_name("a.py", b"x = 1")
    assert entry_name("a.py", b"x = 1") != entry_name("a.py", b"x = 2")
    assert entry_name("a.py", b"x = 1") != entry_name("b.py", b"x = 1")


def test_code_is_stored_then_read_back(tmp_path):
    cache = CodeCache(str(tmp_path))
    first = cache.code("m.py", b"value = 1\n")
    entry = tmp_path / entry_name("m.py", b"value = 1\n")
    assert entry.is_file()
    entry.write_bytes(marshal.dumps(compile("value = 'from the cache'", "m.py", "exec")))
    namespace: dict = {}
    exec(cache.code("m.py", b"value = 1\n"), namespace)  # pylint: disable=exec-used
    assert namespace["value"] == "from the cache"
    assert first.co_filename == "m.py"


def test_a_damaged_entry_is_compiled_again(tmp_path):
    cache = CodeCache(str(tmp_path))
    (tmp_path / entry_name("m.py", b"value = 2\n")).write_bytes(b"\x00 not marshal")
    namespace: dict = {}
    exec(cache.code("m.py", b"value = 2\n"), namespace)  # pylint: disable=exec-used
    assert namespace["value"] == 2


def test_without_a_directory_it_compiles(tmp_path):
    namespace: dict = {}
    exec(CodeCache(None).code("m.py", b"value = 3\n"), namespace)  # pylint: disable=exec-used
    assert namespace["value"] == 3
    assert not list(tmp_path.iterdir())


@pytest.fixture
def zipped_package(tmp_path):
    """A package in a zip (as Ansible sends module_utils), on sys.path; removed afterwards."""
    archive = tmp_path / "payload.zip"

    def write(value: str) -> None:
        with zipfile.ZipFile(archive, "w") as handle:
            handle.writestr(PACKAGE + "/__init__.py", "")
            handle.writestr(PACKAGE + "/sub/__init__.py", "")
            handle.writestr(PACKAGE + "/sub/mod.py", "value = %r\n" % value)
        importlib.invalidate_caches()
        for name in [n for n in sys.modules if n.startswith(PACKAGE)]:
            del sys.modules[name]
        sys.path_importer_cache.clear()
        import zipimport
        zipimport._zip_directory_cache.clear()  # pylint: disable=protected-access

    write("zipped")
    sys.path.insert(0, str(archive))
    yield write
    sys.path.remove(str(archive))
    for name in [n for n in sys.modules if n.startswith(PACKAGE)]:
        del sys.modules[name]


def _import_through(finder: CachedFinder):
    sys.meta_path.insert(0, finder)
    try:
        return importlib.import_module(PACKAGE + ".sub.mod")
    finally:
        sys.meta_path.remove(finder)


def test_zipped_modules_load_through_the_cache(tmp_path, zipped_package):
    cache_path = tmp_path / "cache"
    cache_path.mkdir(mode=0o700)
    finder = CachedFinder(CodeCache(str(cache_path)), package=PACKAGE + ".")
    module = _import_through(finder)
    assert module.value == "zipped"
    assert module.__spec__.loader.__class__.__name__ == "_CachedLoader"
    assert module.__file__.endswith("payload.zip/%s/sub/mod.py" % PACKAGE)
    entries = sorted(p.name for p in cache_path.iterdir())
    assert len(entries) == 2  # sub/__init__ and sub/mod (the top package is not under the prefix)

    zipped_package("changed")  # a new source never takes the old entry
    assert _import_through(finder).value == "changed"
    assert len(list(cache_path.iterdir())) == 3


def test_files_outside_a_zip_are_left_to_python(tmp_path):
    (tmp_path / "plainpkg").mkdir()
    (tmp_path / "plainpkg" / "__init__.py").write_text("")
    finder = CachedFinder(CodeCache(str(tmp_path / "cache")), package="plainpkg.")
    assert finder.find_spec("plainpkg.mod", [str(tmp_path / "plainpkg")]) is None
    assert finder.find_spec("other.mod", [str(tmp_path)]) is None


def test_installed_once_and_not_when_opted_out(monkeypatch, tmp_path):
    # the module tests may have installed one in this process already
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, CachedFinder)])
    cache_compiled_code({OPT_OUT: "1", "XDG_CACHE_HOME": str(tmp_path)})
    assert not any(isinstance(f, CachedFinder) for f in sys.meta_path)
    cache_compiled_code({"XDG_CACHE_HOME": str(tmp_path)})
    cache_compiled_code({"XDG_CACHE_HOME": str(tmp_path)})
    finders = [f for f in sys.meta_path if isinstance(f, CachedFinder)]
    assert len(finders) == 1
    assert finders[0].cache.directory == str(tmp_path / "ocitools-runc" / "code")
    assert sys.meta_path.index(finders[0]) + 1 == sys.meta_path.index(importlib.machinery.PathFinder)
