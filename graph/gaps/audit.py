"""Finding audited gaps: where the sources themselves say collaboration is missing, weak,
unclear or should be strengthened (nv:CollaborationGap).

One row per stated gap, with all its actors and quotes (`queries/gaps/audit-findings.rq`), the
kind of document that states it (revisionsrapport, svar på revisionsrapport, översikt: a status
note of the 2020 overview is not an auditor's finding: its rows are of kind `note`, those of an
audit report or an answer to one of kind `audit`) and whether recommendations and measures
answer it: the recommendations of the region addressed to one of its actors, with their
measures (`queries/gaps/recommendation-answers.rq`).

>>> answered_text([])
'ingen rekommendation till dess aktörer'
>>> answered_text([("3", 1, 2)])
'rekommendation 3 (1 vidtagen, 2 planerade åtgärder)'
>>> answered_text([("4", 5, 1), ("4", 4, 0)])  # one number twice (rows of two regions): in a fixed order
'rekommendation 4 (4 vidtagen, 0 planerade åtgärder); rekommendation 4 (5 vidtagen, 1 planerade åtgärder)'
"""

from __future__ import annotations

import pyoxigraph as ox

from ..project import Project
from .model import Gap, gap_rows, labels, short


def answered_text(recs: list[tuple[str, int, int]]) -> str:
    """Swedish note on the recommendations (number, taken, planned) that answer a gap."""
    if not recs:
        return "ingen rekommendation till dess aktörer"
    parts = []
    # by number, then the rest: two rows of one number (a recommendation addressed in two regions) in a fixed order
    for number, taken, planned in sorted(set(recs), key=lambda r: (int(r[0]) if r[0].isdigit() else 0, r)):
        if taken or planned:
            parts.append(f"rekommendation {number} ({taken} vidtagen, {planned} planerade åtgärder)")
        else:
            parts.append(f"rekommendation {number} (ingen åtgärd i källorna)")
    return "; ".join(parts)


def find(
    store: ox.Store, project: Project, region: str | None = None, names: dict[str, str] | None = None
) -> list[Gap]:
    """One row per documented gap (all its actors and quotes), in all regions or in `region`
    (a short IRI, `nvr:dalarna`). `score` is None; the authority of its strongest source and
    whether it is answered decide its rank (`graph.gaps.rank`). `names` are the store's `labels`
    when the caller has them."""
    names = names if names is not None else labels(store, project)
    params = {"region": region} if region else {}
    recs: dict[tuple[str, str], list[tuple[str, int, int]]] = {}
    for r in gap_rows(store, project, "recommendation-answers", params):
        recs.setdefault((short(r["region"]), short(r["addressee"])), []).append(
            (r["number"], int(r["taken"]), int(r["planned"]))
        )
    by_gap: dict[str, dict] = {}
    for r in gap_rows(store, project, "audit-findings", params):
        g = by_gap.setdefault(
            r["gap"],
            {"row": r, "quotes": [], "kinds": [], "dates": [], "sv": set(), "en": set()},
        )
        g["sv"].add(r.get("kindSv") or "")  # a gap may have several kinds (one row each): all are named
        g["en"].add(r.get("kindEn") or "")
        if r.get("quote") and (r["quote"], r["document"]) not in g["quotes"]:
            g["quotes"].append((r["quote"], r["document"]))
            g["kinds"].append((int(r["authority"]), r["sourceKind"]))
            g["dates"].append(r["date"])
    out = []
    for gap, g in by_gap.items():
        r = g["row"]
        reg = short(r["region"])
        actors = tuple(sorted(short(a) for a in r["actors"].split()))
        authority, source_kind = min(g["kinds"]) if g["kinds"] else (9, "")
        answering = [x for a in actors for x in recs.get((reg, a), [])]
        kind_sv = ", ".join(sorted(k for k in g["sv"] if k)) or "brist"
        kind_en = ", ".join(sorted(k for k in g["en"] if k)) or "gap"
        who = ", ".join(names.get(a, a) for a in actors)
        out.append(
            Gap(
                region=reg,
                a=short(gap),
                a_label=r["summary"],
                b=None,
                b_label="",
                kind="audit" if authority <= 2 else "note",
                name=kind_en,
                score=None,
                explanation=(
                    f"Källan ({source_kind}) anger en samverkansbrist ({kind_sv}): {r['summary']}. Gäller: {who}."
                ),
                explanation_en=f"The source states a collaboration gap ({kind_en}): {r['summary']}. Concerns: {who}.",
                actors=actors,
                quotes=tuple(g["quotes"]),
                source_kind=source_kind,
                authority=authority,
                date=min(g["dates"]) if g["dates"] else "",
                answered=answered_text(answering),
            )
        )
    return out
