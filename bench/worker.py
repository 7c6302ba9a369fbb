"""One measurement in a fresh process (so peak memory is its own); prints JSON lines.

python -m bench.worker load --engine ox|oxdisk|rdflib [--dir D] FILE...
python -m bench.worker queries --engine ox|oxdisk|rdflib --runs N [--dir D] [--only a,b] FILE...
python -m bench.worker gaps --runs N FILE...
python -m bench.worker site --out DIR FILE...
python -m bench.worker derive [--no-baseline] FILE...   (each derivation rule now and before)
python -m bench.worker build [--no-pages] [--past-errors] ROOT   (naravard build, with the time of each phase)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import sys
import time
from pathlib import Path


def emit(**kw) -> None:
    """One JSON line to stdout in one write: the build's forks (validation beside it) emit too, and two
    lines written at once must not splice (a write to a pipe of up to 4 kB is atomic)."""
    sys.stdout.flush()
    os.write(sys.stdout.fileno(), (json.dumps(kw) + "\n").encode())


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rdf_format(path: str):
    return "nt" if path.endswith(".nt") else "turtle"


def load(engine: str, files: list[str], directory: str | None = None):
    """(store, seconds) for parse + index as the project does it."""
    if engine == "rdflib":
        import rdflib

        t = time.perf_counter()
        g = rdflib.Graph()
        for f in files:
            g.parse(f, format=rdf_format(f))
        return g, time.perf_counter() - t
    import pyoxigraph as ox

    t = time.perf_counter()
    if engine == "oxdisk":
        store = ox.Store(directory)
    else:
        store = ox.Store()
    for f in files:
        store.bulk_load(path=f, format=ox.RdfFormat.N_TRIPLES if f.endswith(".nt") else ox.RdfFormat.TURTLE)
    if engine == "oxdisk":
        store.flush()
        store.optimize()
    return store, time.perf_counter() - t


def example_params(example: str) -> dict[str, str]:
    """`--param a=b` pairs of a library file's `# example:` line."""
    words = shlex.split(example or "")
    out = {}
    for i, w in enumerate(words):
        if w in ("--param", "-p") and i + 1 < len(words) and "=" in words[i + 1]:
            k, v = words[i + 1].split("=", 1)
            out[k] = v
    return out


def consume(result) -> int:
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    return sum(1 for _ in result)


def cmd_load(a) -> None:
    base = rss_kb()
    store, secs = load(a.engine, a.files, a.dir)
    emit(seconds=secs, peak_kb=peak_kb(), base_kb=base, triples=len(store))


def cmd_queries(a) -> None:
    from graph.project import Project
    from graph.queries import Library, execute, full_text, prepare, with_values

    project = Project.default()
    lib = Library(project)
    if a.engine == "oxdisk":
        import pyoxigraph as ox

        store, secs = ox.Store.read_only(a.dir), 0.0
    else:
        store, secs = load(a.engine, a.files, a.dir)
    if a.engine == "ox" and a.rules != "none":  # the store as a build makes it: derived triples, network figures
        from graph.derive import derive, rules
        from graph.memo import Memo
        from graph.store import add_figures

        t = time.perf_counter()
        if a.rules == "all":
            derive(store, project)
            add_figures(store, project, Memo())  # an empty memo: the figures computed
        else:  # only the rules named (the figures need them all)
            derive(store, project, [r for r in rules(project) if r.name in a.rules.split(",")])
        secs += time.perf_counter() - t
    emit(loaded=secs, triples=len(store))
    only = set(a.only.split(",")) if a.only else None
    for q in lib:
        if only and q.name not in only:
            continue
        params = example_params(q.example)
        prepared = prepare(q.name, params, project)
        text = full_text(with_values(prepared.text, prepared.bindings))
        try:
            project_t, raw_t, rows = time_query(a, store, project, q.name, params, text)
        except Exception as err:  # an engine's bug on one query must not hide the others
            emit(query=q.name, error=f"{type(err).__name__}: {err}"[:300])
            continue
        earlier = before(a, store, q.name)
        if earlier and params:  # the earlier text has no parameters: also time the whole answer, without them
            whole_t, whole_rows = [], 0
            for _ in range(a.runs):
                t = time.perf_counter()
                whole_rows = consume(execute(store, prepare(q.name, {}, project)))
                whole_t.append(time.perf_counter() - t)
                if whole_t[-1] > a.slow:
                    break
            earlier |= {"whole": statistics.median(whole_t), "whole_rows": whole_rows, "params": params}
        emit(
            query=q.name,
            rows=rows,
            project=statistics.median(project_t) if project_t else None,
            raw=statistics.median(raw_t) if raw_t else None,
            runs=max(len(raw_t), len(project_t)),
            **earlier,
        )


