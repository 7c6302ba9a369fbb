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


def evaluate(store: ox.Store, project: Project) -> list[Score]:
    """Entity and relation scores for every source document with a text file."""
    rules = load_rules(project)
    q = project.queries_dir / "ingest"
    names, evidenced, findings = defaultdict(set), defaultdict(set), set()
    where: dict[str, tuple[str, str | None]] = {}  # entity → (class, region)
    for r in rows(store, q / "names.rq", project):
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
    scores = []
    for src in rows(store, q / "sources.rq", project):
        source, region = src["source"], src["region"]
        slug = region.removeprefix(str(NVR)) if region else None
        gaz = gazetteer.build(store, project, rules, slug, leave_out=source)
        doc = Document((project.sources_dir / src["file"]).read_text(encoding="utf-8"))
        found = propose(doc, gaz, rules, slug)
        expected = evidenced[source]

        def resolve(iri: str, found=found, expected=expected) -> set[str]:
            return _resolve(iri, found, names, expected, where)

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
        right, got = 0, set()
        for s, p, o in found.relations:
            match = {(a, p, b) for a in resolve(s) for b in resolve(o)}
            if p == sym:
                match |= {(b, p, a) for a, _, b in match}
            match &= stated
            right += bool(match)
            got |= match
        scores.append(Score(source, "relations", len(found.relations), right, len(stated), len(got)))
    return scores


def _resolve(iri: str, found, names: dict, expected: set[str], where: dict) -> set[str]:
    """The curated entities a candidate stands for: itself if known, else those S evidences with its name,
    its class and its region (the one its IRI starts with; any for an entity without a region)."""
    actor = found.actors.get(iri)
    if actor is None or actor.known:
        return {iri}
    region = iri.split("--")[0]
    expected = {e for e in expected if where[e][0] == actor.cls and where[e][1] in (None, region)}
    keys = [actor.label, gazetteer.key(actor.label)] + ([actor.acronym] if actor.acronym else [])
    exact = {e for k in keys for e in names.get(k, ())} & expected
    return exact or names.get(("head", gazetteer.key(actor.label)), set()) & expected or {iri} & expected


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
