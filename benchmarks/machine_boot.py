# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How long a runc machine (role ocitools.runc.runc_machine) takes: cold image build + boot, warm boot, reboot.

Runs the role through ansible-core on this host (as root), the way a play or molecule's create.yml does:

1. cold: build the image with mmdebstrap into an empty cache (the ``image`` entry point), then make and boot a
   machine from it (copy of the image, hostname, sshd, bundle, runc, systemd up);
2. warm: make and boot a second machine from the cached image (the first keeps running, as molecule's second
   platform or a second test session would find it);
3. reboot: ``runc_machine_state=rebooted`` of the second (systemd halts, runc recreates it, systemd boots), and
   a run that changes nothing;
4. systemd's own figure for the warm boot (``systemd-analyze time`` in the machine);
then both machines are removed (state absent) and the temporary cache with them.

Goals (issue 12): cold build + boot < 60 s, warm boot < 10 s. The figures depend on the load of the machine and
on the apt mirror for the cold build; this is not a timed test.

    .venvs/dev/bin/python benchmarks/machine_boot.py [--release trixie] [--cache-dir DIR] [--packages runc,criu]

Without --cache-dir the cold build goes to a new temporary cache (removed afterwards); with it, an image already
there makes the "cold" figure a warm one (it says so).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GOALS = {"cold": 60.0, "warm": 10.0}


class Bench:
    def __init__(self, workdir: Path, machine_vars: t.Dict[str, t.Any]) -> None:
        self.workdir = workdir
        self.machine_vars = machine_vars
        collections = workdir / "collections" / "ansible_collections" / "ocitools"
        collections.mkdir(parents=True)
        (collections / "runc").symlink_to(REPO)
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(workdir / "collections"), ANSIBLE_NOCOLOR="1",
                        ANSIBLE_LOCAL_TEMP=str(workdir / "tmp"), ANSIBLE_HOST_KEY_CHECKING="False")

    def role(self, tasks_from: str = "main", **extra: t.Any) -> float:
        """Run the role once on this host (ad hoc include_role); its wall time in seconds."""
        argv = [str(BIN / "ansible"), "localhost", "-i", "localhost,", "-c", "local",
                "-e", "ansible_python_interpreter=%s" % sys.executable,
                "-e", json.dumps(dict(self.machine_vars, **extra)),
                "-m", "ansible.builtin.include_role", "-a", "name=ocitools.runc.runc_machine tasks_from=%s" % tasks_from]
        started = time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=1800, check=False)
        seconds = time.monotonic() - started
        if proc.returncode != 0:
            raise SystemExit("runc_machine (%s, %s) failed:\n%s\n%s" % (tasks_from, extra, proc.stdout[-5000:], proc.stderr[-2000:]))
        return seconds

    def machine_exec(self, name: str, argv: t.Sequence[str]) -> str:
        proc = subprocess.run(["runc", "--root", self.machine_vars["runc_machine_root"], "exec", name] + list(argv),
                              capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL)
        return (proc.stdout + proc.stderr).strip()


def _image_cached(cache_dir: Path, release: str) -> bool:
    return any((cache_dir / "images").glob("%s-*/image.json" % release))


def main(argv: t.Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--release", default="bookworm", choices=["bookworm", "trixie"])
    parser.add_argument("--packages", default="", help="extra packages, comma-separated (default: none)")
    parser.add_argument("--cache-dir", help="image cache to use (default: a new temporary one, for a cold build)")
    parser.add_argument("--address", default="127.0.0.29", help="sshd address of the benchmark machine")
    parser.add_argument("--port", type=int, default=2229, help="sshd port of the first machine (the second: +1)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("machine_boot: needs root (runc, mmdebstrap, chroot)", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="ocitools-bench-machine."))
    cache_dir = Path(args.cache_dir) if args.cache_dir else workdir / "cache"
    was_cached = _image_cached(cache_dir, args.release)
    bench = Bench(workdir, {
        "runc_machine_name": "ocitools-bench-machine",
        "runc_machine_release": args.release,
        "runc_machine_packages": [name for name in args.packages.split(",") if name],
        "runc_machine_ssh_address": args.address,
        "runc_machine_ssh_port": args.port,
        "runc_machine_root": str(workdir / "runc-root"),
        "runc_machine_base_dir": str(workdir / "machines"),
        "runc_machine_cache_dir": str(cache_dir),
    })
    second = {"runc_machine_name": "ocitools-bench-machine2", "runc_machine_ssh_port": args.port + 1}
    figures: t.Dict[str, float] = {}
    try:
        figures["image"] = bench.role("image")
        figures["first boot"] = bench.role()
        figures["cold"] = figures["image"] + figures["first boot"]
        figures["warm"] = bench.role(**second)
        systemd_says = bench.machine_exec(second["runc_machine_name"], ["systemd-analyze", "time"])
        figures["reboot"] = bench.role(runc_machine_state="rebooted", **second)
        figures["again"] = bench.role(**second)
    finally:
        bench.role(runc_machine_state="absent")
        bench.role(runc_machine_state="absent", **second)
        left = os.listdir(workdir / "runc-root") if (workdir / "runc-root").is_dir() else []
        shutil.rmtree(workdir, ignore_errors=True)

    load = os.getloadavg()[0]
    print("runc_machine %s%s, %d cores, load %.1f, image %s" % (
        args.release, " +" + args.packages if args.packages else "", os.cpu_count() or 0, load,
        "already cached (the cold figure is warm)" if was_cached else "built from scratch with mmdebstrap"))
    print("  cold: image build %6.1fs + first boot %5.1fs = %6.1fs   goal < %.0fs: %s (ratio %.2f)" % (
        figures["image"], figures["first boot"], figures["cold"], GOALS["cold"],
        "met" if figures["cold"] < GOALS["cold"] else "MISSED", figures["cold"] / GOALS["cold"]))
    print("  warm: a second machine, copy of the cached image + boot %6.1fs   goal < %.0fs: %s (ratio %.2f)" % (
        figures["warm"], GOALS["warm"], "met" if figures["warm"] < GOALS["warm"] else "MISSED",
        figures["warm"] / GOALS["warm"]))
    print("  reboot (systemd halts, runc recreates, systemd boots) %5.1fs; a run that changes nothing %5.1fs" % (
        figures["reboot"], figures["again"]))
    print("  warm boot / cold %.2f; systemd in the machine: %s" % (
        figures["warm"] / figures["cold"], " ".join(systemd_says.split()) or "(no systemd-analyze output)"))
    if left:
        print("  LEFT under the runc root: %s" % left)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
