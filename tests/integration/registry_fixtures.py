# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session fixtures: test images and throwaway registries on loopback (tests/setup/registry.py).

Import them into a test module (``from registry_fixtures import registry, secure_registry, test_images``).
``registry``: plain HTTP, ``app:1`` and ``app:2`` (different content, so different digests) and
``broken:1`` (a third image, for the corrupt-layer test). ``secure_registry``: TLS with a CA the
tests make, htpasswd auth, ``secure/app:1``. Both are stopped at the end of the session. Without
docker-registry, skopeo, umoci, openssl or htpasswd the tests are skipped with the reason, except
in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import typing as t
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "setup"))

import registry as registry_setup  # noqa: E402  (tests/setup is not a package)

TOOLS = ("docker-registry", "skopeo", "umoci", "openssl", "htpasswd")
# The container's command in every test image: print the image's content, then wait; SIGTERM ends it at once
# (pid 1 ignores a signal it has no handler for, and the stop would wait for stop_timeout).
IMAGE_CMD = ["/bin/sh", "-c", "trap 'exit 0' TERM; cat /content; sleep 100000 & wait"]
CONTENTS = {"v1": "content one", "v2": "content two", "v3": "content three"}


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = "image tests need %s (scripts/install-deps installs them)" % ", ".join(missing)
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


class ImageSet(t.NamedTuple):
    layout: Path
    digests: t.Dict[str, str]  # tag in the layout -> manifest digest
    layers: t.Dict[str, str]  # tag -> digest of its (one) layer


@pytest.fixture(scope="session")
def test_images(tmp_path_factory: pytest.TempPathFactory, busybox_rootfs: Path) -> ImageSet:
    _require_tools()
    layout = tmp_path_factory.mktemp("images") / "layout"
    digests, layers = {}, {}
    for tag, content in CONTENTS.items():
        registry_setup.build_image(layout, tag, busybox_rootfs, content, IMAGE_CMD, env=["IMAGE_TAG=%s" % tag],
                                   workdir="/tmp", labels=["org.example.tag=%s" % tag])
        manifest = registry_setup.layout_manifest(layout, tag)
        digests[tag] = str(manifest["digest"])
        layers[tag] = str(manifest["layers"][-1]["digest"])  # type: ignore[index]
    assert len(set(digests.values())) == len(digests), "test images must have different digests"
    return ImageSet(layout, digests, layers)


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory, test_images: ImageSet) -> t.Iterator[registry_setup.Registry]:
    server = registry_setup.Registry(tmp_path_factory.mktemp("registry")).start()
    try:
        for tag, target in (("v1", "app:1"), ("v2", "app:2"), ("v3", "broken:1")):
            registry_setup.push(test_images.layout, tag, "%s/%s" % (server.host, target))
        yield server
    finally:
        server.stop()


class SecureRegistry(t.NamedTuple):
    server: registry_setup.Registry
    cert_dir: Path
    user: str
    password: str


@pytest.fixture(scope="session")
def secure_registry(tmp_path_factory: pytest.TempPathFactory, test_images: ImageSet) -> t.Iterator[SecureRegistry]:
    workdir = tmp_path_factory.mktemp("secure-registry")
    tls = registry_setup.make_tls(workdir / "tls")
    user, password = "c15-user", "pw-" + secrets.token_hex(12)
    htpasswd = registry_setup.make_htpasswd(workdir / "htpasswd", user, password)
    server = registry_setup.Registry(workdir / "server", tls=tls, htpasswd=htpasswd).start()
    try:
        auth = registry_setup.write_auth_file(workdir / "push-auth.json", server.host, user, password)
        registry_setup.push(test_images.layout, "v1", "%s/secure/app:1" % server.host, cert_dir=tls.cert_dir, auth_file=auth)
        auth.unlink()
        yield SecureRegistry(server, tls.cert_dir, user, password)
    finally:
        server.stop()
