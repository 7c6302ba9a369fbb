"""Link prediction on the actor projection of the governance network.

Methods: resource allocation (ra), Adamic–Adar (aa), Jaccard (jaccard), paths of length 3
(l3, degree-normalised as in Kovács et al. 2019, Nat. Commun. 10:1240) and a random
baseline. Candidates are never all pairs: they are pairs of the same region at distance
2 (common-neighbour indices) or 2..3 (L3, random), found by walking only through nodes of
that region. National hubs (SKR, the state's agreement) would otherwise put every pair of
the country within three steps, and the work would grow with the square of the graph;
scoped this way it grows with the number of regions, about linearly with the edges.

Evaluation (`evaluate`): for each seed, hide 10% of the edges (the rest of the graph is
kept), sample as many non-edges as negatives, and report AUC (hidden edges against the
negatives) and precision@k (the ranked candidates of the training graph). The random
baseline ranks the same candidates in random order.

>>> import networkx as nx
>>> g = nx.Graph([(1, 2), (2, 3), (3, 4), (1, 3)])
>>> sorted(candidates(g, 2))
[(1, 4), (2, 4)]
>>> for n, r in [(1, "a"), (2, "a"), (3, "b"), (4, "a")]: g.nodes[n]["region"] = r
>>> sorted(candidates(g, 3))   # 1–3–4 and 2–3–4 pass through region b
[]
>>> round(l3(g, [(1, 4)])[(1, 4)], 3)
0.408
"""
from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass

import networkx as nx

METHODS = ("ra", "aa", "jaccard", "l3", "random")
METHOD_NAMES = {"ra": "resource allocation", "aa": "Adamic–Adar", "jaccard": "Jaccard",
                "l3": "paths of length 3 (L3)", "random": "random baseline"}
#: A method is used for suggestions only if its mean AUC beats random by this much …
AUC_MARGIN = 0.10
#: The fixed seeds of the evaluation.
SEEDS = (11, 23, 37, 41, 53)


def _key(u, v) -> tuple:
    """A pair in a canonical order."""
    return (u, v) if str(u) <= str(v) else (v, u)


def candidates(g: nx.Graph, max_dist: int = 2) -> set[tuple]:
    """Non-adjacent pairs at distance 2..`max_dist` (2 or 3) within one region, found by
    walking paths through nodes of the same region (node attribute `region`; nodes
    without one share the scope "")."""
    scope = {n: d.get("region", "") for n, d in g.nodes(data=True)}
    out: set[tuple] = set()
    for u in g:
        here = scope[u]
        frontier, seen = {u}, {u}
        for depth in range(1, max_dist + 1):
            nxt = {w for x in frontier for w in g[x] if scope[w] == here} - seen
            seen |= nxt
            if depth >= 2:
                out.update(_key(u, v) for v in nxt if not g.has_edge(u, v))
            frontier = nxt
    return out


def common_neighbour_scores(g: nx.Graph, pairs, method: str) -> dict[tuple, float]:
    """ra, aa or jaccard for `pairs` (networkx's implementations)."""
    fn = {"ra": nx.resource_allocation_index, "aa": nx.adamic_adar_index, "jaccard": nx.jaccard_coefficient}[method]
    return {_key(u, v): s for u, v, s in fn(g, list(pairs))}


def l3(g: nx.Graph, pairs=None) -> dict[tuple, float]:
    """Sum over paths u–a–b–v of 1/sqrt(k_a k_b) (Kovács et al. 2019) for `pairs`
    (default: the candidates at distance ≤ 3); pairs scoring 0 are left out.

    Per pair the work is about deg(u)·deg(v): b runs over the smaller of N(a) and N(v).
    """
    pairs = candidates(g, 3) if pairs is None else pairs
    deg = dict(g.degree)
    out: dict[tuple, float] = {}
    for u, v in pairs:
        nv, total = g[v], 0.0
        for a in g[u]:
            if a == v:
                continue
            na = g[a]
            small, big = (nv, na) if len(nv) < len(na) else (na, nv)
            for b in small:
                if b != u and b != a and b != v and b in big:
                    total += 1.0 / math.sqrt(deg[a] * deg[b])
        if total:
            out[_key(u, v)] = total
    return out


def score_all(g: nx.Graph, method: str, rng: random.Random | None = None, extra=()) -> dict[tuple, float]:
    """Scores of the candidate pairs of `g` (and of the `extra` pairs) for one method
    (random: uniform on the candidates at distance ≤ 3)."""
    if method == "random":
        rng = rng or random.Random(0)
        return {p: rng.random() for p in sorted(candidates(g, 3) | set(extra), key=str)}
    cands = candidates(g, 3 if method == "l3" else 2) | {_key(*p) for p in extra}
    if method == "l3":
        return l3(g, sorted(cands, key=str))
    return common_neighbour_scores(g, sorted(cands, key=str), method)


def auc(pos: list[float], neg: list[float]) -> float:
    """P(score of a positive > score of a negative), ties counting one half.

    >>> auc([3, 2], [1, 2])
    0.875
    """
    if not pos or not neg:
        return float("nan")
    neg_sorted = sorted(neg)
    import bisect

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
    edges = sorted((_key(u, v) for u, v in g.edges()), key=str)
    k = max(1, round(frac * len(edges)))
    hidden = set(rng.sample(edges, k))
    train = g.copy()
    train.remove_edges_from(hidden)
    nodes = sorted(g.nodes, key=str)
    neg: set[tuple] = set()
    while len(neg) < k:
        u, v = rng.sample(nodes, 2)
        p = _key(u, v)
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
            diff = [a - b for a, b in zip(self.auc[m], base)]
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
            out.append({"method": m, "name": METHOD_NAMES[m], "auc_mean": round(am, 4), "auc_sd": round(asd, 4),
                        "p_at_k_mean": round(pm, 4), "p_at_k_sd": round(psd, 4),
                        "p_at_20_mean": round(qm, 4), "p_at_20_sd": round(qsd, 4), "used": m in used})
        return out


