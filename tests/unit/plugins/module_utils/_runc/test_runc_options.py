# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""argv builders: one table per options type, and proof that every flag runc 1.1.5's
help prints is produced by some options type (or by the client, for ``ps``)."""

from __future__ import annotations

import re
import typing as t

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._runc.client import Runc
from ansible_collections.ocitools.runc.plugins.module_utils._runc.criu_options import CheckpointOptions, RestoreOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.exec_options import ExecOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.options import (
    CreateOptions,
    DeleteOptions,
    EventsOptions,
    KillOptions,
    RunOptions,
    SpecOptions,
)
from ansible_collections.ocitools.runc.plugins.module_utils._runc.update_options import UpdateOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.signals import normalize_signal
from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import ContainerIO

IO = ContainerIO(stdout="/tmp/out.log", stderr="/tmp/err.log")
PROCESS = {"args": ["/bin/true"], "cwd": "/"}


def case(id_: str, options: t.Any, expected: t.List[str]) -> t.Any:
    return pytest.param(options, expected, id=id_)


# -- global -----------------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    case("defaults", GlobalOptions(), []),
    case("root", GlobalOptions(root="/run/r"), ["--root", "/run/r"]),
    case("debug", GlobalOptions(debug=True), ["--debug"]),
    case("log", GlobalOptions(log="/var/log/runc.log"), ["--log", "/var/log/runc.log"]),
    case("log-format-json", GlobalOptions(log_format="json"), ["--log-format", "json"]),
    case("log-format-text", GlobalOptions(log_format="text"), ["--log-format", "text"]),
    case("criu", GlobalOptions(criu="/usr/sbin/criu"), ["--criu", "/usr/sbin/criu"]),
    case("systemd-cgroup", GlobalOptions(systemd_cgroup=True), ["--systemd-cgroup"]),
    case("rootless-auto", GlobalOptions(rootless="auto"), ["--rootless", "auto"]),
    case("rootless-false", GlobalOptions(rootless="false"), ["--rootless", "false"]),
    case("command-is-not-a-flag", GlobalOptions(command="/usr/bin/runc"), []),
    case("everything", GlobalOptions(root="/r", debug=True, log="/l", log_format="json", criu="/c",
                                     systemd_cgroup=True, rootless="true"),
         ["--root", "/r", "--debug", "--log", "/l", "--log-format", "json", "--criu", "/c",
          "--systemd-cgroup", "--rootless", "true"]),
])
def test_global_args(options: GlobalOptions, expected: t.List[str]) -> None:
    assert options.args() == expected


@pytest.mark.parametrize("kwargs, word", [
    pytest.param({"log_format": "xml"}, "log_format", id="log-format"),
    pytest.param({"rootless": "yes"}, "rootless", id="rootless"),
])
def test_global_refuses_bad_choices(kwargs: t.Dict[str, str], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        GlobalOptions(**kwargs)


# -- create / run -------------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    case("bundle-only", CreateOptions(bundle="/b"), ["--bundle", "/b"]),
    case("pid-file", CreateOptions(bundle="/b", pid_file="/p"), ["--bundle", "/b", "--pid-file", "/p"]),
    case("console-socket", CreateOptions(bundle="/b", console_socket="/s"), ["--bundle", "/b", "--console-socket", "/s"]),
    case("no-pivot", CreateOptions(bundle="/b", no_pivot=True), ["--bundle", "/b", "--no-pivot"]),
    case("no-new-keyring", CreateOptions(bundle="/b", no_new_keyring=True), ["--bundle", "/b", "--no-new-keyring"]),
    case("preserve-fds", CreateOptions(bundle="/b", preserve_fds=2), ["--bundle", "/b", "--preserve-fds", "2"]),
    case("preserve-fds-zero-omitted", CreateOptions(bundle="/b", preserve_fds=0), ["--bundle", "/b"]),
    case("extra-args-last", CreateOptions(bundle="/b", no_pivot=True, extra_args=["--x"]),
         ["--bundle", "/b", "--no-pivot", "--x"]),
    case("io-is-not-a-flag", CreateOptions(bundle="/b", io=IO), ["--bundle", "/b"]),
])
def test_create_args(options: CreateOptions, expected: t.List[str]) -> None:
    assert options.args() == expected


@pytest.mark.parametrize("options, expected", [
    case("detached-by-default", RunOptions(bundle="/b"), ["--bundle", "/b", "--detach"]),
    case("foreground", RunOptions(bundle="/b", detach=False), ["--bundle", "/b"]),
    case("keep", RunOptions(bundle="/b", detach=False, keep=True), ["--bundle", "/b", "--keep"]),
    case("no-subreaper", RunOptions(bundle="/b", no_subreaper=True), ["--bundle", "/b", "--detach", "--no-subreaper"]),
    case("create-flags-too", RunOptions(bundle="/b", pid_file="/p", no_pivot=True, no_new_keyring=True,
                                        preserve_fds=1, console_socket="/s"),
         ["--bundle", "/b", "--console-socket", "/s", "--pid-file", "/p", "--no-pivot", "--no-new-keyring",
          "--preserve-fds", "1", "--detach"]),
])
def test_run_args(options: RunOptions, expected: t.List[str]) -> None:
    assert options.args() == expected


def test_run_refuses_keep_when_detached() -> None:
    with pytest.raises(ValueError, match="keep"):
        RunOptions(bundle="/b", detach=True, keep=True)


# -- delete / kill --------------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    case("plain", DeleteOptions(), []),
    case("force", DeleteOptions(force=True), ["--force"]),
])
def test_delete_args(options: DeleteOptions, expected: t.List[str]) -> None:
    assert options.args() == expected


@pytest.mark.parametrize("options, expected, signal", [
    pytest.param(KillOptions(), [], "SIGTERM", id="default-sigterm"),
    pytest.param(KillOptions(signal="KILL", all=True), ["--all"], "SIGKILL", id="all"),
    pytest.param(KillOptions(signal=9), [], "9", id="number"),
])
def test_kill_args(options: KillOptions, expected: t.List[str], signal: str) -> None:
    assert options.args() == expected
    assert options.signal_arg() == signal


@pytest.mark.parametrize("value, expected", [
    pytest.param("SIGTERM", "SIGTERM", id="full-name"),
    pytest.param("TERM", "SIGTERM", id="short-name"),
    pytest.param("term", "SIGTERM", id="lower-case"),
    pytest.param(" sigkill ", "SIGKILL", id="spaces-and-lower-prefix"),
    pytest.param(15, "15", id="int"),
    pytest.param("15", "15", id="numeric-string"),
    pytest.param("SIGHUP", "SIGHUP", id="hup"),
])
def test_normalize_signal(value: t.Union[str, int], expected: str) -> None:
    assert normalize_signal(value) == expected


@pytest.mark.parametrize("value, message", [
    pytest.param("SIGNOPE", "unknown signal", id="unknown-name"),
    pytest.param("", "unknown signal", id="empty"),
    pytest.param(0, "out of range", id="zero"),
    pytest.param("0", "out of range", id="zero-string"),
    pytest.param(4096, "out of range", id="too-large"),
    pytest.param(True, "name or a number", id="bool-true"),
    pytest.param(False, "name or a number", id="bool-false"),
    pytest.param(-9, "unknown signal", id="negative"),
])
def test_normalize_signal_refuses(value: t.Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalize_signal(value)


def test_kill_signal_checked_when_argv_is_built() -> None:
    with pytest.raises(ValueError, match="unknown signal"):
        KillOptions(signal="NOPE").signal_arg()


# -- exec -----------------------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    case("process-file", ExecOptions(process=PROCESS), ["--process", "/tmp/p.json"]),
    case("process-with-runc-flags",
         ExecOptions(process=PROCESS, console_socket="/s", pid_file="/p", preserve_fds=3, cgroups=["cpu:/a", "/b"],
                     ignore_paused=True, detach=True, io=IO, extra_args=["--x"]),
         ["--console-socket", "/s", "--process", "/tmp/p.json", "--detach", "--pid-file", "/p",
          "--preserve-fds", "3", "--cgroup", "cpu:/a", "--cgroup", "/b", "--ignore-paused", "--x"]),
])
def test_exec_args_with_process(options: ExecOptions, expected: t.List[str]) -> None:
    assert options.args("/tmp/p.json") == expected
    assert options.trailing_args() == []


@pytest.mark.parametrize("options, expected", [
    case("command-only", ExecOptions(command=["ps", "-ef"]), []),
    case("cwd", ExecOptions(command=["ls"], cwd="/tmp"), ["--cwd", "/tmp"]),
    case("env-repeated", ExecOptions(command=["env"], env=["A=1", "B=2"]), ["--env", "A=1", "--env", "B=2"]),
    case("tty", ExecOptions(command=["sh"], tty=True), ["--tty"]),
    case("user", ExecOptions(command=["id"], user="1000:1000"), ["--user", "1000:1000"]),
    case("additional-gids", ExecOptions(command=["id"], additional_gids=[10, 20]),
         ["--additional-gids", "10", "--additional-gids", "20"]),
    case("process-label", ExecOptions(command=["id"], process_label="system_u:r"), ["--process-label", "system_u:r"]),
    case("apparmor", ExecOptions(command=["id"], apparmor="prof"), ["--apparmor", "prof"]),
    case("no-new-privs", ExecOptions(command=["id"], no_new_privs=True), ["--no-new-privs"]),
    case("cap-repeated", ExecOptions(command=["id"], caps=["CAP_NET_ADMIN", "CAP_SYS_TIME"]),
         ["--cap", "CAP_NET_ADMIN", "--cap", "CAP_SYS_TIME"]),
    case("detach-with-io", ExecOptions(command=["sleep", "9"], detach=True, io=IO), ["--detach"]),
    case("cgroup", ExecOptions(command=["id"], cgroups=["/sub"]), ["--cgroup", "/sub"]),
    case("ignore-paused", ExecOptions(command=["id"], ignore_paused=True), ["--ignore-paused"]),
    case("preserve-fds", ExecOptions(command=["id"], preserve_fds=1), ["--preserve-fds", "1"]),
])
def test_exec_args_with_flags(options: ExecOptions, expected: t.List[str]) -> None:
    assert options.args() == expected
    assert options.trailing_args() == list(options.command)


def test_exec_command_follows_the_id_without_separator() -> None:
    """runc 1.1 would run a ``--`` as the command, so the command comes as is."""
    assert ExecOptions(command=["sh", "-c", "echo --x"]).trailing_args() == ["sh", "-c", "echo --x"]


@pytest.mark.parametrize("kwargs, names", [
    pytest.param({"command": ["id"]}, "command", id="command"),
    pytest.param({"cwd": "/"}, "cwd", id="cwd"),
    pytest.param({"env": ["A=1"]}, "env", id="env"),
    pytest.param({"tty": True}, "tty", id="tty"),
    pytest.param({"user": "0"}, "user", id="user"),
    pytest.param({"additional_gids": [1]}, "additional_gids", id="additional-gids"),
    pytest.param({"process_label": "l"}, "process_label", id="process-label"),
    pytest.param({"apparmor": "a"}, "apparmor", id="apparmor"),
    pytest.param({"no_new_privs": True}, "no_new_privs", id="no-new-privs"),
    pytest.param({"caps": ["CAP_KILL"]}, "caps", id="caps"),
    pytest.param({"cwd": "/", "env": ["A=1"]}, "cwd, env", id="several-named"),
])
def test_exec_refuses_process_mixed_with_process_flags(kwargs: t.Dict[str, t.Any], names: str) -> None:
    with pytest.raises(ValueError, match="ignores %s when a process spec" % re.escape(names)):
        ExecOptions(process=PROCESS, **kwargs)


def test_exec_needs_process_or_command() -> None:
    with pytest.raises(ValueError, match="process spec or a command"):
        ExecOptions()


@pytest.mark.parametrize("kwargs", [
    pytest.param({"command": ["sleep", "9"]}, id="command"),
    pytest.param({"process": PROCESS}, id="process"),
])
def test_exec_detach_needs_io(kwargs: t.Dict[str, t.Any]) -> None:
    with pytest.raises(ValueError, match="detached exec needs io"):
        ExecOptions(detach=True, **kwargs)


# -- checkpoint / restore ----------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    case("defaults", CheckpointOptions(), []),
    case("image-path", CheckpointOptions(image_path="/img"), ["--image-path", "/img"]),
    case("work-path", CheckpointOptions(work_path="/w"), ["--work-path", "/w"]),
    case("parent-path", CheckpointOptions(parent_path="../pre"), ["--parent-path", "../pre"]),
    case("leave-running", CheckpointOptions(leave_running=True), ["--leave-running"]),
    case("tcp-established", CheckpointOptions(tcp_established=True), ["--tcp-established"]),
    case("ext-unix-sk", CheckpointOptions(ext_unix_sk=True), ["--ext-unix-sk"]),
    case("shell-job", CheckpointOptions(shell_job=True), ["--shell-job"]),
    case("lazy-pages", CheckpointOptions(lazy_pages=True), ["--lazy-pages"]),
    case("status-fd", CheckpointOptions(status_fd=3), ["--status-fd", "3"]),
    case("status-fd-zero-kept", CheckpointOptions(status_fd=0), ["--status-fd", "0"]),
    case("page-server", CheckpointOptions(page_server="10.0.0.1:27"), ["--page-server", "10.0.0.1:27"]),
    case("file-locks", CheckpointOptions(file_locks=True), ["--file-locks"]),
    case("pre-dump", CheckpointOptions(pre_dump=True), ["--pre-dump"]),
    case("manage-cgroups-mode", CheckpointOptions(manage_cgroups_mode="strict"), ["--manage-cgroups-mode", "strict"]),
    case("empty-ns-repeated", CheckpointOptions(empty_ns=["network", "ipc"]),
         ["--empty-ns", "network", "--empty-ns", "ipc"]),
    case("auto-dedup", CheckpointOptions(auto_dedup=True), ["--auto-dedup"]),
    case("tcp-skip-in-flight", CheckpointOptions(tcp_skip_in_flight=True), ["--tcp-skip-in-flight"]),
    case("link-remap", CheckpointOptions(link_remap=True), ["--link-remap"]),
    case("extra-args-last", CheckpointOptions(leave_running=True, extra_args=["--x"]), ["--leave-running", "--x"]),
])
def test_checkpoint_args(options: CheckpointOptions, expected: t.List[str]) -> None:
    assert options.args() == expected


@pytest.mark.parametrize("options, expected", [
    case("detached-by-default", RestoreOptions(), ["--detach"]),
    case("foreground", RestoreOptions(detach=False), []),
    case("bundle", RestoreOptions(bundle="/b", detach=False), ["--bundle", "/b"]),
    case("image-path", RestoreOptions(image_path="/img", detach=False), ["--image-path", "/img"]),
    case("work-path", RestoreOptions(work_path="/w", detach=False), ["--work-path", "/w"]),
    case("tcp-established", RestoreOptions(tcp_established=True, detach=False), ["--tcp-established"]),
    case("ext-unix-sk", RestoreOptions(ext_unix_sk=True, detach=False), ["--ext-unix-sk"]),
    case("shell-job", RestoreOptions(shell_job=True, detach=False), ["--shell-job"]),
    case("file-locks", RestoreOptions(file_locks=True, detach=False), ["--file-locks"]),
    case("manage-cgroups-mode", RestoreOptions(manage_cgroups_mode="ignore", detach=False),
         ["--manage-cgroups-mode", "ignore"]),
    case("empty-ns-repeated", RestoreOptions(empty_ns=["network", "uts"], detach=False),
         ["--empty-ns", "network", "--empty-ns", "uts"]),
    case("auto-dedup", RestoreOptions(auto_dedup=True, detach=False), ["--auto-dedup"]),
    case("lazy-pages", RestoreOptions(lazy_pages=True, detach=False), ["--lazy-pages"]),
    case("pid-file", RestoreOptions(pid_file="/p", detach=False), ["--pid-file", "/p"]),
    case("no-subreaper", RestoreOptions(no_subreaper=True, detach=False), ["--no-subreaper"]),
    case("no-pivot", RestoreOptions(no_pivot=True, detach=False), ["--no-pivot"]),
    case("console-socket", RestoreOptions(console_socket="/s", detach=False), ["--console-socket", "/s"]),
    case("lsm-profile", RestoreOptions(lsm_profile="apparmor:p", detach=False), ["--lsm-profile", "apparmor:p"]),
    case("lsm-mount-context", RestoreOptions(lsm_mount_context="system_u:object_r:c", detach=False),
         ["--lsm-mount-context", "system_u:object_r:c"]),
    case("io-is-not-a-flag", RestoreOptions(io=IO, detach=False), []),
    case("extra-args-last", RestoreOptions(detach=False, no_pivot=True, extra_args=["--x"]), ["--no-pivot", "--x"]),
])
def test_restore_args(options: RestoreOptions, expected: t.List[str]) -> None:
    assert options.args() == expected


def test_restore_no_subreaper_has_two_dashes() -> None:
    """go-runc passes ``-no-subreaper``; runc documents ``--no-subreaper``."""
    argv = RestoreOptions(no_subreaper=True).args()
    assert "--no-subreaper" in argv
    assert "-no-subreaper" not in argv


@pytest.mark.parametrize("options_type", [CheckpointOptions, RestoreOptions], ids=["checkpoint", "restore"])
def test_criu_refuses_unknown_cgroups_mode(options_type: t.Any) -> None:
    with pytest.raises(ValueError, match="manage_cgroups_mode must be one of soft, full, strict, ignore"):
        options_type(manage_cgroups_mode="loose")


# -- update ---------------------------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    case("resources-on-stdin", UpdateOptions(resources={"memory": {"limit": 1}}), ["--resources", "-"]),
    case("empty-resources", UpdateOptions(resources={}), ["--resources", "-"]),
    case("blkio-weight", UpdateOptions(blkio_weight=500), ["--blkio-weight", "500"]),
    case("cpu-period", UpdateOptions(cpu_period=100000), ["--cpu-period", "100000"]),
    case("cpu-quota", UpdateOptions(cpu_quota=-1), ["--cpu-quota", "-1"]),
    case("cpu-share", UpdateOptions(cpu_share=512), ["--cpu-share", "512"]),
    case("cpu-rt-period", UpdateOptions(cpu_rt_period=1000000), ["--cpu-rt-period", "1000000"]),
    case("cpu-rt-runtime", UpdateOptions(cpu_rt_runtime=950000), ["--cpu-rt-runtime", "950000"]),
    case("cpuset-cpus", UpdateOptions(cpuset_cpus="0-1"), ["--cpuset-cpus", "0-1"]),
    case("cpuset-mems", UpdateOptions(cpuset_mems="0"), ["--cpuset-mems", "0"]),
    case("memory", UpdateOptions(memory=64 << 20), ["--memory", str(64 << 20)]),
    case("memory-zero-kept", UpdateOptions(memory=0), ["--memory", "0"]),
    case("memory-reservation", UpdateOptions(memory_reservation=1 << 20), ["--memory-reservation", str(1 << 20)]),
    case("memory-swap", UpdateOptions(memory_swap=-1), ["--memory-swap", "-1"]),
    case("pids-limit", UpdateOptions(pids_limit=100), ["--pids-limit", "100"]),
    case("l3-cache-schema", UpdateOptions(l3_cache_schema="L3:0=ff"), ["--l3-cache-schema", "L3:0=ff"]),
    case("mem-bw-schema", UpdateOptions(mem_bw_schema="MB:0=70"), ["--mem-bw-schema", "MB:0=70"]),
    case("several-in-man-page-order", UpdateOptions(pids_limit=9, memory=1024, cpu_share=2),
         ["--cpu-share", "2", "--memory", "1024", "--pids-limit", "9"]),
])
def test_update_args(options: UpdateOptions, expected: t.List[str]) -> None:
    assert options.args() == expected


def test_update_resources_and_flags_are_exclusive() -> None:
    with pytest.raises(ValueError, match="use one or the other"):
        UpdateOptions(resources={"pids": {"limit": 1}}, pids_limit=1)


def test_update_needs_something() -> None:
    with pytest.raises(ValueError, match="needs resources or at least one resource flag"):
        UpdateOptions()


# -- events / spec -----------------------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    case("defaults", EventsOptions(), []),
    case("interval", EventsOptions(interval="2s"), ["--interval", "2s"]),
    case("stats", EventsOptions(stats=True), ["--stats"]),
    case("both", EventsOptions(interval="1s", stats=True), ["--interval", "1s", "--stats"]),
])
def test_events_args(options: EventsOptions, expected: t.List[str]) -> None:
    assert options.args() == expected


@pytest.mark.parametrize("options, expected", [
    case("bundle", SpecOptions(bundle="/b"), ["--bundle", "/b"]),
    case("rootless", SpecOptions(bundle="/b", rootless=True), ["--bundle", "/b", "--rootless"]),
])
def test_spec_args(options: SpecOptions, expected: t.List[str]) -> None:
    assert options.args() == expected


# -- every flag runc 1.1.5 documents has its option -----------------------------------------

# Flags of runc's CLI framework, not of any operation.
NOT_OPERATIONS = {"--help", "--version"}

_EVERYTHING_IO = ContainerIO(stdout="/o", stderr="/e")
# Each options type with every field set, so args() prints every flag it knows.
EVERY_FLAG_SET = {
    "global": [GlobalOptions(root="/r", debug=True, log="/l", log_format="json", criu="/c", systemd_cgroup=True,
                             rootless="auto").args()],
    "create": [CreateOptions(bundle="/b", pid_file="/p", console_socket="/s", no_pivot=True, no_new_keyring=True,
                             preserve_fds=1).args()],
    "run": [RunOptions(bundle="/b", pid_file="/p", console_socket="/s", no_pivot=True, no_new_keyring=True,
                       preserve_fds=1, detach=False, keep=True, no_subreaper=True).args(),
            RunOptions(bundle="/b").args()],
    "delete": [DeleteOptions(force=True).args()],
    "kill": [KillOptions(all=True).args()],
    "exec": [ExecOptions(command=["id"], cwd="/", env=["A=1"], tty=True, user="0", additional_gids=[1],
                         process_label="l", apparmor="a", no_new_privs=True, caps=["CAP_KILL"], console_socket="/s",
                         detach=True, pid_file="/p", preserve_fds=1, cgroups=["/c"], ignore_paused=True,
                         io=_EVERYTHING_IO).args(),
             ExecOptions(process=PROCESS).args("/p.json")],
    "checkpoint": [CheckpointOptions(image_path="/i", work_path="/w", tcp_established=True, ext_unix_sk=True,
                                     shell_job=True, file_locks=True, manage_cgroups_mode="soft", empty_ns=["net"],
                                     auto_dedup=True, lazy_pages=True, parent_path="/pp", leave_running=True,
                                     pre_dump=True, tcp_skip_in_flight=True, link_remap=True, status_fd=3,
                                     page_server="h:1").args()],
    "restore": [RestoreOptions(image_path="/i", work_path="/w", tcp_established=True, ext_unix_sk=True,
                               shell_job=True, file_locks=True, manage_cgroups_mode="soft", empty_ns=["net"],
                               auto_dedup=True, lazy_pages=True, bundle="/b", detach=True, pid_file="/p",
                               no_subreaper=True, no_pivot=True, console_socket="/s", lsm_profile="p",
                               lsm_mount_context="c").args()],
    "update": [UpdateOptions(**{name: 1 for name in (
        "blkio_weight", "cpu_period", "cpu_quota", "cpu_share", "cpu_rt_period", "cpu_rt_runtime", "cpuset_cpus",
        "cpuset_mems", "memory", "memory_reservation", "memory_swap", "pids_limit", "l3_cache_schema",
        "mem_bw_schema")}).args(),
        UpdateOptions(resources={}).args()],
    "events": [EventsOptions(interval="1s", stats=True).args()],
}

# An option line of urfave/cli help: "   --image-path value   ..." or "   --format value, -f value".
_HELP_FLAG = re.compile(r"^\s+(--[a-z0-9][a-z0-9-]*)", re.MULTILINE)


def help_flags(text: str) -> t.Set[str]:
    return set(_HELP_FLAG.findall(text)) - NOT_OPERATIONS


def client_ps_flags(runc: Runc, runner: t.Any) -> t.Set[str]:
    """``runc ps`` has no options type: its only flag (``--format``) is the client's to set."""
    runner.respond(stdout="[]")
    runc.ps("c1")
    runner.respond(stdout="UID PID CMD\n")
    runc.top("c1")
    return {arg for call in runner.calls for arg in call.argv}


@pytest.mark.parametrize("command", sorted(EVERY_FLAG_SET) + ["ps"])
def test_every_documented_flag_has_its_option(command: str, recorded: t.Callable[[str], str], runc: Runc,
                                              runner: t.Any) -> None:
    documented = help_flags(recorded("help-%s.txt" % command))
    assert documented, "help-%s.txt lists no flags: the help parser or the recording is wrong" % command
    produced = client_ps_flags(runc, runner) if command == "ps" else {
        arg for argv in EVERY_FLAG_SET[command] for arg in argv}
    missing = sorted(documented - produced)
    assert not missing, "runc %s documents %s, which no options type produces" % (command, ", ".join(missing))
