"""`naravard build`: validate, then write the graph and every page and report.

Nothing is written unless validation passes. The whole output is built in a new
folder and switched in at once (graph.atomic.new_version): `output/` shows the
previous complete build until the new one is complete, pages of removed actors go
with the old build, and an interrupted build leaves the previous output intact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .atomic import check_output, new_version, write_atomic
from .errors import NaravardError
from .load import load_store
from .namespaces import PREFIXES
from .project import Project
from .validate import Report, validate


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


def write_graph(store: ox.Store, out: Path) -> list[Path]:
    """graph.ttl in `out`, serialised by Oxigraph."""
    ttl = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
    write_atomic(out / "graph.ttl", ttl)
    return [out / "graph.ttl"]


def quiet(message: str) -> None:
    """The default progress callback: say nothing."""


def build(project: Project, pages: bool = True, progress: Callable[[str], None] = quiet) -> BuildResult:
    """Validate, then write a complete new output (graph.ttl, pages, gaps.html) and switch to it.

    `written` lists the files as seen through `output/`; `progress` is called with a short line
    at each step (the CLI prints them to stderr).
    """
    check_output(project.output_dir)  # a foreign or read-only output folder is known before validating
    progress("validating (syntax, SHACL, evidence) …")
    report = validate(project)
    if not report.ok:
        raise ValidationFailed(report)
    progress("loading the store …")
    store = load_store(project)
    with new_version(project.output_dir, link_cache=project.cache_dir) as out:
        progress("writing graph.ttl …")
        written = write_graph(store, out)
        if pages:
            written += write_pages(project, store, out, progress)
    return BuildResult(report, [project.output_dir / p.relative_to(out) for p in written])


def write_pages(
    project: Project, store: ox.Store, out: Path | None = None, progress: Callable[[str], None] = quiet
) -> list[Path]:
    """The network pages (with the computed gap suggestions drawn) and the gaps report in `out`
    (default output/), from one run of the gap analysis, measured against the project's labelled
    set when it has one (tests/data/gap-labels.tsv in a checkout)."""
    from .gaps import analyse, load_labels, render
    from .network import network
    from .viz.page import page_names
    from .viz.shell import footer
    from .viz.site import write_site
    from .viz.sources import source_links

    out = out or project.output_dir
    labels = project.gap_labels_file  # measured against the labelled set where the project has one
    judged = load_labels(labels) if labels.is_file() else None
    analysis = analyse(store, project, progress=progress, judged=judged)
    written = write_site(project, store, computed=analysis.links(), out=out, progress=progress)
    progress("writing gaps.html …")
    pages = page_names(network(store, project))
    report = render.report_html(analysis, pages, footer(project), source_links(store, project))
    write_atomic(out / "gaps.html", report)
    return [*written, out / "gaps.html"]
