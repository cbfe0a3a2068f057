# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drives the ``ocitools.runc.runc`` connection plugin directly, in its own process (Ansible's collection
loader then owns that process's imports, not pytest's), to test file transfer where no module can run: a
container without Python. Prints one JSON object: the results and the seconds each step took.

    python drive_connection.py VARS_JSON STEP [STEP...]

VARS_JSON: the host variables of the container (as an inventory would give them). Steps:
``exec:COMMAND``, ``put:LOCAL:REMOTE``, ``fetch:REMOTE:LOCAL``. The first failing step ends the run with
``error`` (its exception type and message) in the output.
"""

from __future__ import annotations

import json
import os
import sys
import time
import typing as t


def main(argv: t.Sequence[str]) -> int:
    from ansible.playbook.play_context import PlayContext
    from ansible.plugins.loader import connection_loader, init_plugin_loader

    init_plugin_loader(os.environ["ANSIBLE_COLLECTIONS_PATH"].split(":"))
    variables = json.loads(argv[0])
    connection = connection_loader.get("ocitools.runc.runc", PlayContext())
    connection.set_options(var_options=variables)
    steps: t.List[t.Dict[str, t.Any]] = []
    output: t.Dict[str, t.Any] = {"steps": steps}
    try:
        for step in argv[1:]:
            kind, _sep, rest = step.partition(":")
            started = time.monotonic()
            record: t.Dict[str, t.Any] = {"step": kind}
            if kind == "exec":
                rc, out, err = connection.exec_command(rest)
                record.update(rc=rc, stdout=out.decode("utf-8", "replace"), stderr=err.decode("utf-8", "replace"))
            elif kind == "put":
                local, remote = rest.split(":", 1)
                connection.put_file(local, remote)
            elif kind == "fetch":
                remote, local = rest.split(":", 1)
                connection.fetch_file(remote, local)
            else:
                raise ValueError("unknown step %r" % step)
            record["seconds"] = time.monotonic() - started
            steps.append(record)
    except Exception as exc:  # pylint: disable=broad-except  # reported to the test, which asserts on it
        output["error"] = {"type": type(exc).__name__, "message": str(exc)}
    finally:
        connection.close()
    print(json.dumps(output))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
