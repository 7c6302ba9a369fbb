"""Ranking the gaps of every finder into one list.

Audited gaps first (the sources say so), then rules (structural evidence, in the order of
their `# rank:` headers), then the comparison across regions (by the share of regions that
have the structure), then link prediction (by score); within that, by region and actors.
"""

from __future__ import annotations

from .model import KINDS, Gap


def key(gap: Gap, rule_order: dict[str, int]) -> tuple:
    """Sort key of `gap`; `rule_order` maps a rule's name to its place (unknown rules last, by name).

    >>> key(Gap("nvr:r", "nvr:a", "A", None, "", "rule", "x", None, "why"), {"x": 0})
    (1, -0.0, (0, 'x'), 'nvr:r', 'nvr:a', '')
    """
    rule = (rule_order.get(gap.name, len(rule_order)), gap.name) if gap.kind == "rule" else (0, "")
    return (KINDS.index(gap.kind), -(gap.score or 0.0), rule, gap.region, gap.a, gap.b or "")


def rank(gaps: list[Gap], rule_order: dict[str, int]) -> list[Gap]:
    """`gaps` in ranking order (see the module's docstring)."""
    return sorted(gaps, key=lambda g: key(g, rule_order))
