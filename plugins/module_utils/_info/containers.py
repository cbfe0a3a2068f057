# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``runc_info`` reports: containers from ONE ``runc list`` call, opt-in extras per
container, and host facts. Read-only: nothing here changes a container or the host."""

from __future__ import annotations

import dataclasses
import os
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._info.host import host_facts
from ansible_collections.ocitools.runc.plugins.module_utils._common.bundle_config import ConfigError, read_config
from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._info.spec import summarize_config
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.ids import validate_container_id
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import ContainerState
from ansible_collections.ocitools.runc.plugins.module_utils._runc.report_parsers import Event
from ansible_collections.ocitools.runc.plugins.module_utils._runc.status import LIVE
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.exit_status import UNSUPERVISED, known_exit_status
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import UNIT_DIR, unit_name, unit_path
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.systemctl import Systemctl, SystemdError


@dataclasses.dataclass(frozen=True)
class InfoRequest:
    ids: t.Optional[t.Sequence[str]] = None
    ps: bool = False
    top: bool = False
    ps_options: t.Sequence[str] = ()
    stats: bool = False
    spec: bool = False
    host: bool = True
    criu: t.Optional[str] = None
    features: bool = False
    unit_dir: str = UNIT_DIR  # where supervised containers' units are (tests point it elsewhere)

    def __post_init__(self) -> None:
        for container_id in self.ids or ():
            validate_container_id(container_id)


def list_containers(runc: Runc) -> t.List[ContainerState]:
    """Every container under the root, in one call. A root that does not exist holds none; it
    is not listed, since ``runc list`` would create it."""
    if not os.path.isdir(runc.state_root()):
        return []
    return sorted(runc.list(), key=lambda state: state.id)


def select(
    states: t.Sequence[ContainerState], ids: t.Optional[t.Sequence[str]]
) -> t.List[t.Tuple[str, t.Optional[ContainerState]]]:
    """(id, state) for ``ids`` in their order, state None where missing; every state without ids."""
    if ids is None:
        return [(state.id, state) for state in states]
    by_id = {state.id: state for state in states}
    return [(container_id, by_id.get(container_id)) for container_id in dict.fromkeys(ids)]


def stats_summary(event: Event) -> t.Dict[str, t.Any]:
    """The cpu, memory, pids and blkio parts of one ``runc events --stats`` event."""
    data = event.data
    cpu = data.get("cpu") or {}
    memory = data.get("memory") or {}
    return {
        "cpu": {"usage": cpu.get("usage") or {}, "throttling": cpu.get("throttling") or {}},
        "memory": {name: memory[name] for name in ("usage", "swap", "kernel") if name in memory},
        "pids": data.get("pids") or {},
        "blkio": data.get("blkio") or {},
    }


def _spec_extra(state: ContainerState) -> t.Dict[str, t.Any]:
    try:
        return {"spec": summarize_config(read_config(state.bundle))}
    except ConfigError as exc:
        return {"spec": None, "spec_error": str(exc)}


def _live_extras(runc: Runc, state: ContainerState, request: InfoRequest) -> t.Dict[str, t.Any]:
    """ps/top/stats for one container; an error (e.g. it stopped meanwhile) is reported, not raised."""
    wanted: t.List[t.Tuple[str, t.Callable[[], t.Any]]] = []
    if request.ps:
        wanted.append(("ps", lambda: runc.ps(state.id)))
    if request.top:
        wanted.append(("top", lambda: runc.top(state.id, request.ps_options).to_dicts()))
    if request.stats:
        wanted.append(("stats", lambda: stats_summary(runc.stats(state.id))))
    extras: t.Dict[str, t.Any] = {}
    for name, call in wanted:
        if state.status not in LIVE:
            extras[name] = None
            continue
        try:
            extras[name] = call()
        except RuncError as exc:
            extras[name] = None
            extras[name + "_error"] = str(exc)
    return extras


def exit_status_extra(runc: Runc, container_id: str, unit_dir: str) -> t.Dict[str, t.Any]:
    """``exit_status`` from systemd when a unit of runc_container supervises the container; else None and
    ``exit_status_reason``. A systemctl that fails is reported, not raised."""
    if not os.path.exists(unit_path(container_id, unit_dir)):
        return {"exit_status": None, "exit_status_reason": UNSUPERVISED}
    unit = unit_name(container_id)
    try:
        status = Systemctl(runner=runc.runner, timeout=runc.timeout).show(unit)
    except SystemdError as exc:
        return {"exit_status": None, "exit_status_reason": "unknown: %s" % exc}
    return {"exit_status": dict(known_exit_status(status), unit=unit, active_state=status.active_state)}


def describe(runc: Runc, state: ContainerState, request: InfoRequest) -> t.Dict[str, t.Any]:
    entry = state.to_dict()
    entry["exists"] = True
    entry.update(_live_extras(runc, state, request))
    if request.spec:
        entry.update(_spec_extra(state))
    entry.update(exit_status_extra(runc, state.id, request.unit_dir))
    return entry


def _missing(runc: Runc, container_id: str, request: InfoRequest) -> t.Dict[str, t.Any]:
    """A container runc does not have; a supervised one that stopped still has its unit's exit status."""
    entry: t.Dict[str, t.Any] = {"id": container_id, "exists": False}
    if os.path.exists(unit_path(container_id, request.unit_dir)):
        entry.update(exit_status_extra(runc, container_id, request.unit_dir))
    return entry


def gather_info(runc: Runc, request: InfoRequest) -> t.Dict[str, t.Any]:
    """The module's result: ``containers`` (and ``host`` unless turned off); ``changed`` is always false."""
    containers = [
        describe(runc, state, request) if state is not None else _missing(runc, container_id, request)
        for container_id, state in select(list_containers(runc), request.ids)
    ]
    result: t.Dict[str, t.Any] = {"changed": False, "containers": containers}
    if request.host:
        result["host"] = host_facts(runc, request.criu, features=request.features)
    return result


def manage_info(params: t.Mapping[str, t.Any], make_runc: t.Callable[[], Runc],
                check_mode: bool, diff: bool) -> t.Dict[str, t.Any]:
    """The module's one call; the ids are checked before ``make_runc`` looks for runc."""
    if params["features"] and not params["host"]:
        raise TaskError("features: the runc features dump is part of the host facts; set host: true (or drop features)")
    request = InfoRequest(
        ids=params["id"], ps=params["ps"], top=params["top"], ps_options=params["ps_options"],
        stats=params["stats"], spec=params["spec"], host=params["host"], criu=params["criu"],
        features=params["features"],
    )
    return gather_info(make_runc(), request)
