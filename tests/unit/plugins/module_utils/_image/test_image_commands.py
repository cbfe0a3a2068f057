# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""skopeo and umoci argv: flags per transport, platform overrides, no credential on a command line."""

from __future__ import annotations

import sys

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._image.commands import (
    Access,
    Platform,
    Tools,
    copy_to_layout,
    inspect_raw,
    run,
    unpack_rootfs,
)
from ansible_collections.ocitools.runc.plugins.module_utils._image.errors import ImageError
from ansible_collections.ocitools.runc.plugins.module_utils._image.reference import parse_reference

TOOLS = Tools("/usr/bin/skopeo", "/usr/bin/umoci")
REMOTE = parse_reference("docker://127.0.0.1:5000/app:1")
LOCAL = parse_reference("oci:/srv/layout:v1")


def test_inspect_raw_fetches_only_the_manifest() -> None:
    assert inspect_raw(TOOLS, REMOTE, Access()) == [
        "/usr/bin/skopeo", "inspect", "--raw", "--tls-verify=true", "docker://127.0.0.1:5000/app:1"]
    access = Access(tls_verify=False, cert_dir="/etc/certs", auth_file="/tmp/auth.json")
    assert inspect_raw(TOOLS, REMOTE, access) == [
        "/usr/bin/skopeo", "inspect", "--raw", "--tls-verify=false", "--cert-dir", "/etc/certs",
        "--authfile", "/tmp/auth.json", "docker://127.0.0.1:5000/app:1"]
    assert inspect_raw(TOOLS, LOCAL, access) == ["/usr/bin/skopeo", "inspect", "--raw", "oci:/srv/layout:v1"]


def test_copy_into_a_layout_with_source_flags_and_platform() -> None:
    argv = copy_to_layout(TOOLS, REMOTE, Access(auth_file="/tmp/a.json"), Platform("linux", "arm64", "v8"), "/s/tmp/w/layout")
    assert argv == ["/usr/bin/skopeo", "--override-os", "linux", "--override-arch", "arm64", "--override-variant", "v8",
                    "copy", "--quiet", "--src-tls-verify=true", "--src-authfile", "/tmp/a.json",
                    "docker://127.0.0.1:5000/app:1", "oci:/s/tmp/w/layout:image"]
    assert copy_to_layout(TOOLS, LOCAL, Access(), Platform(), "/l") == [
        "/usr/bin/skopeo", "copy", "--quiet", "oci:/srv/layout:v1", "oci:/l:image"]


def test_unpack_rootfs() -> None:
    assert unpack_rootfs(TOOLS, "/s/tmp/w/layout", "/s/tmp/w/rootfs") == [
        "/usr/bin/umoci", "raw", "unpack", "--image", "/s/tmp/w/layout:image", "/s/tmp/w/rootfs"]


def test_platform_text() -> None:
    assert Platform().text == "" and Platform("linux", "arm64", "v8").text == "linux/arm64/v8"
    assert Platform(architecture="amd64").flags() == ["--override-arch", "amd64"]


def test_run_reports_a_missing_tool_and_a_timeout() -> None:
    with pytest.raises(ImageError) as missing:
        run(["/nonexistent/skopeo", "inspect"], timeout=5)
    assert "install it" in missing.value.msg and "skopeo" in missing.value.msg
    with pytest.raises(ImageError) as slow:
        run([sys.executable, "-c", "import time; time.sleep(5)"], timeout=0.2)
    assert slow.value.msg.startswith("timeout: ")
    done = run([sys.executable, "-c", "import sys; sys.stdout.write('out'); sys.stderr.write('err'); sys.exit(3)"], timeout=30)
    assert (done.rc, done.stdout, done.stderr) == (3, b"out", "err")
