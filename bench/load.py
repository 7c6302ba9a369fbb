"""The endpoint under load, side by side with `oxigraph serve-read-only` on the same data.

    .venv/bin/python -m bench.load            # about 2 minutes on 2 cores; prints a Markdown section
    .venv/bin/python -m bench.load --quick    # 10 clients instead of 50, 50 instead of 200

Both servers get the same query texts (20 library queries with their example
parameters bound as VALUES, the standard prologue in front) over HTTP from client
threads, each with its own httpx client. Measured:

1. 50 clients × 20 library queries on each server: errors and requests per second;
2. 200 clients at once (one query each) on our endpoint: statuses; only a queue-full
   503 with Retry-After counts as allowed;
3. a slow cross join and a memory-hungry sort sent while 10 clients keep running
   library queries: how each is stopped, and whether the others are answered;
4. resident memory of our server and its workers (sampled every 50 ms), and of Oxigraph.

The oxigraph binary comes from the `oxigraph` PyPI package (a test extra).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.treemem import tree
from graph.namespaces import sparql_prologue
from graph.project import REPO_ROOT, Project
from graph.queries import Library, prepare, with_values
from graph.server.snapshot import copy_store
from graph.store import store_path

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
TIMEOUT, MEMORY_MB = 10, 512


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def library_texts(project: Project, n: int = 20) -> list[tuple[str, str]]:
    """(name, full query text) of the first `n` library queries, example parameters bound."""
    out = []
    for q in list(Library(project))[:n]:
        params = dict(re.findall(r"--param (\w+)=(\S+)", q.example))
        prepared = prepare(q.name, params, project, is_text=False)
        out.append((q.name, sparql_prologue() + with_values(prepared.text, prepared.bindings)))
    return out


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants (`bench.treemem.tree`)."""
    total = 0
    for p in tree(pid):
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total


