"""Find (or fetch) a CRIU that works on this host, for checkpoint/restore tests with runc.

Order:
1. The distro ``criu`` (on PATH, or /usr/sbin/criu) if ``criu check`` passes. Debian 13's
   CRIU 4.1.1 does on current kernels.
2. Otherwise (Debian 12's CRIU 3.17 fails on kernels >= 6.x with "vdso: Unexpected rt vDSO
   area bounds") CRIU from Debian 13 "trixie", unpacked into a private prefix under
   ``cache_dir``, never installed:

   * apt with a private sources list and private state (lists, cache, an empty dpkg status),
     so the host's apt configuration and package database are neither read nor changed;
   * the trixie InRelease is verified by apt against the host's
     /usr/share/keyrings/debian-archive-keyring.gpg (Debian 12's keyring from
     2023.3+deb12u2 on carries the trixie keys; trixie's InRelease is also signed by
     the bookworm archive key). If that fails, Debian 12's own, newer
     ``debian-archive-keyring`` package is downloaded from the host's suite (verified by the
     keys the host already trusts) and its keyring is used for trixie;
   * ``apt-get download`` of ``criu`` and its Depends closure (all shared libraries,
     including trixie's ``libc6``: the trixie build needs glibc >= 2.38);
   * ``dpkg -x`` of each .deb into ``cache_dir/criu-trixie/prefix``;
   * the prefix's own dynamic loader lists the binary's libraries (``ld.so --list``) and every
     one must resolve inside the prefix;
   * an executable ``#!/bin/sh`` wrapper runs
     ``<prefix ld-linux-x86-64.so.2> --inhibit-cache --library-path <prefix libs> <prefix criu>``.
     Running through the loader (not LD_LIBRARY_PATH) keeps the programs CRIU starts
     (``iptables-restore``) on the host's own libraries.

The chosen CRIU must pass ``criu check``; with ``verify_runc`` (default) runc must also
checkpoint and restore a busybox container with it. The result is cached in
``cache_dir/criu-info.json`` (keyed on the kernel release), so a second call is instant.

CLI: ``python tests/setup/criu.py CACHE_DIR`` prints the path of the working CRIU.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

# tests/setup is not a package: run as a script or imported with this directory on sys.path.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
from rootfs import build_busybox_rootfs, make_bundle  # noqa: E402

DEBIAN_MIRROR = "http://deb.debian.org/debian"
TRIXIE = "trixie"
HOST_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
CACHE_FILE = "criu-info.json"
CACHE_FORMAT = 1
TIMEOUT = 300.0
SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class CriuSetupError(RuntimeError):
    """No working CRIU could be found or fetched; the message says why."""


@dataclass(frozen=True)
class CriuInfo:
    path: Path  # executable to pass as ``runc --criu PATH``
    version: str  # e.g. "4.1.1"
    check_message: str  # what ``criu check`` printed (e.g. "Looks good.")
    source: str  # "distro" or "debian-trixie"
    runc_verified: bool = False  # a runc checkpoint/restore round trip passed with it
    from_cache: bool = False


# --------------------------------------------------------------------------- helpers


def _run(
    argv: Sequence[str],
    timeout: float = TIMEOUT,
    cwd: Optional[Path] = None,
    env: Optional[Dict[str, str]] = None,
) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run(
        [str(a) for a in argv],
        cwd=None if cwd is None else str(cwd),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        timeout=timeout,
        check=False,
    )


def _path_env() -> Dict[str, str]:
    env = dict(os.environ)
    parts = [p for p in env.get("PATH", "").split(os.pathsep) if p]
    for extra in SBIN_PATH.split(":"):
        if extra not in parts:
            parts.append(extra)
    env["PATH"] = os.pathsep.join(parts)
    return env


def _which(name: str) -> Optional[str]:
    return shutil.which(name, path=_path_env()["PATH"])


def _criu_check(criu: Path) -> Tuple[bool, str]:
    try:
        res = _run([str(criu), "check"], timeout=60, env=_path_env())
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    msg = (res.stdout + res.stderr).strip()
    return res.returncode == 0, msg


def _criu_version(criu: Path) -> str:
    res = _run([str(criu), "--version"], timeout=30)
    m = re.search(r"Version:\s*(\S+)", res.stdout)
    if res.returncode != 0 or not m:
        raise CriuSetupError("{} --version failed: {}".format(criu, (res.stdout + res.stderr).strip()))
    return m.group(1)


@contextlib.contextmanager
def _locked(cache_dir: Path) -> Iterator[None]:
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(str(cache_dir / ".lock"), "w") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- cache


def _cache_key() -> Dict[str, object]:
    return {"format": CACHE_FORMAT, "kernel": platform.release()}


def _load_cache(cache_dir: Path, verify_runc: bool) -> Optional[CriuInfo]:
    try:
        data = json.loads((cache_dir / CACHE_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != _cache_key():
        return None
    try:
        info = CriuInfo(
            path=Path(data["path"]),
            version=str(data["version"]),
            check_message=str(data["check_message"]),
            source=str(data["source"]),
            runc_verified=bool(data["runc_verified"]),
            from_cache=True,
        )
    except (KeyError, TypeError):
        return None
    if verify_runc and not info.runc_verified:
        return None
    if not os.access(str(info.path), os.X_OK):
        return None
    for extra in data.get("needs", []):
        if not os.path.exists(str(extra)):
            return None
    return info


def _save_cache(
    cache_dir: Path, info: CriuInfo, needs: Sequence[Path], timings: Optional[Dict[str, float]] = None
) -> None:
    data = asdict(info)
    data["runc_timings"] = timings or {}
    data["path"] = str(info.path)
    data.pop("from_cache", None)
    data["key"] = _cache_key()
    data["needs"] = [str(p) for p in needs]
    tmp = cache_dir / (CACHE_FILE + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(str(tmp), str(cache_dir / CACHE_FILE))


# --------------------------------------------------------------------------- private apt


class _PrivateApt:
    """apt-get / apt-cache against one suite, with state kept under ``root``."""

    def __init__(self, root: Path, suite: str, keyring: Path, mirror: str = DEBIAN_MIRROR) -> None:
        self.root = root
        self.suite = suite
        for sub in ("lists/partial", "cache/archives/partial", "parts", "debs"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        self.sources = root / "sources.list"
        self.sources.write_text(
            "deb [arch=amd64 signed-by={}] {} {} main\n".format(keyring, mirror, suite)
        )

    def _opts(self) -> List[str]:
        r = self.root
        opts = {
            "Dir::Etc::SourceList": str(self.sources),
            "Dir::Etc::SourceParts": str(r / "parts"),
            "Dir::Etc::Preferences": "/dev/null",
            "Dir::Etc::PreferencesParts": str(r / "parts"),
            "Dir::State::Lists": str(r / "lists"),
            "Dir::Cache": str(r / "cache"),
            "Dir::State::status": "/dev/null",
            "APT::Architecture": "amd64",
            "APT::Architectures": "amd64",
            "APT::Sandbox::User": "root",
            "Acquire::Languages": "none",
            "APT::Get::AllowUnauthenticated": "false",
        }
        out: List[str] = []
        for key, value in opts.items():
            out += ["-o", "{}={}".format(key, value)]
        return out

    def update(self) -> None:
        res = _run(["apt-get", "-q"] + self._opts() + ["update"])
        text = res.stdout + res.stderr
        bad = re.search(r"NO_PUBKEY|is not signed|GPG error|EXPKEYSIG|BADSIG|Failed to fetch", text)
        if res.returncode != 0 or bad:
            raise CriuSetupError(
                "apt-get update for {} failed (rc={}):\n{}".format(self.suite, res.returncode, text.strip())
            )

    def depends_closure(self, package: str) -> List[str]:
        res = _run(
            ["apt-cache"] + self._opts() + [
                "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                "--no-breaks", "--no-replaces", "--no-enhances", package,
            ]
        )
        if res.returncode != 0:
            raise CriuSetupError("apt-cache depends {} failed: {}".format(package, res.stderr.strip()))
        names: Set[str] = set()
        for line in res.stdout.splitlines():
            if line and not line[0].isspace() and not line.startswith("<"):
                names.add(line.strip())
        return sorted(names)

    def version(self, package: str) -> str:
        res = _run(["apt-cache"] + self._opts() + ["show", "--no-all-versions", package])
        m = re.search(r"^Version:\s*(\S+)", res.stdout, re.M)
        if res.returncode != 0 or not m:
            raise CriuSetupError("{} not found in {}: {}".format(package, self.suite, res.stderr.strip()))
        return m.group(1)

    def download(self, packages: Sequence[str]) -> List[Path]:
        dest = self.root / "debs"
        for old in dest.glob("*.deb"):
            old.unlink()
        res = _run(["apt-get", "-q"] + self._opts() + ["download"] + list(packages), cwd=dest)
        if res.returncode != 0:
            raise CriuSetupError("apt-get download failed: {}".format((res.stdout + res.stderr).strip()))
        debs = sorted(dest.glob("*.deb"))
        if len(debs) < len(packages):
            raise CriuSetupError("apt-get download fetched {} of {} packages".format(len(debs), len(packages)))
        return debs


def _host_suite() -> str:
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return ""
    m = re.search(r"^VERSION_CODENAME=\"?([a-z]+)\"?$", text, re.M)
    return m.group(1) if m else ""


def _trixie_apt(work: Path) -> Tuple[_PrivateApt, str]:
    """A private apt for trixie whose InRelease verified; and how the key was obtained."""
    first_error = ""
    if HOST_KEYRING.is_file():
        apt = _PrivateApt(work / "apt-trixie", TRIXIE, HOST_KEYRING)
        try:
            apt.update()
            return apt, "host keyring {}".format(HOST_KEYRING)
        except CriuSetupError as exc:
            first_error = str(exc)
    # Fallback: the host suite's own (newer) debian-archive-keyring, which the host already
    # trusts through its installed keyring; Debian 12's 2023.3+deb12u2 has the trixie keys.
    suite = _host_suite()
    if not suite or not HOST_KEYRING.is_file():
        raise CriuSetupError("cannot verify trixie: {}".format(first_error or "no Debian keyring on host"))
    host_apt = _PrivateApt(work / "apt-{}".format(suite), suite, HOST_KEYRING)
    host_apt.update()
    deb = host_apt.download(["debian-archive-keyring"])[0]
    keyroot = work / "keyring"
    shutil.rmtree(str(keyroot), ignore_errors=True)
    _dpkg_x(deb, keyroot)
    keyring = keyroot / "usr/share/keyrings/debian-archive-keyring.gpg"
    if not keyring.is_file():
        raise CriuSetupError("{} has no debian-archive-keyring.gpg".format(deb.name))
    apt = _PrivateApt(work / "apt-trixie", TRIXIE, keyring)
    try:
        apt.update()
    except CriuSetupError as exc:
        raise CriuSetupError("trixie not verifiable with host keyring ({}) nor with {}: {}".format(
            first_error, deb.name, exc))
    return apt, "{} from {} (verified by the host keyring)".format(deb.name, suite)


def _dpkg_x(deb: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    res = _run(["dpkg-deb", "-x", str(deb), str(dest)])
    if res.returncode != 0:
        raise CriuSetupError("dpkg -x {} failed: {}".format(deb.name, res.stderr.strip()))


_LIB_DIRS = ("usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu", "usr/lib64", "lib64", "usr/lib", "lib")


def _prefix_layout(prefix: Path) -> Tuple[Path, List[Path], Path]:
    """(loader, library dirs, criu binary) inside an unpacked prefix."""
    libdirs = [prefix / d for d in _LIB_DIRS if (prefix / d).is_dir() and not (prefix / d).is_symlink()]
    loader = next(
        (d / "ld-linux-x86-64.so.2" for d in libdirs if (d / "ld-linux-x86-64.so.2").is_file()), None
    )
    criu = prefix / "usr/sbin/criu"
    if loader is None:
        raise CriuSetupError("no ld-linux-x86-64.so.2 in {}".format(prefix))
    if not criu.is_file():
        raise CriuSetupError("no usr/sbin/criu in {}".format(prefix))
    return loader.resolve(), [d.resolve() for d in libdirs], criu.resolve()


def _check_libraries(loader: Path, libdirs: Sequence[Path], criu: Path, prefix: Path) -> List[str]:
    """The loader's view of criu's shared libraries; raises if any resolves outside ``prefix``."""
    libpath = ":".join(str(d) for d in libdirs)
    res = _run([str(loader), "--inhibit-cache", "--library-path", libpath, "--list", str(criu)], timeout=30)
    if res.returncode != 0:
        raise CriuSetupError("{} --list {} failed: {}".format(loader, criu, (res.stdout + res.stderr).strip()))
    found: List[str] = []
    outside: List[str] = []
    for line in res.stdout.splitlines():
        line = line.strip()
        m = re.match(r"(\S+)\s+=>\s+(.*?)\s*(\(0x[0-9a-f]+\))?$", line)
        if not m:
            continue  # linux-vdso.so.1 (0x...)
        soname, where = m.group(1), m.group(2)
        if where == "not found" or not where.startswith(str(prefix)):
            outside.append("{} => {}".format(soname, where))
        else:
            found.append(soname)
    if outside:
        raise CriuSetupError("libraries not provided by the trixie prefix: " + ", ".join(outside))
    return found


def _write_wrapper(path: Path, loader: Path, libdirs: Sequence[Path], criu: Path) -> None:
    libpath = ":".join(str(d) for d in libdirs)
    text = (
        "#!/bin/sh\n"
        "# Generated by tests/setup/criu.py: Debian trixie CRIU run by its own glibc loader.\n"
        "# CRIU runs iptables-restore (host binary, host libraries) from PATH.\n"
        'PATH="${{PATH:-/usr/bin:/bin}}:/usr/sbin:/sbin"\n'
        "export PATH\n"
        'exec {} --inhibit-cache --library-path {} --argv0 {} {} "$@"\n'
    ).format(shlex.quote(str(loader)), shlex.quote(libpath), shlex.quote(str(criu)), shlex.quote(str(criu)))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.chmod(str(tmp), 0o755)
    os.replace(str(tmp), str(path))


def fetch_trixie_criu(cache_dir: Path) -> Tuple[Path, List[Path], Dict[str, object]]:
    """Download and unpack trixie's CRIU under ``cache_dir``; return (wrapper, files it needs, facts)."""
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        raise CriuSetupError("apt-get and dpkg-deb are needed to fetch CRIU from Debian trixie")
    arch = _run(["dpkg", "--print-architecture"]).stdout.strip()
    if arch != "amd64":
        raise CriuSetupError("fetching trixie CRIU is implemented for amd64 only (host: {})".format(arch))
    base = cache_dir / "criu-trixie"
    base.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    apt, key_source = _trixie_apt(base)
    t_update = time.monotonic() - t0
    packages = apt.depends_closure("criu")
    if "libc6" not in packages:
        packages.append("libc6")
    version = apt.version("criu")
    debs = apt.download(packages)
    t_download = time.monotonic() - t0 - t_update
    prefix = base / "prefix"
    staging = base / "prefix.new"
    shutil.rmtree(str(staging), ignore_errors=True)
    for deb in debs:
        _dpkg_x(deb, staging)
    shutil.rmtree(str(prefix), ignore_errors=True)
    os.rename(str(staging), str(prefix))
    loader, libdirs, criu = _prefix_layout(prefix)
    libs = _check_libraries(loader, libdirs, criu, prefix.resolve())
    wrapper = base / "criu"
    _write_wrapper(wrapper, loader, libdirs, criu)
    facts: Dict[str, object] = {
        "criu_package_version": version,
        "packages": [d.name for d in debs],
        "libraries": libs,
        "keyring": key_source,
        "seconds_update": round(t_update, 2),
        "seconds_download": round(t_download, 2),
        "seconds_total": round(time.monotonic() - t0, 2),
    }
    (base / "fetch-facts.json").write_text(json.dumps(facts, indent=2) + "\n")
    return wrapper, [loader, criu], facts