def before(a, store, name: str) -> dict:
    """{"before": median seconds, "before_rows": rows} of the query's earlier text in bench/baseline/
    (the same answers, computed the way the library did before; no parameters), run on the same
    store; {} if there is none."""
    from graph.queries import full_text

    path = Path(__file__).with_name("baseline") / f"{name}.rq"
    if a.engine == "rdflib" or not path.is_file():
        return {}
    text = full_text(path.read_text(encoding="utf-8"))
    times, rows = [], 0
    for _ in range(a.runs):
        t = time.perf_counter()
        rows = consume(store.query(text))
        times.append(time.perf_counter() - t)
        if times[-1] > a.slow:
            break
    return {"before": statistics.median(times), "before_rows": rows}


def time_query(a, store, project, name, params, text):
    from graph.queries import execute, prepare

    project_t, raw_t, rows = [], [], 0
    for _ in range(a.runs):
        if a.engine == "rdflib":
            t = time.perf_counter()
            rows = len(list(store.query(text)))
            raw_t.append(time.perf_counter() - t)
            if raw_t[-1] > a.slow:
                break  # one run is long: fewer runs (reported)
            continue
        t = time.perf_counter()
        rows = consume(execute(store, prepare(name, params, project)))
        project_t.append(time.perf_counter() - t)
        if project_t[-1] > a.slow:
            break  # one run is long: one run of the project path only (reported)
        t = time.perf_counter()
        consume(store.query(text))
        raw_t.append(time.perf_counter() - t)
    return project_t, raw_t, rows


def gap_analysis(store):
    """(label, {phase: seconds}, edges, gaps found): the network, then graph.gaps.find_gaps, timed."""
    from graph.gaps import find_gaps
    from graph.network import network

    t0 = time.perf_counter()
    g = network(store)
    t1 = time.perf_counter()
    n = len(find_gaps(store))
    t2 = time.perf_counter()
    return "graph.gaps.find_gaps", {"network": t1 - t0, "find_gaps": t2 - t1}, g.number_of_edges(), n


def cmd_gaps(a) -> None:
    store, _ = load("ox", a.files)
    for _ in range(a.runs):
        t = time.perf_counter()
        label, phases, edges, n = gap_analysis(store)
        secs = time.perf_counter() - t
        emit(seconds=secs, phases=phases, edges=edges, label=label, found=n)
        if secs > 60:
            break  # one run is long: fewer runs


def cmd_site(a) -> None:
    from graph.gaps import analyse
    from graph.project import Project
    from graph.viz.site import write_site

    store, _ = load("ox", a.files)
    computed = analyse(store, Project.default(), kinds=["rule", "predict"]).links()
    out = Path(a.out)
    for _ in range(a.runs):
        t = time.perf_counter()
        written = write_site(Project.default(), store, computed=computed, out=out)
        emit(seconds=time.perf_counter() - t, pages=sum(1 for p in written if p.suffix == ".html"))


def derive_timed(store, project, todo) -> dict:
    """graph.derive.derive's loop, timing each rule (wall and CPU seconds over its rounds)."""
    from graph import derive as d

    out = {}
    for rule in todo:
        t, c = time.perf_counter(), time.process_time()
        added = d.derive(store, project, [rule])[rule.name]
        out[rule.name] = {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "added": added}
    return out


