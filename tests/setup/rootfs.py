"""A minimal busybox root filesystem and OCI bundles for tests that run the real runc.

``build_busybox_rootfs(dest)`` copies the host's static busybox (Debian's ``busybox-static``)
into ``dest/bin/busybox``, adds one symlink per applet (``busybox --list``), and the
directories and files runc and a shell expect (``/proc /sys /dev /tmp /etc/passwd ...``).
It is idempotent and safe to call from concurrent test workers: the tree is built in a
sibling temporary directory and renamed into place.

``make_bundle(bundle, args, rootfs=None, **tweaks)`` writes ``bundle/config.json`` from the
output of ``runc spec`` (run in a temporary directory; argv only), with ``terminal`` off,
the given ``args``, the root path, and every rlimit clamped to this process's hard limits
(a container cannot raise a hard limit without CAP_SYS_RESOURCE).

CLI: ``python tests/setup/rootfs.py DEST`` builds a rootfs at DEST and prints its path.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

BUSYBOX = Path("/bin/busybox")
RUNC_TIMEOUT = 30.0

# Bumped when the layout below changes, so an old tree is rebuilt.
_STAMP_NAME = ".ocitools-rootfs"
_LAYOUT_VERSION = "1"

_DIRS = {
    "bin": 0o755,
    "sbin": 0o755,
    "usr": 0o755,
    "usr/bin": 0o755,
    "usr/sbin": 0o755,
    "proc": 0o555,
    "sys": 0o555,
    "dev": 0o755,
    "tmp": 0o1777,
    "run": 0o755,
    "var": 0o755,
    "var/tmp": 0o1777,
    "root": 0o700,
    "etc": 0o755,
}

_FILES = {
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
    "etc/group": "root:x:0:\nnogroup:x:65534:\n",
    "etc/hostname": "runc\n",
    "etc/hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost\n",
    "etc/resolv.conf": "",
}


class RootfsError(RuntimeError):
    """The host cannot provide what a busybox rootfs needs."""


def _is_static_elf(path: Path) -> bool:
    """True when ``path`` is an ELF executable without a PT_INTERP (dynamic loader) header."""
    with path.open("rb") as fh:
        ident = fh.read(64)
        if len(ident) < 64 or ident[:4] != b"\x7fELF":
            return False
        is64 = ident[4] == 2
        endian = "<" if ident[5] == 1 else ">"
        if is64:
            phoff, = struct.unpack_from(endian + "Q", ident, 0x20)
            phentsize, phnum = struct.unpack_from(endian + "HH", ident, 0x36)
        else:
            phoff, = struct.unpack_from(endian + "I", ident, 0x1C)
            phentsize, phnum = struct.unpack_from(endian + "HH", ident, 0x2A)
        fh.seek(phoff)
        table = fh.read(phentsize * phnum)
    for i in range(phnum):
        p_type, = struct.unpack_from(endian + "I", table, i * phentsize)
        if p_type == 3:  # PT_INTERP
            return False
    return True


def _applets(busybox: Path) -> List[str]:
    out = subprocess.run(
        [str(busybox), "--list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=True,
        timeout=RUNC_TIMEOUT,
        universal_newlines=True,
    ).stdout
    names = []
    for line in out.splitlines():
        name = line.strip()
        if name and "/" not in name and name not in (".", "..", "busybox"):
            names.append(name)
    return sorted(set(names))


def _stamp_text(busybox: Path) -> str:
    st = busybox.stat()
    return "layout={}\nbusybox={} size={} mtime={}\n".format(
        _LAYOUT_VERSION, busybox, st.st_size, int(st.st_mtime)
    )


def _is_complete(dest: Path, busybox: Path) -> bool:
    stamp = dest / _STAMP_NAME
    try:
        return stamp.read_text() == _stamp_text(busybox) and (dest / "bin" / "sh").exists()
    except OSError:
        return False


def _populate(root: Path, busybox: Path) -> None:
    for rel, mode in _DIRS.items():
        d = root / rel
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(str(d), mode)
    target = root / "bin" / "busybox"
    shutil.copyfile(str(busybox), str(target))
    os.chmod(str(target), 0o755)
    for name in _applets(busybox):
        link = root / "bin" / name
        if not os.path.lexists(str(link)):
            os.symlink("busybox", str(link))
    for rel, text in _FILES.items():
        f = root / rel
        f.write_text(text)
        os.chmod(str(f), 0o644)
    (root / _STAMP_NAME).write_text(_stamp_text(busybox))


def build_busybox_rootfs(dest: Path, busybox: Path = BUSYBOX) -> Path:
    """Build (once) a minimal busybox rootfs at ``dest`` and return its absolute path.

    A second call with a complete tree returns at once. An incomplete or outdated tree is
    replaced. Raises RootfsError when ``busybox`` is missing or not statically linked.
    """
    dest = Path(dest).absolute()
    busybox = Path(busybox)
    if not busybox.is_file():
        raise RootfsError("{} not found: install Debian's busybox-static".format(busybox))
    if not _is_static_elf(busybox):
        raise RootfsError(
            "{} is not a static executable: install busybox-static, not busybox".format(busybox)
        )
    if _is_complete(dest, busybox):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".{}.".format(dest.name), dir=str(dest.parent)))
    try:
        os.chmod(str(work), 0o755)
        _populate(work, busybox)
        if os.path.lexists(str(dest)):
            if _is_complete(dest, busybox):  # a concurrent caller won
                return dest
            old = Path(tempfile.mkdtemp(prefix=".{}.old.".format(dest.name), dir=str(dest.parent)))
            os.rename(str(dest), str(old / "tree"))
            shutil.rmtree(str(old), ignore_errors=True)
        try:
            os.rename(str(work), str(dest))
        except OSError:
            if not _is_complete(dest, busybox):
                raise
    finally:
        if work.exists():
            shutil.rmtree(str(work), ignore_errors=True)
    return dest


def runc_spec(runc: str = "runc") -> Dict[str, Any]:
    """The default config that ``runc spec`` writes, as a dict (runs in a temporary dir)."""
    with tempfile.TemporaryDirectory(prefix="runc-spec.") as tmp:
        subprocess.run(
            [runc, "spec"],
            cwd=tmp,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            check=True,
            timeout=RUNC_TIMEOUT,
        )
        with open(os.path.join(tmp, "config.json"), encoding="utf-8") as fh:
            data = json.load(fh)
    if not isinstance(data, dict):
        raise RootfsError("runc spec wrote no JSON object")
    return data


def clamp_rlimits(rlimits: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Return ``rlimits`` with hard and soft values capped at this process's hard limits."""
    out = []
    for item in rlimits:
        entry = dict(item)
        res = getattr(resource, str(entry.get("type", "")), None)
        if isinstance(res, int):
            cur_hard = resource.getrlimit(res)[1]
            hard = int(entry.get("hard", cur_hard))
            if cur_hard != resource.RLIM_INFINITY and (hard < 0 or hard > cur_hard):
                hard = cur_hard
            if hard < 0:  # RLIM_INFINITY as the kernel's unsigned value
                hard = 2**64 - 1
            soft = int(entry.get("soft", hard))
            if soft < 0 or soft > hard:
                soft = hard
            entry["hard"] = hard
            entry["soft"] = soft
        out.append(entry)
    return out


