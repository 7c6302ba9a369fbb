"""The graph as a gazetteer: every name and acronym of the actors a document may mention, read from the store.

A name matches in its definite and genitive forms too (*nämnd*, *nämnden*, *nämndens*; *Välfärdsrådets*;
*HSN:s*): the endings come from ontology/ingest.toml.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import NV
from ..project import Project
from ..queries import rows
from .rules import Rules

_DEFINITE = re.compile(r"(?<=\w{4})(?:en|et|e|n)$")


@dataclass
class Gazetteer:
    """Names → entities, the entities' classes, and a compiled pattern that finds every name."""

    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # key → entity IRIs
    classes: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    reference: set[str] = field(default_factory=set)  # entities without evidence (regions, municipalities)
    home: dict[str, str] = field(default_factory=dict)  # entity → its region (nv:inRegion)
    relations: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))  # (s, o) → props
    pattern: re.Pattern | None = None
    acronyms: re.Pattern | None = None

    def entities(self, surface: str) -> set[str]:
        """The entities a matched name stands for."""
        return self.names.get(key(surface), set()) or self.names.get(re.sub(r":?s$", "", surface), set())

    def own(self, cls: str, region: str | None) -> str | None:
        """The region itself (`cls` nv:Region) or the one entity of `cls` in the region, else None."""
        if region is None:
            return None
        if self.classes.get(region) == cls:
            return region
        found = [e for e, c in self.classes.items() if c == cls and self.home.get(e) == region]
        return found[0] if len(found) == 1 else None

    def resolve(self, surface: str, region: str | None) -> str | None:
        """The one entity a name stands for in `region` (an IRI): the region's own, else one without a
        region; None when that leaves none or several."""
        found = self.entities(surface)
        for pick in ({e for e in found if self.home.get(e) == region}, {e for e in found if e not in self.home}):
            if len(pick) == 1:
                return next(iter(pick))
        return None


def key(name: str) -> str:
    """A name's comparison key: lower case, whitespace collapsed, definite and genitive endings cut.

    >>> key("Hälso- och sjukvårdsnämndens"), key("hälso- och  sjukvårdsnämnd")
    ('hälso- och sjukvårdsnämnd', 'hälso- och sjukvårdsnämnd')
    """
    words = name.lower().replace(":s", "").split()
    if not words:
        return ""
    last = words[-1]
    if len(last) > 4 and last.endswith("s"):
        last = last[:-1]
    for end in ("en", "et", "e", "n", "t"):
        if len(last) - len(end) >= 4 and last.endswith(end):
            last = last[: -len(end)]
            break
    return " ".join([*words[:-1], last])


def build(
    store: ox.Store, project: Project, rules: Rules, region: str | None, leave_out: str | None = None
) -> Gazetteer:
    """The gazetteer of `region` (a slug or IRI; None: every region), without the entities that only
    `leave_out` (a source IRI) evidences: those are what a new document must find for itself; with the
    relations between its entities that other sources evidence."""
    found = rows(store, project.queries_dir / "ingest" / "names.rq", project, {"region": region} if region else {})
    sources: dict[str, set[str | None]] = defaultdict(set)
    for r in found:
        sources[r["entity"]].add(r["source"])
    gaz = Gazetteer()
    names = set()
    for r in found:
        entity = r["entity"]
        if leave_out and sources[entity] == {leave_out}:
            continue
        if entity not in gaz.classes or r["class"] == str(NV.Region):  # Region Gotland is also a municipality
            gaz.classes[entity] = r["class"]
        if r["home"]:
            gaz.home[entity] = r["home"]
        if r["acronym"] != "true":
            gaz.labels.setdefault(entity, r["name"])
        if sources[entity] == {None}:
            gaz.reference.add(entity)
        names.add((entity, r["name"], r["acronym"] == "true"))
    for r in rows(store, project.queries_dir / "ingest" / "facts.rq", project):
        if r["source"] != leave_out and r["s"] in gaz.classes and r["o"] in gaz.classes:
            gaz.relations[(r["s"], r["o"])].add(r["p"])
    words, acronyms = set(), set()
    for entity, name, acronym in names:
        if acronym and re.fullmatch(r"[A-ZÅÄÖ0-9][\wÅÄÖåäö&-]{1,9}", name) and sum(c.isupper() for c in name) >= 2:
            gaz.names[name].add(entity)
            acronyms.add(name)
        elif len(name) >= 4:
            gaz.names[key(name)].add(entity)
            words.add(name)
    if words:
        stems = sorted({re.escape(_DEFINITE.sub("", n)) for n in words}, key=len, reverse=True)
        body = "|".join(s.replace(r"\ ", r"\s+") for s in stems)
        gaz.pattern = re.compile(rf"(?<![\w-])(?:{body}){rules.inflection}(?!\w)", re.I)
    if acronyms:
        body = "|".join(sorted(map(re.escape, acronyms), key=len, reverse=True))
        gaz.acronyms = re.compile(rf"(?<![\w-])(?:{body})(?::s|s)?(?!\w)")
    return gaz
