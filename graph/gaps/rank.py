"""Ranking the findings of every finder into one list, in the order an auditor reads them, each
with the reason for its place (`Gap.reason` in Swedish, `Gap.reason_en` in English).

1. gaps the auditors' own report states (nv:authorityRank 1), unanswered ones first;
2. gaps the region's answer to an audit admits (authority 2);
3. rules, in the order of their `# rank:` headers;
4. status notes of the descriptive overview (authority 3 and above: not an audit);
5. the comparison across regions, by the share of regions that have the structure;
6. link prediction, by score.
Within a tier: by region and actors.
"""

from __future__ import annotations

from .model import Gap

TIERS = ("audit-report", "audit-answer", "rule", "audit-overview", "compare", "predict")


def tier(gap: Gap) -> int:
    """The tier of `gap` (0 first; see the module's docstring).

    >>> tier(Gap("nvr:r", "nvr:g", "G", None, "", "note", "weak", None, "why", authority=3))
    3
    """
    if gap.kind == "audit":  # an audit report (authority 1) or an answer to one (2)
        return 1 if gap.authority == 2 else 0
    if gap.kind == "note":
        return TIERS.index("audit-overview")
    return TIERS.index(gap.kind)


#: The words of a reason, Swedish and English.
WORDS = {
    "sv": {
        "report": "revisorernas iakttagelse",
        "answer": "regionens svar medger bristen",
        "overview": "statusnotering i översikten (ingen granskning)",
        "open": "; ingen åtgärd svarar på den",
        "rule": "regel",
        "compare": "jämförelse: {} % av regionerna har strukturen",
        "predict": "länkprediktion",
        "score": "poäng",
    },
    "en": {
        "report": "the auditors' finding",
        "answer": "the region's answer admits the gap",
        "overview": "status note of the overview (not an audit)",
        "open": "; no measure answers it",
        "rule": "rule",
        "compare": "comparison: {} % of the regions have the structure",
        "predict": "link prediction",
        "score": "score",
    },
}


def reason(gap: Gap, rule_place: int | None = None, lang: str = "sv") -> str:
    """Why `gap` has its place, in Swedish (or `lang` "en", English).

    >>> g = Gap("nvr:r", "nvr:r", "R", None, "", "compare", "t", 0.905, "why")
    >>> reason(g), reason(g, lang="en")
    ('jämförelse: 90 % av regionerna har strukturen', 'comparison: 90 % of the regions have the structure')
    """
    w = WORDS[lang]
    t = tier(gap)
    if gap.kind in ("audit", "note"):
        base = {0: w["report"], 1: w["answer"]}.get(t, w["overview"])
        open_ = gap.answered.startswith("ingen") or "ingen åtgärd" in gap.answered
        return base + (w["open"] if t < 3 and open_ else "")
    if gap.kind == "rule":
        return f"{w['rule']} {rule_place + 1 if rule_place is not None else '–'}: {gap.name}"
    if gap.kind == "compare":
        return w["compare"].format(round((gap.score or 0) * 100))
    return f"{w['predict']}, {w['score']} {gap.score:.3f}" if gap.score is not None else w["predict"]


def key(gap: Gap, rule_order: dict[str, int]) -> tuple:
    """Sort key of `gap`; `rule_order` maps a rule's name to its place (unknown rules last, by name).

    >>> key(Gap("nvr:r", "nvr:a", "A", None, "", "rule", "x", None, "why"), {"x": 0})
    (2, 0, -0.0, (0, 'x'), 'nvr:r', 'nvr:a', '')
    """
    unanswered = 0 if gap.kind not in ("audit", "note") or "ingen" in gap.answered else 1
    rule = (rule_order.get(gap.name, len(rule_order)), gap.name) if gap.kind == "rule" else (0, "")
    return (tier(gap), unanswered, -(gap.score or 0.0), rule, gap.region, gap.a, gap.b or "")


def rank(gaps: list[Gap], rule_order: dict[str, int]) -> list[Gap]:
    """`gaps` in ranking order, each given its `reason` (see the module's docstring)."""
    for g in gaps:
        place = rule_order.get(g.name) if g.kind == "rule" else None
        g.reason, g.reason_en = reason(g, place), reason(g, place, "en")
    return sorted(gaps, key=lambda g: key(g, rule_order))
