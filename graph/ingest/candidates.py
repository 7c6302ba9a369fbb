"""Candidates: actors (known or new) and relations found in a document, each with its evidence.

`propose` runs the three finders over the sentences: mentions of the graph's actors (gazetteer),
new actors by the name forms of ontology/ingest.toml, and relations by its cue phrases between
two actors of one sentence. Every candidate's quote is its sentence (or the clauses around the
match), so it is verbatim by construction, and its line is where the quote starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..namespaces import NV, NVR
from .gazetteer import Gazetteer, key
from .rules import Rules
from .sentences import Document, Sentence

MIN_RELATION_WORDS = 4  # graph/lint.py rejects a relation quote shorter than this


@dataclass(frozen=True)
class Evidence:
    """Where a candidate is stated: the line its quote starts on and the quote."""

    line: int
    quote: str


@dataclass
class Actor:
    """An actor candidate: a known entity (`known`) or a new one with guessed class, level and structure type."""

    iri: str
    label: str
    known: bool
    cls: str
    evidence: Evidence
    structure: str | None = None
    level: str | None = None
    acronym: str | None = None


@dataclass
class Relation:
    """A relation candidate between two actors, with the cue that stated it."""

    subject: str
    prop: str
    object: str
    evidence: Evidence
    cue: str  # the cue phrase as written ("" for a unit proposed as part of its region)
    basis: str | None = None  # nv:basis-context when no phrase states it


@dataclass
class Candidates:
    """Everything proposed for one document."""

    actors: dict[str, Actor] = field(default_factory=dict)  # IRI → actor
    relations: dict[tuple[str, str, str], Relation] = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """An actor named in a sentence: offsets in the sentence's raw text and the entity IRI."""

    lo: int
    hi: int
    iri: str


def slug(text: str) -> str:
    """An IRI slug as data/CURATION.md writes them.

    >>> slug("Välfärdsrådet i Dalarna (VR)")
    'valfardsradet-i-dalarna-vr'
    """
    text = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def propose(doc: Document, gaz: Gazetteer, rules: Rules, region: str | None) -> Candidates:
    """The candidates of `doc` for `region` (a slug; None for an overview of every region, whose sections
    start with a line that is a region's name)."""
    found = Candidates()
    head, mods = rules.head, rules.modifiers
    region_iri = str(NVR[region]) if region else None
    sections = {} if region else _sections(doc, gaz)
    for sentence in doc.sentences:
        if not region:
            region_iri = sections.get(doc.line_of(sentence.start), region_iri)
        if len(sentence.text) < 12:
            continue
        spans = _known(sentence, gaz)
        for span in spans:
            if span.iri not in found.actors and span.iri not in gaz.reference:
                cls = gaz.classes.get(span.iri, "")
                found.actors[span.iri] = Actor(
                    span.iri, gaz.labels.get(span.iri, ""), True, cls, _evidence(doc, sentence, span)
                )
        if region_iri:
            spans += _new(doc, sentence, spans, found, rules, head, mods, region_iri)
        spans.sort(key=lambda s: s.lo)
        _relations(doc, sentence, spans, found, rules, gaz)
    return found


def _sections(doc: Document, gaz: Gazetteer) -> dict[int, str]:
    """Line → region IRI for each line that is only a region's name (the heading of its section)."""
    regions = {label.lower(): iri for iri, label in gaz.labels.items() if gaz.classes.get(iri) == str(NV.Region)}
    return {
        i: regions[line.strip().lower()]
        for i, line in enumerate(doc.text.splitlines(), 1)
        if line.strip().lower() in regions
    }


def _evidence(doc: Document, sentence: Sentence, span: Span) -> Evidence:
    return Evidence(*doc.quote(sentence, span.lo, span.hi))


def _known(sentence: Sentence, gaz: Gazetteer) -> list[Span]:
    spans: list[Span] = []
    for pattern in (gaz.pattern, gaz.acronyms):
        for m in pattern.finditer(sentence.raw) if pattern else ():
            if any(s.lo < m.end() and m.start() < s.hi for s in spans):
                continue
            for iri in sorted(gaz.entities(m.group()))[:1]:
                spans.append(Span(m.start(), m.end(), iri))
    return spans


