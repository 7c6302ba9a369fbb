"""Validation after an edit, paired with an earlier version of the code in the same run, and the two
versions' reports compared problem by problem.

    .venv/bin/python -m bench.validation --base /tmp/base --work /tmp/val-bench --runs 5
    .venv/bin/python -m bench.validation --base /tmp/base --work /tmp/val-bench --sequence
    .venv/bin/python -m bench.validation --base /tmp/base --work /tmp/val-1e5 --root output/bench/project-1e5 --runs 3

`--base` is a folder holding an earlier `graph/` (e.g. `git archive 14de030 graph | tar -x -C /tmp/base`),
run by this checkout's Python with that folder first on PYTHONPATH. The project (the real one, or `--root`'s
ontology/, data/ and queries/) is copied to `--work`/project; each version keeps its own cache folder there
(`NARAVARD_OUTPUT`), and both validate once before the first run. Each run then edits one data file — one
`rdfs:label` in data/regions/dalarna.ttl as `bench.rebuild` does, or, for a project without it (the
synthetic ones: one file), a comment line appended to its largest data file — and times
`graph.validate.validate(project)` in a fresh process of each version, their order alternating (wall and CPU
seconds inside the process, imports excluded). After every run the reports must be the same: every problem's
severity, file, line, focus and message (blank node ids, new on every parse, aside). Medians are printed as
a Markdown table.

`--sequence` runs edits that reach across files instead (a type changed in the reference data, a node
stated first in a new file, a source document's type, the shapes, the ontology's subclasses, a subclass
triple in a data file, each undone again) and compares the reports after each: the later version keeps
results between runs, so its report after each edit must still be the earlier version's, which keeps none.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.rebuild import EDITED, copy_project, edit

REPO = Path(__file__).resolve().parent.parent

#: Run in a fresh process by each version: validate, print the times and write the report.
WORKER = """
import json, re, sys, time
from pathlib import Path
from graph.project import Project
from graph.validate import validate
start, cpu = time.perf_counter(), time.process_time()
report = validate(Project(Path(sys.argv[1])))
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
lines = sorted(re.sub(r"_:[0-9A-Za-z]{1,8}", "_:B", f"{p.severity}|{p.file}|{p.line}|{p.focus}|{p.message}")
               for p in report.problems)
