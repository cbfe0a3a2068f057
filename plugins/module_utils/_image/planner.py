# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_image's decisions, pure (tested as tables): whether to ask the source, what to do, what to prune.

``present`` asks the source only when the reference is not in the store; ``latest`` asks every time
(the manifest only, no blob) unless the reference is pinned to a digest, which cannot change.
"""

from __future__ import annotations

import typing as t

ABSENT = "absent"
PRESENT = "present"
LATEST = "latest"
STATES = (ABSENT, PRESENT, LATEST)

NOTHING = "none"
PULL = "pull"  # copy the image into the store and unpack its rootfs
LINK = "link"  # the digest is already in the store (another tag): only record the reference
REMOVE = "remove"  # forget the reference; its digest goes when nothing else uses it


def needs_resolve(state: str, pinned: bool, have: bool) -> bool:
    """Whether to ask the source what the reference points at now."""
    if state not in STATES:
        raise ValueError("unknown state %r" % (state,))
    if state == ABSENT:
        return False
    if not have:
        return not pinned  # a pinned reference names its digest itself
    return state == LATEST and not pinned


def plan(state: str, have: bool, recorded: bool, stored_resolved: t.Optional[str], resolved: t.Optional[str],
         known: bool) -> str:
    """The action for the reference.

    ``have``: recorded, same platform, and its digest complete in the store; ``recorded``: a record
    exists at all; ``resolved``: what the source answered (None when not asked); ``known``: the
    resolved digest is already complete in the store under another reference.
    """
    if state == ABSENT:
        return REMOVE if recorded else NOTHING
    if have and (resolved is None or resolved == stored_resolved):
        return NOTHING
    return LINK if known else PULL


def prunable(on_disk: t.Iterable[str], referenced: t.Iterable[str], in_use: t.Iterable[str]) -> t.List[str]:
    """Digests to delete: on disk, named by no reference and the rootfs of no container."""
    keep = set(referenced) | set(in_use)
    return sorted(digest for digest in set(on_disk) if digest not in keep)
