"""Audited gaps: where the sources themselves say collaboration is missing, weak,
unclear or should be strengthened (nv:CollaborationGap), with their quotes.

>>> gaps = audit_gaps(open_store(Project.default()))  # doctest: +SKIP
>>> gaps[0].kind, bool(gaps[0].evidence)  # doctest: +SKIP
('audit', True)
"""
from __future__ import annotations

import pyoxigraph as ox

from ..project import Project
from .model import Gap, labels, rows, short


def audit_gaps(store: ox.Store, project: Project | None = None, region: str | None = None) -> list[Gap]:
    """One row per pair of actors a documented gap lies between (first quote kept)."""
    project = project or Project.default()
    names = labels(store)
    query = project.queries_dir / "gaps" / "audit-pairs.rq"
    found: dict[tuple, Gap] = {}
    for r in rows(store, query, project, {"region": region} if region else {}):
        a, b = short(r["a"]), short(r["b"])
        key = (r["gap"], a, b)
        if key in found:
            continue
        kind = r.get("kind") or "gap"
        phrase = kind if kind.startswith("should") else f"is {kind}"
        found[key] = Gap(
            region=short(r["region"]) or "", a=a, a_label=names.get(a, a), b=b, b_label=names.get(b, b),
            kind="audit", name=kind, score=None,
            explanation=f"The source says the collaboration {phrase}: {r['summary']}",
            evidence=r.get("quote") or "", document=r.get("document") or "")
    return list(found.values())
