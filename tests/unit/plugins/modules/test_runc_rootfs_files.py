# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runc_rootfs_files's main() with arguments: files written, nothing changed the second time, the diff only under
--diff, and a clean failure for a bad path (no runc is needed)."""

from __future__ import annotations

import typing as t
from pathlib import Path

from ansible_collections.ocitools.runc.plugins.modules import runc_rootfs_files

RunModule = t.Callable[..., t.Dict[str, t.Any]]


def test_writes_the_files_then_changes_nothing(run_module: RunModule, tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    args = dict(rootfs=str(tmp_path), executable="/nonexistent/runc",
                files=[{"path": "/etc/hostname", "content": "web\n"}, {"path": "/etc/hosts", "mode": "0600"}])

    first = run_module(runc_rootfs_files.main, args, diff=True)
    again = run_module(runc_rootfs_files.main, args)

    assert first["changed"] is True and first["changed_files"] == ["/etc/hostname", "/etc/hosts"]
    assert first["diff"]["after"]["/etc/hosts"] == {"content": "", "mode": "0600"}
    assert (tmp_path / "etc/hostname").read_text() == "web\n"
    assert again["changed"] is False and again["changed_files"] == [] and "diff" not in again


def test_a_bad_path_fails_cleanly(run_module: RunModule, tmp_path: Path) -> None:
    result = run_module(runc_rootfs_files.main, dict(rootfs=str(tmp_path), files=[{"path": "etc/hostname"}]))

    assert result["failed"] is True and result["msg"].startswith("files[0].path: 'etc/hostname' is not a normalized")
