# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""This collection's module_utils, compiled once per host and Python instead of once per task.

Ansible sends a module's module_utils as source in a zip, and Python's zip importer compiles every file
again in every task (it keeps no bytecode): for a task that changes nothing that compiling is most of
what this collection adds to Ansible's own cost (issue 14). ``cache_compiled_code()`` puts a finder
first on ``sys.meta_path`` that loads our module_utils from the zip as before, but takes the compiled
code from a private cache on the host when the cache holds the compilation of exactly that source by
exactly this Python (the entry's name is a digest of both), and fills the cache otherwise.

It never changes what runs: an entry is only ever used for the source it was compiled from. The cache
is a directory of the user running the module (``$XDG_CACHE_HOME/ocitools-runc/code``, by default
``~/.cache/ocitools-runc/code``), 0700; one that is not a directory of this user, or is open to others,
is not used. Any problem with the cache (read-only home, a damaged entry) means compiling, as without it;
so does ``OCITOOLS_RUNC_NO_CODE_CACHE=1`` in the task's environment. Entries are small (the compiled
module_utils of one collection release are about 0.5 MB); removing the directory is always safe.
Files loaded from a directory (tests, an installed collection) keep Python's own ``__pycache__``.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import marshal
import os
import stat
import sys
import tempfile
import types
import typing as t
import zipimport

PACKAGE = "ansible_collections.ocitools.runc.plugins.module_utils."
OPT_OUT = "OCITOOLS_RUNC_NO_CODE_CACHE"
DIRECTORY_MODE = 0o700


def cache_dir(environ: t.Optional[t.Mapping[str, str]] = None) -> str:
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ocitools-runc", "code")


def private_dir(path: str) -> bool:
    """``path`` is a directory (made if missing) of this user that nobody else may write to."""
    try:
        os.makedirs(path, mode=DIRECTORY_MODE, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077


def entry_name(filename: str, source: bytes) -> str:
    """The cache entry of ``source`` compiled as ``filename`` by this Python."""
    digest = hashlib.sha256(importlib.util.MAGIC_NUMBER + filename.encode("utf-8") + b"\0" + source)
    return digest.hexdigest() + ".code"


class CodeCache:
    """Compiled code by source, in a private directory (None: compile every time)."""

    def __init__(self, directory: t.Optional[str]) -> None:
        self.directory = directory

    def code(self, filename: str, source: bytes) -> types.CodeType:
        path = os.path.join(self.directory, entry_name(filename, source)) if self.directory else None
        if path is not None:
            try:
                with open(path, "rb") as handle:
                    return marshal.load(handle)
            except (OSError, EOFError, ValueError, TypeError):
                pass  # not there yet, or damaged: compiled again and rewritten
        code = compile(source, filename, "exec", dont_inherit=True)
        if path is not None:
            self._store(path, code)
        return code

    def _store(self, path: str, code: types.CodeType) -> None:
        try:
            fd, tmp_path = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    marshal.dump(code, handle)
                os.replace(tmp_path, path)  # whole entries only, also with tasks running side by side
            except BaseException:
                os.unlink(tmp_path)
                raise
        except OSError:
            pass  # a cache that cannot be written is no cache


class _CachedLoader:
    """The zip importer's module, executed from cached code (a loader as importlib takes it; importlib.abc
    is not imported: it would cost about as much as it saves)."""

    def __init__(self, inner: zipimport.zipimporter, cache: CodeCache, filename: str) -> None:
        self.inner = inner
        self.cache = cache
        self.filename = filename

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> t.Optional[types.ModuleType]:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        source = self.inner.get_source(module.__name__)
        exec(self.cache.code(self.filename, (source or "").encode("utf-8")), module.__dict__)  # pylint: disable=exec-used

    def get_source(self, name: str) -> t.Optional[str]:  # tracebacks show the source lines
        return self.inner.get_source(name)

    def is_package(self, name: str) -> bool:
        return self.inner.is_package(name)


class CachedFinder:
    """Finds our module_utils in the zip, as the zip importer does, but without its ``find_spec``: that
    compiles the source once just to name the file (and ``exec_module`` compiles it again)."""

    def __init__(self, cache: CodeCache, package: str = PACKAGE) -> None:
        self.cache = cache
        self.package = package

    def find_spec(self, fullname: str, path: t.Optional[t.Sequence[str]],
                  target: t.Optional[types.ModuleType] = None) -> t.Optional[importlib.machinery.ModuleSpec]:
        if not fullname.startswith(self.package):
            return None
        tail = fullname.rpartition(".")[2]
        for entry in path or ():
            importer = _zip_importer(entry)
            if importer is None:
                continue
            try:
                package = importer.is_package(fullname)
            except zipimport.ZipImportError:
                continue  # not in this part of the zip
            where = os.path.join(importer.archive, importer.prefix, tail)
            # the code is named by its place in the collection, not in this task's temporary zip: the same in every task
            filename = fullname.replace(".", "/") + ("/__init__.py" if package else ".py")
            spec = importlib.util.spec_from_loader(
                fullname, _CachedLoader(importer, self.cache, filename),
                origin=os.path.join(where, "__init__.py") if package else where + ".py", is_package=package)
            if spec is not None:
                spec.has_location = True  # __file__, as the zip importer sets it
                if package:
                    spec.submodule_search_locations = [where]
            return spec
        return None  # not from a zip: Python's own finders (and __pycache__) take it


def _zip_importer(entry: str) -> t.Optional[zipimport.zipimporter]:
    importer = sys.path_importer_cache.get(entry)
    if importer is None and not os.path.isdir(entry):
        try:
            importer = zipimport.zipimporter(entry)
        except zipimport.ZipImportError:
            return None
        sys.path_importer_cache[entry] = importer
    return importer if isinstance(importer, zipimport.zipimporter) else None


def cache_compiled_code(environ: t.Optional[t.Mapping[str, str]] = None) -> None:
    """Load this collection's module_utils through the code cache (once per process); not with
    OCITOOLS_RUNC_NO_CODE_CACHE set in the module's environment."""
    environ = os.environ if environ is None else environ
    if environ.get(OPT_OUT) or any(isinstance(finder, CachedFinder) for finder in sys.meta_path):
        return
    directory = cache_dir(environ)
    finder = CachedFinder(CodeCache(directory if private_dir(directory) else None))
    # just before Python's path finder, which would find the same modules; finders placed ahead of it stay ahead
    where = next((index for index, known in enumerate(sys.meta_path) if known is importlib.machinery.PathFinder),
                 len(sys.meta_path))
    sys.meta_path.insert(where, finder)
