# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the runc connection makes of a command's result on the container's host (a table), and the errors it
raises, which name the container and the host."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleConnectionFailure, AnsibleError

from ansible_collections.ocitools.runc.plugins.plugin_utils.container_target import ContainerTarget, classify

RUNC_NOT_FOUND = 'time="2026-11-29T13:32:44Z" level=error msg="container does not exist"\n'
RUNC_PAUSED = 'time="2026-11-29T13:32:44Z" level=error msg="cannot exec in a paused container"\n'


@pytest.mark.parametrize("what, rc, stderr, hop_failed, expected", [
    pytest.param("state", 0, "", False, None, id="state-ok"),
    pytest.param("exec", 0, "", False, None, id="exec-ok"),
    pytest.param("exec", 1, "grep: no match\n", False, None, id="exec-own-status"),
    pytest.param("exec", 127, "sh: nope: not found\n", False, None, id="exec-command-missing-is-the-commands"),
    pytest.param("exec", 1, RUNC_PAUSED, False, ("runc_failed", "cannot exec in a paused container"), id="exec-runc"),
    pytest.param("state", 127, "bash: line 1: /x/runc: No such file or directory\n", False,
                 ("runc_missing", "bash: line 1: /x/runc: No such file or directory"), id="runc-missing"),
    pytest.param("state", 1, RUNC_NOT_FOUND, False, ("not_found", "container does not exist"), id="not-found"),
    pytest.param("state", 1, "open /r: permission denied\n", False, ("runc_failed", "open /r: permission denied"),
                 id="state-other"),
    pytest.param("put /x", 127, "sh: 1: /usr/bin/python3: not found\n", False,
                 ("python_missing", "sh: 1: /usr/bin/python3: not found"), id="python-missing"),
    pytest.param("fetch /x", 1, "rootfs_io: /x does not exist in the container\n", False,
                 ("helper_failed", "rootfs_io: /x does not exist in the container"), id="helper"),
    pytest.param("exec", 255, "Failed to connect to the host via ssh: Connection refused", True,
                 ("unreachable", "Failed to connect to the host via ssh: Connection refused"), id="unreachable"),
    pytest.param("exec", 255, "Failed to connect to the host via ssh: " + RUNC_NOT_FOUND, True,
                 ("not_found", "container does not exist"), id="runc-255-is-not-ssh"),
])
def test_classify(what, rc, stderr, hop_failed, expected) -> None:
    assert classify(what, rc, stderr, hop_failed) == expected


def test_errors_name_container_and_host() -> None:
    target = ContainerTarget("web", "host 192.0.2.1 (ssh)", "/run/r")
    with pytest.raises(AnsibleConnectionFailure, match=r"container web not found on host 192\.0\.2\.1 \(ssh\) "
                                                       r"\(runc root /run/r\)"):
        target.check_ran((1, b"", RUNC_NOT_FOUND.encode()), "runc", "runc", "state")
    with pytest.raises(AnsibleError, match=r"container web: /usr/bin/python3 not found on host 192\.0\.2\.1"):
        target.check_ran((127, b"", b"sh: not found"), "runc", "/usr/bin/python3", "put /x")
    error = target.hop_failure("Connection timed out", "runc", "state")
    assert isinstance(error, AnsibleConnectionFailure)
    assert str(error) == "container web: cannot reach host 192.0.2.1 (ssh): Connection timed out"


@pytest.mark.parametrize("status", ["stopped", "paused", "created"])
def test_only_a_running_container_takes_tasks(status: str) -> None:
    target = ContainerTarget("web", "host h (ssh)", None)
    state = b'{"ociVersion": "1.0.2", "id": "web", "pid": 0, "status": "%s", "bundle": "/b", "rootfs": "/b/rootfs"}'
    with pytest.raises(AnsibleConnectionFailure, match="container web on host h \\(ssh\\) is %s, not running" % status):
        target.check_state((0, state % status.encode(), b""))
    assert target.check_state((0, state % b"running", b"")).rootfs == "/b/rootfs"
