"""Finding audited gaps: where the sources themselves say collaboration is missing, weak,
unclear or should be strengthened (nv:CollaborationGap), with their quotes
(`queries/gaps/audit-pairs.rq`)."""

from __future__ import annotations

import pyoxigraph as ox

from ..project import Project
from .model import Gap, gap_rows, labels, short


def find(store: ox.Store, project: Project, region: str | None = None) -> list[Gap]:
    """One row per pair of actors a documented gap lies between (first quote kept), in all
    regions or in `region` (a short IRI, `nvr:dalarna`)."""
    names = labels(store, project)
    found: dict[tuple, Gap] = {}
    for r in gap_rows(store, project, "audit-pairs", {"region": region} if region else {}):
        a, b = short(r["a"]), short(r["b"])
        key = (r["gap"], a, b)
        if key in found:
            continue
        kind = r.get("kind") or "gap"
        phrase = kind if kind.startswith("should") else f"is {kind}"
        found[key] = Gap(
            region=short(r["region"]) or "",
            a=a,
            a_label=names.get(a, a),
            b=b,
            b_label=names.get(b, b),
            kind="audit",
            name=kind,
            score=None,
            explanation=f"The source says the collaboration {phrase}: {r['summary']}",
            evidence=r.get("quote") or "",
            document=r.get("document") or "",
        )
    return list(found.values())
