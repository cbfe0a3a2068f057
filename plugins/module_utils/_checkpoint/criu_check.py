# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether CRIU works on this host: ``criu check`` (argv only, with a timeout) and its version.

Shared by ``runc_info`` (host facts) and anything that wants to know before it checkpoints.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncNotFoundError, RuncTimeoutError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import Runner, SubprocessRunner

DEFAULT_CRIU = "criu"
CHECK_TIMEOUT = 30.0
# criu lives in /usr/sbin, which a non-login PATH may lack.
_SBIN_DIRS = ("/usr/local/sbin", "/usr/sbin", "/sbin")
_VERSION_LINE = re.compile(r"^Version:\s*(\S+)", re.MULTILINE)


@dataclasses.dataclass(frozen=True)
class CriuStatus:
    usable: bool
    path: t.Optional[str]
    version: t.Optional[str]
    message: str

    def to_dict(self) -> t.Dict[str, t.Any]:
        return dataclasses.asdict(self)


def find_criu(criu: t.Optional[str] = None) -> t.Optional[str]:
    """The CRIU binary: ``criu`` as given (a path or a name), else ``criu`` on PATH or in an sbin dir."""
    name = criu or DEFAULT_CRIU
    found = shutil.which(name)
    if found is None and "/" not in name:
        found = shutil.which(name, path=":".join(_SBIN_DIRS))
    return found


def parse_criu_version(output: str) -> t.Optional[str]:
    """``criu --version`` prints ``Version: 3.17.1`` (and a GitID line on git builds)."""
    match = _VERSION_LINE.search(output)
    return match.group(1) if match else None


def _last_lines(text: str, count: int = 5) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:])


def check_criu(
    criu: t.Optional[str] = None,
    runner: t.Optional[Runner] = None,
    timeout: float = CHECK_TIMEOUT,
) -> CriuStatus:
    """Run ``criu --version`` and ``criu check``; never raises for a missing or broken CRIU."""
    path = find_criu(criu)
    if path is None:
        return CriuStatus(False, None, None, "CRIU (%s) was not found on PATH; install criu or set criu" % (criu or DEFAULT_CRIU))
    run = runner or SubprocessRunner()
    try:
        version = parse_criu_version(run([path, "--version"], timeout).out)
        check = run([path, "check"], timeout)
    except (RuncNotFoundError, RuncTimeoutError) as exc:
        return CriuStatus(False, path, None, "%s check: %s" % (path, exc.message))
    said = _last_lines(check.out + "\n" + check.err)
    if check.rc == 0:
        return CriuStatus(True, path, version, said or "criu check passed")
    return CriuStatus(False, path, version, "criu check failed (exit %d): %s" % (check.rc, said or "no output"))
