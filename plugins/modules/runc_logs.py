#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runc_logs
short_description: Read a runc container's output, or wait until it prints a line
version_added: 0.1.0
description:
  - Returns the last lines a container wrote to its stdout and stderr, optionally only those matching O(grep) or
    written since O(since), and can wait until a line matching O(wait_for) appears (readiness).
  - The output of a container supervised by systemd (M(ocitools.runc.runc_container) C(supervisor=systemd), whose
    unit C(/etc/systemd/system/ocitools-runc-ID.service) exists) is read from the journal with
    C(journalctl _SYSTEMD_UNIT=ocitools-runc-ID.service --output json), that is what the unit's runc relayed from
    the container (and runc's own messages), without systemd's messages about the unit.
  - The output of any other container is read from the file O(log_path) (runc_container's O(log_path), which runc
    appends to; runc keeps no record of it, so give the same path). Without O(log_path), a
    running container's stdout is read when it is a regular file (found through C(/proc/PID/fd/1)); a container
    whose output goes to C(/dev/null), runc_container's default, has no output to read, and the task says so.
  - The container's env values are masked as C(********) in every line returned, in RV(matched) and in failure
    messages. The values are those of C(process.env) in the container's C(config.json) (its bundle from
    C(runc state), O(bundle), or the ExecStart of its unit once the container is gone) that are at least 4
    characters long, except those of E(PATH), E(HOME), E(TERM), E(HOSTNAME), E(LANG), E(LANGUAGE), E(LC_*),
    E(TZ), E(SHELL), E(USER), E(LOGNAME), E(PWD) and E(container), which hold no secret. Shorter values are not
    masked (masking every C(1) or C(on) would blank out ordinary text). When the env cannot be known (the
    container is gone and O(bundle) is not given) the task fails rather than return unmasked lines.
  - Never changes anything. Without options other than O(id) it is useful ad hoc,
    C(ansible web -m ocitools.runc.runc_logs -a id=api), and then prints the last 20 lines.
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - ocitools.runc.runc
attributes:
  check_mode:
    support: full
    description:
      - The module only reads, so it reads in check mode too.
      - In check mode O(wait_for) looks once and does not wait (the tasks before it did not run), and a container
        or log file that does not exist yet skips the task instead of failing it.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to diff.
