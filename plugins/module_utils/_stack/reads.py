# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runc client of a stack: one ``runc list`` for the first read of every declared container.

ContainerManager reads its container (``find``) before it plans. For a stack, one
``runc list`` answers that first read of each declared id; every later read (after an
action) goes to ``runc state`` as usual. runc's default spec is fetched once, too.
"""

from __future__ import annotations

import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState


class StackRunc(Runc):
    """A Runc (same binary, options, runner and timeout) with batched first reads."""

    def __init__(self, runc: Runc) -> None:
        super().__init__(runc.options, runner=runc.runner, timeout=runc.timeout)
        self._unread: t.Dict[str, t.Optional[ContainerState]] = {}
        self._default_specs: t.Dict[bool, t.Dict[str, t.Any]] = {}

    def read_all(self, container_ids: t.Iterable[str]) -> t.List[ContainerState]:
        """``runc list`` once; the next ``find`` of each of ``container_ids`` is answered from it."""
        # No container without a state root; and runc 1.1 would create the root to say so (check mode
        # on a fresh host must create nothing).
        listed = self.list() if os.path.isdir(self.state_root()) else []
        by_id = {state.id: state for state in listed}
        self._unread = {container_id: by_id.get(container_id) for container_id in container_ids}
        return listed

    def find(self, container_id: str) -> t.Optional[ContainerState]:
        if container_id in self._unread:
            return self._unread.pop(container_id)
        return super().find(container_id)

    def default_spec(self, rootless: bool = False) -> t.Dict[str, t.Any]:
        if rootless not in self._default_specs:
            self._default_specs[rootless] = super().default_spec(rootless=rootless)
        return self._default_specs[rootless]
