"""graph/gaps/evaluate.py: the hold-out evaluation, its measures and its fixed seeds."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graph.gaps.evaluate import SEEDS, auc, fixed_seeds, hold_out, precision_at
from graph.gaps.predict import score_all


@pytest.mark.parametrize(
    "pos,neg,expected", [([3, 2], [1, 2], 0.875), ([1], [2], 0.0), ([2], [1], 1.0), ([1, 1], [1], 0.5)]
)
def test_auc(pos, neg, expected):
    assert auc(pos, neg) == expected


def test_auc_without_scores_is_nan():
    assert math.isnan(auc([], [1]))


@pytest.mark.parametrize(
    "ranked,k,expected", [([(1, 2), (3, 4)], 2, 0.5), ([(1, 2), (3, 4)], 1, 1.0), ([(3, 4), (1, 2)], 1, 0.0)]
)
def test_precision_at(ranked, k, expected):
    assert precision_at(ranked, {(1, 2)}, k) == expected


@pytest.mark.parametrize("n,expected", [(1, (11,)), (5, SEEDS), (6, (*SEEDS, 1000)), (7, (*SEEDS, 1000, 1007))])
def test_fixed_seeds(n, expected):
    assert fixed_seeds(n) == expected


def test_hold_out_is_reproducible():
    g = nx.karate_club_graph()
    a, b = hold_out(g, seeds=(1, 2)), hold_out(g, seeds=(1, 2))
    assert a.table() == b.table() and a.auc == b.auc
    assert hold_out(g, seeds=(3,)).auc != a.auc


def test_evaluation_on_the_real_graph_beats_random(analysis, store):
    from graph.gaps.predict import projection

    ev = analysis.evaluation
    assert ev.seeds == SEEDS
    assert ev.hidden == round(0.1 * projection(store).number_of_edges())
    used = ev.used()
    assert used, ev.table()
    base = sum(ev.auc["random"]) / len(SEEDS)
    assert all(sum(ev.auc[m]) / len(SEEDS) > base + 0.1 for m in used)
    assert [r["method"] for r in ev.table() if r["used"]] == used


@pytest.mark.parametrize("method", ["ra", "aa", "jaccard", "l3"])
def test_scores_are_rounded_so_ties_do_not_follow_the_hash_seed(method):
    """Scores are sums over neighbour sets, whose order follows PYTHONHASHSEED: unrounded, their last bits
    differed between runs and broke ties differently (on the real graph, Adamic–Adar's precision@20 was
    0.13 with PYTHONHASHSEED=3 and 0.12 with 1, 2 and 4, so gaps.html changed from build to build)."""
    scores = score_all(nx.karate_club_graph(), method)
    assert len(scores) > 100 and all(s == round(s, 12) for s in scores.values())
    assert any(s != round(s, 6) for s in scores.values())  # rounded far below any real difference
