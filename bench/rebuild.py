"""A rebuild after editing one label, paired with an earlier version of the code in the same run.

    .venv/bin/python -m bench.rebuild --base /tmp/base --work /tmp/rebuild --runs 3

`--base` is a folder holding an earlier `graph/` and `cli/` (e.g. `git archive a2153ca graph cli | tar -x
-C /tmp/base`), run by this checkout's Python with that folder first on PYTHONPATH. The project (ontology,
data, queries, the gap labels) is copied to `--work`/project, and each version builds into its own output
folder there (its own store cache and memo). Both are built twice first (a full build, then one after an
edit, so each has the memo and output a rebuild finds). Each run then changes one `rdfs:label` in
data/regions/dalarna.ttl and times `naravard build` of both versions back to back (their order alternating),
then times a build with nothing changed of each. `--after` runs a snapshot of the later code the same way
(so the checkout can change while the bench runs). Wall-clock seconds; medians printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LABEL = '"Hälso- och sjukvårdsnämnden'  # an actor of Dalarna; the edit appends a run number to its label
EDITED = Path("data") / "regions" / "dalarna.ttl"


def copy_project(dest: Path) -> None:
    """The project's inputs (as a build reads them) copied to `dest`."""
    if dest.exists():
        shutil.rmtree(dest)
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO / name, dest / name)
    (dest / "tests" / "data").mkdir(parents=True)
    shutil.copy2(REPO / "tests" / "data" / "gap-labels.tsv", dest / "tests" / "data")


def edit(project: Path, n: int) -> None:
    """Give the edited actor's label the suffix ` (n)` (replacing any earlier one)."""
    path = project / EDITED
    lines = path.read_text(encoding="utf-8").split("\n")
    i = next(i for i, line in enumerate(lines) if line.strip().startswith(f"rdfs:label {LABEL}"))
    lines[i] = f'    rdfs:label {LABEL} ({n})"@sv ;' if n else f'    rdfs:label {LABEL}"@sv ;'
    path.write_text("\n".join(lines), encoding="utf-8")


def timed_build(project: Path, out: Path, code: Path | None) -> float:
    """Seconds of one `naravard build` of `project` into `out` by this checkout's code or `code`'s."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH")}
    env.update(NARAVARD_ROOT=str(project), NARAVARD_OUTPUT=str(out))
    if code is not None:
        env["PYTHONPATH"] = str(code)
    command = [sys.executable, "-c", "import sys; from cli.entry import main; sys.argv = ['naravard', 'build']; main()"]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=project, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed ({'base' if code else 'now'}):\n{done.stderr[-2000:]}")
    return took


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="folder with the earlier graph/ and cli/")
    parser.add_argument("--after", type=Path, help="folder with the later graph/ and cli/ (default: this checkout's)")
    parser.add_argument("--work", type=Path, required=True, help="scratch folder (the project copy, outputs)")
    parser.add_argument("--runs", type=int, default=3)
    a = parser.parse_args(argv)
    project = a.work / "project"
    copy_project(project)
    versions = {"before": a.base.resolve(), "after": a.after.resolve() if a.after else None}
    outs = {name: a.work / f"out-{name}" for name in versions}
    for out in outs.values():
        for old in (out, out.parent / f".{out.name}.builds"):
            if old.is_symlink() or old.is_file():
                old.unlink()
            elif old.exists():
                shutil.rmtree(old)
    for n in (0, 1):  # warm: a full build, then a rebuild after an edit (each version's memo and output)
        edit(project, n)
        for name, code in versions.items():
            print(f"warm-up {n}: {name} {timed_build(project, outs[name], code):.2f} s", file=sys.stderr)
    times: dict[str, list[float]] = {f"{k} {name}": [] for k in ("edit", "same") for name in versions}
    for run in range(a.runs):
        edit(project, run + 2)
        order = list(versions) if run % 2 == 0 else list(reversed(versions))
        for name in order:
            times[f"edit {name}"].append(timed_build(project, outs[name], versions[name]))
        for name in order:
            times[f"same {name}"].append(timed_build(project, outs[name], versions[name]))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in times.items()), file=sys.stderr)
    edit(project, 0)
    print("| measure | before | after | ratio | runs before | runs after |")
    print("|---|---|---|---|---|---|")
    for what, label in (("edit", "rebuild after one label edit in dalarna.ttl"), ("same", "build, nothing changed")):
        b, n = statistics.median(times[f"{what} before"]), statistics.median(times[f"{what} after"])
        runs = [" / ".join(f"{x:.2f}" for x in times[f"{what} {name}"]) for name in versions]
        print(f"| {label} | {b:.2f} s | {n:.2f} s | {b / n:.2f}× | {runs[0]} | {runs[1]} |")


if __name__ == "__main__":
    main()
