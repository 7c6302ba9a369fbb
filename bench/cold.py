"""Cold `naravard query NAME` against the `oxigraph query` binary on the same store (issue 17).

Each pair runs both commands as fresh processes, one after the other, alternating which goes
first; the store cache is warm on disk (built before the first pair). The binary gets the same
query text our command runs (the standard prefixes, parameters in a VALUES block) and writes
CSV; `naravard query` writes its default table. Prints medians and the ratio of the medians.

Python runs as it does for users, with its bytecode cache (`__pycache__/`, written by the warm-up
run): PYTHONDONTWRITEBYTECODE, set in some sandboxes, is dropped, as compiling our modules on
every start costs about 40 ms. `--no-bytecode-cache` keeps the variable (it shows that cost
only where no `__pycache__/` has been written yet: Python still reads an existing one).

    .venv/bin/python -m bench.cold                    # count-by-class and region-forums, 21 pairs
    .venv/bin/python -m bench.cold --pairs 41 count-by-class
    .venv/bin/python -m bench.cold region-forums --param region=dalarna --before /tmp/main/.venv/bin/naravard

`--before` runs another `naravard` (an earlier checkout with its own venv) on the same project and
store in the same rounds, the three commands in rotating order: before and after in one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from graph.project import Project

BIN = Path(sys.executable).parent
#: The queries measured by default, with their parameters (`--param NAME=VALUE`).
QUERIES = {"count-by-class": {}, "region-forums": {"region": "jamtland-harjedalen"}}


@dataclass
class Cold:
    """The wall-clock seconds of each paired run of one query, and the CPU seconds (user + system)
    of each process: less disturbed than wall-clock when the machine is shared."""

    name: str
    naravard: list[float]
    oxigraph: list[float]
    naravard_cpu: list[float]
    oxigraph_cpu: list[float]
    before: list[float] = field(default_factory=list)  # `--before`: the earlier naravard, same rounds
    before_cpu: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Median of naravard over median of the binary."""
        return statistics.median(self.naravard) / statistics.median(self.oxigraph)


def environment(output: Path, bytecode_cache: bool = True) -> dict[str, str]:
    """The commands' environment: builds in `output`, Python's bytecode cache on unless asked."""
    env = {**os.environ, "NARAVARD_OUTPUT": str(output)}
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds `cmd` takes as a fresh process (its output discarded; a failure raises)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return elapsed, usage.ru_utime + usage.ru_stime


def measure(
    project: Project, name: str, params: dict[str, str], pairs: int, env: dict[str, str], before: str | None = None
) -> Cold:
    """`pairs` paired cold runs of `naravard query name` and `oxigraph query` on the same store (and of the
    `before` command, if given, in the same rounds: the order rotates)."""
    from graph.queries import full_text, prepare, with_values
    from graph.store import store_path

    args = ["query", name, "--root", str(project.root)]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    ours = [str(BIN / "naravard"), *args]
    earlier = [before, *args] if before else None
    subprocess.run(ours, env=env, capture_output=True, check=True)  # the store cache, warm on disk
    if earlier:  # the same store (same key): its answer must be ours
        same = subprocess.run(earlier, env=env, capture_output=True, check=True).stdout
        if same != subprocess.run(ours, env=env, capture_output=True, check=True).stdout:
            raise SystemExit(f"{before} answers {name} differently")
    location = store_path(project)
    prepared = prepare(name, params, project)
    with tempfile.NamedTemporaryFile("w", suffix=".rq", delete=False) as f:
        f.write(full_text(with_values(prepared.text, prepared.bindings)))
    binary = [str(BIN / "oxigraph"), "query", "--location", str(location), "--query-file", f.name]
    binary += ["--results-format", "csv"]
    try:
        cold = Cold(name, [], [], [], [])
        order = [(ours, cold.naravard, cold.naravard_cpu), (binary, cold.oxigraph, cold.oxigraph_cpu)]
        if earlier:
            order.append((earlier, cold.before, cold.before_cpu))
        for i in range(pairs):
            k = i % len(order)
            for cmd, times, cpu in order[k:] + order[:k]:
                w, c = timed(cmd, env)
                times.append(w)
                cpu.append(c)
        return cold
    finally:
        os.unlink(f.name)


def main(argv: list[str] | None = None) -> list[Cold]:
    """Measure, print one line per query, and return the figures (bench.run reports them too)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help=f"library queries (default: {', '.join(QUERIES)})")
    ap.add_argument("--pairs", type=int, default=21, help="paired runs per query (default 21)")
    ap.add_argument("--root", type=Path, help="project folder (default: this checkout)")
    ap.add_argument("--no-bytecode-cache", action="store_true", help="keep PYTHONDONTWRITEBYTECODE if set")
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE for the named queries (default: QUERIES)")
    ap.add_argument("--before", help="another naravard command (an earlier checkout's) to run in the same rounds")
    a = ap.parse_args(argv)
    project = Project(a.root.resolve()) if a.root else Project.default()
    env = environment(project.output_dir, bytecode_cache=not a.no_bytecode_cache)
    found = []
    given = dict(p.split("=", 1) for p in a.param)
    for name in a.names or list(QUERIES):
        c = measure(project, name, given or QUERIES.get(name, {}), a.pairs, env, a.before)
        found.append(c)
        print(
            f"{name}: naravard query {statistics.median(c.naravard) * 1000:.0f} ms, "
            f"oxigraph query {statistics.median(c.oxigraph) * 1000:.0f} ms (medians of {a.pairs} pairs): "
            f"{c.ratio:.2f}x; CPU {statistics.median(c.naravard_cpu) * 1000:.0f} ms vs "
            f"{statistics.median(c.oxigraph_cpu) * 1000:.0f} ms"
            + (
                f"; before ({a.before}) {statistics.median(c.before) * 1000:.0f} ms: "
                f"{statistics.median(c.before) / statistics.median(c.oxigraph):.2f}x, CPU "
                f"{statistics.median(c.before_cpu) * 1000:.0f} ms"
                if c.before
                else ""
            ),
            flush=True,
        )
    return found


if __name__ == "__main__":
    main()
