# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A secret env value is found only where the user put it (issue 10's acceptance).

Every module runs with ``-vvv --diff`` on a random marker given as an env value. The whole
output of every run and every file the runs wrote (bundle, logs, runc's state root, the
checkpoint, Ansible's own results, leftovers in the temporary directory) are searched for it.
It may be only in config.json (mode 0600, in a bundle others cannot list) and in the
checkpoint's images (the container's memory holds its env; the directory is 0700).
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
import time
import typing as t
from pathlib import Path

from criu_fixtures import working_criu  # noqa: F401 # pylint: disable=unused-import

CONTAINER = "i10-secret"


def files_holding(marker: bytes, roots: t.Iterable[Path]) -> t.List[Path]:
    found = []
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file() and not path.is_symlink() and marker in path.read_bytes():
                found.append(path)
    return found


def temp_leftovers(since: float) -> t.List[Path]:
    """Entries the modules may have made directly in the temporary directory during the test."""
    base = Path(tempfile.gettempdir())
    return [path for path in base.iterdir()
            if path.name.startswith(("runc-", "tmp")) and path.lstat().st_mtime >= since]


def test_the_marker_is_only_where_the_user_put_it(ansible: t.Any, busybox_rootfs: Path, runc_root: Path,
                                                  tmp_path: Path, working_criu: t.Any) -> None:  # noqa: F811
    started = time.time()
    marker = "i10m" + secrets.token_hex(16)
    bundle, images, log = tmp_path / "bundle", tmp_path / "images", tmp_path / "container.log"
    common = {"root": str(runc_root), "criu": str(working_criu.path)}
    env = {"I10_SECRET": marker}
    steps: t.List[t.Tuple[str, t.Dict[str, t.Any]]] = [
        ("runc_spec", {"bundle": str(bundle), "rootfs": str(busybox_rootfs), "env": env,
                       "args": ["sh", "-c", 'while true; do test -n "$I10_SECRET" && sleep 1; done']}),
        ("runc_spec", {"bundle": str(bundle), "rootfs": str(busybox_rootfs), "env": env, "hostname": "changed",
                       "args": ["sh", "-c", 'while true; do test -n "$I10_SECRET" && sleep 1; done']}),
        ("runc_container", dict(common, id=CONTAINER, bundle=str(bundle), log_path=str(log), wait_started=0.3)),
        # recreated with stdio on /dev/null: CRIU cannot dump a container whose stdio is a regular file
        ("runc_container", dict(common, id=CONTAINER, bundle=str(bundle), recreate=True, wait_started=0.3)),
        ("runc_exec", dict(common, id=CONTAINER, env=env, argv=["sh", "-c", 'test "$I10_SECRET" = %s' % "\"$I10_SECRET\""])),
        # a command that prints it: Ansible masks the task's no_log values (env) in the output too
        ("runc_exec", dict(common, id=CONTAINER, env=env, argv=["env"])),
        ("runc_info", dict(common, id=[CONTAINER], spec=True, ps=True, stats=True)),
        ("runc_checkpoint", dict(common, id=CONTAINER, image_path=str(images), leave_running=True)),
        ("runc_container", dict(common, id=CONTAINER, state="absent")),
    ]
    outputs = []
    for module, args in steps:
        run = ansible.module_run(module, args, diff=True, verbosity=3)
        assert [task.status for task in run.tasks] == ["ok"], (module, run.stdout[-3000:], run.stderr[-3000:])
        outputs.append((module, run.stdout + run.stderr))
    assert "I10_SECRET" in outputs[0][1]  # -vvv did show the invocation, the value masked

    leaks = [module for module, text in outputs if marker in text]
    assert leaks == [], "the marker is in the output of %s" % leaks
    written = files_holding(marker.encode(), [tmp_path, runc_root] + temp_leftovers(started))
    config = bundle / "config.json"
    allowed = [path for path in written if path == config or images in path.parents]
    assert written == allowed and config in allowed, written
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(bundle.stat().st_mode) & 0o007 == 0
    assert stat.S_IMODE(images.stat().st_mode) == 0o700
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    print("marker found in %d files, all allowed: %s" % (len(written), sorted(os.path.relpath(p, tmp_path) for p in written)))


def test_an_existing_bundle_given_env_loses_others_permissions(ansible: t.Any, busybox_rootfs: Path,
                                                               tmp_path: Path) -> None:
    bundle = tmp_path / "shared-bundle"
    bundle.mkdir()
    bundle.chmod(0o755)
    args = {"bundle": str(bundle), "rootfs": str(busybox_rootfs), "args": ["true"], "env": {"TOKEN": "i10-x"}}
    first = ansible.module("runc_spec", args, diff=True)
    assert first.changed and first.result["diff"]["after"]["bundle_mode"] == "0750", first.result["diff"]
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o750
    assert stat.S_IMODE((bundle / "config.json").stat().st_mode) == 0o600
    assert not ansible.module("runc_spec", args).changed
    loose = ansible.module("runc_spec", dict(args, mode="0644"))
    assert loose.changed and stat.S_IMODE((bundle / "config.json").stat().st_mode) == 0o644
    assert any(w.startswith("mode: 0644 lets other users read") for w in loose.result.get("warnings", [])), loose.result
