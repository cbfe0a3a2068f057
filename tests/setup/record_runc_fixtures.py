"""Record raw runc outputs into tests/unit/fixtures/runc-<version>/ (needs root, runc, busybox-static).

    python tests/setup/record_runc_fixtures.py [OUT_DIR] [--criu-cache DIR]

Every container lives under a private ``--root`` in a temporary directory and is removed at
the end. Besides the raw files, ``commands.json`` lists for each file the argv that produced
it (``<ROOT>``, ``<BUNDLE>``, ``<IMAGES>``, ``<LOG>``, ``<CRIU>`` stand for temporary paths),
which stream was saved, and the exit code.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from criu import find_working_criu  # noqa: E402
from rootfs import build_busybox_rootfs, make_bundle  # noqa: E402

RUNC = shutil.which("runc") or "/usr/sbin/runc"
TIMEOUT = 60.0
LOOP = ["sh", "-c", "while true; do sleep 1; done"]
HELP_COMMANDS = ("checkpoint", "restore", "exec", "create", "run", "update", "events", "ps", "kill", "delete")


class Recorder:
    def __init__(self, out: Path, work: Path) -> None:
        self.out = out
        self.work = work
        self.root = work / "root"
        self.rootfs = build_busybox_rootfs(work / "rootfs")
        self.manifest: Dict[str, Dict[str, object]] = {}
        self.ids: List[str] = []
        self.subs = {str(self.root): "<ROOT>", str(work): "<WORK>"}

    # ------------------------------------------------------------------ running runc
    def _show(self, argv: Sequence[str]) -> List[str]:
        shown = []
        for a in argv:
            for real, alias in sorted(self.subs.items(), key=lambda kv: -len(kv[0])):
                a = a.replace(real, alias)
            shown.append(a)
        return shown

    def runc(self, args: Sequence[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
        """runc with pipes: only for calls that leave no container holding our stdio."""
        return subprocess.run(
            [RUNC, "--root", str(self.root)] + list(args),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            timeout=timeout,
            check=False,
        )

    def runc_detached(self, args: Sequence[str], stdio: Optional[Path] = None) -> int:
        """create / run -d / restore -d: the container inherits our stdio, so no pipes."""
        if stdio is None:
            return subprocess.run(
                [RUNC, "--root", str(self.root)] + list(args),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                timeout=TIMEOUT,
                check=False,
            ).returncode
        with open(str(stdio), "ab") as fh:
            return subprocess.run(
                [RUNC, "--root", str(self.root)] + list(args),
                stdin=subprocess.DEVNULL, stdout=fh, stderr=fh, timeout=TIMEOUT,
                check=False,
            ).returncode

    def save(self, name: str, data: bytes, argv: Sequence[str], stream: str, rc: int, note: str = "") -> None:
        (self.out / name).write_bytes(data)
        entry: Dict[str, object] = {"argv": self._show(argv), "stream": stream, "rc": rc}
        if note:
            entry["note"] = note
        self.manifest[name] = entry
        print("{:40s} rc={} {} bytes".format(name, rc, len(data)))

    def record(self, name: str, args: Sequence[str], stream: str = "stdout", expect_rc: Optional[int] = 0,
               note: str = "", timeout: float = TIMEOUT) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
        res = self.runc(args, timeout=timeout)
        data = res.stdout if stream == "stdout" else res.stderr
        if expect_rc is not None and res.returncode != expect_rc:
            raise RuntimeError("{}: rc={} stderr={!r}".format(name, res.returncode, res.stderr))
        if expect_rc is None and res.returncode == 0:
            raise RuntimeError("{}: expected a failure, got rc=0".format(name))
        self.save(name, data, ["runc", "--root", str(self.root)] + list(args), stream, res.returncode, note)
        return res

    # ------------------------------------------------------------------ containers
    def bundle(self, cid: str, args: Sequence[str], **tweaks: object) -> Path:
        return make_bundle(self.work / "bundles" / cid, list(args), self.rootfs, runc=RUNC, **tweaks)

    def start(self, cid: str, how: str = "run", args: Sequence[str] = tuple(LOOP), stdio: Optional[Path] = None,
              **tweaks: object) -> Path:
        b = self.bundle(cid, args, **tweaks)
        self.ids.append(cid)
        cmd = ["run", "-d"] if how == "run" else ["create"]
        rc = self.runc_detached(cmd + ["--bundle", str(b), cid], stdio=stdio)
        if rc != 0:
            raise RuntimeError("runc {} {} failed rc={}".format(how, cid, rc))
        return b

    def wait_status(self, cid: str, status: str, limit: float = 10.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            res = self.runc(["state", cid])
            if res.returncode == 0 and json.loads(res.stdout)["status"] == status:
                return
            time.sleep(0.05)
        raise RuntimeError("{} never reached {}".format(cid, status))

    def cleanup(self) -> None:
        for cid in self.ids:
            self.runc(["resume", cid])
            self.runc(["kill", cid, "KILL"])
        for cid in self.ids:
            for _attempt in range(50):
                res = self.runc(["delete", "-f", cid])
                if res.returncode == 0 or b"does not exist" in res.stderr:
                    break
                time.sleep(0.1)
        left = self.runc(["list", "-q"]).stdout.split()
        if left:
            print("warning: containers left under {}: {}".format(self.root, left), file=sys.stderr)


def record_all(out: Path, criu_cache: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ocit-fixtures."))
    rec = Recorder(out, work)
    try:
        res = subprocess.run([RUNC, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=TIMEOUT, check=False)
        rec.save("version.txt", res.stdout, ["runc", "--version"], "stdout", res.returncode)
        rec.record("features.json", ["features"])
        rec.record("list-empty.json", ["list", "--format", "json"],
                   note="fresh --root, no container yet (runc creates the root dir itself): runc prints null")

        # three containers: created, running, paused (the running one has annotations)
        rec.start("fx-created", how="create")
        rec.start("fx-running", annotations={"org.example.owner": "fixtures", "org.example/role": "web"})
        rec.start("fx-paused")
        rec.wait_status("fx-running", "running")
        rec.wait_status("fx-paused", "running")
        res = rec.runc(["pause", "fx-paused"])
        assert res.returncode == 0, res.stderr
        rec.wait_status("fx-paused", "paused")
        time.sleep(1.2)  # let sh start its first sleep, so ps shows two processes
        rec.record("list-three.json", ["list", "--format", "json"])
        rec.record("list-table.txt", ["list"])
        rec.record("list-quiet.txt", ["list", "-q"])
        rec.record("state-running.json", ["state", "fx-running"])
        rec.record("state-paused.json", ["state", "fx-paused"])
        rec.record("state-created.json", ["state", "fx-created"])
        rec.record("ps-json.txt", ["ps", "--format", "json", "fx-running"])
        rec.record("ps-table.txt", ["ps", "fx-running"])
        rec.record("ps-table-ef.txt", ["ps", "fx-running", "-ef"],
                   note="arguments after the id go to ps(1); -ef is also runc's default")
        rec.record("ps-table-o.txt", ["ps", "fx-running", "-o", "pid,user,stat,args"],
                   note="custom ps(1) columns; runc keeps the rows whose PID column is in the container")
        rec.record("events-stats.json", ["events", "--stats", "fx-running"])

        # events stream: bounded by time, then SIGTERM
        argv = [RUNC, "--root", str(rec.root), "events", "--interval", "1s", "fx-running"]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(3.5)
        proc.send_signal(signal.SIGTERM)
        stdout = proc.communicate(timeout=TIMEOUT)[0]
        rec.save("events-stream.jsonl", stdout, ["runc", "--root", str(rec.root)] + argv[3:], "stdout",
                 proc.returncode, note="ran 3.5 s, then SIGTERM; one JSON object a line")

        # stopped container
        rec.start("fx-stopped", args=["true"])
        rec.wait_status("fx-stopped", "stopped")
        rec.record("state-stopped.json", ["state", "fx-stopped"])

        # errors
        rec.record("err-state-missing.txt", ["state", "fx-missing"], stream="stderr", expect_rc=None)
        b = rec.work / "bundles" / "fx-created"
        rec.record("err-create-exists.txt", ["create", "--bundle", str(b), "fx-created"],
                   stream="stderr", expect_rc=None)
        rec.record("err-kill-stopped.txt", ["kill", "fx-stopped", "TERM"], stream="stderr", expect_rc=None)
        rec.record("err-exec-paused.txt", ["exec", "fx-paused", "true"], stream="stderr", expect_rc=None)
        rec.record("err-delete-running.txt", ["delete", "fx-running"], stream="stderr", expect_rc=None)

        nb = rec.bundle("fx-nobin", ["/no/such/binary", "--flag"])
        rec.ids.append("fx-nobin")
        log = rec.work / "runc-log.json"
        rec.subs[str(log)] = "<LOG>"
        res = rec.runc(["--log", str(log), "--log-format", "json", "create", "--bundle", str(nb), "fx-nobin"])
        if res.returncode == 0:
            raise RuntimeError("create with a missing binary succeeded")
        rec.save("err-log-json.jsonl", log.read_bytes() if log.exists() else b"",
                 ["runc", "--root", str(rec.root), "--log", str(log), "--log-format", "json", "create",
                  "--bundle", str(nb), "fx-nobin"], "log file", res.returncode,
                 note="stderr of the same call is err-log-json.stderr.txt")
        rec.save("err-log-json.stderr.txt", res.stderr, ["(same call as err-log-json.jsonl)"], "stderr",
                 res.returncode)

        # checkpoint a container whose stdout/stderr is a regular host file
        info = find_working_criu(criu_cache)
        rec.subs[str(info.path)] = "<CRIU>"
        outfile = rec.work / "container-output.txt"
        rec.start("fx-fileout", stdio=outfile)
        rec.wait_status("fx-fileout", "running")
        images = rec.work / "images"
        rec.subs[str(images)] = "<IMAGES>"
        res = rec.record("err-checkpoint-regular-file.txt",
                         ["--criu", str(info.path), "checkpoint", "--image-path", str(images), "fx-fileout"],
                         stream="stderr", expect_rc=None,
                         note="stdout/stderr of the container are a regular host file; CRIU {} ({})".format(
                             info.version, info.source))
        dump_log = images / "dump.log"
        if dump_log.exists():
            lines = dump_log.read_bytes().splitlines(keepends=True)
            rec.save("err-checkpoint-regular-file.dump-log-tail.txt", b"".join(lines[-40:]),
                     ["tail -n 40 <IMAGES>/dump.log"], "file", 0)
        rec.record("state-after-failed-checkpoint.json", ["state", "fx-fileout"],
                   note="the container keeps running after the failed dump")

        # default specs: runc spec writes config.json into --bundle
        for name, flags in (("spec.json", []), ("spec-rootless.json", ["--rootless"])):
            spec_dir = rec.work / name
            spec_dir.mkdir()
            res = rec.runc(["spec", "--bundle", str(spec_dir)] + flags)
            rec.save(name, (spec_dir / "config.json").read_bytes(),
                     ["runc", "--root", str(rec.root), "spec", "--bundle", str(spec_dir)] + flags, "file", res.returncode,
                     note="the config.json runc spec wrote")

        # help texts
        for cmd in HELP_COMMANDS:
            rec.record("help-{}.txt".format(cmd), [cmd, "--help"])
        res = subprocess.run([RUNC, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=TIMEOUT, check=False)
        rec.save("help-global.txt", res.stdout, ["runc", "--help"], "stdout", res.returncode)
    finally:
        rec.cleanup()
        (out / "commands.json").write_text(json.dumps(rec.manifest, indent=2, sort_keys=True) + "\n")
        shutil.rmtree(str(work), ignore_errors=True)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    cache = Path(tempfile.gettempdir()) / "ocitools-criu-cache"
    if "--criu-cache" in args:
        i = args.index("--criu-cache")
        cache = Path(args[i + 1])
        del args[i:i + 2]
    here = Path(__file__).resolve().parent
    out = Path(args[0]) if args else here.parent / "unit" / "fixtures" / "runc-1.1.5"
    record_all(out, cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
