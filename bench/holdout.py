"""The hold-out evaluation of link prediction (`graph.gaps.evaluate.hold_out`), paired with an earlier version
of the code in the same run.

    .venv/bin/python -m bench.holdout --before /tmp/before --after /tmp/after --runs 3 \\
        --project real=. --project 1e5=/tmp/p5 --project 1e6=/tmp/p6

`--before` and `--after` are folders holding a version's `graph/` (e.g. `git archive 05002f8 graph | tar -x -C
/tmp/before`), each run by this checkout's Python in its own process, from that folder (first on sys.path). Each
project's store is built once (`graph.store.build_store`, this checkout's code; it writes its store cache in the
project folder, so give copies) and its actor projection (`actor_projection(network(store))`) pickled; each run
then times `hold_out` of both versions on it back to back, their order alternating: wall-clock and CPU seconds
(the process's and its forked workers'). The two versions' `Evaluation`s (as the memo's JSON, `asdict`) must be
equal; medians printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECTION = """
import os, pickle, sys
from pathlib import Path
from graph.network import actor_projection, network
from graph.project import Project
from graph.store import build_store
store, _, _ = build_store(Project(Path(sys.argv[1])))
g = actor_projection(network(store))
pickle.dump(g, open(sys.argv[2], "wb"))
print(g.number_of_nodes(), g.number_of_edges(), len(store))
"""

TIMED = """
import json, pickle, resource, sys, time
from dataclasses import asdict
from graph.gaps.evaluate import hold_out
g = pickle.load(open(sys.argv[1], "rb"))
def cpu(who):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime
w, c = time.perf_counter(), cpu(resource.RUSAGE_SELF) + cpu(resource.RUSAGE_CHILDREN)
ev = hold_out(g)
w, c = time.perf_counter() - w, cpu(resource.RUSAGE_SELF) + cpu(resource.RUSAGE_CHILDREN) - c
print(json.dumps({"wall": w, "cpu": c, "evaluation": json.dumps(asdict(ev))}))
"""


def run(code: str, cwd: Path, *args: str, root: Path | None = None) -> str:
    """`code` run by this Python from `cwd` (first on sys.path); its standard output."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    env.pop("NARAVARD_OUTPUT", None)
    if root is not None:
        env["NARAVARD_ROOT"] = str(root)
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=Path, required=True)
    ap.add_argument("--after", type=Path, required=True)
    ap.add_argument("--project", action="append", required=True, help="SCALE=FOLDER")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in a.project:
            scale, folder = spec.split("=", 1)
            root = Path(folder).resolve()
            pickled = Path(tmp) / f"{scale}.pkl"
            nodes, edges, triples = run(PROJECTION, a.after.resolve(), str(root), str(pickled), root=root).split()
            times: dict[str, dict[str, list[float]]] = {v: {"wall": [], "cpu": []} for v in ("before", "after")}
            results: dict[str, set[str]] = {"before": set(), "after": set()}
            for r in range(a.runs):
                for version in ("before", "after") if r % 2 == 0 else ("after", "before"):
                    out = json.loads(run(TIMED, getattr(a, version).resolve(), str(pickled)))
                    times[version]["wall"].append(out["wall"])
                    times[version]["cpu"].append(out["cpu"])
                    results[version].add(out["evaluation"])
                    print(scale, version, round(out["wall"], 3), round(out["cpu"], 3), file=sys.stderr, flush=True)
            same = len(results["before"]) == 1 and results["before"] == results["after"]
            med = {v: {k: statistics.median(x) for k, x in t.items()} for v, t in times.items()}
            rows.append(
                f"| {scale} ({int(triples):,} triples; {int(nodes):,} actors, {int(edges):,} links) "
                f"| {med['before']['wall']:.2f} s | {med['after']['wall']:.2f} s "
                f"| {med['before']['wall'] / med['after']['wall']:.2f}x "
                f"| {med['before']['cpu']:.2f} s | {med['after']['cpu']:.2f} s "
                f"| {med['before']['cpu'] / med['after']['cpu']:.2f}x | {'yes' if same else 'NO'} |"
            )
    print(f"{a.runs} runs per version, medians; wall-clock and CPU (process + forked workers) of `hold_out`")
    print()
    print("| scale | wall before | wall after | ratio | CPU before | CPU after | ratio | same Evaluation (JSON) |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
