"""The `Gap` row every finder returns, and the small readers the finders share.

One IRI form throughout the package: short IRIs (`nvr:dalarna`, as node ids of
`graph.network`); the API (`graph.gaps.analyse`) converts a user's value once.
Helper queries are in `queries/gaps/*.rq`.

>>> Gap("nvr:dalarna", "nvr:a", "A", None, "", "rule", "r", None, "why", "").kind
'rule'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pyoxigraph as ox

from ..namespaces import shorten
from ..project import Project
from ..queries import rows

#: The kinds, in the order the unified list ranks them: findings (an audit's gaps and the rules
#: that meet the bar on the labelled set), then material for judgement (the descriptive overview's
#: status notes, the comparison across regions, link prediction).
KINDS = ("audit", "rule", "note", "compare", "predict")
#: The findings: what `naravard gaps` lists unless other kinds are asked for.
FINDINGS = ("audit", "rule")


@dataclass
class Gap:
    """One finding: a documented or suggested missing collaboration link.

    `region`, `a` and `b` are short IRIs (`nvr:…`). `a` is what the finding is about (the
    stated gap, the forum, project, plan or recommendation a rule flags, the region a comparison
    flags, or the first actor of a suggested pair); `b` the other actor of a pair, None when the
    finding concerns one thing. `actors` lists every actor the finding concerns. `score` is None
    for rules and audited gaps. `explanation` is Swedish, `explanation_en` English.
    `quotes` holds every verbatim quote with its source cited by short title, date and line
    (`Översikt över 21 regioner (2020), rad 730`); `evidence` and `document` are the first of
    them. `source_kind` says what kind of document states an audited gap (revisionsrapport,
    svar på revisionsrapport, översikt), `authority` that kind's nv:authorityRank (1 first),
    `date` its date, `answered` which recommendations and
    measures answer it; `reason` says why the row has its place in the ranking (`reason_en` in English).
    `having` lists, for a comparison, the regions (short IRIs) that have the structure the region
    lacks, in the order of their names (empty for the other kinds): the report lists them once per
    structure type, not in each row's explanation.
    """

    region: str
    a: str
    a_label: str
    b: str | None
    b_label: str
    kind: str
    name: str
    score: float | None
    explanation: str
    evidence: str = ""
    document: str = ""
    actors: tuple[str, ...] = ()
    quotes: tuple[tuple[str, str], ...] = ()
    source_kind: str = ""
    authority: int | None = None
    date: str = ""
    answered: str = ""
    reason: str = ""
    explanation_en: str = ""
    reason_en: str = ""
    having: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.quotes and self.evidence:
            self.quotes = ((self.evidence, self.document),)
        if self.quotes and not self.evidence:
            self.evidence, self.document = self.quotes[0]
        if not self.actors:
            self.actors = tuple(x for x in (self.a, self.b) if x)

    @property
    def key(self) -> tuple[str, str, str]:
        """What the finding is, whatever its wording: (question, subject, other), the key of the
        labelled evaluation set (tests/data/gap-labels.tsv). The question is the rule's name for
        rules, `audit-finding`, `compare` (other = the structure type) or `predict`.

        >>> Gap("nvr:r", "nvr:f", "F", None, "", "rule", "x", None, "why").key
        ('x', 'nvr:f', '')
        >>> Gap("nvr:r", "nvr:r", "R", None, "", "compare", "nv:st-x", 0.6, "why").key
        ('compare', 'nvr:r', 'nv:st-x')
        """
        if self.kind in ("audit", "note"):
            return ("audit-finding", self.a, "")
        if self.kind == "compare":
            return ("compare", self.a, self.name)
        if self.kind == "predict":
            x, y = sorted((self.a, self.b or ""))
            return ("predict", x, y)
        return (self.name, self.a, self.b or "")

    def as_dict(self) -> dict:
        """The row as a plain dict (for JSON).

        >>> Gap("nvr:r", "nvr:a", "A", None, "", "rule", "r", None, "why").as_dict()["b"] is None
        True
        """
        d = asdict(self)
        d["actors"] = list(self.actors)
        d["quotes"] = [{"quote": q, "document": doc} for q, doc in self.quotes]
        d["having"] = list(self.having)
        return d


def gap_rows(store: ox.Store, project: Project, name: str, params: dict | None = None) -> list[dict]:
    """Rows of the helper query `queries/gaps/NAME.rq` (dicts of plain strings, None if unbound)."""
    return rows(store, project.queries_dir / "gaps" / f"{name}.rq", project, params)


def labels(store: ox.Store, project: Project) -> dict[str, str]:
    """Short IRI → label of every labelled entity (`labels.rq`): the Swedish label where there is one, else
    the first by text."""
    best: dict[str, tuple[bool, str]] = {}
    for r in gap_rows(store, project, "labels"):
        s, key = r["s"], (r["lang"] != "sv", r["l"])
        if s not in best or key < best[s]:
            best[s] = key
    return {shorten(s): label for s, (_, label) in best.items()}


def principals(store: ox.Store, project: Project) -> dict[str, frozenset[str]]:
    """Short IRI → its principals (nv:principal, derived at build time; `principals.rq`)."""
    out: dict[str, set[str]] = {}
    for r in gap_rows(store, project, "principals"):
        out.setdefault(shorten(r["x"]), set()).add(shorten(r["p"]))
    return {k: frozenset(v) for k, v in out.items()}


def same_single_principal(a: str | None, b: str | None, of: dict) -> bool:
    """Whether `a` and `b` answer to one and the same principal (a region and its own unit,
    two units of one region): such a pair is never a missing collaboration.

    >>> same_single_principal("nvr:r--unit", "nvr:r", {"nvr:r--unit": {"nvr:r"}, "nvr:r": {"nvr:r"}})
    True
    >>> same_single_principal("nvr:forum", "nvr:r", {"nvr:forum": {"nvr:r", "nvr:k"}, "nvr:r": {"nvr:r"}})
    False
    """
    pa, pb = of.get(a) if a else None, of.get(b) if b else None
    return bool(pa) and len(pa) == 1 and pa == pb


def short(iri: str | None) -> str | None:
    """`nvr:x` for a full IRI (None stays None).

    >>> short("https://w3id.org/naravard/id/x")
    'nvr:x'
    """
    return shorten(iri) if iri else None
