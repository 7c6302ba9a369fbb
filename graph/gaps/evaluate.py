"""Evaluating link prediction: which methods may suggest links.

For each fixed seed, hide 10% of the edges (the rest of the graph is kept), sample as many
non-edges as negatives, and report AUC (hidden edges against the negatives) and precision@k
(the ranked candidates of the training graph). The random baseline ranks the same candidates
in random order. A method is used for suggestions only if it beats the baseline
(`Evaluation.used`).

>>> ev = hold_out(nx.karate_club_graph(), seeds=(1, 2))
>>> ev.table()[0]["method"], ev.auc["ra"][0] > 0.5
('ra', True)
"""

from __future__ import annotations

import json
import random
import statistics
from dataclasses import asdict, dataclass

import networkx as nx
import numpy as np

from ..memo import Memo
from ..parallel import fork_map
from .predict import METHOD_NAMES, METHODS, Index, rounded

#: A method is used for suggestions only if its mean AUC beats random by this much …
AUC_MARGIN = 0.10
#: The fixed seeds of the evaluation.
SEEDS = (11, 23, 37, 41, 53)


def fixed_seeds(n: int) -> tuple[int, ...]:
    """The first `n` fixed seeds (the default five, then more in a fixed sequence).

    >>> fixed_seeds(2), fixed_seeds(7)[5:]
    ((11, 23), (1000, 1007))
    """
    extra = tuple(1000 + 7 * i for i in range(max(0, n - len(SEEDS))))
    return (SEEDS + extra)[:n]


def auc(pos, neg) -> float:
    """P(score of a positive > score of a negative), ties counting one half: each positive's place among
    the sorted negatives (`searchsorted`, left and right). The sum of those places is a whole number of
    halves, so it is exact whatever the order of the additions.

    >>> auc([3, 2], [1, 2])
    0.875
    """
    if not len(pos) or not len(neg):
        return float("nan")
    neg_sorted = np.sort(np.asarray(neg, dtype=np.float64))
    p = np.asarray(pos, dtype=np.float64)
    twice = int(np.searchsorted(neg_sorted, p, "left").sum() + np.searchsorted(neg_sorted, p, "right").sum())
    return (twice / 2) / (len(pos) * len(neg))


def uniform(rng: random.Random, n: int) -> np.ndarray:
    """`n` draws of `rng.random()`, made in numpy, and `rng` left as those draws leave it: both are the
    Mersenne Twister (MT19937) and make a double of two 32-bit words the same way, so numpy's
    `RandomState` started from `rng`'s state gives the same numbers.

    >>> a, b = random.Random(5), random.Random(5)
    >>> uniform(a, 3).tolist() == [b.random() for _ in range(3)], a.random() == b.random()
    (True, True)
    """
    version, state, gauss = rng.getstate()
    mt = np.random.RandomState()
    mt.set_state(("MT19937", np.array(state[:-1], dtype=np.uint32), state[-1]))
    out = mt.random_sample(n)
    _, key, pos, _, _ = mt.get_state()
    rng.setstate((version, (*key.tolist(), int(pos)), gauss))
    return out


def edge_order(ix: Index) -> tuple[np.ndarray, np.ndarray]:
    """The edges of `ix` as index arrays (i < j) in the order of their text (`sorted(..., key=str)`)."""
    up = ix.src < ix.dst
    i, j = ix.src[up], ix.dst[up]
    order = ix.text_order(i, j)
    return i[order], j[order]


def split_index(ix: Index, edges: tuple[np.ndarray, np.ndarray], seed: int, frac: float = 0.1):
    """`split` on arrays: (hidden edges, sampled non-edges), each as index arrays (i < j) in the order
    of their text. `edges` is `edge_order(ix)`; the draws are those of `split`, one by one."""
    rng = random.Random(seed)
    ei, ej = edges
    k = max(1, round(frac * len(ei)))
    picked = np.sort(np.array(rng.sample(range(len(ei)), k), dtype=np.int64))  # text order is edge order
    n = ix.n
    linked = set(ix.keys.tolist())
    neg: set[int] = set()
    nodes = range(n)
    while len(neg) < k:
        a, b = rng.sample(nodes, 2)
        if a * n + b not in linked:
            neg.add(min(a, b) * n + max(a, b))
    keys = np.array(sorted(neg), dtype=np.int64)
    ni, nj = keys // n, keys % n
    order = ix.text_order(ni, nj)
    return (ei[picked], ej[picked]), (ni[order], nj[order])


