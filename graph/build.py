"""`naravard build`: validate, then write the graph and every page and report.

Nothing is shown unless validation passes: validation runs beside the whole build (in a process of its
own), the output is built in a new folder and switched in at once (graph.atomic.new_version) only once
validation has passed; errors it finds stop the build at its next step and the new folder is removed.
`output/` shows the previous complete build until the new one is complete, pages of removed actors go
with the old build, and an interrupted build leaves the previous output intact.

A build whose inputs are those of the build `output/` shows, and whose files are still as that build
wrote them, is skipped: nothing is validated or written (`build_stamp`; `force=True` builds anyway).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .atomic import check_output, current_version, new_version, write_atomic
from .errors import NaravardError
from .evidence import Problem
from .namespaces import PREFIXES
from .project import Project
from .store import build_store, fingerprint, save_store

if TYPE_CHECKING:  # validation (rdflib, the shapes) is imported when a build runs, not when one is skipped
    import networkx as nx

    from .validate import Report

#: The build's record in its folder: the inputs' fingerprint, the warnings, a checksum of every file.
STAMP = ".build.json"


class ValidationFailed(NaravardError):
    """Raised by `build` when validation finds errors; `report` holds them (nothing is written)."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"validation failed with {len(report.errors)} error(s); nothing written")


@dataclass
class BuildResult:
    """What `build` did: the validation report and the files it wrote."""

    report: Report
    written: list[Path] = field(default_factory=list)
    skipped: bool = False  # True when nothing changed since the build output/ shows (nothing written)


def write_graph(store: ox.Store, out: Path, previous: Path | None = None) -> list[Path]:
    """graph.ttl in `out`, serialised by Oxigraph (linked from the `previous` build when the same)."""
    from .memo import Previous

    ttl = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
    Previous(previous).write(out, "graph.ttl", ttl)
    return [out / "graph.ttl"]


def _write_graph_file(project: Project, out: Path, previous: Path | None) -> list[Path]:
    """`write_graph` of the project's cached store, opened here (in the new process of `Beside(fresh=True)`:
    no RocksDB state inherited by a fork): graph.ttl is dumped from it because it orders the triples by
    subject (the in-memory store does not)."""
    from .store import open_store

    return write_graph(open_store(project), out, previous)


def quiet(message: str) -> None:
    """The default progress callback: say nothing."""


def build(
    project: Project, pages: bool = True, progress: Callable[[str], None] = quiet, force: bool = False
) -> BuildResult:
    """Validate, then write a complete new output (graph.ttl, pages, gaps.html) and switch to it.

    `written` lists the files as seen through `output/`; `progress` is called with a short line
    at each step (the CLI prints them to stderr). When the inputs and the output are those of the
    last build (`build_stamp`), nothing is done (`skipped`; `report` holds that build's warnings)
    unless `force`.
    """
    check_output(project.output_dir)  # a foreign or read-only output folder is known before validating
    stamp = build_stamp(project, pages)
    if not force:
        last = last_build(project.output_dir, stamp)
        if last is not None:
            progress(f"nothing changed since the last build ({stamp}): output/ kept")
            return BuildResult(last, skipped=True)
    from .parallel import Beside  # here: a build that is skipped does not need it

    progress("validating (syntax, SHACL, evidence) …")
    checking = Validation(project)  # beside the whole build: its output is shown only if validation passes

    def step(line: str) -> None:  # errors validation found meanwhile stop the build at its next step
        checking.stop_if_failed()
        progress(line)

    try:
        step("loading the store …")
        store, unsaved, g = build_store(project)  # the build's queries go to the in-memory store: faster
        if unsaved:
            # once validation is done (its SHACL step and the bulk load are the build's two largest memory
            # needs: one after the other, not on top of each other) and has passed (else nothing is saved);
            # here, not in a forked process: RocksDB's bulk load can hang in a fork of a process that has
            # used RocksDB before (a test run, a library user)
            step("saving the store …" if checking.ready() else "waiting for validation, then saving the store …")
            checking.verdict()
            save_store(store, unsaved)
        previous = current_version(project.output_dir)  # what it holds unchanged is linked, not written again
        with new_version(project.output_dir, link_cache=project.cache_dir) as out:
            step("writing graph.ttl (beside the pages) …")
            graph_file = Beside(_write_graph_file, project, out, previous, what="writing graph.ttl", fresh=True)
            written = write_pages(project, store, out, step, previous, g) if pages else []
            written = graph_file.result() + written
            if not checking.ready():
                progress("waiting for validation …")
            report = checking.verdict()
            record = {"inputs": stamp, "warnings": [p.__dict__ for p in report.warnings], "files": tree_sums(out)}
            write_atomic(out / STAMP, json.dumps(record, indent=0, sort_keys=True, ensure_ascii=False))
    except ValidationFailed:
        raise
    except Exception:
        checking.verdict()  # bad data is validation's to report first (a syntax error, a failed check)
        raise
    return BuildResult(report, [project.output_dir / p.relative_to(out) for p in written])


