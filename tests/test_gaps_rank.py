"""graph/gaps/rank.py: one order for the gaps of every finder."""

from __future__ import annotations

import pytest

from graph.gaps.model import KINDS, Gap
from graph.gaps.rank import key, rank

ORDER = {"first-rule": 0, "second-rule": 1}


def gap(kind="rule", name="first-rule", score=None, region="nvr:r", a="nvr:a", b=None):
    return Gap(region, a, "A", b, "", kind, name, score, "why")


@pytest.mark.parametrize(
    "before,after",
    [
        (gap(kind="audit", name="missing"), gap()),  # audit before rule
        (gap(), gap(kind="note", name="missing")),  # rule before the overview's status notes
        (gap(kind="note", name="missing"), gap(kind="compare", name="nv:st-x", score=0.9)),
        (gap(), gap(kind="compare", name="nv:st-x", score=0.9)),  # rule before compare
        (gap(kind="compare", name="nv:st-x", score=0.1), gap(kind="predict", name="ra", score=0.9)),
        (gap(name="first-rule"), gap(name="second-rule")),  # by the rules' rank
        (gap(name="second-rule"), gap(name="unranked")),  # unranked rules last
        (gap(name="a-unranked"), gap(name="b-unranked")),  # … by name
        (gap(kind="predict", name="ra", score=0.9), gap(kind="predict", name="ra", score=0.5)),  # higher score first
        (gap(region="nvr:a"), gap(region="nvr:b")),  # then region
        (gap(a="nvr:a"), gap(a="nvr:b")),  # then actors
        (gap(b=None), gap(b="nvr:x")),
    ],
)
def test_key_orders(before, after):
    assert key(before, ORDER) < key(after, ORDER)
    assert rank([after, before], ORDER) == [before, after]


def test_the_real_analysis_is_ranked(analysis, project):
    from graph.gaps.rules import order

    gaps = analysis.gaps
    assert {g.kind for g in gaps} == set(KINDS)
    assert [key(g, order(project)) for g in gaps] == sorted(key(g, order(project)) for g in gaps)
    pred = [g.score for g in gaps if g.kind == "predict"]
    assert pred == sorted(pred, reverse=True)
