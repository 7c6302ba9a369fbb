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

#: The kinds, in the order the unified list ranks them.
KINDS = ("audit", "rule", "compare", "predict")


@dataclass
class Gap:
    """One suggested or documented missing collaboration link.

    `region`, `a` and `b` are short IRIs (`nvr:…`); `b` is None when the gap concerns one
    actor. `score` is None for rules and audited gaps. `evidence` is a verbatim quote (rules,
    audit) or empty for measured methods; `document` its source, cited by short title, date
    and line (`Översikt över 21 regioner (2020), rad 730`).
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
        """The row as a plain dict (for JSON).

        >>> Gap("nvr:r", "nvr:a", "A", None, "", "rule", "r", None, "why").as_dict()["b"] is None
        True
        """
        return asdict(self)


def gap_rows(store: ox.Store, project: Project, name: str, params: dict | None = None) -> list[dict]:
    """Rows of the helper query `queries/gaps/NAME.rq` (dicts of plain strings, None if unbound)."""
    return rows(store, project.queries_dir / "gaps" / f"{name}.rq", project, params)


def labels(store: ox.Store, project: Project) -> dict[str, str]:
    """Short IRI → label of every labelled entity (Swedish label preferred; `labels.rq`)."""
    out: dict[str, str] = {}
    for r in gap_rows(store, project, "labels"):
        out.setdefault(shorten(r["s"]), r["l"])
    return out


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
