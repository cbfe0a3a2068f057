# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``runc checkpoint`` and ``runc restore`` options, declared once as data.

Each flag is one ``Flag`` row: the options field (and module option) it comes from, the runc
flag, how its value is written, the first runc release that knows it (or one of its values),
and whether runc_checkpoint exposes it. From these rows come the flags in ``args()`` (go-runc's
shape: one options type per subcommand), the version check (``newer_than_1_1``), the module's
argument spec and which state an option belongs to.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._runc.runner import ContainerIO

Release = t.Tuple[int, int, int]

BOOL = "bool"  # --flag when true
VALUE = "value"  # --flag VALUE when set (0 is a value, "" is not)
VALUES = "values"  # --flag V once per value

CGROUP_MODES = ("soft", "full", "strict", "ignore")


@dataclasses.dataclass(frozen=True)
class Flag:
    name: str  # the options field, and the module option of the same name
    flag: str
    kind: str = BOOL
    type: str = "str"  # the module option's type for VALUE flags
    since: t.Optional[Release] = None  # first runc release with the flag (None: runc 1.1 has it)
    values_since: t.Tuple[t.Tuple[str, Release], ...] = ()  # values newer than the flag itself
    choices: t.Optional[t.Tuple[str, ...]] = None
    option: bool = True  # runc_checkpoint has a module option for it

    def argv(self, value: t.Any) -> t.List[str]:
        if self.kind == BOOL:
            return [self.flag] if value else []
        if self.kind == VALUES:
            return [word for item in value or () for word in (self.flag, str(item))]
        return [self.flag, str(value)] if value is not None and value != "" else []

    def needs(self, value: t.Any) -> t.Optional[t.Tuple[str, Release]]:
        """(what needs a newer runc, since which release) for ``value``, or None."""
        if not self.argv(value):
            return None
        if self.since is not None:
            return self.name, self.since
        for newer, since in self.values_since:
            if value == newer:
                return "%s=%s" % (self.name, newer), since
        return None

    def argument_spec(self) -> t.Dict[str, t.Any]:
        """The module option's spec (documented in runc_checkpoint)."""
        if self.kind == BOOL:
            return dict(type="bool", default=False)
        if self.kind == VALUES:
            return dict(type="list", elements="str", default=[])
        spec: t.Dict[str, t.Any] = dict(type=self.type)
        if self.choices:
            spec["choices"] = list(self.choices)
        return spec


# Flags both subcommands take.
CRIU_FLAGS = (
    Flag("image_path", "--image-path", VALUE, "path"),
    Flag("work_path", "--work-path", VALUE, "path"),
    Flag("tcp_established", "--tcp-established"),
    Flag("ext_unix_sk", "--ext-unix-sk"),
    Flag("shell_job", "--shell-job"),
    Flag("file_locks", "--file-locks"),
    Flag("manage_cgroups_mode", "--manage-cgroups-mode", VALUE, choices=CGROUP_MODES,
         values_since=(("ignore", (1, 2, 0)),)),
    Flag("empty_ns", "--empty-ns", VALUES),
    Flag("auto_dedup", "--auto-dedup"),
    Flag("lazy_pages", "--lazy-pages"),
)
CHECKPOINT_FLAGS = CRIU_FLAGS + (
    Flag("parent_path", "--parent-path", VALUE, "path"),
    Flag("leave_running", "--leave-running"),
    Flag("pre_dump", "--pre-dump"),
    Flag("tcp_skip_in_flight", "--tcp-skip-in-flight", since=(1, 2, 0)),
    Flag("link_remap", "--link-remap", since=(1, 2, 0)),
    Flag("status_fd", "--status-fd", VALUE, option=False),
    Flag("page_server", "--page-server", VALUE),
)
RESTORE_FLAGS = CRIU_FLAGS + (
    Flag("bundle", "--bundle", VALUE, "path"),
    Flag("detach", "--detach", option=False),
    Flag("pid_file", "--pid-file", VALUE, "path"),
    # go-runc spells this "-no-subreaper"; runc documents the double dash.
    Flag("no_subreaper", "--no-subreaper"),
    Flag("no_pivot", "--no-pivot"),
    Flag("console_socket", "--console-socket", VALUE, option=False),
    Flag("lsm_profile", "--lsm-profile", VALUE),
    Flag("lsm_mount_context", "--lsm-mount-context", VALUE),
)


