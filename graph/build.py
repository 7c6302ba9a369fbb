"""`naravard build`: validate, then write the graph and every page and report.

Nothing is written unless validation passes. The whole output is built in a new
folder and switched in at once (graph.atomic.new_version): `output/` shows the
previous complete build until the new one is complete, pages of removed actors go
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
from .load import load_store
from .namespaces import PREFIXES
from .project import Project
from .store import fingerprint

if TYPE_CHECKING:  # validation (rdflib, the shapes) is imported when a build runs, not when one is skipped
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
    progress("validating (syntax, SHACL, evidence) …")
    checking = Validation(project)  # in a process of its own, while this one loads the store
    progress("loading the store …")
    try:
        store = load_store(project)
    except Exception:
        checking.report()  # bad data is validation's to report (a syntax error, a failed check)
        raise
    report = checking.report()
    if not report.ok:
        raise ValidationFailed(report)
    previous = current_version(project.output_dir)  # what it holds unchanged is linked, not written again
    with new_version(project.output_dir, link_cache=project.cache_dir) as out:
        progress("writing graph.ttl …")
        written = write_graph(store, out, previous)
        if pages:
            written += write_pages(project, store, out, progress, previous)
        record = {"inputs": stamp, "warnings": [p.__dict__ for p in report.warnings], "files": tree_sums(out)}
        write_atomic(out / STAMP, json.dumps(record, indent=0, sort_keys=True, ensure_ascii=False))
    return BuildResult(report, [project.output_dir / p.relative_to(out) for p in written])


class Validation:
    """`graph.validate.validate(project)` run beside the build: in a forked process where this one may
    fork (`graph.parallel.can_fork`; the store is loaded meanwhile), else at once in this one. `report()`
    waits for it and gives its report (its problems; no graph) or raises what validation raised (a syntax
    error)."""

    def __init__(self, project: Project):
        import multiprocessing

        from .parallel import can_fork

        self._done: Report | BaseException | None = None
        if not can_fork():
            self._done = _validated(project)
            return
        context = multiprocessing.get_context("fork")
        self._pipe, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_validate_into, args=(project, send), daemon=True)
        self._process.start()
        send.close()

    def report(self) -> Report:
        """The report, once validation is done (raising what it raised)."""
        if self._done is None:
            import rdflib

            from .validate import Report

            try:
                kind, value = self._pipe.recv()
            except EOFError:
                kind, value = "raise", NaravardError("validation stopped before its end (its process died)")
            self._pipe.close()
            self._process.join()
            self._done = value if kind == "raise" else Report(rdflib.Graph(), value)
        if isinstance(self._done, BaseException):
            raise self._done
        return self._done


def _validated(project: Project) -> Report | BaseException:
    from .validate import validate

    try:
        return validate(project, keep_graph=False)  # the build reads the problems, never the graph
    except Exception as err:
        return err


def _validate_into(project: Project, send) -> None:
    """The forked process of `Validation`: send ("report", problems) or ("raise", the exception)."""
    import pickle

    done = _validated(project)
    if isinstance(done, BaseException):
        try:
            pickle.dumps(done)
        except Exception:
            done = NaravardError(f"{type(done).__name__}: {done}")
        send.send(("raise", done))
    else:
        send.send(("report", done.problems))
    send.close()


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
) -> list[Path]:
    """The network pages (with the computed gap suggestions drawn) and the gaps report in `out`
    (default output/), from one run of the gap analysis, measured against the project's labelled
    set when it has one (tests/data/gap-labels.tsv in a checkout). The layouts and the hold-out
    evaluation the last build made from the same inputs are reused (`graph.memo`, in the cache folder), and
    so are the pages of the `previous` build whose inputs did not change (`graph.viz.site.write_site`), and
    the link prediction's suggestions for a network of the same structure (`graph.gaps.predict.find`)."""
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
    g = network(store, project)  # once, for the hold-out, the prediction, the pages and the report's links
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
