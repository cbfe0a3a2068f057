# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What went wrong when the ``runc`` connection plugin ran something on a container's host, said with the
container and the host named. ``classify`` is the decision, as data; ``ContainerTarget`` raises."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncParseError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import (
    ContainerState,
    parse_log_errors,
    parse_state,
)
from ansible_collections.ocitools.runc.plugins.plugin_utils.runc_host import NOT_FOUND_RC

NOT_FOUND_MARKER = "container does not exist"
EXEC_STATUSES = ("running",)

# kind -> (message, whether the container counts as unreachable rather than the task as failed)
MESSAGES: t.Dict[str, t.Tuple[str, bool]] = {
    "unreachable": ("container {id}: cannot reach {host}: {detail}", True),
    "runc_missing": ("container {id}: runc executable {runc!r} not found on {host}: install runc there or set "
                     "ansible_runc_executable ({detail})", True),
    "not_found": ("container {id} not found on {host} (runc root {root}): check the container id and "
                  "ansible_runc_root ({detail})", True),
    "not_running": ("container {id} on {host} is {detail}, not running: start it first", True),
    "runc_failed": ("container {id} on {host}: runc {what} failed: {detail}", True),
    "python_missing": ("container {id}: {detail} on {host}: the file helper needs Python 3 on the container's host; "
                       "set ansible_runc_host_python", False),
    "helper_failed": ("container {id} on {host}: {what} failed: {detail}", False),
}


def classify(what: str, rc: int, stderr: str, hop_failed: bool = False) -> t.Optional[t.Tuple[str, str]]:
    """(kind, detail) of a failure, or None when the result is the command's own.

    ``what`` is ``state``, ``exec``, or ``put PATH``/``fetch PATH`` (the file helper). An exec's non-zero
    status is the command's own unless runc logged an error: runc's own messages are logrus lines.
    """
    runc_messages = "; ".join(parse_log_errors(stderr))
    if hop_failed:
        if runc_messages:  # runc exits 255, which the ssh plugin takes for its own failure
            return ("not_found" if NOT_FOUND_MARKER in runc_messages else "runc_failed"), runc_messages
        return "unreachable", stderr.strip()
    if rc == 0:
        return None
    first_line = (stderr.strip().splitlines() or [""])[-1]
    # runc itself, and the helper's Python, are the first word of these commands: 127 is the shell's "no such command"
    if rc == NOT_FOUND_RC and what == "state":
        return "runc_missing", first_line
    if rc == NOT_FOUND_RC and what.startswith(("put ", "fetch ")):
        return "python_missing", first_line
    if what == "exec":
        return ("runc_failed", runc_messages) if runc_messages else None
    if what == "state":
        if NOT_FOUND_MARKER in runc_messages or NOT_FOUND_MARKER in stderr:
            return "not_found", runc_messages or first_line
        return "runc_failed", runc_messages or first_line or "exit status %d" % rc
    return "helper_failed", first_line or "exit status %d" % rc


class ContainerTarget:
    """A container on a host, for error messages and the state check."""

    def __init__(self, container_id: str, host: str, root: t.Optional[str]) -> None:
        self.container_id = container_id
        self.host = host
        self.root = root or "default"

    def error(self, kind: str, detail: str, what: str = "", runc: str = "runc") -> AnsibleError:
        template, unreachable = MESSAGES[kind]
        message = template.format(id=self.container_id, host=self.host, root=self.root, detail=detail, what=what,
                                  runc=runc)
        return AnsibleConnectionFailure(message) if unreachable else AnsibleError(message)

    def hop_failure(self, message: str, runc: str, what: str) -> AnsibleError:
        kind, detail = classify(what, 255, message, hop_failed=True) or ("unreachable", message)
        return self.error(kind, detail, what, runc)

    def check_ran(self, result: t.Tuple[int, bytes, bytes], runc: str, program: str, what: str) -> None:
        rc, _out, err = result
        found = classify(what, rc, to_text(err, errors="surrogate_or_replace"))
        if found is not None:
            kind, detail = found
            raise self.error(kind, detail if kind != "python_missing" else "%s not found" % program, what, runc)

    def check_state(self, result: t.Tuple[int, bytes, bytes]) -> ContainerState:
        """The container's state from ``runc state``'s output; only a running container takes tasks."""
        try:
            state = parse_state(to_text(result[1], errors="surrogate_or_replace"))
        except RuncParseError as exc:
            raise self.error("runc_failed", str(exc), "state")
        if state.status not in EXEC_STATUSES:
            raise self.error("not_running", state.status)
        return state