def _new(doc, sentence, spans, found, rules, head, mods, region_iri) -> list[Span]:
    """New actors in the sentence: a head word with an actor ending, its modifier, and a (ACRONYM)."""
    out = []
    raw = sentence.raw
    for m in head.finditer(raw):
        lo, hi = m.start(), m.end()
        if any(s.lo < hi and lo < s.hi for s in spans + out):
            continue
        word = m.group("head")
        rule = rules.actor_for(word)
        if rule is None:
            continue
        before = re.search(rf"(?:\b(?:{mods})\s+|\b[\w-]+-\s+och\s+)$", raw[:lo], re.I) if mods else None
        acronym = re.match(r"\s*\(([A-ZÅÄÖ][A-ZÅÄÖa-zåäö0-9&-]{1,9})\)", raw[hi:])
        if not before and not acronym and m.start("end") - m.start() < 3:
            continue  # a bare "projektet", "planen", "gruppen": too general to be a name
        if before:
            lo = before.start()
        label = re.sub(r"\s+", " ", raw[lo:hi])
        if key(label) in {key(a.label) for a in found.actors.values() if a.known}:
            continue
        iri = f"{region_iri}--{slug(re.sub(r'(?<=[^s]{4})(?::s|s)$', '', label))}"
        if iri not in found.actors:
            actor = Actor(iri, label, False, rule.cls, _evidence(doc, sentence, Span(lo, hi, iri)), rule.structure)
            if rule.cls == str(NV.CollaborationBody):
                actor.level = rules.level(sentence.text)
            if acronym and sum(c.isupper() for c in acronym.group(1)) >= 2:
                actor.acronym = acronym.group(1)
            found.actors[iri] = actor
            if rule.cls in {str(NV.Board), str(NV.Committee), str(NV.Administration), str(NV.Assembly)}:
                ev = actor.evidence
                if len(ev.quote.split()) >= MIN_RELATION_WORDS:
                    found.relations[(iri, str(NV.partOf), region_iri)] = Relation(
                        iri, str(NV.partOf), region_iri, ev, "", str(NV["basis-context"])
                    )
        out.append(Span(lo, hi, iri))
    return out


def _pairs(sentence: Sentence, spans: list[Span], rule) -> list[tuple[Span, Span, str]]:
    """(first, second, cue as written) for each pair of actors the rule reads in the sentence."""
    raw, out = sentence.raw, []
    if rule.between:
        for a, b in zip(spans, spans[1:], strict=False):
            gap = raw[a.hi : b.lo]
            if rule.cue.fullmatch(gap) and (not rule.genitive or raw[a.lo : a.hi].endswith("s")):
                out.append((a, b, gap.strip() or "-s"))
        return out
    for cue in rule.cue.finditer(raw):
        before = [s for s in spans if s.hi <= cue.start()]
        after = [s for s in spans if s.lo >= cue.end()]
        if before and after:
            out += [(before[-1], obj, cue.group()) for obj in (after if rule.all else after[:1])]
    return out


def _relations(doc, sentence, spans, found, rules, gaz) -> None:
    if len(spans) < 2 or len(sentence.text.split()) < MIN_RELATION_WORDS:
        return

    def cls(iri: str) -> str:
        return found.actors[iri].cls if iri in found.actors else gaz.classes.get(iri, "")

    for rule in rules.relations:
        for first, second, cue in _pairs(sentence, spans, rule):
            a, b = (second, first) if rule.reverse else (first, second)
            if a.iri == b.iri or rule.subjects and cls(a.iri) not in rule.subjects:
                continue
            if rule.objects and cls(b.iri) not in rule.objects:
                continue
            sym = rule.prop == str(NV.collaboratesWith)
            s, o = (min(a.iri, b.iri), max(a.iri, b.iri)) if sym else (a.iri, b.iri)
            line, quote = doc.quote(sentence, min(a.lo, b.lo), max(a.hi, b.hi))
            if not any(k[0] == s and k[2] == o for k in found.relations) and len(quote.split()) >= MIN_RELATION_WORDS:
                found.relations[(s, rule.prop, o)] = Relation(s, rule.prop, o, Evidence(line, quote), cue)
