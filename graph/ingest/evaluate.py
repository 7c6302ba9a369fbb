"""Leave-one-document-out evaluation: ingest each source as if it were new and compare with the curated graph.

For source S the gazetteer is the graph without the entities only S evidences, and the candidates are
compared with what the curated graph says S states:

- an entity candidate is right when it is an entity S evidences: a known one by its IRI, a new one when it
  has that entity's class and region (any region for an entity without one) and its IRI, or its name has
  the same key (graph.ingest.gazetteer.key) as a label or acronym of that entity, or is that label's head
  (the words before a complement: "förvaltningschefen" for "förvaltningschefen för
  Hälso- och sjukvårdsförvaltningen", which the reviewer completes);
- a relation candidate is right when S evidences a relation with the same property and both ends (new ends
  resolved by name as above; nv:collaboratesWith either way round).

Recall is over the entities of the network S evidences (kind `entities`), the same without findings
(`actors`: no audit recommendations or measures, see `not_actors` in ontology/ingest.toml) and the
relations between entities of the network S evidences.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import NV, NVR
from ..project import Project
from ..queries import rows
from . import gazetteer
from .candidates import propose
from .rules import load_rules
from .sentences import Document

_COMPLEMENT = re.compile(r"\s+(?:för|i|vid|inom|om|med|mot|på)\s+|\s*[(,–]")


@dataclass(frozen=True)
class Score:
    """Counts for one source and one kind (entities or relations)."""

    source: str
    kind: str
    proposed: int
    right: int
    expected: int
    found: int

    @property
    def precision(self) -> float:
        """Right candidates / candidates."""
        return self.right / self.proposed if self.proposed else 0.0

    @property
    def recall(self) -> float:
        """Curated facts found / curated facts."""
        return self.found / self.expected if self.expected else 0.0


@dataclass
class Misses:
    """What one source's candidates got wrong: curated entities and relations not found, and candidates
    that match nothing (for `naravard ingest --evaluate --misses`)."""

    source: str
    entities: list[tuple[str, str]]  # (IRI, class) of curated entities not found
    wrong: list[tuple[str, str, int, str]]  # (label, class, line, quote) of candidates that match none
    relations: list[tuple[str, str, str]]  # curated (s, p, o) not found
    wrong_relations: list[tuple[str, str, str, int, str]]  # (s, p, o, line, quote) of wrong relation candidates
    labels: dict[str, str]  # IRI → label, curated entities and candidates


def evaluate(store: ox.Store, project: Project, misses: list[Misses] | None = None) -> list[Score]:
    """Entity and relation scores for every source document with a text file (with `misses`, a list: what
    each source's candidates got wrong is appended to it)."""
    rules = load_rules(project)
    q = project.queries_dir / "ingest"
    names, evidenced, findings = defaultdict(set), defaultdict(set), set()
    where: dict[str, tuple[str, str | None]] = {}  # entity → (class, region)
    labels: dict[str, str] = {}
    for r in rows(store, q / "names.rq", project):
        if r["acronym"] != "true":
            labels.setdefault(r["entity"], r["name"])
        if r["entity"] not in where or r["class"] == str(NV.Region):  # Region Gotland is also a municipality
            where[r["entity"]] = (r["class"], r["home"])
        if r["class"] in rules.not_actors:
            findings.add(r["entity"])
        names[gazetteer.key(r["name"])].add(r["entity"])
        names[r["name"]].add(r["entity"])
        head = _COMPLEMENT.split(r["name"], maxsplit=1)[0]
        if head != r["name"]:
            names[("head", gazetteer.key(head))].add(r["entity"])
        if r["source"]:
            evidenced[r["source"]].add(r["entity"])
    facts = defaultdict(set)
    for r in rows(store, q / "facts.rq", project):
        facts[r["source"]].add((r["s"], r["p"], r["o"]))
    lines: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))  # source → finding → lines
    for r in rows(store, q / "lines.rq", project):
        if r["entity"] in findings:
            lines[r["source"]][r["entity"]].add(int(r["line"]))
    scores = []
    for src in rows(store, q / "sources.rq", project):
        source, region = src["source"], src["region"]
        slug = region.removeprefix(str(NVR)) if region else None
        gaz = gazetteer.build(store, project, rules, slug, leave_out=source)
        doc = Document((project.sources_dir / src["file"]).read_text(encoding="utf-8"))
        found = propose(doc, gaz, rules, slug)
        expected = evidenced[source]

        at = {iri: _lines(doc, a.evidence) for iri, a in found.actors.items() if a.cls in rules.not_actors}
        stated_at = lines[source]

        def resolve(iri: str, found=found, expected=expected, at=at, stated_at=stated_at) -> set[str]:
            return _resolve(iri, found, names, expected, where) or _at(iri, found, at, stated_at, expected, where)

        hits = {iri: resolve(iri) & expected for iri in found.actors}
        scores.append(
            Score(
                source,
                "entities",
                len(hits),
                sum(bool(h) for h in hits.values()),
                len(expected),
                len(set().union(*hits.values()) if hits else set()),
            )
        )
        actors = expected - findings
        found_actors = set().union(*hits.values()) & actors if hits else set()
        scores.append(
            Score(source, "actors", len(hits), sum(bool(h) for h in hits.values()), len(actors), len(found_actors))
        )
        stated = facts[source]
        sym = str(NV.collaboratesWith)
        right, got, wrong = 0, set(), []
        for (s, p, o), rel in found.relations.items():
            match = {(a, p, b) for a in resolve(s) for b in resolve(o)}
            if p == sym:
                match |= {(b, p, a) for a, _, b in match}
            match &= stated
            right += bool(match)
            got |= match
            if not match:
                wrong.append((s, p, o, rel.evidence.line, rel.evidence.quote))
        scores.append(Score(source, "relations", len(found.relations), right, len(stated), len(got)))
        if misses is not None:
            gone = set().union(*hits.values()) if hits else set()
            misses.append(
                Misses(
                    source,
                    sorted((e, where[e][0]) for e in expected - gone),
                    [
                        (a.label, a.cls, a.evidence.line, a.evidence.quote)
                        for iri, a in found.actors.items()
                        if not hits[iri]
                    ],
                    sorted(stated - got),
                    wrong,
                    labels | {iri: a.label for iri, a in found.actors.items()},
                )
            )
    return scores


