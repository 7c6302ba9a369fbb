"""Merge the accepted candidates of a review file into the region's data file, validated first.

The region file is written (atomically) only when the project with the merged file validates; on any
problem nothing is written and a NaravardError says why.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import rdflib
from rdflib import RDF, BNode

from ..atomic import write_atomic
from ..errors import NaravardError
from ..namespaces import NV, NVR
from ..project import Project
from ..turtle_format import format_text, parse_turtle
from .review import DECISIONS, RV


def accepted(review: rdflib.Graph, where: str) -> rdflib.Graph:
    """The triples of the accepted candidates, review marks removed."""
    for node, value in review.subject_objects(RV.decision):
        if str(value) not in DECISIONS:
            cand = review.value(node, RV.candidate) or node
            raise NaravardError(f"{where}: candidate {cand}: rv:decision is {str(value)!r}; write one of {DECISIONS}")
    keep = {n for n, v in review.subject_objects(RV.decision) if str(v) == "accept"}
    drop = {n for n, v in review.subject_objects(RV.decision) if str(v) != "accept"}
    out = rdflib.Graph()

    def add_tree(node) -> None:
        for p, o in review.predicate_objects(node):
            if p.startswith(str(RV)):
                continue
            out.add((node, p, o))
            if isinstance(o, BNode):
                add_tree(o)

    for node in keep:
        if isinstance(node, BNode) and (None, NV.evidence, node) in review:  # a known actor's new evidence
            out.add((review.value(None, NV.evidence, node), NV.evidence, node))
        if isinstance(node, BNode) and review.value(node, RDF.subject) is not None:
            out.add(
                (review.value(node, RDF.subject), review.value(node, RDF.predicate), review.value(node, RDF.object))
            )
        add_tree(node)
    stated = {
        (out.value(n, RDF.subject), out.value(n, RDF.predicate), out.value(n, RDF.object))
        for n in out.subjects(RDF.subject)
    }
    for s, p, o in review:  # a relation triple is kept only with an accepted statement
        if p.startswith(str(RV)) or s in keep or s in drop or isinstance(s, BNode) or s == RV.draft:
            continue
        if p == NV.evidence and o in drop:
            continue
        if (s, p, o) in stated or p == NV.evidence:
            out.add((s, p, o))
    return out


def accept(review_file: Path, project: Project) -> tuple[Path, int]:
    """Merge the accepted candidates of `review_file` into data/regions/<slug>.ttl; (file, triples added)."""
    where = str(review_file)
    try:
        text = Path(review_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise NaravardError(f"{where}: cannot read the review file ({err.__class__.__name__})") from None
    try:
        review = parse_turtle(text)
    except NaravardError as err:
        raise NaravardError(f"{where}: {err}") from None
    region = review.value(RV.draft, RV.region)
    if region is None or not str(region).startswith(str(NVR)):
        raise NaravardError(f"{where}: not a review file of naravard ingest (no rv:draft rv:region)")
    new = accepted(review, where)
    if not len(new):
        raise NaravardError(f'{where}: no candidate has rv:decision "accept"; nothing to merge')
    target = project.data_dir / "regions" / f"{str(region).removeprefix(str(NVR))}.ttl"
    old = target.read_text(encoding="utf-8") if target.exists() else _new_file_header(project)
    merged = format_text(old + "\n" + new.serialize(format="nt"), project.ontology_file)
    _validated(project, target, merged, where)
    write_atomic(target, merged)
    return target, len(new)


def _new_file_header(project: Project) -> str:
    """The prefixes every data file starts with (taken from national.ttl)."""
    lines = (project.data_dir / "national.ttl").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.startswith("@prefix")) + "\n"


def _validated(project: Project, target: Path, text: str, where: str) -> None:
    """Validate a copy of the project with `target` replaced by `text`; raise on the first error."""
    from ..validate import validate

    with tempfile.TemporaryDirectory(prefix="naravard-accept-") as tmp:
        copy = Path(tmp) / "p"
        shutil.copytree(project.root / "ontology", copy / "ontology")
        (copy / "queries").symlink_to(project.queries_dir)
        shutil.copytree(project.data_dir, copy / "data", ignore=shutil.ignore_patterns("*.tmp"))
        (copy / target.relative_to(project.root)).parent.mkdir(parents=True, exist_ok=True)
        (copy / target.relative_to(project.root)).write_text(text, encoding="utf-8")
        report = validate(Project(copy))
    if not report.ok:
        first = report.errors[0]
        raise NaravardError(
            f"{where}: the merged data would not validate ({len(report.errors)} error(s)); "
            f"first: {first}; nothing written"
        )
