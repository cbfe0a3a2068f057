# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one entry of every module: ``run_task(argument_spec, task)``.

It builds the AnsibleModule (the module's options plus the shared runc options), runs the task,
forwards its warnings, keeps its diff only under ``--diff``, and turns every failure into one
clean ``fail_json``: a ``TaskError`` (message and details), a ``RuncError`` (everything runc
said), an invalid container id and an ``OSError`` (the path and what to do). Nothing reaches
Ansible as a traceback.

A task is ``task(params, make_runc, check_mode, diff) -> result``. ``make_runc()`` finds runc
only when called, so a task validates its options before anything looks for runc. An option
holding a NUL byte (no path, argument or environment value can) fails before the task runs,
named by its option path only (it may be a secret).

This is the one file under module_utils that imports ``ansible.module_utils``.
"""

from __future__ import annotations

import os
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ocitools.runc.plugins.module_utils._common.errors import TaskError
from ansible_collections.ocitools.runc.plugins.module_utils._common.path_checks import directory_problem, nul_problem
from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import InvalidContainerIdError, RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions

ArgumentSpec = t.Dict[str, t.Dict[str, t.Any]]
MakeRunc = t.Callable[[], Runc]
Task = t.Callable[[t.Mapping[str, t.Any], MakeRunc, bool, bool], t.Dict[str, t.Any]]

MAX_COMMAND_TIMEOUT = 24 * 3600
# Documented once, in plugins/doc_fragments/runc.py.
COMMON_ARGUMENT_SPEC: ArgumentSpec = dict(
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


def runc_argument_spec(module_options: ArgumentSpec) -> ArgumentSpec:
    """The module's own options plus the shared ones."""
    spec = dict(COMMON_ARGUMENT_SPEC)
    spec.update(module_options)
    return spec


def _executable(params: t.Mapping[str, t.Any], find_on_path: t.Callable[[str], t.Optional[str]]) -> str:
    executable = params["executable"]
    if os.sep in executable:
        if os.path.isfile(executable) and os.access(executable, os.X_OK):
            return executable
        raise TaskError("executable: %s is not an executable file; install runc or point executable at it" % executable)
    path = find_on_path(executable)
    if path is None:
        raise TaskError(
            "executable: %r was not found on PATH (%s); install runc (e.g. the runc package) or set executable"
            % (executable, os.environ.get("PATH", ""))
        )
    return path


def _criu(params: t.Mapping[str, t.Any]) -> t.Optional[str]:
    criu = params["criu"]
    if criu and not (os.path.isfile(criu) and os.access(criu, os.X_OK)):
        raise TaskError("criu: %s is not an executable file; install CRIU or point criu at a working binary" % criu)
    return criu


def runc_client(params: t.Mapping[str, t.Any], find_on_path: t.Callable[[str], t.Optional[str]]) -> Runc:
    """The client for the shared options; TaskError names a bad one."""
    if params["root"]:
        problem = directory_problem("root", params["root"], "runc's state directory (default /run/runc)")
        if problem:
            raise TaskError(problem)
    timeout = params["command_timeout"]
    if not 0 < timeout <= MAX_COMMAND_TIMEOUT:
        raise TaskError("command_timeout must be a number of seconds above 0 and at most %d, got %s"
                        % (MAX_COMMAND_TIMEOUT, timeout))
    options = GlobalOptions(
        command=_executable(params, find_on_path),
        root=params["root"],
        debug=params["debug"],
        log=params["log"],
        log_format=params["log_format"],
        criu=_criu(params),
        systemd_cgroup=params["systemd_cgroup"],
        rootless=params["rootless"],
    )
    return Runc(options, timeout=timeout)


def _lazy_client(module: AnsibleModule) -> MakeRunc:
    """``make_runc()``: the client, built on the first call and kept."""
    made: t.List[Runc] = []

    def make() -> Runc:
        if not made:
            made.append(runc_client(module.params, module.get_bin_path))
        return made[0]

    return make


def describe_os_error(exc: OSError) -> str:
    """An OSError as the task reports it: the path, what went wrong and what to do."""
    where = exc.filename if exc.filename is not None else "a file"
    reason = exc.strerror or str(exc)
    return ("%s: %s; check that the path (from root, bundle, image_path, log_path or the like) exists and that "
            "the task's user may use it" % (where, reason))


def failure_result(exc: BaseException) -> t.Optional[t.Dict[str, t.Any]]:
    """The failed result for an exception the entry handles, or None for one it does not."""
    if isinstance(exc, TaskError):
        return exc.result()
    if isinstance(exc, RuncError):
        return dict(exc.as_dict(), msg=str(exc))
    if isinstance(exc, InvalidContainerIdError):
        return {"msg": "id: %s" % exc}
    if isinstance(exc, OSError):
        return {"msg": describe_os_error(exc), "path": exc.filename, "errno": exc.errno}
    return None


def _finish(module: AnsibleModule, result: t.Dict[str, t.Any], failed: bool) -> t.NoReturn:
    for warning in result.pop("warnings", None) or ():
        module.warn(warning)
    if not module._diff:
        result.pop("diff", None)
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)
    raise AssertionError("exit_json returned")  # pragma: no cover - exit_json exits


def run_task(argument_spec: ArgumentSpec, task: Task, **module_kwargs: t.Any) -> t.NoReturn:
    """Everything a module's main() does: options, the task, its result or its one clean failure."""
    module = AnsibleModule(argument_spec=runc_argument_spec(argument_spec), supports_check_mode=True, **module_kwargs)
    try:
        problem = nul_problem(module.params)  # before anything uses a path or an argument
        if problem:
            raise TaskError(problem)
        result = task(module.params, _lazy_client(module), module.check_mode, module._diff)
    except (TaskError, RuncError, InvalidContainerIdError, OSError) as exc:
        _finish(module, failure_result(exc) or {"msg": str(exc)}, failed=True)
    _finish(module, result, failed=False)