def _deep_merge(base: Dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value


_TWEAKS = (
    "annotations", "cwd", "env", "extra", "hostname", "mounts", "readonly", "runc",
    "terminal", "uid", "gid", "rlimits",
)


def make_bundle(
    bundle: Path,
    args: List[str],
    rootfs: Optional[Path] = None,
    **tweaks: Any,
) -> Path:
    """Write ``bundle/config.json`` for a busybox container running ``args``; return ``bundle``.

    ``rootfs``: an existing root filesystem (used by absolute path, so one read-only tree can
    serve many bundles); ``None`` builds a private one at ``bundle/rootfs``.

    Tweaks (all optional):
      ``runc`` (str, default "runc"): the binary whose ``spec`` is the starting point;
      ``terminal`` (bool, default False);
      ``readonly`` (bool, default True as in ``runc spec``): ``root.readonly``;
      ``cwd`` (str); ``hostname`` (str); ``uid`` / ``gid`` (int);
      ``env`` (list of "K=V", or a mapping): appended to / overriding the spec's env;
      ``annotations`` (mapping str -> str);
      ``mounts`` (list of OCI mount dicts): appended to the spec's mounts;
      ``rlimits`` (list of {"type", "hard", "soft"}): replaces the spec's list (then clamped);
      ``extra`` (mapping): deep-merged into the config last (dicts merge; lists and other
      values replace, so ``extra={"mounts": [...]}`` drops /proc: use ``mounts`` to add).
    Unknown tweak names raise TypeError.
    """
    unknown = sorted(set(tweaks) - set(_TWEAKS))
    if unknown:
        raise TypeError("make_bundle() got unknown tweaks: {}".format(", ".join(unknown)))
    bundle = Path(bundle).absolute()
    bundle.mkdir(parents=True, exist_ok=True)
    config = runc_spec(str(tweaks.get("runc", "runc")))

    if rootfs is None:
        build_busybox_rootfs(bundle / "rootfs")
        root_path = "rootfs"
    else:
        root_path = str(Path(rootfs).absolute())
    root = config.setdefault("root", {})
    root["path"] = root_path
    if "readonly" in tweaks:
        root["readonly"] = bool(tweaks["readonly"])

    process = config.setdefault("process", {})
    process["terminal"] = bool(tweaks.get("terminal", False))
    process.pop("consoleSize", None)
    process["args"] = [str(a) for a in args]
    if "cwd" in tweaks:
        process["cwd"] = str(tweaks["cwd"])
    user = process.setdefault("user", {})
    if "uid" in tweaks:
        user["uid"] = int(tweaks["uid"])
    if "gid" in tweaks:
        user["gid"] = int(tweaks["gid"])
    if "env" in tweaks:
        env = tweaks["env"]
        items: List[str] = (
            ["{}={}".format(k, v) for k, v in env.items()] if isinstance(env, Mapping)
            else [str(e) for e in env]
        )
        merged: Dict[str, str] = {}
        for entry in list(process.get("env", [])) + items:
            key = entry.split("=", 1)[0]
            merged[key] = entry
        process["env"] = list(merged.values())
    if "rlimits" in tweaks:
        process["rlimits"] = list(tweaks["rlimits"])
    process["rlimits"] = clamp_rlimits(process.get("rlimits", []))

    if "hostname" in tweaks:
        config["hostname"] = str(tweaks["hostname"])
    if "annotations" in tweaks:
        config["annotations"] = {str(k): str(v) for k, v in dict(tweaks["annotations"]).items()}
    if "mounts" in tweaks:
        config["mounts"] = list(config.get("mounts", [])) + [dict(m) for m in tweaks["mounts"]]
    if "extra" in tweaks:
        _deep_merge(config, tweaks["extra"])
        if "process" in config and "rlimits" in config["process"]:
            config["process"]["rlimits"] = clamp_rlimits(config["process"]["rlimits"])

    tmp = bundle / ".config.json.tmp"
    tmp.write_text(json.dumps(config, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(str(tmp), str(bundle / "config.json"))
    return bundle


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: python tests/setup/rootfs.py DEST", file=sys.stderr)
        return 2
    try:
        path = build_busybox_rootfs(Path(argv[0]))
    except (RootfsError, OSError, subprocess.SubprocessError) as exc:
        print("error: {}".format(exc), file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