class Validation:
    """`graph.validate.validate(project)` run beside the build (`graph.parallel.Beside`: in a forked
    process where this one may fork, while the store is loaded and the pages drawn). `report()` waits for
    it and gives its report (its problems; no graph) or raises what validation raised (a syntax error).
    `build` shows nothing it wrote before `verdict()` passes."""

    def __init__(self, project: Project):
        from .parallel import Beside

        self._problems = Beside(_problems, project, what="validation")

    def report(self) -> Report:
        """The report, once validation is done (raising what it raised)."""
        from .validate import Report

        return Report((), self._problems.result())

    def ready(self) -> bool:
        """Whether validation is done (`report` would not wait)."""
        return self._problems.ready()

    def verdict(self) -> Report:
        """The report, once validation is done, if it found no error; else ValidationFailed."""
        report = self.report()
        if not report.ok:
            raise ValidationFailed(report)
        return report

    def stop_if_failed(self) -> None:
        """ValidationFailed (or what validation raised) if it is done and found errors; else nothing."""
        if self.ready():
            self.verdict()


def _problems(project: Project) -> list[Problem]:
    """What `graph.validate.validate` finds in `project`."""
    from .validate import validate

    return validate(project).problems


def build_stamp(project: Project, pages: bool) -> str:
    """A fingerprint of everything a build's output depends on: the project's ontology, shapes, data,
    source texts and queries, the gap labels, this package's code and templates, the pyoxigraph
    version, whether pages are made and `SOURCE_DATE_EPOCH` (the pages' date)."""
    import pyoxigraph

    code = Path(__file__).parent
    files = [
        *(p for folder in ("ontology", "data", "queries") for p in sorted((project.root / folder).rglob("*"))),
        *([project.gap_labels_file] if project.gap_labels_file.is_file() else []),
        *(p for p in sorted(code.rglob("*")) if "__pycache__" not in p.parts and "_project" not in p.parts),
    ]
    extra = f"{pyoxigraph.__version__} pages={pages} date={os.environ.get('SOURCE_DATE_EPOCH', '')}"
    return hashlib.sha256(f"{fingerprint([p for p in files if p.is_file()])} {extra}".encode()).hexdigest()[:20]


def tree_sums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder` (relative path → hex digest; symlinks such as the store
    cache's `.cache` and the build's own record left out)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name != STAMP and not path.is_symlink():
                out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def last_build(out: Path, stamp: str) -> Report | None:
    """The report (its warnings) of the build `out` shows, if it was made from inputs `stamp` and
    its files are as it wrote them (none added, changed or removed); else None."""
    import rdflib

    from .validate import Report

    current = current_version(out)
    try:
        record = json.loads((current / STAMP).read_text(encoding="utf-8")) if current else {}
    except (OSError, ValueError):
        return None
    if record.get("inputs") != stamp or record.get("files") != tree_sums(current):
        return None
    return Report(rdflib.Graph(), [Problem(**p) for p in record.get("warnings", [])])


def write_pages(
    project: Project,
    store: ox.Store,
    out: Path | None = None,
    progress: Callable[[str], None] = quiet,
    previous: Path | None = None,
    g: nx.MultiDiGraph | None = None,
) -> list[Path]:
    """The network pages (with the computed gap suggestions drawn) and the gaps report in `out`
    (default output/), from one run of the gap analysis, measured against the project's labelled
    set when it has one (tests/data/gap-labels.tsv in a checkout). The layouts and the hold-out
    evaluation the last build made from the same inputs are reused (`graph.memo`, in the cache folder), and
    so are the pages of the `previous` build whose inputs did not change (`graph.viz.site.write_site`), and
    the link prediction's suggestions for a network of the same structure (`graph.gaps.predict.find`).
    `g`: the store's network (`graph.network.network`) when the caller has it (a store just made)."""
    from .gaps import analyse, load_labels, render
    from .gaps.evaluate import memoised_hold_out
    from .memo import Memo, Previous
    from .network import actor_projection, network
    from .viz.page import page_names
    from .viz.shell import page_footer, stamp
    from .viz.site import write_site
    from .viz.sources import source_links

    out = out or project.output_dir
    labels = project.gap_labels_file  # measured against the labelled set where the project has one
    judged = load_labels(labels) if labels.is_file() else None
    # what the last build computed and this one would compute the same (layouts, the hold-out evaluation)
    memo = Memo(project.cache_dir / "memo.json")
    progress("gaps: evaluating link prediction (hold-out, fixed seeds) …")
    if g is None:  # once, for the hold-out, the prediction, the pages and the report's links
        g = network(store, project)
    evaluation = memoised_hold_out(actor_projection(g), memo)  # as predict.projection(store)
    analysis = analyse(store, project, progress=progress, judged=judged, evaluation=evaluation, g=g, memo=memo)
    written = write_site(
        project, store, computed=analysis.links(), out=out, progress=progress, memo=memo, previous=previous, g=g
    )
    memo.save()
    progress("writing gaps.html …")
    report = render.report_html(analysis, page_names(g), page_footer(), source_links(store, project))
    Previous(previous).write(out, "gaps.html", stamp(report))
    return [*written, out / "gaps.html"]
