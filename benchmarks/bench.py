# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ocitools.runc against its yardsticks: `ansible-playbook` wall times, paired A B A B, medians and ratios.

    make benchmark          # the full run (N = 20 for loops, 100 for stacks, 200 for runc_info; growth 10..200)
    make benchmark-smoke    # N = 2, one repetition: keeps the benchmark working (CI runs it)

Needs root and runc. Builds a busybox rootfs and the bundles it needs under a temporary directory, uses
its own runc state root on tmpfs under /run (ids ``c14-bench-*``), and deletes every container and file it
made, also when interrupted. Each case runs its two sides in turn (A B A B ...); setup (deleting or creating containers
so that a side starts from the same state) is not timed. The table shows the median wall time of each
side and the median of the per-pair ratios A/B, which is what to read on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "setup"))

import rootfs as rootfs_setup  # noqa: E402  (tests/setup is not a package)

RUNC = shutil.which("runc") or "runc"
PREFIX = "c14-bench-"
ARGS = ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
GOALS = {"noop-loop": 1.1, "converge-loop": 1.1, "stack-noop": 1.5, "stack-converge": 1.3, "info": 1.5}


class Bench:
    """The playbooks, bundles and state root of one benchmark run."""

    def __init__(self, workdir: Path, python: str) -> None:
        self.workdir = workdir
        # runc's state root on tmpfs, as runc's default /run/runc is (removed with the workdir)
        self.root = Path(tempfile.mkdtemp(prefix="ocitools-bench-", dir="/run"))
        (workdir / "runc-root").symlink_to(self.root)
        self.python = python
        self.rootfs = rootfs_setup.build_busybox_rootfs(workdir / "rootfs")
        self.bundle = rootfs_setup.make_bundle(workdir / "bundle", ARGS, rootfs=self.rootfs)
        self.playbooks = workdir / "playbooks"
        self.playbooks.mkdir()
        collection = workdir / "collections" / "ansible_collections" / "ocitools" / "runc"
        collection.parent.mkdir(parents=True)
        collection.symlink_to(REPO)
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(workdir / "collections"), ANSIBLE_NOCOLOR="1",
                        ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"))
        self.env.pop("PYTHONPATH", None)

    # -- containers (untimed setup) -----------------------------------------

    def ids(self, count: int) -> t.List[str]:
        return ["%s%03d" % (PREFIX, index) for index in range(count)]

    def runc(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([RUNC, "--root", str(self.root), *args], capture_output=True, text=True, check=False)

    def delete_all(self) -> None:
        for container_id in self.runc("list", "--quiet").stdout.split():
            self.runc("delete", "--force", container_id)
        for leftover in self.root.glob("*@ocitools.*"):
            leftover.unlink()

    def absent(self) -> None:
        self.delete_all()

    def running(self, count: int, playbook: Path) -> t.Callable[[], None]:
        """Setup: exactly ``count`` containers running, created by ``playbook`` when not already there."""
        def setup() -> None:
            listed = self.runc("list", "--format", "json").stdout.strip()
            running = sorted(c["id"] for c in json.loads(listed or "null") or [] if c["status"] == "running")
            if running != self.ids(count):
                self.delete_all()
                self.play(playbook)
        return setup

    # -- playbooks ------------------------------------------------------------

    def write(self, name: str, tasks: t.List[t.Dict[str, t.Any]]) -> Path:
        path = self.playbooks / (name + ".yml")
        path.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1))
        return path

    def play(self, playbook: Path, expect_changed: t.Optional[bool] = None) -> float:
        argv = [str(Path(self.python).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local",
                "-e", "ansible_python_interpreter=" + self.python, str(playbook)]
        start = time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=str(self.workdir), env=self.env)
        elapsed = time.monotonic() - start
        if proc.returncode != 0:
            raise SystemExit("benchmark: %s failed (rc %d):\n%s" % (playbook.name, proc.returncode, proc.stdout[-3000:]))
        if expect_changed is not None and ("changed=0 " in proc.stdout) == expect_changed:
            raise SystemExit("benchmark: %s: expected changed=%s\n%s" % (playbook.name, expect_changed, proc.stdout[-2000:]))
        return elapsed

    def loop_task(self, module: str, args: t.Dict[str, t.Any], count: int, **extra: t.Any) -> t.Dict[str, t.Any]:
        task = {"name": module, module: args, "loop": self.ids(count)}
        task.update(extra)
        return task

    def container_loop(self, count: int) -> Path:
        args = {"id": "{{ item }}", "bundle": str(self.bundle), "root": str(self.root)}
        return self.write("container-loop-%d" % count, [self.loop_task("ocitools.runc.runc_container", args, count)])

    def state_loop(self, count: int) -> Path:
        argv = [RUNC, "--root", str(self.root), "state", "{{ item }}"]
        task = self.loop_task("ansible.builtin.command", {"argv": argv}, count, changed_when=False)
        return self.write("state-loop-%d" % count, [task])

    def shell_loop(self, count: int) -> Path:
        runc = "%s --root %s" % (RUNC, self.root)
        cmd = "%s state {{ item }} >/dev/null 2>&1 || %s run -d --bundle %s {{ item }} </dev/null >/dev/null 2>&1" % (
            runc, runc, self.bundle)
        return self.write("shell-loop-%d" % count, [self.loop_task("ansible.builtin.shell", {"cmd": cmd}, count)])

    def stack(self, count: int) -> Path:
        containers = [{"id": container_id, "bundle": str(self.bundle)} for container_id in self.ids(count)]
        args = {"root": str(self.root), "containers": containers}
        return self.write("stack-%d" % count, [{"name": "stack", "ocitools.runc.runc_stack": args}])

    def list_command(self) -> Path:
        argv = [RUNC, "--root", str(self.root), "list", "--format", "json"]
        return self.write("list", [{"name": "list", "ansible.builtin.command": {"argv": argv}, "changed_when": False}])

    def shell_script(self, count: int) -> Path:
        runc = "%s --root %s" % (RUNC, self.root)
        lines = ["%s run -d --bundle %s %s </dev/null >/dev/null 2>&1" % (runc, self.bundle, container_id)
                 for container_id in self.ids(count)]
        return self.write("script-%d" % count, [{"name": "script", "ansible.builtin.shell": {"cmd": "\n".join(lines)}}])

    def info(self) -> Path:
        return self.write("info", [{"name": "info", "ocitools.runc.runc_info": {"root": str(self.root)}}])