def split(g: nx.Graph, seed: int, frac: float = 0.1) -> tuple[nx.Graph, set[tuple], set[tuple]]:
    """(training graph, hidden edges, sampled non-edges): `frac` of the edges hidden, the rest
    kept; as many negatives as hidden edges, sampled uniformly from the non-edges of `g`
    (`split_index`, given back as a graph and sets of pairs)."""
    ix = Index(g)
    (hx, hy), (nx_, ny) = split_index(ix, edge_order(ix), seed, frac)
    hidden, neg = set(ix.tuples(hx, hy)), set(ix.tuples(nx_, ny))
    train = g.copy()
    train.remove_edges_from(hidden)
    return train, hidden, neg


@dataclass
class Evaluation:
    """Per method: AUC and precision@k over the seeds (k = hidden edges, and 20)."""

    seeds: tuple
    hidden: int
    auc: dict[str, list[float]]
    p_at_k: dict[str, list[float]]
    p_at_20: dict[str, list[float]]

    def mean_sd(self, values: list[float]) -> tuple[float, float]:
        """Mean and standard deviation (0 for one value)."""
        return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)

    def used(self, margin: float = AUC_MARGIN) -> list[str]:
        """Methods whose mean AUC beats the random baseline's by `margin` (and by more than
        the standard deviation of the per-seed difference) and whose mean precision@k is
        above the baseline's."""
        base = self.auc["random"]
        base_p = statistics.fmean(self.p_at_k["random"])
        out = []
        for m in METHODS:
            if m == "random":
                continue
            diff = [a - b for a, b in zip(self.auc[m], base, strict=True)]
            mean, sd = self.mean_sd(diff)
            if mean >= margin and mean > sd and statistics.fmean(self.p_at_k[m]) > base_p:
                out.append(m)
        return out

    def table(self) -> list[dict]:
        """Rows: method, AUC mean/sd, precision@k mean/sd, precision@20 mean/sd, used."""
        used = set(self.used())
        out = []
        for m in METHODS:
            am, asd = self.mean_sd(self.auc[m])
            pm, psd = self.mean_sd(self.p_at_k[m])
            qm, qsd = self.mean_sd(self.p_at_20[m])
            out.append(
                {
                    "method": m,
                    "name": METHOD_NAMES[m],
                    "auc_mean": round(am, 4),
                    "auc_sd": round(asd, 4),
                    "p_at_k_mean": round(pm, 4),
                    "p_at_k_sd": round(psd, 4),
                    "p_at_20_mean": round(qm, 4),
                    "p_at_20_sd": round(qsd, 4),
                    "used": m in used,
                }
            )
        return out


#: From this many edges the hold-out's seeds are evaluated side by side in forked processes.
FORK_EDGES = 1000
#: The methods evaluated together in one forked job, per seed: those ranking the candidates at distance 3 (L3, the
#: longest, and the random baseline), and the common-neighbour indices (distance 2).
JOBS = (("l3", "random"), ("ra", "aa", "jaccard"))


def hold_out(g: nx.Graph, seeds=SEEDS, frac: float = 0.1) -> Evaluation:
    """Hold-out evaluation of every method over `seeds` (reproducible: same seeds, same numbers); the
    seeds' methods (`JOBS`) are evaluated side by side on the machine's cores (`graph.parallel.fork_map`),
    on the graph's `Index`, made once."""
    if nx.number_of_selfloops(g) or g.is_directed() or g.is_multigraph():
        g = nx.Graph(g)
        g.remove_edges_from(nx.selfloop_edges(g))
    res = {"auc": {m: [] for m in METHODS}, "k": {m: [] for m in METHODS}, "20": {m: [] for m in METHODS}}
    workers = None if g.number_of_edges() >= FORK_EDGES else 1  # a small graph: forking costs more than it saves
    ix = Index(g)
    edges = edge_order(ix)
    jobs = [(seed, methods) for seed in seeds for methods in JOBS]
    done = list(fork_map(lambda job: one_seed(ix, edges, job[0], frac, job[1]), jobs, workers=workers, chunk=1))
    for _, figures in done:  # seed by seed (each method in one job of each seed)
        for kind, by_method in figures.items():
            for m, value in by_method.items():
                res[kind][m].append(value)
    hidden = done[-1][0] if done else 0
    return Evaluation(tuple(seeds), hidden, res["auc"], res["k"], res["20"])


