# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``runc update``'s options: the resources a running container's limits change to."""

from __future__ import annotations

import dataclasses
import typing as t


# ``runc update`` flags, by field name, in the order of the man page.
_UPDATE_FLAGS = (
    ("blkio_weight", "--blkio-weight"),
    ("cpu_period", "--cpu-period"),
    ("cpu_quota", "--cpu-quota"),
    ("cpu_share", "--cpu-share"),
    ("cpu_rt_period", "--cpu-rt-period"),
    ("cpu_rt_runtime", "--cpu-rt-runtime"),
    ("cpuset_cpus", "--cpuset-cpus"),
    ("cpuset_mems", "--cpuset-mems"),
    ("memory", "--memory"),
    ("memory_reservation", "--memory-reservation"),
    ("memory_swap", "--memory-swap"),
    ("pids_limit", "--pids-limit"),
    ("l3_cache_schema", "--l3-cache-schema"),
    ("mem_bw_schema", "--mem-bw-schema"),
)


@dataclasses.dataclass(frozen=True)
class UpdateOptions:
    """``runc update``: either an OCI ``linux.resources`` object (sent on stdin) or single flags.

    runc ignores every flag when resources come from stdin, so the two are exclusive.
    """

    resources: t.Optional[t.Mapping[str, t.Any]] = None
    blkio_weight: t.Optional[int] = None
    cpu_period: t.Optional[int] = None
    cpu_quota: t.Optional[int] = None
    cpu_share: t.Optional[int] = None
    cpu_rt_period: t.Optional[int] = None
    cpu_rt_runtime: t.Optional[int] = None
    cpuset_cpus: t.Optional[str] = None
    cpuset_mems: t.Optional[str] = None
    memory: t.Optional[int] = None
    memory_reservation: t.Optional[int] = None
    memory_swap: t.Optional[int] = None
    pids_limit: t.Optional[int] = None
    l3_cache_schema: t.Optional[str] = None
    mem_bw_schema: t.Optional[str] = None

    def _flag_values(self) -> t.List[t.Tuple[str, object]]:
        return [(flag, getattr(self, field)) for field, flag in _UPDATE_FLAGS if getattr(self, field) is not None]

    def __post_init__(self) -> None:
        if self.resources is not None and self._flag_values():
            raise ValueError("runc update ignores single flags when resources are given; use one or the other")
        if self.resources is None and not self._flag_values():
            raise ValueError("runc update needs resources or at least one resource flag")

    def args(self) -> t.List[str]:
        if self.resources is not None:
            return ["--resources", "-"]
        argv: t.List[str] = []
        for flag, value in self._flag_values():
            argv.extend([flag, str(value)])
        return argv
