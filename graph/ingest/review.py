"""The review file: a Turtle draft with every candidate marked, and an offline HTML page to read it by.

Each candidate carries `rv:decision "proposed"`; the person sets it to `"accept"` or `"reject"` (and may
correct labels, classes, levels or ends) before `naravard ingest --accept FILE`. A known actor's candidate
is a new evidence block on its entity; a new actor is a whole entity block; a relation is its triple and
its evidence statement.
"""

from __future__ import annotations

from rdflib import Literal, Namespace, URIRef

from ..namespaces import NV, NVR, PREFIXES
from ..viz.shell import FOOTER_UNKNOWN, render
from .candidates import Candidates, Relation, states_relation

RV = Namespace("https://w3id.org/naravard/review#")
DECISIONS = ("proposed", "accept", "reject")


def _iri(value: str) -> str:
    for prefix in ("nvr", "nv"):
        ns = PREFIXES[prefix]
        if value.startswith(ns) and value[len(ns) :].replace("-", "").isalnum():
            return f"{prefix}:{value[len(ns) :]}"
    return URIRef(value).n3()


def literal(text: str, lang: str | None = None) -> str:
    """A Turtle literal, escaped.

    >>> literal('Säg "hej"', "sv")
    '"Säg \\\\"hej\\\\""@sv'
    """
    return Literal(text, lang=lang).n3()


def review_turtle(found: Candidates, source: str, region: str, source_file: str) -> str:
    """The Turtle draft of `found` for `source` (IRI) in `region` (IRI)."""
    src = _iri(source)
    out = [
        *(f"@prefix {p}: <{PREFIXES[p]}> ." for p in ("nv", "nvr", "rdf", "rdfs", "skos", "xsd")),
        f"@prefix rv: <{RV}> .",
        "",
        f'# Review draft for data/sources/{source_file}: set each rv:decision to "accept" or "reject",',
        "# correct what is wrong, then run: naravard ingest --accept THIS-FILE",
        "",
        f"rv:draft rv:source {src} ; rv:region {_iri(region)} .",
        "",
    ]
    n = 0
    for actor in found.actors.values():
        n += 1
        ev = f"nv:source {src} ; nv:line {actor.evidence.line} ; nv:quote {literal(actor.evidence.quote)}"
        if actor.known:
            out.append(
                f'{_iri(actor.iri)} nv:evidence [ {ev} ;\n    rv:candidate "A{n}" ; rv:decision "proposed" ] .\n'
            )
            continue
        parts = [f"{_iri(actor.iri)} a {_iri(actor.cls)}", f"rdfs:label {literal(actor.label, 'sv')}"]
        if actor.acronym:
            parts.append(f"skos:altLabel {literal(actor.acronym, 'sv')}")
        if not actor.national:
            parts.append(f"nv:inRegion {_iri(region)}")
        if actor.level:
            parts.append(f"nv:level {_iri(actor.level)}")
        if actor.structure:
            parts.append(f"nv:structureType {_iri(actor.structure)}")
        if actor.number:  # an audit recommendation: its number and text, and the report it is from (below)
            parts.append(f"nv:number {actor.number}")
        if actor.text:  # a recommendation's or a measure's text
            parts.append(f"nv:text {literal(actor.text, 'sv')}")
        parts += [f"nv:evidence [ {ev} ]", f'rv:candidate "A{n}"', 'rv:decision "proposed"']
        out.append(" ;\n    ".join(parts) + " .\n")
    for rel in [*found.relations.values(), *_reports(found, source)]:
        n += 1
        s, p, o = _iri(rel.subject), _iri(rel.prop), _iri(rel.object)
        basis = f" nv:basis {_iri(rel.basis)} ;" if rel.basis else ""
        if rel.heading:
            basis += f"\n   nv:heading {literal(rel.heading.quote)} ; nv:headingLine {rel.heading.line} ;"
        out.append(
            f"{s} {p} {o} .\n[] rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;\n"
            f"   nv:source {src} ; nv:line {rel.evidence.line} ;{basis}\n"
            f"   nv:quote {literal(rel.evidence.quote)} ;\n"
            f'   rv:candidate "R{n}" ; rv:cue {literal(rel.cue)} ; rv:decision "proposed" .\n'
        )
    return "\n".join(out)


def _reports(found: Candidates, source: str) -> list[Relation]:
    """The new audit recommendations' nv:fromReport to the ingested document, as relation candidates."""
    return [
        Relation(a.iri, str(NV.fromReport), source, a.stated or a.evidence, "")
        for a in found.actors.values()
        if a.number and not a.known and states_relation((a.stated or a.evidence).quote)
    ]


def review_html(found: Candidates, lines: list[str], title: str, labels: dict[str, str], source: str = "") -> str:
    """An offline page (no scripts, no links out; graph/viz/review.html on the base layout, its stylesheet
    in assets/ beside it) listing each candidate with its sentence in context, in the order and with the
    numbers of the review Turtle (`source`: the document's IRI, for nv:fromReport)."""

    def name(iri: str) -> str:
        actor = found.actors.get(iri)
        return labels.get(iri) or (actor.label if actor else iri.removeprefix(str(NVR)))

    def item(ident: str, heading: str, what: str, evidence) -> dict:
        lo, hi = max(0, evidence.line - 3), min(len(lines), evidence.line + 3)
        context = [(i + 1, lines[i]) for i in range(lo, hi)]
        return {
            "id": ident,
            "heading": heading,
            "what": what,
            "quote": evidence.quote,
            "line": evidence.line,
            "context": context,
        }

    items, n = [], 0
    for actor in found.actors.values():
        n += 1
        what = "känd aktör" if actor.known else f"ny aktör ({actor.cls.removeprefix(str(NV))})"
        items.append(item(f"A{n}", actor.label, what, actor.evidence))
    for rel in [*found.relations.values(), *_reports(found, source)]:
        n += 1
        heading = f"{name(rel.subject)} — {rel.prop.removeprefix(str(NV))} → {name(rel.object)}"
        items.append(item(f"R{n}", heading, "", rel.evidence))
    return render("review.html", title=f"Granska förslag: {title}", items=items, footer=FOOTER_UNKNOWN)
