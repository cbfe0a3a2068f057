# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Before and after of a task's named fields: the one way every manager builds its ``diff``.

The module entry keeps the diff only under ``--diff``; managers always build it (it is cheap)
and never look at diff mode themselves.
"""

from __future__ import annotations

import typing as t

# A side a field does not have (e.g. a file's mode before the file existed): left out of that side.
MISSING: t.Any = object()


class Difference:
    """Named fields with their value before and after the task, in the order they were added."""

    def __init__(self) -> None:
        self._before: t.Dict[str, t.Any] = {}
        self._after: t.Dict[str, t.Any] = {}

    def add(self, name: str, before: t.Any, after: t.Any) -> "Difference":
        """Record ``name``; a side given as MISSING is left out of that side."""
        for side, value in ((self._before, before), (self._after, after)):
            if value is not MISSING:
                side[name] = value
        return self

    def has_changed(self, name: t.Optional[str] = None) -> bool:
        """Whether ``name`` (any field, without it) differs between before and after."""
        names = [name] if name is not None else list(dict.fromkeys(list(self._before) + list(self._after)))
        return any(self._before.get(key, MISSING) != self._after.get(key, MISSING) for key in names)

    def to_dict(self) -> t.Dict[str, t.Dict[str, t.Any]]:
        """Ansible's ``diff``: ``{"before": {...}, "after": {...}}``."""
        return {"before": dict(self._before), "after": dict(self._after)}
