# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unit of a supervised container: byte-stable rendering, quoting of Exec lines, refused values."""

from __future__ import annotations

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._container.supervision import unit_spec
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import RunOptions
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.names import unit_name, unit_path
from ansible_collections.ocitools.runc.plugins.module_utils._systemd.unit import (
    UnitSpec,
    UnitValueError,
    command_line,
    quote_word,
    ServicePolicy,
    render,
)

EXPECTED = """\
# Written by ocitools.runc.runc_container: changes by hand are overwritten on the next run.
[Unit]
Description=runc container web (ocitools.runc)
StartLimitIntervalSec=60
StartLimitBurst=5

[Service]
Type=simple
ExecStart=/usr/sbin/runc --root /run/runc run --bundle /srv/bundles/web web
ExecStopPost=-/usr/sbin/runc --root /run/runc delete --force web
KillMode=mixed
KillSignal=SIGINT
TimeoutStopSec=30
Restart=on-failure
RestartSec=0.5
SuccessExitStatus=130

[Install]
WantedBy=multi-user.target
"""


def _web(**params: object) -> UnitSpec:
    runc = Runc(GlobalOptions(command="/usr/sbin/runc"))
    policy = ServicePolicy(**dict(dict(kill_signal="SIGINT", stop_timeout=30, restart="on-failure",
                                       restart_delay=0.5), **params))  # type: ignore[arg-type]
    return unit_spec(runc, "/run/runc", "web", RunOptions(bundle="/srv/bundles/web"), policy)


def test_names() -> None:
    assert unit_name("web") == "ocitools-runc-web.service"
    assert unit_path("web") == "/etc/systemd/system/ocitools-runc-web.service"


def test_rendering_is_byte_stable() -> None:
    assert render(_web()) == EXPECTED
    assert render(_web()).encode() == render(_web()).encode()  # nothing varies between two runs


def test_the_run_is_in_the_foreground_with_an_explicit_root() -> None:
    runc = Runc(GlobalOptions(command="/usr/bin/runc", root=None, systemd_cgroup=True))
    spec = unit_spec(runc, "/run/runc", "db", RunOptions(bundle="/b", detach=True, no_pivot=True), ServicePolicy())
    assert spec.exec_start == ["/usr/bin/runc", "--root", "/run/runc", "--systemd-cgroup", "run", "--bundle", "/b",
                               "--no-pivot", "db"]
    assert "--detach" not in spec.exec_start
    assert (spec.policy.kill_signal, spec.success_exit_status, spec.policy.restart) == ("SIGTERM", [143], "always")


def test_an_alternative_exec_start_for_a_restore() -> None:
    runc = Runc(GlobalOptions(command="/usr/sbin/runc"))
    restore = ["/usr/sbin/runc", "--root", "/run/runc", "restore", "--image-path", "/var/lib/ck/web", "--bundle", "/b", "web"]
    spec = unit_spec(runc, "/run/runc", "web", RunOptions(bundle="/b"), ServicePolicy(), exec_start=restore)
    assert "ExecStart=/usr/sbin/runc --root /run/runc restore --image-path /var/lib/ck/web --bundle /b web\n" in render(spec)


def test_a_numeric_stop_signal_is_named() -> None:
    assert "KillSignal=SIGKILL\n" in render(_web(kill_signal="9"))
    assert "SuccessExitStatus=137\n" in render(_web(kill_signal="9"))


@pytest.mark.parametrize("word,quoted", [
    ("/srv/web", "/srv/web"),
    ("/srv/my bundle", '"/srv/my bundle"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("back\\slash", '"back\\\\slash"'),
    ("100%", '"100%%"'),
    ("$HOME", '"$$HOME"'),
    ("", '""'),
])
def test_quoting(word: str, quoted: str) -> None:
    assert quote_word(word) == quoted


def test_command_line_joins_quoted_words() -> None:
    assert command_line(["/bin/runc", "run", "--bundle", "/a b", "x"]) == '/bin/runc run --bundle "/a b" x'


@pytest.mark.parametrize("word", ["a\nb", "tab\there", "nul\x00"])
def test_control_characters_are_refused(word: str) -> None:
    with pytest.raises(UnitValueError, match="control character"):
        quote_word(word)


def test_an_unknown_restart_policy_is_refused() -> None:
    with pytest.raises(UnitValueError, match="restart must be one of no, on-failure, always"):
        ServicePolicy(restart="sometimes")


def test_no_success_exit_status_line_without_one() -> None:
    assert "SuccessExitStatus" not in render(UnitSpec("web", ["/r", "run", "web"], ["/r", "delete", "web"]))


def test_restart_limit_0_turns_the_start_rate_limit_off() -> None:
    assert "StartLimitIntervalSec=0\nStartLimitBurst=0\n" in render(_web(restart_limit=0))