def one_seed(ix: Index, edges, seed: int, frac: float, methods=METHODS) -> tuple[int, dict]:
    """The hold-out of `seed` (`hold_out`) for `methods`, on the graph's `Index` and its `edge_order`: the
    number of hidden edges and each method's AUC ("auc"), precision at the number hidden ("k") and
    precision at 20 ("20")."""
    (hx, hy), (nx_, ny) = split_index(ix, edges, seed, frac)
    k = len(hx)
    train = ix.without(hx, hy)
    res: dict = {"auc": {}, "k": {}, "20": {}}
    cands = {}  # the candidates as index arrays in the order of their text (as `score_all` and `sorted(key=str)`)
    hidden = np.sort(hx * ix.n + hy)
    for m in methods:
        rng = random.Random(seed * 1009 + METHODS.index(m))
        dist = 2 if m in ("ra", "aa", "jaccard") else 3
        if dist not in cands:
            i, j = train.candidates(dist)
            order = train.text_order(i, j)
            cands[dist] = (i[order], j[order])
        ci, cj = cands[dist]
        if m == "random":
            pos_s, neg_s = uniform(rng, k), uniform(rng, k)
            scores, exact = uniform(rng, len(ci)), True
        else:
            # AUC scores the hidden edges and negatives themselves; precision@k ranks
            # the candidates a user would be shown. Rounded as `score_all` rounds.
            pos_s = rounded(train.scores(m, hx, hy))
            neg_s = rounded(train.scores(m, nx_, ny))
            scores, exact = train.scores(m, ci, cj), False
        tie = uniform(rng, len(ci))
        top = ranked(scores, tie, max(k, 20), exact)
        found = np.isin(ci[top] * ix.n + cj[top], hidden)
        res["auc"][m] = auc(pos_s, neg_s)
        res["k"][m] = int(found[:k].sum()) / k
        res["20"][m] = int(found[:20].sum()) / 20
    return k, res


def ranked(scores: np.ndarray, tie: np.ndarray, top: int, exact: bool) -> np.ndarray:
    """The first `top` places of the ranking by score (highest first), then by `tie` (lowest first), then
    by place: `np.lexsort((tie, -s))[:top]`, `s` the scores rounded as `score_all` rounds them (unless
    `exact`). Only the scores that can reach those places are sorted (and rounded, one by one, in Python):
    those at least the `top`-th highest, less a margin far above the rounding's (rounding never reorders
    two scores, it may only make them equal).

    >>> ranked(np.array([0.3, 0.1 + 0.2, 0.5]), np.array([0.9, 0.1, 0.5]), 2, False).tolist()
    [2, 1]
    """
    top = min(top, len(scores))
    if top == 0:
        return np.zeros(0, dtype=np.int64)
    last = np.partition(scores, len(scores) - top)[len(scores) - top]
    near = np.flatnonzero(scores >= (last if exact else last - 1e-9 * max(1.0, abs(last))))
    s = scores[near] if exact else np.array(rounded(scores[near]), dtype=np.float64)
    return near[np.lexsort((tie[near], -s))[:top]]


def memoised_hold_out(g: nx.Graph, memo: Memo) -> Evaluation:
    """`hold_out(g)`, kept in `memo` (`graph.memo.Memo`) by the graph's nodes, their regions and its
    edges, in order: a rebuild after an edit that left the actors' network alone skips it.

    >>> memo = Memo()
    >>> memoised_hold_out(nx.karate_club_graph(), memo) == hold_out(nx.karate_club_graph())
    True
    """
    key = memo.key("hold-out", tuple(g.nodes(data="region")), tuple(g.edges()), SEEDS)
    d = memo.get(key, lambda: json.loads(json.dumps(asdict(hold_out(g)))))  # as the memo's file gives it back
    return Evaluation(tuple(d["seeds"]), d["hidden"], d["auc"], d["p_at_k"], d["p_at_20"])
