# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_image's decisions as tables: when to ask the source, what to do, what to prune."""

from __future__ import annotations

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._image.planner import (
    LINK,
    NOTHING,
    PULL,
    REMOVE,
    needs_resolve,
    plan,
    prunable,
)

OLD, NEW = "sha256:" + "1" * 64, "sha256:" + "2" * 64


@pytest.mark.parametrize("state, pinned, have, asks", [
    ("absent", False, True, False),
    ("absent", True, False, False),
    ("present", False, False, True),   # not stored: ask what the tag is now
    ("present", False, True, False),   # stored: never ask
    ("present", True, False, False),   # pinned: the digest is in the reference
    ("latest", False, True, True),     # ask every time (the manifest only)
    ("latest", False, False, True),
    ("latest", True, True, False),     # a pinned digest cannot move
    ("latest", True, False, False),
])
def test_needs_resolve(state: str, pinned: bool, have: bool, asks: bool) -> None:
    assert needs_resolve(state, pinned, have) is asks


def test_unknown_state() -> None:
    with pytest.raises(ValueError):
        needs_resolve("pulled", False, False)


@pytest.mark.parametrize("state, have, recorded, stored, resolved, known, action", [
    ("absent", False, False, None, None, False, NOTHING),
    ("absent", True, True, OLD, None, False, REMOVE),
    ("absent", False, True, OLD, None, False, REMOVE),        # a record of a broken digest is removed too
    ("present", True, True, OLD, None, False, NOTHING),       # not asked, stored: done
    ("latest", True, True, OLD, OLD, True, NOTHING),          # the tag still resolves to the stored digest
    ("latest", True, True, OLD, NEW, False, PULL),            # the tag moved
    ("latest", True, True, OLD, NEW, True, LINK),             # moved to a digest another tag brought already
    ("present", False, False, None, NEW, False, PULL),
    ("present", False, True, OLD, OLD, False, PULL),          # recorded, but its directories are gone
    ("present", False, False, None, NEW, True, LINK),
])
def test_plan(state: str, have: bool, recorded: bool, stored: str, resolved: str, known: bool, action: str) -> None:
    assert plan(state, have, recorded, stored, resolved, known) == action


def test_prunable_keeps_what_a_reference_names_or_a_container_runs_from() -> None:
    on_disk = ["sha256:a", "sha256:b", "sha256:c", "sha256:d"]
    assert prunable(on_disk, referenced=["sha256:a"], in_use=["sha256:b"]) == ["sha256:c", "sha256:d"]
    assert prunable(on_disk, referenced=on_disk, in_use=[]) == []
    assert prunable([], referenced=["sha256:a"], in_use=["sha256:a"]) == []
