"""The `Gap` row shared by every kind of gap finder, and small helpers to read a store.

>>> Gap("nvr:dalarna", "nvr:a", "A", None, "", "rule", "r", None, "why", "").kind
'rule'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import shorten
from ..project import Project
from ..queries import execute, prepare, rows  # noqa: F401  (rows: re-exported for the gap finders)

#: The kinds, in the order the unified list ranks them.
KINDS = ("audit", "rule", "compare", "predict")


@dataclass
class Gap:
    """One suggested or documented missing collaboration link.

    `a`/`b` are short IRIs (`nvr:…`, as node ids of `graph.network`); `b` is None when the
    gap concerns one actor. `score` is None for rules and audited gaps. `evidence` is a
    verbatim quote (rules, audit) or empty for measured methods; `document` its source, cited by
    short title, date and line (`Översikt över 21 regioner (2020), rad 730`).
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

    def as_dict(self) -> dict:
        return asdict(self)


def labels(store: ox.Store) -> dict[str, str]:
    """Short IRI → label of every labelled entity (Swedish label preferred).

    >>> labels(open_store(Project.default()))["nvr:dalarna"]  # doctest: +SKIP
    'Region Dalarna'
    """
    out: dict[str, str] = {}
    q = 'SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?s DESC(LANG(?l) = "sv") ?l'
    for r in rows(store, q):
        out.setdefault(shorten(r["s"]), r["l"])
    return out


def principals(store: ox.Store) -> dict[str, frozenset[str]]:
    """Short IRI → its principals (nv:principal, derived at build time by queries/derive/).

    >>> principals(open_store(Project.default()))["nvr:dalarna"]  # doctest: +SKIP
    frozenset({'nvr:dalarna'})
    """
    out: dict[str, set[str]] = {}
    for r in rows(store, "SELECT ?x ?p WHERE { ?x nv:principal ?p }"):
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