options:
  id:
    description:
      - Id of the container whose output to read.
    type: str
    required: true
  lines:
    description:
      - How many of the last lines to return (of those O(grep) and O(since) select). V(0) returns all of them.
    type: int
    default: 20
  since:
    description:
      - Only lines written at or after this time, in any form C(journalctl --since) accepts, such as
        V(2024-05-01 10:00:00), V(today), V(-10min), V(1 hour ago) or V(@1714557600) (seconds since the epoch).
      - Only for the journal. The lines of a log file carry no time (runc writes them as the container prints them),
        so O(since) with a file fails the task, saying so.
    type: str
  grep:
    description:
      - Only lines matching this regular expression (Python C(re) syntax, matched anywhere in the line).
      - Matched against the line as the container wrote it; the line is returned masked.
    type: str
  wait_for:
    description:
      - Wait until a line matching this regular expression (Python C(re) syntax) is there, at most O(timeout) seconds.
      - The lines already written count (those since O(since) in the journal; the whole file, earlier runs of the
        container included, for a log file), so a container that became ready before the task is ready at once.
        Give a pattern only the current run prints, or O(since), when an earlier run's line must not count.
      - The task returns the matching line in RV(matched). When none comes in time it fails with a message saying
        what it waited for, where, how long, and the last lines it saw.
      - Matched against the line as the container wrote it; RV(matched) is masked.
    type: str
  timeout:
    description:
      - Seconds O(wait_for) waits, above 0 and at most 3600. Defaults to 60. Only with O(wait_for).
    type: float
  source:
    description:
      - Where to read. V(auto) reads the journal when the container's unit file exists, else the file.
      - V(journal) reads the journal (also for a unit that has been removed, whose entries stay in the journal).
      - V(file) reads O(log_path) (or the running container's stdout file) even when the container is supervised.
    type: str
    choices: [auto, journal, file]
    default: auto
  log_path:
    description:
      - The file the container's output is written to (runc_container's O(ocitools.runc.runc_container#module:log_path)).
      - Not read for a supervised container unless O(source=file) (the task warns).
    type: path
  bundle:
    description:
      - The container's bundle, whose C(config.json) holds the env values to mask.
      - Defaults to the bundle C(runc state) reports, or, for a supervised container that is gone, the bundle its
        unit runs. Needed only to read the output of a container that no longer exists.
    type: path
notes:
  - Output is decoded as UTF-8; bytes that are not valid UTF-8 are replaced, never an error (the journal's
    byte-array messages included).
  - A log file is read in blocks, backwards for the last lines, so a large file costs little; with O(grep) or
    O(wait_for) it is read through once.
  - No option holds a secret, so none is C(no_log); the values masked come from the container's config.
seealso:
  - module: ocitools.runc.runc_container
  - module: ocitools.runc.runc_info
"""

EXAMPLES = r"""
- name: The last 20 lines of the api container
  ocitools.runc.runc_logs:
    id: api

- name: Wait until the api listens (readiness), at most 30 seconds
  ocitools.runc.runc_logs:
    id: api
    wait_for: "listening on port [0-9]+"
    timeout: 30

- name: Errors of the last hour of a supervised container (from the journal)
  ocitools.runc.runc_logs:
    id: api
    since: "1 hour ago"
    grep: "(?i)error|fatal"
    lines: 0
  register: api_errors

- name: An unsupervised container's output, from the file runc_container wrote it to
  ocitools.runc.runc_logs:
    id: web
    log_path: /var/log/web.log
    lines: 100
"""

RETURN = r"""
lines:
  description:
    - The last O(lines) of the lines read that O(grep) selects, oldest first, with env values masked.
    - With O(wait_for), the lines read until the matching one came (and any read with it).
  returned: success, and beside the message when O(wait_for) timed out
  type: list
  elements: str
  sample: ["starting", "listening on port 8080"]
source:
  description: Where the lines were read, V(journal) or V(file).
  returned: when something was read
  type: str
  sample: journal
unit:
  description: The unit whose journal was read.
  returned: when RV(source=journal)
  type: str
  sample: ocitools-runc-api.service
log_path:
  description: The file that was read.
  returned: when RV(source=file)
  type: str
  sample: /var/log/api.log
matched:
  description: The line that matched O(wait_for), masked; V(null) when none did (check mode only).
  returned: with O(wait_for)
  type: str
  sample: listening on port 8080
waited:
  description: Seconds the task waited for RV(matched) (V(0) when it was there already).
  returned: with O(wait_for)
  type: float
  sample: 1.75
masked:
  description: Names of the env variables whose values were masked in the lines returned (names are no secret).
  returned: when something was read
  type: list
  elements: str
  sample: [DB_PASSWORD]
msg:
  description: Why the task was skipped (check mode) or failed.
  returned: when skipped or failed
  type: str
  sample: "wait_for: no line matching 'ready' appeared in log_path /var/log/api.log within 5.0 seconds (timeout); ..."
"""

from ansible_collections.ocitools.runc.plugins.module_utils._common.code_cache import cache_compiled_code

cache_compiled_code()  # first: the imports below compile once per host, not once per task
from ansible_collections.ocitools.runc.plugins.module_utils._common.module_entry import run_task
from ansible_collections.ocitools.runc.plugins.module_utils._logs.manager import manage_logs


def main() -> None:
    run_task(dict(
        id=dict(type="str", required=True),
        lines=dict(type="int", default=20),
        since=dict(type="str"),
        grep=dict(type="str"),
        wait_for=dict(type="str"),
        timeout=dict(type="float"),
        source=dict(type="str", choices=["auto", "journal", "file"], default="auto"),
        log_path=dict(type="path"),
        bundle=dict(type="path"),
    ), manage_logs)


if __name__ == "__main__":
    main()