def misses_text(misses: list[Misses]) -> str:
    """The misses as plain text, one line each, grouped by source (IRIs shortened, with labels)."""
    out = []
    for m in misses:

        def name(iri: str, labels=m.labels) -> str:
            short = iri.removeprefix(str(NVR)).removeprefix(str(NV))
            return f"{short} ({labels[iri]})" if iri in labels else short

        src = m.source.removeprefix(str(NVR))
        out.append(f"## {src}: {len(m.entities)} entities missed")
        out += [f"  {c.removeprefix(str(NV))}\t{name(e)}" for e, c in m.entities]
        out.append(f"## {src}: {len(m.wrong)} wrong entity candidates")
        out += [f"  {c.removeprefix(str(NV))}\t{label}\tline {line}: {q[:100]}" for label, c, line, q in m.wrong]
        out.append(f"## {src}: {len(m.relations)} relations missed")
        out += [f"  {name(s)} {p.removeprefix(str(NV))} {name(o)}" for s, p, o in m.relations]
        out.append(f"## {src}: {len(m.wrong_relations)} wrong relation candidates")
        out += [
            f"  {name(s)} {p.removeprefix(str(NV))} {name(o)}\tline {line}: {q[:100]}"
            for s, p, o, line, q in m.wrong_relations
        ]
    return "\n".join(out)


def _resolve(iri: str, found, names: dict, expected: set[str], where: dict) -> set[str]:
    """The curated entities a candidate stands for: itself if known, else those S evidences with its name,
    its class and its region (the one its IRI starts with; any for an entity without a region)."""
    actor = found.actors.get(iri)
    if actor is None or actor.known:
        return {iri}
    region = None if actor.national else iri.split("--")[0]
    expected = {e for e in expected if where[e][0] == actor.cls and where[e][1] in (None, region)}
    keys = [actor.label, gazetteer.key(actor.label)] + ([actor.acronym] if actor.acronym else [])
    exact = {e for k in keys for e in names.get(k, ())} & expected
    return exact or names.get(("head", gazetteer.key(actor.label)), set()) & expected or {iri} & expected


def _lines(doc: Document, ev) -> range:
    """The lines a candidate's quote covers (it starts on ev.line)."""
    text, length, line = doc.text.splitlines(), 0, ev.line
    while line <= len(text) and length + len(" ".join(text[line - 1].split())) + 1 < len(ev.quote):
        length += len(" ".join(text[line - 1].split())) + 1
        line += 1
    return range(ev.line, line + 1)


def _at(iri: str, found, at: dict, stated_at: dict, expected: set[str], where: dict) -> set[str]:
    """A new finding (recommendation, measure) whose label is the curator's summary: the one finding of its
    class and region the source states on a line its quote covers (the nearest to its start)."""
    actor = found.actors.get(iri)
    if iri not in at or actor is None or actor.known:
        return set()
    region = iri.split("--")[0]
    near = [
        (min(n - at[iri].start for n in stated_at[e] if n in at[iri]), e)
        for e in stated_at
        if e in expected
        and where[e][0] == actor.cls
        and where[e][1] in (None, region)
        and any(n in at[iri] for n in stated_at[e])
    ]
    return {min(near)[1]} if near else set()


def table(scores: list[Score]) -> str:
    """The scores as a Markdown table, with the mean over the sources for each kind."""
    lines = [
        "| source | kind | candidates | right | precision | curated | found | recall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        name = s.source.removeprefix(str(NVR))
        lines.append(
            f"| {name} | {s.kind} | {s.proposed} | {s.right} | {s.precision:.2f} | {s.expected} | {s.found} | "
            f"{s.recall:.2f} |"
        )
    for kind in ("entities", "actors", "relations"):
        some = [s for s in scores if s.kind == kind]
        if some:
            p = sum(s.precision for s in some) / len(some)
            r = sum(s.recall for s in some) / len(some)
            lines.append(f"| mean | {kind} | | | {p:.2f} | | | {r:.2f} |")
    return "\n".join(lines)
