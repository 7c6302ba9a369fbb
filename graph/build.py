"""`naravard build`: validate, then write the graph and every page and report.

Nothing is written to output/ unless validation passes; each file is written atomically.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .atomic import write_atomic
from .errors import NaravardError
from .load import load_store
from .namespaces import PREFIXES
from .project import Project
from .validate import Report, validate


class ValidationFailed(NaravardError):
    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"validation failed with {len(report.errors)} error(s); nothing written")


@dataclass
class BuildResult:
    report: Report
    written: list[Path] = field(default_factory=list)


def write_graph(store: ox.Store, out: Path) -> list[Path]:
    """output/graph.ttl and output/graph.nt, serialised by Oxigraph."""
    ttl = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
    write_atomic(out / "graph.ttl", ttl)
    return [out / "graph.ttl"]


def build(project: Project, pages: bool = True) -> BuildResult:
    report = validate(project)
    if not report.ok:
        raise ValidationFailed(report)
    store = load_store(project)
    out = project.output_dir
    written = write_graph(store, out)
    if pages:
        written += write_pages(project, store)
    return BuildResult(report, written)


def write_pages(project: Project, store: ox.Store) -> list[Path]:
    """The network pages (with computed gap suggestions drawn) and the gaps report,
    from one run of the gap analysis."""
    from .gaps import analyse, computed_links, write_gaps_report
    from .viz.site import write_site

    analysis = analyse(store, project)
    written = write_site(project, store, computed=computed_links(store, gaps=analysis[0]))
    written += write_gaps_report(project, store, analysis)
    return written