# --------------------------------------------------------------------------- runc round trip


def _runc(runc: str, root: Path, args: Sequence[str], timeout: float = 60) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return _run([runc, "--root", str(root)] + list(args), timeout=timeout, env=_path_env())


def verify_with_runc(criu: Path, cache_dir: Path, runc: str = "runc") -> Dict[str, float]:
    """Checkpoint and restore a busybox loop with ``runc --criu criu``; return timings (s).

    The container writes a counter into a host directory (bind mount); after restore the
    counter must go on past the value it had at checkpoint time.
    """
    if _which("iptables-restore") is None:
        raise CriuSetupError("CRIU needs iptables-restore on PATH: apt-get install iptables")
    runc_path = _which(runc) or runc
    rootfs = build_busybox_rootfs(cache_dir / "busybox-rootfs")
    work = Path(tempfile.mkdtemp(prefix="criu-smoke."))
    cid = "ocitools-criu-smoke-{}".format(os.getpid())
    root = work / "runc-root"
    data = work / "data"
    data.mkdir()
    images = work / "images"
    timings: Dict[str, float] = {}
    try:
        bundle = make_bundle(
            work / "bundle",
            ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /data/count; sleep 0.1; done"],
            rootfs,
            runc=runc_path,
            mounts=[{"destination": "/data", "type": "bind", "source": str(data), "options": ["rbind", "rw"]}],
        )
        # The detached container inherits runc's stdio: /dev/null, never a pipe (we would
        # wait for its EOF forever) nor a regular host file (CRIU cannot dump that: "Can't
        # lookup mount=N for fd=2"). runc's own errors go to --log instead.
        err_file = work / "runc.log"
        rc = subprocess.run(
            [runc_path, "--root", str(root), "--log", str(err_file), "run", "-d", "--bundle", str(bundle), cid],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            timeout=60, env=_path_env(),
            check=False,
        ).returncode
        if rc != 0:
            raise CriuSetupError("runc run -d failed: {}".format(err_file.read_text().strip()))
        count_file = data / "count"
        deadline = time.monotonic() + 10
        while not count_file.exists() or not count_file.read_text().strip():
            if time.monotonic() > deadline:
                raise CriuSetupError("smoke container did not start counting")
            time.sleep(0.05)
        t = time.monotonic()
        res = _runc(runc_path, root, ["--criu", str(criu), "checkpoint", "--image-path", str(images), cid])
        timings["checkpoint"] = round(time.monotonic() - t, 3)
        if res.returncode != 0:
            log = (images / "dump.log")
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise CriuSetupError("runc checkpoint failed: {}\n{}".format(res.stderr.strip(), tail))
        at_dump = int(count_file.read_text().strip() or "0")
        time.sleep(0.3)
        if int(count_file.read_text().strip() or "0") != at_dump:
            raise CriuSetupError("container still ran after checkpoint")
        t = time.monotonic()
        rc = subprocess.run(
            [runc_path, "--root", str(root), "--log", str(err_file), "--criu", str(criu), "restore", "-d",
             "--image-path", str(images), "--bundle", str(bundle), cid],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            timeout=60, env=_path_env(),
            check=False,
        ).returncode
        timings["restore"] = round(time.monotonic() - t, 3)
        if rc != 0:
            log = images / "restore.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise CriuSetupError("runc restore failed: {}\n{}".format(err_file.read_text().strip(), tail))
        deadline = time.monotonic() + 10
        while True:
            try:
                now = int(count_file.read_text().strip() or "0")
            except ValueError:
                now = 0
            if now > at_dump + 2:
                break
            if time.monotonic() > deadline:
                raise CriuSetupError("restored container does not go on counting ({} -> {})".format(at_dump, now))
            time.sleep(0.05)
        state = json.loads(_runc(runc_path, root, ["state", cid]).stdout or "{}")
        if state.get("status") != "running":
            raise CriuSetupError("restored container is {}".format(state.get("status")))
        return timings
    finally:
        _runc(runc_path, root, ["kill", cid, "KILL"], timeout=30)
        for _attempt in range(50):
            res = _runc(runc_path, root, ["delete", "-f", cid], timeout=30)
            if res.returncode == 0 or "does not exist" in res.stderr:
                break
            time.sleep(0.1)
        shutil.rmtree(str(work), ignore_errors=True)


