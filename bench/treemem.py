"""Peak memory of a command and every process it starts, measured honestly for forks.

The sum of the resident sizes (RSS) of a process tree counts each page a fork shares with its parent (copy on
write) once per process; the sum of the proportional set sizes (PSS, /proc/PID/smaps_rollup) counts a shared page
once, split between the processes that share it. This samples both, every `--every` seconds, prints the command's
output lines with the seconds since the start, then one JSON line: the peaks (kB) and when they were reached, with
each process's PSS at the peak (the command's own first). With `--timeline FILE`, every sample is written to FILE
(seconds, PSS kB, RSS kB, processes).

    python -m bench.treemem -- python -m bench.worker build output/bench/project-1e6
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants (processes, not threads)."""
    by_parent: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        by_parent.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(by_parent.get(p, []))
    return out


def pss_rss_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in kB, from /proc/PID/smaps_rollup ((0, 0) once it has gone)."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return pss, rss


class Peak:
    """Samples, in a thread, the sums of PSS and RSS over the process tree of `pid` every `every` seconds
    until `stop()`, which gives the peaks (kB) and when they were reached (seconds since the start), with each
    process's PSS at the PSS peak (the root first); each sample is also written to `timeline` (a text file
    open for writing) if given: seconds, PSS kB, RSS kB, processes."""

    def __init__(self, pid: int, every: float = 0.5, timeline=None):
        self.pid, self.every, self.timeline = pid, every, timeline
        self.peak = {"pss_kb": 0, "pss_at": 0.0, "rss_kb": 0, "rss_at": 0.0, "processes_max": 0, "samples": 0}
        self.start = time.monotonic()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def sample(self) -> None:
        """One sample of the tree now."""
        now = time.monotonic() - self.start
        pids = tree(self.pid)
        sizes = [pss_rss_kb(p) for p in pids]
        pss, rss = sum(s[0] for s in sizes), sum(s[1] for s in sizes)
        peak = self.peak
        peak["samples"] += 1
        peak["processes_max"] = max(peak["processes_max"], len(pids))
        if pss > peak["pss_kb"]:
            peak["pss_kb"], peak["pss_at"] = pss, round(now, 1)
            peak["pss_by_process"] = {str(p): s[0] for p, s in zip(pids, sizes, strict=True)}  # the root first
        if rss > peak["rss_kb"]:
            peak["rss_kb"], peak["rss_at"] = rss, round(now, 1)
        if self.timeline:
            self.timeline.write(f"{now:.1f}\t{pss}\t{rss}\t{len(pids)}\n")

    def _run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.every)

    def stop(self) -> dict:
        """Stop sampling; the peaks."""
        self._done.set()
        self._thread.join()
        return self.peak


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--every", type=float, default=0.5, help="seconds between samples")
    ap.add_argument("--timeline", type=Path, help="write every sample to this file")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)

    def echo():
        for line in proc.stdout:
            print(f"[{time.monotonic() - start:7.1f}] {line}", end="", flush=True)

    reader = threading.Thread(target=echo, daemon=True)
    reader.start()
    timeline = a.timeline.open("w") if a.timeline else None
    sampler = Peak(proc.pid, a.every, timeline)
    proc.wait()
    peak = sampler.stop()
    reader.join()
    if timeline:
        timeline.close()
    print(json.dumps({"exit": proc.returncode, "seconds": round(time.monotonic() - start, 1), **peak}), flush=True)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