class Sampler:
    """Peak RSS of a process tree, sampled in a thread."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.stop = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, tree_rss(self.pid))

    def close(self) -> int:
        self.stop.set()
        self.thread.join()
        return self.peak


class Server:
    def __init__(self, name: str, args: list[str], url: str, env=None):
        self.name, self.url = name, url
        self.proc = subprocess.Popen(args, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                httpx.post(url, data={"query": "ASK {}"}, timeout=5)
                break
            except httpx.TransportError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{name} exited: {self.proc.stderr.read().decode()[-500:]}") from None
                time.sleep(0.2)
        self.sampler = Sampler(self.proc.pid)

    def close(self) -> int:
        peak = self.sampler.close()
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return peak


def post(client: httpx.Client, url: str, text: str) -> tuple[int, str, float]:
    started = time.monotonic()
    try:
        r = client.post(url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=120)
        return r.status_code, r.headers.get("retry-after", ""), time.monotonic() - started
    except httpx.HTTPError as err:
        return -1, type(err).__name__, time.monotonic() - started


def clients_run(url: str, texts: list[str], clients: int) -> dict:
    """`clients` threads each run every text in turn; statuses, wall time, latencies."""

    def one_client(offset: int):
        with httpx.Client() as client:  # rotate the order so clients do not move in lockstep
            return [post(client, url, texts[(offset + i) % len(texts)]) for i in range(len(texts))]

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = [r for rs in pool.map(one_client, range(clients)) for r in rs]
    wall = time.monotonic() - started
    lat = sorted(r[2] for r in results)
    return {
        "requests": len(results),
        "errors": sum(r[0] != 200 for r in results),
        "wall": wall,
        "rps": len(results) / wall,
        "p50": statistics.median(lat),
        "p95": lat[int(0.95 * (len(lat) - 1))],
        "statuses": sorted({r[0] for r in results}),
    }


def burst(url: str, text: str, clients: int) -> dict:
    """`clients` requests started together (a barrier), one each."""
    barrier = threading.Barrier(clients)

    def one(_):
        with httpx.Client() as client:
            barrier.wait()
            return post(client, url, text)

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, range(clients)))
    counts: dict[str, int] = {}
    for status, retry, _ in results:
        key = f"{status}" + (" with Retry-After" if status == 503 and retry.isdigit() else "")
        counts[key] = counts.get(key, 0) + 1
    return counts


def stopped_while_serving(url: str, texts: list[str], bad: str, others: int = 10) -> dict:
    """Send `bad` while `others` clients loop over `texts`; how `bad` ends and how the others fare."""
    done = threading.Event()
    statuses: list[int] = []

    def loop(offset: int):
        with httpx.Client() as client:
            i = offset
            while not done.is_set():
                statuses.append(post(client, url, texts[i % len(texts)])[0])
                i += 1

    with concurrent.futures.ThreadPoolExecutor(others) as pool:
        for k in range(others):
            pool.submit(loop, k)
        time.sleep(0.5)
        with httpx.Client() as client:
            started = time.monotonic()
            r = client.post(url, data={"query": bad}, timeout=120)
            seconds = time.monotonic() - started
        during = len(statuses)
        done.set()
    return {
        "status": r.status_code,
        "message": r.text[:80],
        "seconds": seconds,
        "answered_during": during,
        "errors_during": sum(s != 200 for s in statuses[:during]),
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer clients")
    args = ap.parse_args(argv)
    many, crowd = (10, 50) if args.quick else (50, 200)
    project = Project.default()
    texts = [t for _, t in library_texts(project)]
    work = Path(tempfile.mkdtemp(prefix="naravard-load-"))
    try:
        copy_store(store_path(project), work / "store")  # Oxigraph gets its own copy of the same store
        oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
        if oxigraph is None:
            sys.exit("bench.load needs the oxigraph server binary: pip install oxigraph")
        cores = os.cpu_count()
        rows: list[str] = []

        ox_port, our_port = free_port(), free_port()
        log(f"oxigraph serve-read-only on :{ox_port}")
        ox = Server(
            "oxigraph",
            [oxigraph, "serve-read-only", "--location", str(work / "store"), "--bind", f"127.0.0.1:{ox_port}"],
            f"http://127.0.0.1:{ox_port}/query",
        )
        log(f"oxigraph: {many} clients × {len(texts)} queries")
        ox_run = clients_run(ox.url, texts, many)
        ox_peak = ox.close()

        log(f"naravard serve on :{our_port}")
        ours = Server(
            "naravard",
            [
                sys.executable,
                "-m",
                "cli.main",
                "serve",
                "--port",
                str(our_port),
                "--timeout",
                str(TIMEOUT),
                "--max-memory",
                str(MEMORY_MB),
                "--max-rows",
                "1000000",
            ],
            f"http://127.0.0.1:{our_port}/sparql",
        )
        log(f"naravard: {many} clients × {len(texts)} queries")
        our_run = clients_run(ours.url, texts, many)
        log(f"naravard: {crowd} clients at once")
        crowd_counts = burst(ours.url, texts[0], crowd)
        log("naravard: slow query while 10 clients run library queries")
        slow = stopped_while_serving(ours.url, texts, SLOW)
        log("naravard: memory-hungry query while 10 clients run library queries")
        hungry = stopped_while_serving(ours.url, texts, HUNGRY)
        after = clients_run(ours.url, texts, 4)
        our_peak = ours.close()

        ratio = ox_run["rps"] / our_run["rps"]
        rows += [
            f"## Endpoint under load (`make bench` → `python -m bench.load`{' --quick' if args.quick else ''}, "
            f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {cores} cores)",
            "",
            f"Same store, same {len(texts)} library queries (example parameters bound), "
            "HTTP POST form from client threads "
            f"(httpx). Our endpoint: `naravard serve` with default workers ({cores}, one per core), queue 256, "
            f"`--timeout {TIMEOUT} --max-memory {MEMORY_MB}`.",
            "",
            "| measure | naravard serve | oxigraph serve-read-only | goal |",
            "|---|---|---|---|",
            f"| {many} clients × {len(texts)} queries: errors | {our_run['errors']} of {our_run['requests']} | "
            f"{ox_run['errors']} of {ox_run['requests']} | 0 |",
            f"| throughput | {our_run['rps']:.0f} req/s | {ox_run['rps']:.0f} req/s | within 2× of Oxigraph: "
            f"{'met' if ratio <= 2 else 'NOT met'} ({ratio:.2f}×) |",
            f"| latency p50 / p95 | {our_run['p50'] * 1000:.0f} / {our_run['p95'] * 1000:.0f} ms | "
            f"{ox_run['p50'] * 1000:.0f} / {ox_run['p95'] * 1000:.0f} ms | |",
            f"| {crowd} clients at once (one query each) | "
            f"{', '.join(f'{v}× {k}' for k, v in sorted(crowd_counts.items()))} | "
            "not run | only 200 or 503 with Retry-After |",
            f"| slow cross join (`{SLOW[:40]}…`) | {slow['status']} after {slow['seconds']:.1f} s "
            f'("{slow["message"]}"); {slow["answered_during"]} other requests answered meanwhile, '
            f"{slow['errors_during']} errors | not run (0.5.13 did not stop it, see FACTS) | "
            "stopped, others answered |",
            f"| memory-hungry sort (`{HUNGRY[:40]}…`) | {hungry['status']} after {hungry['seconds']:.1f} s "
            f'("{hungry["message"]}"); {hungry["answered_during"]} other requests answered meanwhile, '
            f"{hungry['errors_during']} errors | not run (grew to 5 GB in the issue) | stopped, others answered |",
            f"| afterwards: 4 clients × {len(texts)} queries | {after['errors']} errors of {after['requests']} | | 0 |",
            f"| peak RSS, server + workers, whole run | {our_peak / 2**20:.0f} MB | "
            f"{ox_peak / 2**20:.0f} MB (load part only) | "
            f"bounded: ≤ {cores} × {MEMORY_MB} MB + server |",
        ]
        print("\n".join(rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