# --------------------------------------------------------------------------- entry point


def find_working_criu(
    cache_dir: Path,
    *,
    verify_runc: bool = True,
    runc: str = "runc",
    allow_fetch: bool = True,
) -> CriuInfo:
    """Return a CRIU executable that passes ``criu check`` (see the module docstring).

    ``verify_runc``: also require a runc checkpoint/restore round trip (needs root).
    ``allow_fetch``: when False, only the distro CRIU is considered.
    Raises CriuSetupError naming the reason when nothing works.
    """
    cache_dir = Path(cache_dir).absolute()
    cached = _load_cache(cache_dir, verify_runc)
    if cached is not None:
        return cached
    with _locked(cache_dir):
        cached = _load_cache(cache_dir, verify_runc)
        if cached is not None:
            return cached
        reasons: List[str] = []
        distro = _which("criu")
        if distro:
            ok, msg = _criu_check(Path(distro))
            if ok:
                info = CriuInfo(Path(distro), _criu_version(Path(distro)), msg, "distro")
                timings: Dict[str, float] = {}
                if verify_runc:
                    timings = verify_with_runc(info.path, cache_dir, runc)
                    info = CriuInfo(info.path, info.version, info.check_message, info.source, True)
                _save_cache(cache_dir, info, [], timings)
                return info
            reasons.append("distro criu {} fails check: {}".format(distro, msg.splitlines()[0] if msg else "?"))
        else:
            reasons.append("no distro criu")
        if not allow_fetch:
            raise CriuSetupError("; ".join(reasons))
        wrapper, needs, _facts = fetch_trixie_criu(cache_dir)
        ok, msg = _criu_check(wrapper)
        if not ok:
            raise CriuSetupError("; ".join(reasons + ["trixie criu fails check: {}".format(msg)]))
        info = CriuInfo(wrapper, _criu_version(wrapper), msg, "debian-trixie")
        timings = {}
        if verify_runc:
            timings = verify_with_runc(wrapper, cache_dir, runc)
            info = CriuInfo(info.path, info.version, info.check_message, info.source, True)
        _save_cache(cache_dir, info, needs, timings)
        return info


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verify = True
    if "--no-runc" in args:
        args.remove("--no-runc")
        verify = False
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print("usage: python tests/setup/criu.py [--no-runc] CACHE_DIR", file=sys.stderr)
        return 2
    try:
        info = find_working_criu(Path(args[0]), verify_runc=verify)
    except (CriuSetupError, OSError, subprocess.SubprocessError) as exc:
        print("error: {}".format(exc), file=sys.stderr)
        return 1
    print(info.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