Path(sys.argv[2]).write_text("\\n".join(lines), encoding="utf-8")
import graph
print(json.dumps({"wall": wall, "cpu": cpu, "problems": len(lines), "triples": report.triples, "code": graph.__file__}))
"""


def run(code: Path | None, project: Path, cache: Path, out: Path) -> dict:
    """One validation of `project` by this checkout's code or `code`'s, in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NARAVARD_OUTPUT"] = str(cache)
    env["PYTHONPATH"] = str(code) if code is not None else str(REPO)
    done = subprocess.run(  # run in the project (`-c` puts the working folder first on sys.path)
        [sys.executable, "-c", WORKER, str(project), str(out)], env=env, cwd=project, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"validation failed ({code or 'this checkout'}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def copy_root(root: Path, dest: Path) -> None:
    """`root`'s ontology/, data/ and queries/ copied to `dest`."""
    if dest.exists():
        shutil.rmtree(dest)
    for name in ("ontology", "data", "queries"):
        if (root / name).exists():
            shutil.copytree(root / name, dest / name)


def edit_any(project: Path, n: int) -> str:
    """Edit number `n`: the label of bench.rebuild (real project), else a comment appended to the largest
    data file; what was edited."""
    if (project / EDITED).exists():
        edit(project, n)
        return f"{EDITED}: one rdfs:label"
    target = max((project / "data").rglob("*.ttl"), key=lambda p: p.stat().st_size)
    with target.open("a", encoding="utf-8") as f:
        f.write(f"\n# edit {n}\n")
    return f"{target.relative_to(project)}: a comment line appended"


DALARNA, KRONOBERG, EARLY = str(EDITED), "data/regions/kronoberg.ttl", "data/aaa.ttl"
REGIONS, SOURCES = "data/reference/regions.ttl", "data/sources/sources.ttl"
SHAPES, ONTOLOGY = "ontology/shapes.ttl", "ontology/naravard.ttl"
HSN = "nvr:dalarna--halso-och-sjukvardsnamnden a nv:Board ;\n"
LABELLED = HSN + '    rdfs:label "Hälso- och sjukvårdsnämnden"@sv ;\n'
TWO_LABELS = '\nnvr:dalarna--halso-och-sjukvardsnamnden rdfs:label "HSN2"@sv , "HSN3"@en .\n'
STATED_FIRST = (
    "@prefix nv: <https://w3id.org/naravard/def#> .\n@prefix nvr: <https://w3id.org/naravard/id/> .\n"
    "nvr:dalarna--halso-och-sjukvardsnamnden nv:level nv:level-political .\nnvr:aaa--x a nv:Post .\n"
)
BOARD = "nv:Board a owl:Class ; rdfs:subClassOf nv:Organisation , org:OrganizationalUnit ;"
BOARD_ONLY = "nv:Board a owl:Class ; rdfs:subClassOf nv:Organisation ;"
SUBCLASS = "\nnv:Board rdfs:subClassOf nv:Region .\n"

#: Edits that reach across files, each undone later: (what, [(file, old text, new text)]); old None: append
#: (a new file), new None: delete the file.
SEQUENCE = [
    ("nothing", []),
    ("nvr:dalarna typed nv:County (reference)", [(REGIONS, "dalarna a nv:Region ;", "dalarna a nv:County ;")]),
    ("… undone", [(REGIONS, "dalarna a nv:County ;", "dalarna a nv:Region ;")]),
    ("an actor of dalarna.ttl loses its label", [(DALARNA, LABELLED, HSN)]),
    ("kronoberg.ttl gives that actor two labels", [(KRONOBERG, None, TWO_LABELS)]),
    ("a new file data/aaa.ttl states that actor first", [(EARLY, None, STATED_FIRST)]),
    ("… data/aaa.ttl removed", [(EARLY, STATED_FIRST, None)]),
    ("… kronoberg.ttl undone", [(KRONOBERG, TWO_LABELS, "")]),
    ("… the label back", [(DALARNA, HSN, LABELLED)]),
    ("nvr:source-003 typed nv:Document", [(SOURCES, "source-003 a nv:SourceDocument ;", "source-003 a nv:Document ;")]),
    ("… undone", [(SOURCES, "source-003 a nv:Document ;", "source-003 a nv:SourceDocument ;")]),
    ("shapes: two labels needed", [(SHAPES, "rdfs:label ; sh:minCount 1 ;", "rdfs:label ; sh:minCount 2 ;")]),
    ("… undone", [(SHAPES, "rdfs:label ; sh:minCount 2 ;", "rdfs:label ; sh:minCount 1 ;")]),
    ("the actor loses its label again", [(DALARNA, LABELLED, HSN)]),
    ("ontology: nv:Board no longer an org:OrganizationalUnit", [(ONTOLOGY, BOARD, BOARD_ONLY)]),
    ("… undone", [(ONTOLOGY, BOARD_ONLY, BOARD)]),
    ("a subclass triple in kronoberg.ttl (nv:Board below nv:Region)", [(KRONOBERG, None, SUBCLASS)]),
    ("… undone, and the label back", [(KRONOBERG, SUBCLASS, ""), (DALARNA, HSN, LABELLED)]),
]  # fmt: skip


def apply(project: Path, changes: list[tuple[str, str | None, str | None]]) -> None:
    """Make `changes` (as in SEQUENCE) to the project's files."""
    for rel, old, new in changes:
        path = project / rel
        if new is None:
            path.unlink()
        elif old is None:
            with path.open("a", encoding="utf-8") as f:
                f.write(new)
        else:
            text = path.read_text(encoding="utf-8")
            if old not in text:
                raise SystemExit(f"{rel}: {old!r} not found")
            path.write_text(text.replace(old, new, 1), encoding="utf-8")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="folder with the earlier graph/")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--root", type=Path, help="project to copy (default: this checkout's)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sequence", action="store_true", help="compare reports after edits across files")
    a = ap.parse_args(argv)
    project = a.work / "project"
    copy_root(a.root, project) if a.root else copy_project(project)
    versions = {"before": a.base.resolve(), "after": None}
    caches = {v: a.work / f"out-{v}" for v in versions}
    for cache in caches.values():  # graph.atomic.builds_dir: the cache folder is beside the output
        shutil.rmtree(cache.parent / f".{cache.name}.builds", ignore_errors=True)

    def both(order: list[str]) -> dict:
        got = {v: run(versions[v], project, caches[v], a.work / f"report-{v}.txt") for v in order}
        reports = {v: (a.work / f"report-{v}.txt").read_text(encoding="utf-8") for v in versions}
        got["same"] = reports["before"] == reports["after"]
        return got

    first = both(["before", "after"])  # cold: each version's caches empty
    for v, code in (("before", a.base.resolve()), ("after", REPO)):
        if not Path(first[v]["code"]).is_relative_to(code):
            raise SystemExit(f"{v} ran {first[v]['code']}, not the code in {code}")
    print(
        f"cold: before {first['before']['wall']:.2f} s, after {first['after']['wall']:.2f} s; "
        f"{first['after']['triples']} triples, {first['after']['problems']} problems, same: {first['same']}"
    )
    failed = not first["same"]
    if a.sequence:
        for what, changes in SEQUENCE:
            apply(project, changes)
            got = both(["before", "after"])
            failed |= not got["same"]
            print(f"- {what}: {got['after']['problems']} problems, {'same' if got['same'] else 'DIFFERENT'}")
        raise SystemExit(1 if failed else 0)
    rows: dict = {v: [] for v in versions}
    for n in range(1, a.runs + 1):
        edited = edit_any(project, n)
        order = ["before", "after"] if n % 2 else ["after", "before"]
        got = both(order)
        failed |= not got["same"]
        for v in versions:
            rows[v].append(got[v])
        print(
            f"run {n} ({edited}): "
            + ", ".join(f"{v} {got[v]['wall']:.3f} s (CPU {got[v]['cpu']:.3f})" for v in order)
            + f"; same: {got['same']}",
            flush=True,
        )
    if not a.runs:
        raise SystemExit(1 if failed else 0)
    med = {v: {k: statistics.median(r[k] for r in rows[v]) for k in ("wall", "cpu")} for v in versions}
    print(f"\n| measure (median of {a.runs}) | before | after | ratio | runs before | runs after |")
    print("|---|---|---|---|---|---|")
    for k in ("wall", "cpu"):
        b, f = med["before"][k], med["after"][k]
        runs = {v: " / ".join(f"{r[k]:.2f}" for r in rows[v]) for v in versions}
        print(f"| validate() {k} | {b:.3f} s | {f:.3f} s | {b / f:.2f}x | {runs['before']} | {runs['after']} |")
    print(f"\nreports the same in every run: {not failed}")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
