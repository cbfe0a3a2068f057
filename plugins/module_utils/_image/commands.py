# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that builds skopeo and umoci argv, and runs them (argv only, a timeout, never a shell).

Credentials never go on a command line: they reach skopeo in an auth file (``--authfile``).
"""

from __future__ import annotations

import dataclasses
import subprocess
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._image.errors import ImageError
from ansible_collections.ocitools.runc.plugins.module_utils._image.reference import ImageReference

LAYOUT_REF = "image"  # the one ref name in each layout of the store


@dataclasses.dataclass(frozen=True)
class Platform:
    os: str = ""
    architecture: str = ""
    variant: str = ""

    @property
    def text(self) -> str:
        """os/arch[/variant], '' for "this host's"."""
        return "/".join(part for part in (self.os, self.architecture, self.variant) if part)

    def flags(self) -> t.List[str]:
        """skopeo's global overrides (they go before the subcommand)."""
        argv: t.List[str] = []
        for flag, value in (("--override-os", self.os), ("--override-arch", self.architecture),
                            ("--override-variant", self.variant)):
            if value:
                argv += [flag, value]
        return argv


@dataclasses.dataclass(frozen=True)
class Access:
    """How to reach a registry: TLS and credentials (an auth file path, never the password)."""

    tls_verify: bool = True
    cert_dir: t.Optional[str] = None
    auth_file: t.Optional[str] = None

    def flags(self, prefix: str) -> t.List[str]:
        """``--tls-verify`` and friends, named ``--src-...`` for copy (``prefix`` "src-")."""
        argv = ["--%stls-verify=%s" % (prefix, "true" if self.tls_verify else "false")]
        if self.cert_dir:
            argv += ["--%scert-dir" % prefix, self.cert_dir]
        if self.auth_file:
            argv += ["--%sauthfile" % prefix, self.auth_file]
        return argv


@dataclasses.dataclass(frozen=True)
class Tools:
    skopeo: str = "skopeo"
    umoci: str = "umoci"


def inspect_raw(tools: Tools, reference: ImageReference, access: Access) -> t.List[str]:
    """Fetch only the manifest (or index) the reference names: no config or layer blob is downloaded."""
    flags = access.flags("") if reference.remote else []
    return [tools.skopeo, "inspect", "--raw"] + flags + [reference.text]


def copy_to_layout(tools: Tools, reference: ImageReference, access: Access, platform: Platform, layout: str) -> t.List[str]:
    """Copy one image (the platform's, from an index) into a fresh OCI layout, verifying every blob's digest."""
    flags = access.flags("src-") if reference.remote else []
    return [tools.skopeo] + platform.flags() + ["copy", "--quiet"] + flags + [
        reference.text, "oci:%s:%s" % (layout, LAYOUT_REF)]


def unpack_rootfs(tools: Tools, layout: str, rootfs: str) -> t.List[str]:
    """Apply the image's layers (whiteouts included) to a new directory, as the runtime's root filesystem."""
    return [tools.umoci, "raw", "unpack", "--image", "%s:%s" % (layout, LAYOUT_REF), rootfs]


@dataclasses.dataclass(frozen=True)
class Output:
    argv: t.List[str]
    rc: int
    stdout: bytes
    stderr: str


def run(argv: t.List[str], timeout: float) -> Output:
    """Run a tool; ImageError when it cannot be started or takes longer than ``timeout`` seconds."""
    try:
        # run_command has no timeout, which a pull from an unresponsive registry needs.
        proc = subprocess.run(  # pylint: disable=ansible-bad-function
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
            close_fds=True, check=False,
        )
    except FileNotFoundError:
        raise ImageError("%s was not found; install it (Debian: apt-get install --no-install-recommends %s, or the "
                         "ocitools.runc.runc_host role)" % (argv[0], argv[0].rsplit("/", 1)[-1]))
    except PermissionError as exc:
        raise ImageError("cannot execute %s: %s" % (argv[0], exc.strerror))
    except subprocess.TimeoutExpired:
        raise ImageError("timeout: %s %s did not finish within %s seconds; raise timeout" % (argv[0], argv[1], timeout))
    return Output(argv, proc.returncode, proc.stdout, proc.stderr.decode("utf-8", errors="replace"))
