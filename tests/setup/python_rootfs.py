"""A root filesystem with Python, for tests that run modules inside a container.

The fastest robust way on a Debian host: the container gets the host's own ``/usr`` (which holds
python3, its standard library and the dynamic loader on a merged-/usr system) as a read-only bind
mount, and a small private tree of its own (``/etc``, ``/tmp``, ``/root``, the ``bin``/``lib``
symlinks into ``/usr``). Nothing is copied or downloaded, so it takes milliseconds, and the container
cannot change the host's files: ``/usr`` is read-only and everything else is its own.

``build_python_rootfs(dest)`` writes the private tree (a fresh one per container, since tests write
into it); ``python_mounts()`` is the bind mount for ``make_bundle(..., mounts=...)``.

CLI: ``python tests/setup/python_rootfs.py DEST`` builds one at DEST and prints its path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

HOST_USR = Path("/usr")
HOST_PYTHON = HOST_USR / "bin" / "python3"

_DIRS = {"proc": 0o555, "sys": 0o555, "dev": 0o755, "tmp": 0o1777, "run": 0o755, "var": 0o755,
         "var/tmp": 0o1777, "root": 0o700, "etc": 0o755, "usr": 0o755}
# Merged /usr: the top-level directories are links into it, as on the host.
_LINKS = {"bin": "usr/bin", "sbin": "usr/sbin", "lib": "usr/lib", "lib64": "usr/lib64"}
_FILES = {
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "etc/group": "root:x:0:\nnogroup:x:65534:\n",
    "etc/shadow": "root:*:19000:0:99999:7:::\n",
    "etc/hostname": "runc-python\n",
    "etc/hosts": "127.0.0.1\tlocalhost\n",
    "etc/os-release": 'NAME="ocitools test rootfs"\nID=debian\nVERSION_ID="12"\n',
}


class PythonRootfsError(RuntimeError):
    """The host has no merged /usr with python3."""


def build_python_rootfs(dest: Path) -> Path:
    """The private part of a Python rootfs at ``dest`` (which must not exist yet); returns its path."""
    if not HOST_PYTHON.exists() or not os.path.islink("/bin"):
        raise PythonRootfsError("need a merged-/usr host with %s (Debian 12 or 13: apt-get install python3)" % HOST_PYTHON)
    dest = Path(dest).absolute()
    dest.mkdir(parents=True)
    for rel, mode in _DIRS.items():
        (dest / rel).mkdir(parents=True, exist_ok=True)
        os.chmod(str(dest / rel), mode)
    for rel, target in _LINKS.items():
        if os.path.lexists("/" + rel):
            os.symlink(target, str(dest / rel))
    for rel, text in _FILES.items():
        (dest / rel).write_text(text)
        os.chmod(str(dest / rel), 0o600 if rel == "etc/shadow" else 0o644)
    return dest


def python_mounts() -> List[Dict[str, Any]]:
    """The host's /usr, read-only, for ``make_bundle(..., mounts=python_mounts())``."""
    return [{"destination": "/usr", "type": "bind", "source": str(HOST_USR), "options": ["rbind", "ro"]}]


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 1:
        print("usage: python tests/setup/python_rootfs.py DEST", file=sys.stderr)
        return 2
    print(build_python_rootfs(Path(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