def only_in(flags: t.Sequence[Flag], other: t.Sequence[Flag]) -> t.Tuple[str, ...]:
    """Module options in ``flags`` that ``other`` does not take."""
    names = {flag.name for flag in other}
    return tuple(flag.name for flag in flags if flag.option and flag.name not in names)


DUMP_ONLY = only_in(CHECKPOINT_FLAGS, RESTORE_FLAGS)
RESTORE_ONLY = only_in(RESTORE_FLAGS, CHECKPOINT_FLAGS)


def argument_spec(flags: t.Sequence[Flag]) -> t.Dict[str, t.Dict[str, t.Any]]:
    """The module options for ``flags`` (each name once)."""
    return {flag.name: flag.argument_spec() for flag in flags if flag.option}


class _FlagOptions:
    """``args()``, ``newer_than_1_1()`` and ``from_params()`` from the class's FLAGS rows."""

    FLAGS: t.ClassVar[t.Tuple[Flag, ...]] = ()

    def __post_init__(self) -> None:
        mode = getattr(self, "manage_cgroups_mode")
        if mode is not None and mode not in CGROUP_MODES:
            raise ValueError("manage_cgroups_mode must be one of %s, got %r" % (", ".join(CGROUP_MODES), mode))

    def args(self) -> t.List[str]:
        argv = [word for flag in self.FLAGS for word in flag.argv(getattr(self, flag.name))]
        return argv + list(getattr(self, "extra_args", ()))

    def newer_than_1_1(self) -> t.List[t.Tuple[str, Release]]:
        """(option, first runc release that knows it) for each option set here that runc 1.1 lacks."""
        needed = [flag.needs(getattr(self, flag.name)) for flag in self.FLAGS]
        return [need for need in needed if need is not None]

    @classmethod
    def from_params(cls, params: t.Mapping[str, t.Any], **values: t.Any) -> t.Any:
        """The options for a task's params (module options named as the fields), ``values`` over them."""
        given = {flag.name: params[flag.name] for flag in cls.FLAGS if flag.option and flag.name in params}
        given.update(values)
        return cls(**given)


@dataclasses.dataclass(frozen=True)
class CriuOptions(_FlagOptions):
    """The fields both subcommands take."""

    FLAGS: t.ClassVar[t.Tuple[Flag, ...]] = CRIU_FLAGS

    image_path: t.Optional[str] = None
    work_path: t.Optional[str] = None
    tcp_established: bool = False
    ext_unix_sk: bool = False
    shell_job: bool = False
    file_locks: bool = False
    manage_cgroups_mode: t.Optional[str] = None
    empty_ns: t.Sequence[str] = ()
    auto_dedup: bool = False
    lazy_pages: bool = False


@dataclasses.dataclass(frozen=True)
class CheckpointOptions(CriuOptions):
    FLAGS: t.ClassVar[t.Tuple[Flag, ...]] = CHECKPOINT_FLAGS

    parent_path: t.Optional[str] = None
    leave_running: bool = False
    pre_dump: bool = False
    tcp_skip_in_flight: bool = False
    link_remap: bool = False
    status_fd: t.Optional[int] = None
    page_server: t.Optional[str] = None
    extra_args: t.Sequence[str] = ()


@dataclasses.dataclass(frozen=True)
class RestoreOptions(CriuOptions):
    """``runc restore``; detached by default, so ``io`` binds the restored stdio."""

    FLAGS: t.ClassVar[t.Tuple[Flag, ...]] = RESTORE_FLAGS

    bundle: t.Optional[str] = None
    detach: bool = True
    pid_file: t.Optional[str] = None
    no_subreaper: bool = False
    no_pivot: bool = False
    console_socket: t.Optional[str] = None
    lsm_profile: t.Optional[str] = None
    lsm_mount_context: t.Optional[str] = None
    io: ContainerIO = ContainerIO()
    extra_args: t.Sequence[str] = ()
