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

import bisect
import json
import random
import statistics
from dataclasses import asdict, dataclass

import networkx as nx
import numpy as np

from ..memo import Memo
from ..parallel import fork_map
from .predict import METHOD_NAMES, METHODS, Index, canonical

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


def auc(pos: list[float], neg: list[float]) -> float:
    """P(score of a positive > score of a negative), ties counting one half.

    >>> auc([3, 2], [1, 2])
    0.875
    """
    if not pos or not neg:
        return float("nan")
    neg_sorted = sorted(neg)
    total = 0.0
    for p in pos:
        lo, hi = bisect.bisect_left(neg_sorted, p), bisect.bisect_right(neg_sorted, p)
        total += lo + 0.5 * (hi - lo)
    return total / (len(pos) * len(neg))


def precision_at(ranked: list[tuple], hidden: set[tuple], k: int) -> float:
    """Share of the top `k` pairs that are hidden edges.

    >>> precision_at([(1, 2), (3, 4)], {(1, 2)}, 2)
    0.5
    """
    return sum(1 for p in ranked[:k] if p in hidden) / k if k else float("nan")


def split(g: nx.Graph, seed: int, frac: float = 0.1) -> tuple[nx.Graph, set[tuple], set[tuple]]:
    """(training graph, hidden edges, sampled non-edges): `frac` of the edges hidden, the rest
    kept; as many negatives as hidden edges, sampled uniformly from the non-edges of `g`."""
    rng = random.Random(seed)
    edges = sorted((canonical(u, v) for u, v in g.edges()), key=str)
    k = max(1, round(frac * len(edges)))
    hidden = set(rng.sample(edges, k))
    train = g.copy()
    train.remove_edges_from(hidden)
    nodes = sorted(g.nodes, key=str)
    neg: set[tuple] = set()
    while len(neg) < k:
        u, v = rng.sample(nodes, 2)
        p = canonical(u, v)
        if not g.has_edge(u, v):
            neg.add(p)
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


def rounded(scores: np.ndarray) -> list[float]:
    """Scores rounded to 12 decimals, as `graph.gaps.predict.score_all` rounds them (Python's `round`)."""
    return [round(s, 12) for s in scores.tolist()]


#: From this many edges the hold-out's seeds are evaluated side by side in forked processes.
FORK_EDGES = 1000


def hold_out(g: nx.Graph, seeds=SEEDS, frac: float = 0.1) -> Evaluation:
    """Hold-out evaluation of every method over `seeds` (reproducible: same seeds, same numbers); the
    seeds are evaluated side by side on the machine's cores (`graph.parallel.fork_map`)."""
    g = nx.Graph(g)
    g.remove_edges_from(nx.selfloop_edges(g))
    res = {"auc": {m: [] for m in METHODS}, "k": {m: [] for m in METHODS}, "20": {m: [] for m in METHODS}}
    workers = None if g.number_of_edges() >= FORK_EDGES else 1  # a small graph: forking costs more than it saves
    done = list(fork_map(lambda seed: one_seed(g, seed, frac), seeds, workers=workers, chunk=1))
    for _, figures in done:
        for kind, by_method in figures.items():
            for m, value in by_method.items():
                res[kind][m].append(value)
    return Evaluation(tuple(seeds), done[-1][0] if done else 0, res["auc"], res["k"], res["20"])


def one_seed(g: nx.Graph, seed: int, frac: float) -> tuple[int, dict]:
    """The hold-out of `seed` (`hold_out`): the number of hidden edges and each method's AUC ("auc"),
    precision at the number hidden ("k") and precision at 20 ("20")."""
    train, hidden, neg = split(g, seed, frac)
    res: dict = {"auc": {}, "k": {}, "20": {}}
    ix = Index(train)
    # the candidates as index arrays in the order of their text (as `score_all` and `sorted(key=str)`)
    cands = {}
    for d in (2, 3):
        i, j = ix.candidates(d)
        order = ix.text_order(i, j)
        cands[d] = (i[order], j[order])
    pos_x, pos_y = ix.pairs(sorted(hidden, key=str))
    neg_x, neg_y = ix.pairs(sorted(neg, key=str))
    for m in METHODS:
        rng = random.Random(seed * 1009 + METHODS.index(m))
        dist = 2 if m in ("ra", "aa", "jaccard") else 3
        ci, cj = cands[dist]
        if m == "random":
            pos_s = [rng.random() for _ in hidden]
            neg_s = [rng.random() for _ in neg]
            scores = np.fromiter((rng.random() for _ in range(len(ci))), dtype=np.float64, count=len(ci))
        else:
            # AUC scores the hidden edges and negatives themselves; precision@k ranks
            # the candidates a user would be shown. Rounded as `score_all` rounds.
            pos_s = rounded(ix.scores(m, pos_x, pos_y))
            neg_s = rounded(ix.scores(m, neg_x, neg_y))
            scores = np.array(rounded(ix.scores(m, ci, cj)), dtype=np.float64)
        tie = np.fromiter((rng.random() for _ in range(len(ci))), dtype=np.float64, count=len(ci))
        top = np.lexsort((tie, -scores))[: max(len(hidden), 20)].tolist()
        ranked = [(ix.nodes[a], ix.nodes[b]) for a, b in zip(ci[top].tolist(), cj[top].tolist(), strict=True)]
        res["auc"][m] = auc(pos_s, neg_s)
        res["k"][m] = precision_at(ranked, hidden, len(hidden))
        res["20"][m] = precision_at(ranked, hidden, 20)
    return len(hidden), res


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
