# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""debian_mirrors: another release's apt sources from the host's own files, as a table of cases."""

from __future__ import annotations

import base64
import typing as t

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ocitools.runc.plugins.filter.debian_mirrors import FilterModule, debian_mirrors

DEB822 = """\
Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""

ONE_LINE = """\
# the archive, through a local proxy
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://proxy.example:3142/debian bookworm main contrib
deb-src http://proxy.example:3142/debian bookworm main
deb http://proxy.example:3142/debian-security bookworm-security main  # security
deb http://other.example/debian bookworm-backports main
"""

EMBEDDED_KEY = """\
Types: deb deb-src
URIs: https://mirror.example/debian/
Suites: trixie trixie-updates
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBF...
 -----END PGP PUBLIC KEY BLOCK-----

Types: deb
URIs: http://disabled.example/debian
Suites: trixie-security
Components: main
Enabled: no
"""

THIRD_PARTY = "Types: deb\nURIs: https://repo.example/node_20.x\nSuites: nodistro\nComponents: main\n"

CASES = [
    pytest.param(
        [{"path": "/etc/apt/sources.list.d/debian.sources", "content": DEB822}], "trixie", "bookworm",
        ["deb http://mirror.example/debian trixie main non-free-firmware",
         "deb http://mirror.example/debian trixie-updates main non-free-firmware",
         "deb http://mirror.example/debian-security trixie-security main non-free-firmware"],
        id="deb822, all three suites"),
    pytest.param(
        [{"path": "/etc/apt/sources.list", "content": ONE_LINE}], "bookworm", "bookworm",
        ["deb http://proxy.example:3142/debian bookworm main contrib",
         "deb http://proxy.example:3142/debian-security bookworm-security main"],
        id="one-line, options and comments, no updates, backports ignored"),
    pytest.param(
        [{"path": "/etc/apt/sources.list.d/nodesource.sources", "content": THIRD_PARTY},
         {"path": "/etc/apt/sources.list.d/debian.sources", "content": EMBEDDED_KEY}], "bookworm", "trixie",
        ["deb https://mirror.example/debian/ bookworm main",
         "deb https://mirror.example/debian/ bookworm-updates main"],
        id="deb822, embedded key, disabled stanza and a third-party file"),
    pytest.param(
        [{"path": "/etc/apt/sources.list", "content": "deb http://old.example/debian bookworm\n"
                                                      "deb http://old.example/security bookworm/updates main\n"}],
        "trixie", "bookworm",
        ["deb http://old.example/debian trixie main", "deb http://old.example/security trixie-security main"],
        id="no components means main; the old security suite name"),
]


@pytest.mark.parametrize("sources, release, host_release, expected", CASES)
def test_mirrors_for_a_release(sources: t.List[t.Dict[str, str]], release: str, host_release: str,
                               expected: t.List[str]) -> None:
    assert debian_mirrors(sources, release, host_release) == expected


def test_slurp_results_are_read_as_files() -> None:
    slurped = {"source": "/etc/apt/sources.list.d/debian.sources", "encoding": "base64",
               "content": base64.b64encode(DEB822.encode()).decode(), "item": "/etc/apt/sources.list.d/debian.sources"}
    assert debian_mirrors([slurped], "trixie", "bookworm")[0] == "deb http://mirror.example/debian trixie main non-free-firmware"


@pytest.mark.parametrize("sources, release, host_release, message", [
    ([{"path": "/etc/apt/sources.list.d/nodesource.sources", "content": THIRD_PARTY}], "trixie", "bookworm",
     "no apt source for the host's release 'bookworm' in /etc/apt/sources.list.d/nodesource.sources"),
    ([], "trixie", "bookworm", "in no sources file"),
    ([{"path": "/etc/apt/sources.list", "content": ONE_LINE}], "trixie", "", "release and host_release are required"),
    ([{"source": "/etc/apt/x.sources", "encoding": "base64", "content": "not base64!"}], "trixie", "bookworm",
     "the content of /etc/apt/x.sources is not valid base64"),
])
def test_errors_say_what_is_missing(sources: t.List[t.Dict[str, str]], release: str, host_release: str, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        debian_mirrors(sources, release, host_release)


def test_filter_is_registered() -> None:
    assert FilterModule().filters() == {"debian_mirrors": debian_mirrors}
