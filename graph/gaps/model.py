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
    verbatim quote (rules, audit) or empty for measured methods; `document` its source file.
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


def short(iri: str | None) -> str | None:
    """`nvr:x` for a full IRI (None stays None).

    >>> short("https://w3id.org/naravard/id/x")
    'nvr:x'
    """
    return shorten(iri) if iri else None
