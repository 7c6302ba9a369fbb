"""Finding structural gaps with rules: SPARQL files in `queries/rules/*.rq`.

Each rule returns ?region ?a ?b ?explanation (Swedish) and optionally ?explanationEn ?evidence
?document; its header says what it finds, why it matters and its place in the ranking (`# title:`,
`# answers:`, `# why:`, `# rank: N`; rules without a rank follow the ranked ones, by name).
Rows of one rule about the same region, `a` and `b` are one finding: their explanations and
quotes are gathered into one `Gap`.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..project import Project
from ..queries import Library, LibraryQuery, rows
from .model import Gap, labels, short


def place(rule: LibraryQuery) -> tuple:
    """Sort key of a rule: its `# rank:`, then its name (unranked rules last).

    >>> from pathlib import Path
    >>> [place(LibraryQuery(n, Path(n), "", rank=r)) for n, r in [("b", 2), ("a", None)]]
    [(False, 2, 'b'), (True, 0, 'a')]
    """
    return (rule.rank is None, rule.rank or 0, rule.name)


def rule_queries(project: Project) -> list[LibraryQuery]:
    """The rule files of `project` (queries/rules/*.rq), in ranking order."""
    return sorted(Library(folder=project.queries_dir / "rules"), key=place)


def order(project: Project) -> dict[str, int]:
    """Rule name → its place in the ranking (0 first), for `graph.gaps.rank`."""
    return {rule.name: i for i, rule in enumerate(rule_queries(project))}


def run_rule(
    store: ox.Store,
    rule: LibraryQuery,
    project: Project,
    region: str | None = None,
    names: dict[str, str] | None = None,
) -> list[Gap]:
    """The gaps one rule finds (one row per region, a, b and explanation; first evidence kept)."""
    names = names if names is not None else labels(store, project)
    params = {"region": region} if region and any(p.name == "region" for p in rule.params) else {}
    found: dict[tuple, dict] = {}
    cols = ("region", "a", "b", "explanation", "document", "evidence")
    for r in sorted(rows(store, rule.path, project, params), key=lambda r: tuple(r.get(k) or "" for k in cols)):
        if not r.get("explanation"):
            continue
        f = found.setdefault((r["region"], r["a"], r.get("b")), {"sv": [], "en": [], "quotes": []})
        for lang, col in (("sv", "explanation"), ("en", "explanationEn")):
            if r.get(col) and r[col] not in f[lang]:
                f[lang].append(r[col])
        if r.get("evidence") and (r["evidence"], r.get("document") or "") not in f["quotes"]:
            f["quotes"].append((r["evidence"], r.get("document") or ""))
    out = []
    for (region_iri, a_iri, b_iri), f in found.items():
        a, b = short(a_iri), short(b_iri)
        out.append(
            Gap(
                region=short(region_iri) or "",
                a=a,
                a_label=names.get(a, a),
                b=b,
                b_label=names.get(b, b) if b else "",
                kind="rule",
                name=rule.name,
                score=None,
                explanation=" ".join(f["sv"]),
                explanation_en=" ".join(f["en"]),
                quotes=tuple(f["quotes"]),
            )
        )
    return out


def find(
    store: ox.Store, project: Project, region: str | None = None, names: dict[str, str] | None = None
) -> list[Gap]:
    """The gaps of every rule, rule by rule in ranking order, in all regions or in `region`
    (a short IRI, `nvr:dalarna`). `names` are the store's `labels` when the caller has them."""
    names = names if names is not None else labels(store, project)
    out: list[Gap] = []
    for rule in rule_queries(project):
        out += run_rule(store, rule, project, region, names)
    return out
