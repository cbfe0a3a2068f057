# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible glue shared by every module: options, the client from them, errors to fail_json.

This is the one file under module_utils that imports ``ansible.module_utils``.
"""

from __future__ import annotations

import os
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError, RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import GlobalOptions

# Documented once, in plugins/doc_fragments/runc.py.
COMMON_ARGUMENT_SPEC: t.Dict[str, t.Dict[str, t.Any]] = dict(
    executable=dict(type="str", default="runc"),
    root=dict(type="path"),
    debug=dict(type="bool", default=False),
    log=dict(type="path"),
    log_format=dict(type="str", choices=["text", "json"]),
    criu=dict(type="path"),
    systemd_cgroup=dict(type="bool", default=False),
    rootless=dict(type="str", choices=["true", "false", "auto"]),
    command_timeout=dict(type="float", default=60.0),
)


def runc_argument_spec(**module_options: t.Dict[str, t.Any]) -> t.Dict[str, t.Dict[str, t.Any]]:
    """The module's own options plus the shared ones."""
    spec = dict(COMMON_ARGUMENT_SPEC)
    spec.update(module_options)
    return spec


def _resolve_executable(module: AnsibleModule) -> str:
    executable = module.params["executable"]
    if os.sep in executable:
        if os.path.isfile(executable) and os.access(executable, os.X_OK):
            return executable
        module.fail_json(msg="executable: %s is not an executable file; install runc or point executable at it" % executable)
    path = module.get_bin_path(executable)
    if path is None:
        module.fail_json(
            msg="executable: %r was not found on PATH (%s); install runc (e.g. the runc package) or set executable"
            % (executable, os.environ.get("PATH", ""))
        )
    return path


def _resolve_criu(module: AnsibleModule) -> t.Optional[str]:
    criu = module.params["criu"]
    if criu and not (os.path.isfile(criu) and os.access(criu, os.X_OK)):
        module.fail_json(msg="criu: %s is not an executable file; install CRIU or point criu at a working binary" % criu)
    return criu


def global_options(module: AnsibleModule) -> GlobalOptions:
    params = module.params
    return GlobalOptions(
        command=_resolve_executable(module),
        root=params["root"],
        debug=params["debug"],
        log=params["log"],
        log_format=params["log_format"],
        criu=_resolve_criu(module),
        systemd_cgroup=params["systemd_cgroup"],
        rootless=params["rootless"],
    )


def runc_from_module(module: AnsibleModule) -> Runc:
    """The client for this task's options; fails the task cleanly when runc is missing."""
    timeout = module.params["command_timeout"]
    if timeout <= 0:
        module.fail_json(msg="command_timeout must be a positive number of seconds, got %s" % timeout)
    return Runc(global_options(module), timeout=timeout)


def fail_with_error(module: AnsibleModule, error: Exception, **result: t.Any) -> t.NoReturn:
    """fail_json for an error from the client, keeping everything runc said."""
    if isinstance(error, RuncError):
        result.update(error.as_dict())
    elif isinstance(error, InvalidContainerIdError):
        result.setdefault("msg", "id: %s" % error)
    result.setdefault("msg", str(error))
    module.fail_json(**result)
    raise AssertionError("fail_json returned")  # pragma: no cover - fail_json exits


def exit_with_result(module: AnsibleModule, call: t.Callable[[], t.Dict[str, t.Any]],
                     task_error: t.Type[Exception]) -> t.NoReturn:
    """exit_json with ``call()``'s result, its ``warnings`` as module warnings.

    ``task_error`` (an exception with ``msg`` and ``details``) and errors from the client fail the task.
    """
    try:
        result = call()
    except RuncError as exc:
        fail_with_error(module, exc)
    except task_error as exc:
        module.fail_json(msg=getattr(exc, "msg"), **getattr(exc, "details"))
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)
    raise AssertionError("exit_json returned")  # pragma: no cover - exit_json exits
