# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``working_criu``: a CRIU that passes ``criu check`` on this host (tests/setup/criu.py).

Import it into a test module (``from criu_fixtures import working_criu``). In CI
(``CI=true``) a missing CRIU fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "setup"))

import criu as criu_setup  # noqa: E402  (tests/setup is not a package)

CACHE_DIR = Path(os.environ.get("OCITOOLS_CRIU_CACHE", "/var/cache/ocitools-test-criu"))


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def working_criu() -> criu_setup.CriuInfo:
    try:
        return criu_setup.find_working_criu(CACHE_DIR)
    except (criu_setup.CriuSetupError, OSError, subprocess.SubprocessError) as exc:
        reason = "no working CRIU on this host (cache %s): %s" % (CACHE_DIR, exc)
        if _in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def criu_has_dirty_tracking(criu: Path) -> bool:
    """Whether CRIU can track memory (soft-dirty pages): pre-dumps and parent images need it."""
    result = subprocess.run([str(criu), "check", "--feature", "mem_dirty_track"],
                            capture_output=True, text=True, timeout=60, check=False)
    return result.returncode == 0
