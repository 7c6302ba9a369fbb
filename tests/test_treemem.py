"""bench/treemem.py: the process tree and its PSS, which counts a page two forks share once."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from bench.treemem import Peak, pss_rss_kb, tree

#: a parent that touches 64 MB, then forks a child that shares them and waits on a pipe
FORKED = """
import os, sys
x = bytearray(64 * 2**20)
for i in range(0, len(x), 4096):
    x[i] = 1
r, w = os.pipe()
if os.fork() == 0:
    os.read(r, 1)
    os._exit(0)
print(os.getpid(), flush=True)
sys.stdin.read(1)
os.write(w, b"x")
os.wait()
"""


def test_pss_counts_pages_shared_by_a_fork_once():
    proc = subprocess.Popen([sys.executable, "-c", FORKED], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        pid = int(proc.stdout.readline())
        pids = tree(proc.pid)
        assert len(pids) == 2 and pids[0] == proc.pid  # the parent and its fork
        sizes = [pss_rss_kb(p) for p in pids]
        pss, rss = sum(s[0] for s in sizes), sum(s[1] for s in sizes)
        assert pid == proc.pid and rss > 2 * 60 * 1024  # each resident size counts the 64 MB
        assert 60 * 1024 < pss < rss - 50 * 1024  # the sum of PSS counts them once
    finally:
        proc.communicate("x")
    assert pss_rss_kb(proc.pid) == (0, 0)  # gone


def test_command_line_reports_the_peaks(tmp_path):
    timeline = tmp_path / "t.tsv"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.treemem",
            "--every",
            "0.05",
            "--timeline",
            str(timeline),
            "--",
            sys.executable,
            "-c",
            "import time; x = b\"x\" * (32 * 2**20); print('ready', flush=True); time.sleep(0.5)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].endswith("ready")
    peak = json.loads(out[-1])
    assert peak["exit"] == 0 and peak["pss_kb"] > 30 * 1024 and peak["rss_kb"] >= peak["pss_kb"]
    assert len(timeline.read_text().splitlines()) == peak["samples"]


def test_peak_samples_the_tree_in_a_thread_until_stopped():
    proc = subprocess.Popen([sys.executable, "-c", FORKED], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()  # the fork exists and both hold the 64 MB
        sampler = Peak(proc.pid, every=0.05)
        time.sleep(0.3)
        peak = sampler.stop()
        samples = peak["samples"]
        time.sleep(0.2)
        assert peak["samples"] == samples  # stopped: no sample after `stop`
    finally:
        proc.communicate("x")
    assert samples >= 2 and peak["processes_max"] == 2
    assert 60 * 1024 < peak["pss_kb"] < peak["rss_kb"] - 50 * 1024  # shared pages counted once by PSS
    assert list(peak["pss_by_process"])[0] == str(proc.pid)  # the root first
