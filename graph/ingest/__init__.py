"""`naravard ingest`: a new document becomes reviewed, evidenced candidates, then data.

1. `ingest(file, region)` extracts the text (graph.ingest.extract), writes it to data/sources/ with its
   description in data/sources/sources.ttl, finds candidates (graph.ingest.candidates: the graph as
   gazetteer, the name forms and cue phrases of ontology/ingest.toml) and writes the review files
   (graph.ingest.review) to review/.
2. The person marks each candidate "accept" or "reject" in the review Turtle.
3. `accept(review_file)` (graph.ingest.accept) merges the accepted ones into data/regions/<slug>.ttl,
   in the one layout, only if the project then validates.

`graph.ingest.evaluate` measures the candidates leave-one-document-out against the curated graph.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..atomic import write_atomic
from ..errors import NaravardError
from ..namespaces import NVR, shorten
from ..parse import parse_file
from ..project import Project
from ..queries import rows
from ..turtle_format import format_text
from ..viz.shell import ASSETS
from . import gazetteer
from .accept import accept
from .candidates import Candidates, propose
from .extract import read_document
from .review import literal, review_html, review_turtle
from .rules import load_rules
from .sentences import Document

__all__ = ["Ingested", "accept", "document_kinds", "ingest"]

_DATES = {4: "gYear", 7: "gYearMonth", 10: "date"}


@dataclass(frozen=True)
class Ingested:
    """What `ingest` wrote and found."""

    source: str  # the new source's IRI
    text_file: Path
    review_file: Path
    review_page: Path
    candidates: Candidates


def document_kinds(project: Project) -> dict[str, str]:
    """The ontology's document kinds by their skos:notation, the values of `--kind`, most authoritative
    first (queries/ingest/kinds.rq, run on the ontology alone: no store needed).

    >>> document_kinds(Project.default())["audit"]
    'nv:doc-audit-report'
    """
    onto = ox.Store()
    onto.extend(ox.Quad(*t) for t in parse_file(project.ontology_file, project))
    return {r["notation"]: shorten(r["kind"]) for r in rows(onto, project.queries_dir / "ingest" / "kinds.rq", project)}


def ingest(
    path: Path,
    region: str,
    project: Project,
    title: str | None = None,
    date: str | None = None,
    kind: str = "audit",
    store=None,
) -> Ingested:
    """Ingest `path` (PDF or text) for `region` (a slug); see the module docstring. Nothing is written
    when anything is wrong (unknown region, unreadable, encrypted or image-only PDF, already ingested)."""
    from ..store import open_store

    if project.read_only:
        raise NaravardError(f"{project.root} is the installed copy (read-only); ingest into a checkout or --root DIR")
    path = Path(path)
    if not path.is_file():
        raise NaravardError(f"{path}: no such file")
    kinds = document_kinds(project)
    if kind not in kinds:
        raise NaravardError(f"--kind: {kind!r} is not one of {', '.join(kinds)} (skos:notation of nv:documentKinds)")
    region = region.strip()
    if not re.fullmatch(r"[a-z0-9-]+", region) or not (project.data_dir / "reference" / "regions.ttl").read_text(
        encoding="utf-8"
    ).count(f'nv:slug "{region}"'):
        raise NaravardError(f"--region: {region!r} is not the slug of a region (see data/reference/regions.ttl)")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    sources = project.sources_dir
    if any(sources.glob(f"*_{digest}.txt")):
        raise NaravardError(f"{path}: already ingested (data/sources/{next(sources.glob(f'*_{digest}.txt')).name})")
    text, meta = read_document(path)
    for old in sources.glob("*.txt"):
        if old.read_text(encoding="utf-8") == text:
            raise NaravardError(f"{path}: already ingested (same text as data/sources/{old.name})")
    date = date or meta.get("date")
    if not date:
        raise NaravardError(f"{path}: the document's date is unknown; give --date YYYY[-MM[-DD]]")
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        raise NaravardError(f"--date: {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    title = (title or meta.get("title") or next(line.strip() for line in text.splitlines() if line.strip()))[:200]
    numbers = [int(m[1]) for p in sources.glob("*.txt") if (m := re.match(r"(\d{3})_", p.name))]
    number = max(numbers, default=-1) + 1
    name = f"{number:03d}_{digest}.txt"
    source = f"{NVR}source-{number:03d}"

    store = store or open_store(project)
    rules = load_rules(project)
    gaz = gazetteer.build(store, project, rules, region)
    found = propose(Document(text), gaz, rules, region)

    entry = (
        f"\nnvr:source-{number:03d} a nv:SourceDocument ;\n    rdfs:label {literal(title, 'sv')} ;\n"
        f"    nv:sourceFile {literal(name)} ;\n    nv:documentKind {kinds[kind]} ;\n"
        f"    nv:shortTitle {literal(title[:80], 'sv')} ;\n    dcterms:coverage nvr:{region} ;\n"
        f'    dcterms:date "{date}"^^xsd:{_DATES[len(date)]} ;\n    dcterms:language "sv" ;\n'
        f"    dcterms:title {literal(title, 'sv')} .\n"
    )
    catalogue = sources / "sources.ttl"
    new_catalogue = format_text(catalogue.read_text(encoding="utf-8") + entry, project.ontology_file)
    review_dir = project.root / "review"
    review_file = review_dir / f"{name.removesuffix('.txt')}.review.ttl"
    page = review_file.with_suffix(".html")
    turtle = review_turtle(found, source, f"{NVR}{region}", name)
    write_atomic(sources / name, text)
    write_atomic(catalogue, new_catalogue)
    write_atomic(review_file, turtle)
    write_atomic(page, review_html(found, text.splitlines(), title, gaz.labels | {source: title}, source))
    write_atomic(review_dir / "assets" / "naravard.css", (ASSETS / "naravard.css").read_text(encoding="utf-8"))
    return Ingested(source, sources / name, review_file, page, found)
