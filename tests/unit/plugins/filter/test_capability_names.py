# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""capability_names: the names in a capability mask, as a table of cases."""

from __future__ import annotations

import typing as t

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ocitools.runc.plugins.filter.capability_names import CAPABILITY_BITS, FilterModule, capability_names

DOCKER_DEFAULT = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
                  "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE",
                  "CAP_SETFCAP"]


@pytest.mark.parametrize("mask, expected", [
    ("00000000a80425fb", DOCKER_DEFAULT),
    ("0000000000000000", []),
    (0, []),
    (1, ["CAP_CHOWN"]),
    ("000001ffffffffff", list(CAPABILITY_BITS)),
    # this machine's runc: everything but CAP_SYS_RESOURCE (24)
    ("000001fffeffffff", [name for name in CAPABILITY_BITS if name != "CAP_SYS_RESOURCE"]),
    # bits of capabilities newer than CAP_CHECKPOINT_RESTORE (40) are left out
    (" 0000ffffffffffff\n", list(CAPABILITY_BITS)),
    ("0x10", ["CAP_FSETID"]),
])
def test_names_in_mask(mask: t.Union[str, int], expected: t.List[str]) -> None:
    assert capability_names(mask) == expected


def test_numbers_are_the_kernels() -> None:
    assert len(CAPABILITY_BITS) == 41
    assert CAPABILITY_BITS.index("CAP_SYS_ADMIN") == 21 and CAPABILITY_BITS.index("CAP_SYS_RESOURCE") == 24
    assert CAPABILITY_BITS[-1] == "CAP_CHECKPOINT_RESTORE"


@pytest.mark.parametrize("mask", ["fffz", "", True, -1, None])
def test_bad_masks_fail_clearly(mask: t.Any) -> None:
    with pytest.raises(AnsibleFilterError, match="capability_names: "):
        capability_names(mask)


def test_filter_is_registered() -> None:
    assert FilterModule().filters() == {"capability_names": capability_names}
