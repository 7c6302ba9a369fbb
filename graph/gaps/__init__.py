"""Missing collaboration links (issue 8): rules, cross-region comparison, link
prediction and the audited gaps of the sources, as one ranked list of `Gap` rows.

Every suggestion says why (an explanation built from the graph) and is backed by
evidence (a verbatim quote) or a measured method (link prediction that beats a
random baseline in a hold-out evaluation).

>>> from graph.gaps import find_gaps
>>> gaps = find_gaps(open_store(Project.default()), kinds=["audit"])  # doctest: +SKIP
"""
from __future__ import annotations

from .model import KINDS, Gap
from .report import analyse, computed_links, find_gaps, write_gaps_report

__all__ = ["Gap", "KINDS", "analyse", "find_gaps", "computed_links", "write_gaps_report"]