class Row(t.NamedTuple):
    case: str
    a_name: str
    b_name: str
    a: t.List[float]
    b: t.List[float]

    def ratio(self) -> float:
        return statistics.median(x / y for x, y in zip(self.a, self.b))


def paired(reps: int, a: t.Callable[[], float], b: t.Callable[[], float], setup: t.Callable[[], None]) -> t.Tuple[t.List[float], t.List[float]]:
    """A B A B ...: ``setup`` (untimed) before each side."""
    times_a: t.List[float] = []
    times_b: t.List[float] = []
    for _rep in range(reps):
        setup()
        times_a.append(a())
        setup()
        times_b.append(b())
    return times_a, times_b


def slope(points: t.Sequence[t.Tuple[int, float]]) -> float:
    """Least-squares seconds per container."""
    counts = [point[0] for point in points]
    seconds = [point[1] for point in points]
    mean_n, mean_s = statistics.mean(counts), statistics.mean(seconds)
    den = sum((n - mean_n) ** 2 for n in counts)
    return sum((n - mean_n) * (s - mean_s) for n, s in zip(counts, seconds)) / den if den else 0.0


def run(bench: Bench, reps: int, loop_n: int, stack_n: int, info_n: int, sizes: t.Sequence[int],
        only: t.Collection[str] = ()) -> None:
    rows: t.List[Row] = []

    def case(name: str, a_name: str, b_name: str, a: t.Callable[[], float], b: t.Callable[[], float],
             setup: t.Callable[[], None]) -> None:
        if only and name not in only:
            return
        print("  %s ..." % name, file=sys.stderr, flush=True)
        rows.append(Row(name, a_name, b_name, *paired(reps, a, b, setup)))

    loop, stack = bench.container_loop(loop_n), bench.stack(stack_n)
    case("noop-loop", "runc_container loop N=%d" % loop_n, "command: runc state loop",
         lambda: bench.play(loop, expect_changed=False), lambda: bench.play(bench.state_loop(loop_n)),
         bench.running(loop_n, loop))
    case("converge-loop", "runc_container loop N=%d" % loop_n, "shell: runc state || runc run -d loop",
         lambda: bench.play(loop, expect_changed=True), lambda: bench.play(bench.shell_loop(loop_n)), bench.absent)
    case("stack-noop", "runc_stack N=%d" % stack_n, "command: runc list (one task)",
         lambda: bench.play(stack, expect_changed=False), lambda: bench.play(bench.list_command()),
         bench.running(stack_n, stack))
    case("stack-converge", "runc_stack N=%d" % stack_n, "shell: script of %d runc run -d" % stack_n,
         lambda: bench.play(stack, expect_changed=True), lambda: bench.play(bench.shell_script(stack_n)), bench.absent)
    case("info", "runc_info N=%d" % info_n, "command: runc list (one task)",
         lambda: bench.play(bench.info()), lambda: bench.play(bench.list_command()),
         bench.running(info_n, bench.stack(info_n)))

    growth: t.List[t.Tuple[int, float, float]] = []
    for count in sizes if not only or "growth" in only else ():
        print("  growth N=%d ..." % count, file=sys.stderr, flush=True)
        playbook = bench.stack(count)
        converge: t.List[float] = []
        noop: t.List[float] = []
        for _rep in range(reps):
            bench.absent()
            converge.append(bench.play(playbook, expect_changed=True))
            noop.append(bench.play(playbook, expect_changed=False))
        growth.append((count, statistics.median(converge), statistics.median(noop)))
    bench.delete_all()
    report(rows, growth, reps, smoke=loop_n == 2)