def evaluate(g: nx.Graph, seeds=SEEDS, frac: float = 0.1) -> Evaluation:
    """Hold-out evaluation of every method over `seeds` (reproducible: same seeds, same numbers).

    >>> ev = evaluate(nx.karate_club_graph(), seeds=(1, 2))
    >>> ev.table()[0]["method"], ev.auc["ra"][0] > 0.5
    ('ra', True)
    """
    g = nx.Graph(g)
    g.remove_edges_from(nx.selfloop_edges(g))
    res = {"auc": {m: [] for m in METHODS}, "k": {m: [] for m in METHODS}, "20": {m: [] for m in METHODS}}
    hidden_n = 0
    for seed in seeds:
        train, hidden, neg = split(g, seed, frac)
        hidden_n = len(hidden)
        pool = {2: candidates(train, 2), 3: candidates(train, 3)}
        for m in METHODS:
            rng = random.Random(seed * 1009 + METHODS.index(m))
            cands = pool[2 if m in ("ra", "aa", "jaccard") else 3]
            if m == "random":
                pos_s = [rng.random() for _ in hidden]
                neg_s = [rng.random() for _ in neg]
                scores = {p: rng.random() for p in sorted(cands, key=str)}
            else:
                # AUC scores the hidden edges and negatives themselves; precision@k ranks
                # the candidates a user would be shown.
                scores = score_all(train, m, extra=hidden | neg)
                pos_s = [scores.get(p, 0.0) for p in sorted(hidden, key=str)]
                neg_s = [scores.get(p, 0.0) for p in sorted(neg, key=str)]
                scores = {p: scores.get(p, 0.0) for p in cands}
            tie = {p: rng.random() for p in sorted(scores, key=str)}
            ranked = sorted(scores, key=lambda p: (-scores[p], tie[p]))
            res["auc"][m].append(auc(pos_s, neg_s))
            res["k"][m].append(precision_at(ranked, hidden, len(hidden)))
            res["20"][m].append(precision_at(ranked, hidden, 20))
    return Evaluation(tuple(seeds), hidden_n, res["auc"], res["k"], res["20"])


def suggest(g: nx.Graph, methods: list[str], per_region: int = 5, names: dict | None = None,
            partners: set[str] | None = None) -> list[dict]:
    """Top non-adjacent actor pairs of the same region, scored by the mean of each used
    method's score divided by that method's maximum (so in 0..1). Each row: a, b, region,
    score, method scores, common neighbours, number of 3-paths.

    Only nodes whose class is in `partners` (default: any class; `graph.network.
    organisation_classes` gives the ontology's organisations) are paired, and never two nodes
    with the same single principal (node attribute `principals`): a region and its own unit,
    or two units of one region, answer to one huvudman and are not a missing collaboration.

    >>> g = nx.Graph([("a", "x"), ("b", "x"), ("a", "y"), ("b", "y")])
    >>> for n in g: g.nodes[n].update(cls="Board", region="r")
    >>> suggest(g, ["ra"])[0]["pair"]
    ('a', 'b')
    >>> for n in g: g.nodes[n]["principals"] = ["nvr:r"]
    >>> suggest(g, ["ra"])
    []
    """
    if not methods:
        return []
    def ok(n):
        d = g.nodes[n]
        return (partners is None or d.get("cls") in partners) and d.get("region")

    def one_principal(u, v):
        pu, pv = g.nodes[u].get("principals") or [], g.nodes[v].get("principals") or []
        return len(pu) == 1 and list(pu) == list(pv)

    def trivial(u, v):
        # a region and its county's municipality group meet in joint forums by design, and a
        # municipality belongs to its county's group in the reference data: the data model
        # never links these pairs by a curated relation, so they are not suggestions
        cls = {g.nodes[u]["cls"], g.nodes[v]["cls"]}
        return cls in ({"Region", "MunicipalityGroup"}, {"Municipality", "MunicipalityGroup"})

    per_method = {m: score_all(g, m) for m in methods}
    maxes = {m: max(s.values(), default=0.0) or 1.0 for m, s in per_method.items()}
    pairs = set().union(*per_method.values())
    scored = []
    for p in pairs:
        u, v = p
        if not (ok(u) and ok(v)) or g.nodes[u]["region"] != g.nodes[v]["region"] or trivial(u, v) or one_principal(u, v):
            continue
        s = statistics.fmean(per_method[m].get(p, 0.0) / maxes[m] for m in methods)
        scored.append((s, p))
    scored.sort(key=lambda t: (-t[0], str(t[1])))
    count: dict[str, int] = {}
    out = []
    for s, (u, v) in scored:
        reg = g.nodes[u]["region"]
        if count.get(reg, 0) >= per_region:
            continue
        count[reg] = count.get(reg, 0) + 1
        common = sorted(set(g[u]) & set(g[v]), key=str)
        paths3 = sum(1 for a in g[u] for b in g[a] if b != u and b != v and a != v and g.has_edge(b, v))
        out.append({"pair": (u, v), "region": reg, "score": round(s, 4), "common": common, "paths3": paths3,
                    "methods": {m: round(per_method[m].get((u, v), 0.0), 4) for m in methods}})
    return out
