# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The systemd unit of a supervised container, rendered byte-stable from a dataclass.

Pure: the same UnitSpec always gives the same bytes (fixed key order, no timestamps, no
host-dependent content), so the module rewrites the unit, and reloads systemd, only when a
declared value changed. The unit holds no secret (the container's env stays in config.json)
and no hardening: that is the container spec's business.

``exec_start`` is the whole runc command line the unit runs in the foreground: ``runc run``
normally; a restore (``runc restore`` of a checkpoint, also in the foreground) fits the same field.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._systemd.policy import ServicePolicy, UnitValueError

_SAFE_WORD = re.compile(r"^[A-Za-z0-9_@+=:,./-]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclasses.dataclass(frozen=True)
class UnitSpec:
    """Everything the unit says."""

    container_id: str
    exec_start: t.Sequence[str]  # runc ... run --bundle B ID (foreground), or a foreground restore
    exec_stop_post: t.Sequence[str]  # runc ... delete --force ID: cleans up after a crash of runc itself
    policy: ServicePolicy = ServicePolicy()
    success_exit_status: t.Sequence[int] = ()  # runc's exit status when the container dies of the kill signal


def quote_word(word: str) -> str:
    """One argument of an Exec line, as systemd splits and expands it back to ``word``."""
    if _CONTROL.search(word):
        raise UnitValueError("%r holds a control character, which a unit file cannot carry" % word)
    escaped = word.replace("%", "%%").replace("$", "$$")
    if _SAFE_WORD.match(word):
        return escaped
    return '"%s"' % escaped.replace("\\", "\\\\").replace('"', '\\"')


def command_line(argv: t.Sequence[str]) -> str:
    return " ".join(quote_word(word) for word in argv)


def _seconds(value: float) -> str:
    """A duration without float noise: 10 -> '10', 0.5 -> '0.5'."""
    text = ("%.3f" % value).rstrip("0").rstrip(".")
    return text or "0"


def _sections(spec: UnitSpec) -> t.List[t.Tuple[str, t.List[t.Tuple[str, str]]]]:
    policy = spec.policy
    service = [
        ("Type", "simple"),
        ("ExecStart", command_line(spec.exec_start)),
        ("ExecStopPost", "-" + command_line(spec.exec_stop_post)),
        ("KillMode", "mixed"),
        ("KillSignal", policy.kill_signal),
        ("TimeoutStopSec", _seconds(policy.stop_timeout)),
        ("Restart", policy.restart),
        ("RestartSec", _seconds(policy.restart_delay)),
    ]
    if spec.success_exit_status:
        service.append(("SuccessExitStatus", " ".join(str(code) for code in sorted(set(spec.success_exit_status)))))
    return [
        ("Unit", [
            ("Description", "runc container %s (ocitools.runc)" % spec.container_id),
            # an interval of 0 turns systemd's start-rate limit off: restart_limit 0 means no limit
            ("StartLimitIntervalSec", _seconds(policy.restart_window if policy.restart_limit else 0)),
            ("StartLimitBurst", str(policy.restart_limit)),
        ]),
        ("Service", service),
        ("Install", [("WantedBy", "multi-user.target")]),
    ]


HEADER = "# Written by ocitools.runc.runc_container: changes by hand are overwritten on the next run.\n"


def render(spec: UnitSpec) -> str:
    """The unit file's text (UnitValueError for a value a unit cannot hold)."""
    blocks = []
    for section, entries in _sections(spec):
        blocks.append("[%s]\n%s" % (section, "".join("%s=%s\n" % entry for entry in entries)))
    return HEADER + "\n".join(blocks)
