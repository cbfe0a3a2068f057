# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_container's options as an Ansible argument spec: one definition for runc_container and runc_stack's containers."""

from __future__ import annotations

import typing as t

STATES = ["absent", "created", "running", "started", "paused", "stopped"]

CONTAINER_ARGUMENTS: t.Dict[str, t.Dict[str, t.Any]] = dict(
    id=dict(type="str", required=True),
    bundle=dict(type="path"),
    state=dict(type="str", default="running", choices=STATES),
    restart=dict(type="bool", default=False),
    recreate=dict(type="bool", default=False),
    stop_signal=dict(type="str", default="SIGTERM"),
    stop_timeout=dict(type="int", default=10),
    wait_started=dict(type="float", default=0),
    log_path=dict(type="path"),
    pid_file=dict(type="path"),
    no_pivot=dict(type="bool", default=False),
    no_new_keyring=dict(type="bool", default=False),
    preserve_fds=dict(type="int", default=0),
    supervisor=dict(type="str", default="none", choices=["none", "systemd"]),
    restart_policy=dict(type="str", default="always", choices=["no", "on-failure", "always"]),
    restart_delay=dict(type="float", default=1.0),
    restart_limit=dict(type="int", default=5),
    restart_window=dict(type="int", default=60),
    enabled=dict(type="bool"),
)
