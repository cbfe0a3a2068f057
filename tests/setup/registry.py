"""A throwaway image registry on loopback, and test images built from the busybox rootfs.

``Registry.start(workdir, tls=None, htpasswd=None)`` runs Debian's ``docker-registry`` (distribution
2.8) on 127.0.0.1 and a free port, with its own config and storage under ``workdir``; ``stop()``
ends that one process. ``requests()`` reads the access log (method and path of each request), so
tests can count manifest and blob downloads.

``make_tls(dir)`` makes a CA and a server certificate for 127.0.0.1 with openssl; ``make_htpasswd``
writes a bcrypt htpasswd file (the password goes to htpasswd on stdin, never on a command line).

``build_image(layout, tag, rootfs, content, cmd, ...)`` makes an OCI image in a local layout with
umoci: the busybox tree, a ``/content`` file, Cmd, Env, WorkingDir and a label. ``push`` copies a
tag to a registry with skopeo. Everything runs as argv lists, never a shell.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

TIMEOUT = 120
_REQUEST = re.compile(r'"(GET|HEAD|PUT|POST|PATCH|DELETE) (/v2/[^ "]*) HTTP/[0-9.]+" (\d{3})')


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(argv: Sequence[str], data: Optional[bytes] = None) -> bytes:
    proc = subprocess.run(list(argv), input=data, capture_output=True, timeout=TIMEOUT, check=False)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv[:3]), proc.returncode,
                                                   proc.stderr.decode("utf-8", "replace")[-2000:]))
    return proc.stdout


class Tls(NamedTuple):
    cert_dir: Path  # holds ca.crt, as skopeo --cert-dir wants
    certificate: Path
    key: Path


def make_tls(folder: Path) -> Tls:
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_crt = folder / "ca.key", folder / "ca.crt"
    key, csr, crt = folder / "server.key", folder / "server.csr", folder / "server.crt"
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ocitools test CA",
         "-keyout", str(ca_key), "-out", str(ca_crt)])
    run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(csr)])
    ext = folder / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key), "-CAcreateserial",
         "-days", "2", "-extfile", str(ext), "-out", str(crt)])
    cert_dir = folder / "certs"
    cert_dir.mkdir(exist_ok=True)
    shutil.copy(ca_crt, cert_dir / "ca.crt")
    return Tls(cert_dir, crt, key)


def make_htpasswd(path: Path, user: str, password: str) -> Path:
    path.write_bytes(run(["htpasswd", "-niB", user], data=password.encode("utf-8")))
    return path


def write_auth_file(path: Path, registry: str, user: str, password: str) -> Path:
    """A containers-auth.json file, mode 0600."""
    token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"auths": {registry: {"auth": token}}}, handle)
    return path


class Registry:
    def __init__(self, workdir: Path, tls: Optional[Tls] = None, htpasswd: Optional[Path] = None) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.tls = tls
        self.port = free_port()
        self.log = workdir / "registry.log"
        self.storage = workdir / "storage"
        self.proc: Optional["subprocess.Popen[bytes]"] = None
        config: Dict[str, object] = {
            "version": 0.1,
            "log": {"level": "info", "accesslog": {"disabled": False}},
            "storage": {"filesystem": {"rootdirectory": str(self.storage)}, "delete": {"enabled": True}},
            "http": {"addr": "127.0.0.1:%d" % self.port},
        }
        if tls is not None:
            config["http"] = {"addr": "127.0.0.1:%d" % self.port,
                              "tls": {"certificate": str(tls.certificate), "key": str(tls.key)}}
        if htpasswd is not None:
            config["auth"] = {"htpasswd": {"realm": "ocitools-test", "path": str(htpasswd)}}
        self.config = workdir / "config.yml"
        self.config.write_text(json.dumps(config))  # JSON is YAML

    @property
    def host(self) -> str:
        return "127.0.0.1:%d" % self.port

    def start(self) -> "Registry":
        self.storage.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(["docker-registry", "serve", str(self.config)], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("docker-registry exited (%s): %s" % (self.proc.returncode, self.log.read_text()[-2000:]))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("docker-registry did not listen on %s within 30 s" % self.host)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def requests(self) -> List[Tuple[str, str, int]]:
        """(method, path, status) of every /v2/ request so far, from the access log."""
        text = self.log.read_bytes().decode("utf-8", "replace")
        return [(m.group(1), m.group(2), int(m.group(3))) for m in _REQUEST.finditer(text)]

    def blob_path(self, digest: str) -> Path:
        hexa = digest.split(":", 1)[1]
        return self.storage / "docker" / "registry" / "v2" / "blobs" / "sha256" / hexa[:2] / hexa / "data"


def blob_gets(requests: Sequence[Tuple[str, str, int]]) -> List[str]:
    return [path for method, path, _status in requests if method == "GET" and "/blobs/" in path]


def build_image(layout: Path, tag: str, rootfs: Path, content: str, cmd: Sequence[str],
                env: Sequence[str] = (), workdir: str = "/", labels: Sequence[str] = ()) -> None:
    """An image ``layout:tag``: the ``rootfs`` tree plus ``/content``, with Cmd, Env, WorkingDir and labels."""
    if not (layout / "index.json").exists():
        run(["umoci", "init", "--layout", str(layout)])
    run(["umoci", "new", "--image", "%s:%s" % (layout, tag)])
    bundle = layout.parent / ("unpack-" + tag)
    run(["umoci", "unpack", "--image", "%s:%s" % (layout, tag), str(bundle)])
    run(["cp", "-a", str(rootfs) + "/.", str(bundle / "rootfs")])
    (bundle / "rootfs" / "content").write_text(content + "\n")
    run(["umoci", "repack", "--image", "%s:%s" % (layout, tag), str(bundle)])
    shutil.rmtree(bundle)
    argv = ["umoci", "config", "--image", "%s:%s" % (layout, tag), "--config.workingdir", workdir]
    for word in cmd:
        argv += ["--config.cmd", word]
    for entry in env:
        argv += ["--config.env", entry]
    for label in labels:
        argv += ["--config.label", label]
    run(argv)


def push(layout: Path, tag: str, target: str, cert_dir: Optional[Path] = None, auth_file: Optional[Path] = None) -> None:
    """skopeo copy of ``layout:tag`` to ``docker://target`` (plain HTTP unless ``cert_dir`` is given)."""
    argv = ["skopeo", "copy", "--quiet"]
    argv += ["--dest-cert-dir", str(cert_dir)] if cert_dir else ["--dest-tls-verify=false"]
    argv += ["--dest-authfile", str(auth_file)] if auth_file else []
    run(argv + ["oci:%s:%s" % (layout, tag), "docker://" + target])


def layout_manifest(layout: Path, tag: str) -> Dict[str, object]:
    """The manifest (as a dict, with its digest under "digest") of ``layout:tag``."""
    index = json.loads((layout / "index.json").read_text())
    for entry in index["manifests"]:
        if entry.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            digest = entry["digest"]
            manifest = json.loads((layout / "blobs" / "sha256" / digest.split(":")[1]).read_text())
            manifest["digest"] = digest
            return manifest
    raise KeyError(tag)
