# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options every module of this collection takes, in the same way.
    DOCUMENTATION = r"""
options:
  executable:
    description:
      - The runc binary, as a name looked up on E(PATH) or as an absolute path.
      - The task fails, naming this option, when it cannot be found.
    type: str
    default: runc
  root:
    description:
      - Root directory of runc's container state (runc C(--root)).
      - Defaults to runc's own default, C(/run/runc) for root.
      - It must be a directory, or missing under a directory (it is then created, mode 0700), and not on a pseudo
        file system such as C(/proc) or C(/sys).
    type: path
  debug:
    description:
      - Enable runc's debug logging (runc C(--debug)).
    type: bool
    default: false
  log:
    description:
      - File runc writes its log to (runc C(--log)). runc's error messages are read back from it.
      - Created with mode C(0600) before runc opens it. A symbolic link is refused.
    type: path
  log_format:
    description:
      - Format of runc's log (runc C(--log-format)).
    type: str
    choices: [text, json]
  criu:
    description:
      - Path to the CRIU binary runc uses for checkpoint and restore (runc C(--criu)).
      - Defaults to C(criu) on runc's E(PATH).
    type: path
  systemd_cgroup:
    description:
      - Use systemd to manage the container's cgroups (runc C(--systemd-cgroup)).
    type: bool
    default: false
  rootless:
    description:
      - Whether runc ignores cgroup permission errors (runc C(--rootless)).
      - Defaults to runc's own default, V(auto).
    type: str
    choices: ['true', 'false', 'auto']
  command_timeout:
    description:
      - Seconds each runc invocation may take before it is killed and the task fails (above 0, at most 86400).
    type: float
    default: 60
notes:
  - On the managed host the module keeps this collection's compiled Python code in C(~/.cache/ocitools-runc/code) (or
    under E(XDG_CACHE_HOME)) of the user it runs as, so that a task does not compile it again; that is most of what a
    task that changes nothing costs. The directory is private (0700) and is not used when anybody else may write to
    it; it may be removed at any time. Set E(OCITOOLS_RUNC_NO_CODE_CACHE=1) in the task's C(environment) to do without.
"""