def cmd_derive(a) -> None:
    """Each derivation rule's time on the loaded files, now and (unless --no-baseline) with the earlier
    texts of bench/baseline/derive/ on a second store loaded the same way; then whether both stores
    hold the same triples."""
    import pyoxigraph as ox

    from graph.derive import rules
    from graph.project import Project

    project = Project.default()
    now = rules(project)
    folder = Path(__file__).with_name("baseline") / "derive"
    earlier = [
        r._replace(text=(folder / r.path.name).read_text(encoding="utf-8")) if (folder / r.path.name).is_file() else r
        for r in now
    ]
    base, secs = load("ox", a.files)
    emit(loaded=secs, triples=len(base))
    stores = {}
    for label, todo in [("now", now)] + ([] if a.no_baseline else [("before", earlier)]):
        store = ox.Store()  # a copy: the same blank nodes in both
        store.bulk_extend(base)
        for name, fig in derive_timed(store, project, todo).items():
            emit(rules=label, rule=name, **fig)
        stores[label] = store
        emit(rules=label, triples=len(store))
    if len(stores) == 2:
        emit(identical=set(stores["now"]) == set(stores["before"]))


def cmd_build(a) -> None:
    """`naravard build --root ROOT` in this process, timing its phases as they end."""
    import graph.build as build
    import graph.gaps as gaps
    import graph.lint as lint
    import graph.store as store
    import graph.validate as validate
    import graph.viz.site as site

    def timed(module, name):
        fn = getattr(module, name)

        def wrapper(*args, **kw):
            t = time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                emit(phase=name, seconds=time.perf_counter() - t)

        setattr(module, name, wrapper)

    for module, name in [  # where build.py and validate.py look them up when they run
        (validate, "parse_project_quads"),
        (validate, "Triples"),
        (validate, "check_evidence"),
        (lint, "lint_problems"),
        (validate, "shacl_problems_by_file"),
        (validate, "validate"),
        (store, "derive"),
        (store, "add_figures"),
        (build, next(n for n in ("build_store", "open_stores", "load_store") if hasattr(build, n))),  # any version
        (build, "write_graph"),
        (gaps, "analyse"),
        (site, "write_site"),
        (build, "write_pages"),
    ]:
        timed(module, name)
    if a.past_errors:  # validation runs in full; its errors are counted, then the build goes on
        checked = validate.validate

        def validate_then_go_on(*args, **kw):
            report = checked(*args, **kw)
            emit(validation_errors=len(report.errors), warnings=len(report.warnings))
            return validate.Report(report.data, report.warnings)

        validate.validate = validate_then_go_on
    from cli.main import cli

    t = time.perf_counter()
    try:
        args = ["build", "--force", "--root", a.root, *(["--no-pages"] if a.no_pages else [])]
        cli.main(args, prog_name="naravard", standalone_mode=False)
    finally:
        emit(phase="total", seconds=time.perf_counter() - t, peak_kb=peak_kb())


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("load", "queries"):
        p = sub.add_parser(name)
        p.add_argument("--engine", choices=["ox", "oxdisk", "rdflib"], required=True)
        p.add_argument("--dir")
        p.add_argument("--runs", type=int, default=3)
        p.add_argument("--only")
        p.add_argument("--slow", type=float, default=20.0, help="after a run this long, stop repeating")
        p.add_argument("--rules", default="all", help="derivation rules to run first (names, comma-separated; none)")
        p.add_argument("files", nargs="*")
    p = sub.add_parser("gaps")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("files", nargs="+")
    p = sub.add_parser("site")
    p.add_argument("--out", required=True)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("files", nargs="+")
    p = sub.add_parser("derive")
    p.add_argument("--no-baseline", action="store_true", help="only the rules as they are now")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("build")
    p.add_argument(
        "--past-errors",
        action="store_true",
        help="go on after validation errors (bench.synth's data breaks some lint rules; the time is measured)",
    )
    p.add_argument("--no-pages", action="store_true")
    p.add_argument("root")
    a = ap.parse_args(argv)
    {
        "load": cmd_load,
        "queries": cmd_queries,
        "gaps": cmd_gaps,
        "site": cmd_site,
        "derive": cmd_derive,
        "build": cmd_build,
    }[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
