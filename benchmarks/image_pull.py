# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_image's work against a throwaway registry on loopback: times and registry requests per run.

Builds a test image from the busybox rootfs (tests/setup), pushes it to Debian's docker-registry on
127.0.0.1, then runs the collection's image manager (real skopeo and umoci, no Ansible start-up) for:
a first pull (resolve, copy, unpack), a second ``latest`` run (manifest only), a ``present`` run (no
request), a pinned digest, a second tag of the same image (link, no blob). Prints the figures and
the ratio of a first pull to an unchanged ``latest`` run. Not a test: it asserts nothing.

Run as root from the repo root: ``make collections && .venvs/dev/bin/python benchmarks/image_pull.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
import typing as t
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "build" / "collections"), str(REPO / "tests" / "setup")]

import registry as registry_setup  # noqa: E402
import rootfs as rootfs_setup  # noqa: E402
from ansible_collections.ocitools.runc.plugins.module_utils._image.manager import manage_image  # noqa: E402


def _no_runc() -> t.NoReturn:
    raise AssertionError("runc is only needed for pruning, which the benchmark does not do")


def _run(store: Path, name: str, state: str) -> t.Dict[str, t.Any]:
    options = {"name": name, "state": state, "store": str(store), "tls_verify": False, "timeout": 120.0}
    return manage_image(options, _no_runc, False, False)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ocitools-bench-") as tmp:
        work = Path(tmp)
        rootfs = rootfs_setup.build_busybox_rootfs(work / "busybox")
        layout = work / "layout"
        registry_setup.build_image(layout, "v1", rootfs, "bench", ["/bin/sh"])
        digest = str(registry_setup.layout_manifest(layout, "v1")["digest"])
        server = registry_setup.Registry(work / "registry").start()
        try:
            registry_setup.push(layout, "v1", server.host + "/bench:1")
            tag, pinned = "docker://%s/bench:1" % server.host, "%s/bench@%s" % (server.host, digest)
            registry_setup.push(layout, "v1", server.host + "/bench:also")
            rows = []
            for label, name, state in (("first pull (resolve + copy + unpack)", tag, "latest"),
                                       ("unchanged, state=latest", tag, "latest"),
                                       ("unchanged, state=present", tag, "present"),
                                       ("pinned digest, first", pinned, "latest"),
                                       ("pinned digest, again", pinned, "latest"),
                                       ("another tag, same digest", "docker://%s/bench:also" % server.host, "latest")):
                seen = len(server.requests())
                start = time.monotonic()
                result = _run(work / "store", name, state)
                seconds = time.monotonic() - start
                since = server.requests()[seen:]
                rows.append((label, seconds, len(since), len(registry_setup.blob_gets(since)), result["actions"]))
        finally:
            server.stop()
        size = sum(p.stat().st_size for p in (layout / "blobs").rglob("*") if p.is_file())
        print("image: busybox rootfs, %d bytes of blobs in the layout" % size)
        print("%-40s %8s %9s %6s  %s" % ("run", "seconds", "requests", "blobs", "actions"))
        for label, seconds, requests, blobs, actions in rows:
            print("%-40s %8.3f %9d %6d  %s" % (label, seconds, requests, blobs, ",".join(actions) or "-"))
        print("first pull / unchanged latest run: %.1fx the time" % (rows[0][1] / max(rows[1][1], 1e-6)))


if __name__ == "__main__":
    main()