def report(rows: t.Sequence[Row], growth: t.Sequence[t.Tuple[int, float, float]], reps: int, smoke: bool) -> None:
    print("\nocitools.runc benchmark: ansible-playbook wall time, median of %d paired runs (A B A B ...)%s\n" % (
        reps, "; SMOKE MODE (N = 2): the figures only show that every case runs" if smoke else ""))
    print("| case | A | A median | B (yardstick) | B median | A/B (median of pairs) | goal |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        ratio = row.ratio()
        goal = GOALS[row.case]
        print("| %s | %s | %.2f s | %s | %.2f s | **%.2fx** | <= %.1fx %s |" % (
            row.case, row.a_name, statistics.median(row.a), row.b_name, statistics.median(row.b), ratio, goal,
            "ok" if ratio <= goal else "MISSED"))
    print("\nrunc_stack growth (median wall time per play, including ansible-playbook's own start-up):\n")
    print("| N | converge from absent | no-op |")
    print("|---|---|---|")
    for count, converge, noop in growth:
        print("| %d | %.2f s | %.2f s |" % (count, converge, noop))
    if len(growth) > 1:
        print("\nslope (least squares): converge %.1f ms per container, no-op %.2f ms per container" % (
            1000 * slope([(row[0], row[1]) for row in growth]), 1000 * slope([(row[0], row[2]) for row in growth])))
    podman = shutil.which("podman")
    print("\npodman_container column: %s" % (
        "not measured: podman is not installed on this host" if not podman
        else "not measured: podman is at %s but the containers.podman collection is not part of this toolchain" % podman))
    print("fleet scale (10 hosts x 20 containers over SSH): benchmarks/fleet.py (it boots 10 runc machines)")


def main(argv: t.Optional[t.Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--smoke", action="store_true", help="N = 2 everywhere and one repetition (CI)")
    parser.add_argument("--reps", type=int, default=5, help="paired repetitions per case (default 5)")
    parser.add_argument("--only", action="append", default=[], choices=sorted(GOALS) + ["growth"],
                        help="run only this case (repeatable); default: all")
    parser.add_argument("--python", default=sys.executable, help="the Python of the venv holding ansible-core")
    options = parser.parse_args(argv)
    if os.geteuid() != 0 or not shutil.which("runc"):
        print("benchmark: needs root and runc on PATH", file=sys.stderr)
        return 2
    reps, loop_n, stack_n, info_n, sizes = options.reps, 20, 100, 200, [10, 50, 100, 200]
    if options.smoke:
        reps, loop_n, stack_n, info_n, sizes = 1, 2, 2, 2, [2]
    workdir = Path(tempfile.mkdtemp(prefix="ocitools-bench-"))
    bench = None
    try:
        bench = Bench(workdir, options.python)
        run(bench, reps, loop_n, stack_n, info_n, sizes, options.only)
    finally:
        if bench is not None:
            bench.delete_all()
            shutil.rmtree(bench.root, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
