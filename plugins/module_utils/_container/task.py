# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_container's one call, and the manager for a container's parameters (supervised by systemd or not)."""

from __future__ import annotations

import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._container.manager import (
    SYSTEMD,
    ContainerManager,
    ContainerParams,
)
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import SystemdPlaces
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc


def container_manager(runc: Runc, params: ContainerParams, check_mode: bool = False,
                      places: SystemdPlaces = SystemdPlaces()) -> ContainerManager:
    """The manager that brings the container of ``params`` to its state: through systemd when it supervises it."""
    if params.supervisor != SYSTEMD:
        return ContainerManager(runc, params, check_mode=check_mode, places=places)
    # imported here: an unsupervised task does not load systemd's code (issue 14)
    from ansible_collections.ocitools.runc.plugins.module_utils._container.supervised import SupervisedManager

    return SupervisedManager(runc, params, check_mode=check_mode, places=places)


def manage_container(options: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc],
                     check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
    """The module's one call: the result dict, or ContainerTaskError (a TaskError).

    The options are validated (the id first) before ``make_runc`` looks for runc.
    """
    params = ContainerParams.from_options(options)
    return container_manager(make_runc(), params, check_mode=check_mode).run()
