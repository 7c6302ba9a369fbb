"""Finding gaps by link prediction on the actor projection of the governance network.

Methods: resource allocation (ra), Adamic–Adar (aa), Jaccard (jaccard), paths of length 3
(l3, degree-normalised as in Kovács et al. 2019, Nat. Commun. 10:1240) and a random
baseline. Candidates are never all pairs: they are pairs of the same region at distance
2 (common-neighbour indices) or 2..3 (L3, random), found by walking only through nodes of
that region. National hubs (SKR, the state's agreement) would otherwise put every pair of
the country within three steps, and the work would grow with the square of the graph;
scoped this way it grows with the number of regions, about linearly with the edges.
Which methods may suggest links is decided by their evaluation (`graph.gaps.evaluate`).

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

import random
import statistics

import networkx as nx
import numpy as np
import pyoxigraph as ox
import scipy.sparse as sp

from ..network import actor_projection, network
from ..project import Project
from .model import Gap, gap_rows, short

METHODS = ("ra", "aa", "jaccard", "l3", "random")
METHOD_NAMES = {
    "ra": "resource allocation",
    "aa": "Adamic–Adar",
    "jaccard": "Jaccard",
    "l3": "paths of length 3 (L3)",
    "random": "random baseline",
}


def canonical(u, v) -> tuple:
    """A pair in a canonical order (by the nodes' text).

    >>> canonical("nvr:b", "nvr:a")
    ('nvr:a', 'nvr:b')
    """
    return (u, v) if str(u) <= str(v) else (v, u)


class Index:
    """A simple graph as arrays, for scoring many pairs at once: the nodes in text order (so that `i < j`
    is `canonical` order), each node's neighbours (sorted, self-loops left out), its degree (networkx's)
    and its scope (node attribute `region`, "" without one). Built once per graph and shared by the
    methods (`score_all`'s `pool`); the graph must not change while it is used.

    >>> ix = Index(nx.Graph([("b", "a"), ("a", "c")]))
    >>> ix.nodes, ix.linked(np.array([0, 1]), np.array([1, 2])).tolist()
    (['a', 'b', 'c'], [True, False])
    """

    def __init__(self, g: nx.Graph):
        self.nodes = sorted(g, key=str)
        self.idx = {n: i for i, n in enumerate(self.nodes)}
        n = self.n = len(self.nodes)
        idx = self.idx
        ends = np.fromiter((idx[x] for e in g.edges() for x in e), dtype=np.int64, count=2 * g.number_of_edges())
        u, v = ends[0::2], ends[1::2]
        keep = u != v
        src, dst = np.concatenate([u[keep], v[keep]]), np.concatenate([v[keep], u[keep]])
        self.keys = np.unique(src * n + dst)  # sorted: row-major, so also the neighbour lists
        self.src, self.dst = self.keys // max(n, 1), self.keys % max(n, 1)
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.src, minlength=n), out=self.indptr[1:])
        self.count = np.diff(self.indptr)  # neighbours (self-loops left out)
        self.degree = np.array([g.degree(x) for x in self.nodes], dtype=np.float64)
        scopes: dict[str, int] = {}
        self.scope = np.array([scopes.setdefault(g.nodes[x].get("region", ""), len(scopes)) for x in self.nodes])
        self._plain: bool | None = None

    def without(self, x: np.ndarray, y: np.ndarray) -> Index:
        """This index with the edges `x[i]`–`y[i]` (edges of it, no self-loops, each once) removed: the `Index`
        of the graph without them (same nodes, scopes and text order), built from the arrays.

        >>> ix = Index(nx.Graph([("a", "b"), ("b", "c")])).without(np.array([0]), np.array([1]))
        >>> ix.keys.tolist(), ix.degree.tolist()
        ([5, 7], [0.0, 1.0, 1.0])
        """
        out = object.__new__(Index)
        out.nodes, out.idx, out.n, out.scope, out._plain = self.nodes, self.idx, self.n, self.scope, self._plain
        n = self.n
        out.keys = self.keys[~np.isin(self.keys, np.concatenate([x * n + y, y * n + x]))]
        out.src, out.dst = out.keys // max(n, 1), out.keys % max(n, 1)
        out.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(out.src, minlength=n), out=out.indptr[1:])
        out.count = np.diff(out.indptr)
        out.degree = self.degree - np.bincount(np.concatenate([x, y]), minlength=n)
        return out

    def linked(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each `a[i]`–`b[i]` is an edge: its key looked up in a hash table of the keys (`_table`; a
        few reads per pair where a binary search of the keys made about twenty)."""
        q = a * self.n + b
        table = self._table()
        mask = len(table) - 1
        slot = _slot(q, mask)
        found = table[slot]
        out = found == q
        rest = np.flatnonzero(~out & (found >= 0))
        slot = slot[rest]
        while len(rest):  # linear probing: the next slots, until the key or an empty slot
            slot = (slot + 1) & mask
            found = table[slot]
            hit = found == q[rest]
            out[rest[hit]] = True
            go = ~hit & (found >= 0)
            rest, slot = rest[go], slot[go]
        return out

    def _table(self) -> np.ndarray:
        """The keys in an open-addressing hash table (linear probing, -1 where empty; two to four slots per
        key), made on first use."""
        if getattr(self, "_keys_table", None) is None:
            size = 1 << int(2 * len(self.keys) + 1).bit_length()
            table = np.full(size, -1, dtype=np.int64)
            pending, slot = self.keys, _slot(self.keys, size - 1)
            while len(pending):  # each round: every key whose slot is empty takes it (one of those that share one)
                empty = table[slot] < 0
                table[slot[empty]] = pending[empty]
                moved = table[slot] != pending
                pending, slot = pending[moved], (slot[moved] + 1) & (size - 1)
            self._keys_table = table
        return self._keys_table

    def pairs(self, pairs) -> tuple[np.ndarray, np.ndarray]:
        """Index arrays of node pairs."""
        idx = self.idx
        flat = np.fromiter((idx[x] for p in pairs for x in p), dtype=np.int64, count=2 * len(pairs))
        return flat[0::2], flat[1::2]

    def common(self, x: np.ndarray, y: np.ndarray, weight: np.ndarray, skip=None, chunk: int = 2_000_000):
        """Per pair: the sum of `weight[b]` over the common neighbours b of `x[i]` and `y[i]` (other than
        themselves and `skip[i]`), and their number. Walks the smaller neighbour list and looks each
        neighbour up among the other's edges, as `l3` did pair by pair: the work is the sum of the
        smaller degrees, never the product."""
        total, number = np.zeros(len(x)), np.zeros(len(x), dtype=np.int64)
        swap = self.count[x] > self.count[y]
        small, big = np.where(swap, y, x), np.where(swap, x, y)
        for lo, hi, pid, nb in self._neighbours(small, chunk):
            hit = self.linked(big[pid], nb) & (nb != x[pid]) & (nb != y[pid])
            if skip is not None:
                hit &= nb != skip[pid]
            total[lo:hi] = np.bincount(pid[hit] - lo, weights=weight[nb[hit]], minlength=hi - lo)
            number[lo:hi] = np.bincount(pid[hit] - lo, minlength=hi - lo)
        return total, number

    def _neighbours(self, owner: np.ndarray, chunk: int):
        """The neighbours of every `owner[i]`, in chunks of pairs `lo:hi` holding about `chunk` neighbours
        each: yields (lo, hi, pid, nb), `nb[k]` a neighbour of `owner[pid[k]]`."""
        lens = self.count[owner]
        ends = np.cumsum(lens)
        lo = 0
        while lo < len(owner):
            base = ends[lo - 1] if lo else 0
            hi = max(lo + 1, int(np.searchsorted(ends, base + chunk, side="right")))
            ln = lens[lo:hi]
            pid = np.repeat(np.arange(lo, hi), ln)
            offs = np.arange(int(ln.sum())) - np.repeat(np.cumsum(ln) - ln, ln)
            yield lo, hi, pid, self.dst[np.repeat(self.indptr[owner[lo:hi]], ln) + offs]
            lo = hi

    def scores(self, method: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """ra, aa, jaccard or l3 of the pairs `x[i]`–`y[i]` (unrounded; 0 where nothing joins them).

        l3: for each a in N(u), the common neighbours b of a and v other than u, weighted 1/sqrt(k_b),
        times 1/sqrt(k_a): the work is about the sum over a of min(deg a, deg v) per pair.
        """
        if method == "l3":
            return self._l3(x, y)
        deg = self.degree
        with np.errstate(divide="ignore"):
            weight = {"ra": 1.0 / deg, "aa": 1.0 / np.log(deg), "jaccard": np.zeros(self.n)}[method]
        total, number = self.common(x, y, np.where(np.isfinite(weight), weight, 0.0))
        if method == "jaccard":
            union = self.count[x] + self.count[y] - number
            total = np.divide(number, union, out=np.zeros(len(x)), where=union > 0)
        return total

    def _l3(self, x: np.ndarray, y: np.ndarray, chunk: int = 1_000_000) -> np.ndarray:
        inv = 1.0 / np.sqrt(np.maximum(self.degree, 1.0))
        out = np.zeros(len(x))
        for lo, hi, pid, a in self._neighbours(x, chunk):
            keep = a != y[pid]
            pid, a = pid[keep], a[keep]
            total, _ = self.common(a, y[pid], inv, skip=x[pid])
            out[lo:hi] = np.bincount(pid - lo, weights=total * inv[a], minlength=hi - lo)
        return out

    def keys_of(self, pairs: list[tuple], x: np.ndarray, y: np.ndarray) -> list[tuple]:
        """The pairs in `canonical` order (index order is text order: only the swapped ones are turned)."""
        swap = (x > y).tolist()
        return [(p[1], p[0]) if s else p for p, s in zip(pairs, swap, strict=True)]

    def text_order(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The permutation that puts the pairs `(nodes[i], nodes[j])` (i < j) in the order of their text,
        `sorted(pairs, key=str)`. When every node is a plain printable string without characters
        at or below the quote `'` and without backslashes, that text is `('u', 'v')` and its order is
        the order of (i, j); otherwise the texts are sorted."""
        if self._plain is None:
            self._plain = all(
                isinstance(n, str) and n.isprintable() and "\\" not in n and (not n or min(n) > "'") for n in self.nodes
            )
        if self._plain:
            return np.lexsort((j, i))
        nodes = self.nodes
        texts = [str((nodes[a], nodes[b])) for a, b in zip(i.tolist(), j.tolist(), strict=True)]
        return np.array(sorted(range(len(texts)), key=texts.__getitem__), dtype=np.int64)

    def candidates(self, max_dist: int) -> tuple[np.ndarray, np.ndarray]:
        """`candidates` as index arrays (i < j): pairs joined by a path of 2..`max_dist` steps through
        one scope, not linked."""
        same = self.scope[self.src] == self.scope[self.dst]
        r = sp.csr_matrix(
            (np.ones(int(same.sum()), dtype=np.int64), (self.src[same], self.dst[same])), shape=(self.n, self.n)
        )
        reach = r @ r
        if max_dist >= 3:
            reach = reach + reach @ r
        reach = sp.triu(reach, k=1).tocoo()
        i, j = reach.row.astype(np.int64), reach.col.astype(np.int64)
        keep = ~self.linked(i, j)
        return i[keep], j[keep]

    def tuples(self, i: np.ndarray, j: np.ndarray) -> list[tuple]:
        nodes = self.nodes
        return [(nodes[a], nodes[b]) for a, b in zip(i.tolist(), j.tolist(), strict=True)]


def _slot(keys: np.ndarray, mask: int) -> np.ndarray:
    """The first slot of each key in a hash table of `mask + 1` slots (a power of two): Fibonacci hashing,
    the high bits of the key times 2^64 / golden ratio."""
    shift = np.uint64(64 - mask.bit_length())
    return ((keys.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> shift).view(np.int64)  # keys >= 0


def candidates(g: nx.Graph, max_dist: int = 2, index: Index | None = None) -> set[tuple]:
    """Non-adjacent pairs at distance 2..`max_dist` (2 or 3) within one region, found by
    walking paths through nodes of the same region (node attribute `region`; nodes
    without one share the scope ""): the nonzero entries of R² (+ R³), R the links within a scope."""
    ix = index or Index(g)
    return set(ix.tuples(*ix.candidates(max_dist)))


def common_neighbour_scores(g: nx.Graph, pairs, method: str, index: Index | None = None) -> dict[tuple, float]:
    """ra, aa or jaccard for `pairs` (as networkx's `resource_allocation_index`, `adamic_adar_index`
    and `jaccard_coefficient` define them, computed on arrays; every pair gets a score, 0 included).
    The graph has no self-loops (the projection and the hold-out's graphs have none)."""
    ix = index or Index(g)
    pairs = list(pairs)
    x, y = ix.pairs(pairs)
    return dict(zip(ix.keys_of(pairs, x, y), ix.scores(method, x, y).tolist(), strict=True))


def l3(g: nx.Graph, pairs=None, index: Index | None = None) -> dict[tuple, float]:
    """Sum over paths u–a–b–v of 1/sqrt(k_a k_b) (Kovács et al. 2019) for `pairs`
    (default: the candidates at distance ≤ 3); pairs scoring 0 are left out (`Index.scores`)."""
    ix = index or Index(g)
    pairs = list(candidates(g, 3, ix) if pairs is None else pairs)
    x, y = ix.pairs(pairs)
    return {p: s for p, s in zip(ix.keys_of(pairs, x, y), ix.scores("l3", x, y).tolist(), strict=True) if s}


def score_all(
    g: nx.Graph, method: str, rng: random.Random | None = None, extra=(), pool: dict | None = None
) -> dict[tuple, float]:
    """Scores of the candidate pairs of `g` (and of the `extra` pairs) for one method
    (random: uniform on the candidates at distance ≤ 3). `pool` may hold the candidates
    already found (distance → `candidates(g, distance)`) and the graph's `Index` (key "index"), so that
    methods share them."""
    pool = pool if pool is not None else {}
    if "index" not in pool:
        pool["index"] = Index(g)
    ix = pool["index"]
    dist = 3 if method in ("random", "l3") else 2
    if dist not in pool:
        pool[dist] = candidates(g, dist, ix)
    if method == "random":
        rng = rng or random.Random(0)
        return {p: rng.random() for p in sorted(pool[dist] | set(extra), key=str)}
    cands = pool[dist] | {canonical(*p) for p in extra}
    scores = l3(g, cands, ix) if method == "l3" else common_neighbour_scores(g, cands, method, ix)
    # sums over neighbour sets, whose order follows PYTHONHASHSEED: rounded, equal scores tie in every
    # run (and are then ordered by the callers' fixed tie-breaks), so the rankings do not move
    return {p: round(s, 12) for p, s in scores.items()}


def suggest(
    g: nx.Graph,
    methods: list[str],
    per_region: int = 5,
    partners: set[str] | None = None,
    joined: set[tuple] = frozenset(),
    focus=None,
) -> list[dict]:
    """Top non-adjacent actor pairs of the same region, scored by the mean of each used
    method's score divided by that method's maximum (so in 0..1). Each row: a, b, region,
    score, method scores, common neighbours, number of 3-paths.

    Only nodes whose class is in `partners` (default: any class; `partner_classes` gives the
    ontology's) are paired; never a pair in `joined` (pairs the data model joins by design,
    `joined_by_design`), nor two nodes with the same single principal (node attribute
    `principals`): a region and its own unit, or two units of one region, answer to one
    huvudman and are not a missing collaboration. `focus(g, u, v)`, if given, says which of the
    remaining pairs may be suggested at all (`across`: two forums, or actors of different principals).

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
    if not set(methods) <= set(ARRAY_METHODS):  # the random baseline: scored pair by pair (`score_all`)
        return _suggest_by_dicts(g, methods, per_region, partners, joined, focus)
    ix = Index(g)
    i, j, scores = method_scores(ix, methods)
    maxes = {m: float(scores[m].max(initial=0.0)) or 1.0 for m in methods}
    keep = _allowed(g, ix, i, j, partners, joined, focus)
    i, j = i[keep], j[keep]
    scores = {m: v[keep] for m, v in scores.items()}
    # the mean of the scaled scores in numpy, then exactly (`statistics.fmean`, as the pairs were ranked pair by pair)
    # for the pairs that can be among their region's first `per_region`: those within a margin of its last place
    approx = sum(scores[m] / maxes[m] for m in methods) / len(methods)
    region = ix.scope[i]
    order = np.lexsort((-approx, region))
    first = np.r_[0, np.flatnonzero(np.diff(region[order])) + 1]  # where each region starts in `order`
    size = np.diff(np.r_[first, len(order)])
    last = np.full(int(region.max(initial=-1)) + 1, -np.inf)
    full = size >= per_region
    last[region[order[first[full]]]] = approx[order[first[full] + per_region - 1]]
    short = np.flatnonzero(approx >= last[region] - 1e-9) if per_region > 0 else np.array([], dtype=np.int64)
    values = {m: scores[m][short].tolist() for m in methods}
    nodes = ix.nodes
    scored = []
    for k, (a, b) in enumerate(zip(i[short].tolist(), j[short].tolist(), strict=True)):
        mean = statistics.fmean(values[m][k] / maxes[m] for m in methods)
        scored.append((mean, (nodes[a], nodes[b]), k))
    scored.sort(key=lambda t: (-t[0], str(t[1])))
    count: dict[str, int] = {}
    out = []
    for mean, (u, v), k in scored:
        reg = g.nodes[u]["region"]
        if count.get(reg, 0) >= per_region:
            continue
        count[reg] = count.get(reg, 0) + 1
        out.append(_row(g, u, v, reg, mean, {m: values[m][k] for m in methods}))
    return out


#: The methods `suggest` scores on arrays (`method_scores`).
ARRAY_METHODS = ("ra", "aa", "jaccard", "l3")


def method_scores(ix: Index, methods: list[str]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The pairs `score_all` scores for `methods` (ra, aa, jaccard: the candidates at distance 2, every one;
    l3: those at distance 2..3 with a score other than 0), all together as index arrays `i < j`, and each
    method's scores of them, rounded as `score_all` rounds them (0 where the method gives the pair none).

    >>> g = nx.Graph([(1, 2), (2, 3), (3, 4), (1, 3)])
    >>> i, j, s = method_scores(Index(g), ["ra", "l3"])
    >>> [(int(a), int(b)) for a, b in zip(i, j)], s["ra"].tolist() == [score_all(g, "ra")[p] for p in [(1, 4), (2, 4)]]
    ([(0, 3), (1, 3)], True)
    """
    n = ix.n
    i, j = ix.candidates(2)
    near = [m for m in methods if m != "l3"]
    scores: dict[str, np.ndarray] = {}
    if "l3" in methods:
        i3, j3 = ix.candidates(3)
        l3_scores = ix.scores("l3", i3, j3)
        at2 = np.isin(i3 * n + j3, i * n + j)  # the candidates at distance 2 are among those at 3
        pick = (l3_scores != 0) | (at2 if near else False)
        i3, j3, at2 = i3[pick], j3[pick], at2[pick]
        scores["l3"] = np.array(rounded(l3_scores[pick]))
        for m in near:
            scores[m] = np.zeros(len(i3))
            scores[m][at2] = rounded(ix.scores(m, i3[at2], j3[at2]))
        return i3, j3, scores
    for m in near:
        scores[m] = np.array(rounded(ix.scores(m, i, j)))
    return i, j, scores


def rounded(scores: np.ndarray) -> list[float]:
    """As `score_all` rounds (Python's `round`, 12 decimals)."""
    return [round(x, 12) for x in scores.tolist()]


def _allowed(g: nx.Graph, ix: Index, i: np.ndarray, j: np.ndarray, partners, joined, focus) -> np.ndarray:
    """Which pairs `i[k]`–`j[k]` `suggest` may rank: both nodes of a partner class and a region, the same
    region, not joined by design, not of one single principal, and let through by `focus` (`across` on
    arrays, another function pair by pair)."""
    data = [g.nodes[x] for x in ix.nodes]
    ok = np.array([bool((partners is None or d.get("cls") in partners) and d.get("region")) for d in data], dtype=bool)
    keep = ok[i] & ok[j] & (ix.scope[i] == ix.scope[j])
    if joined:
        idx, n = ix.idx, ix.n
        pairs = [(idx[a], idx[b]) for a, b in joined if a in idx and b in idx]
        keys = np.array([min(a, b) * n + max(a, b) for a, b in pairs], dtype=np.int64)
        keep &= ~np.isin(i * n + j, keys)
    sets: dict[tuple, int] = {}
    held = [tuple(d.get("principals") or ()) for d in data]
    single = np.array([sets.setdefault(("one", p[0]), len(sets)) if len(p) == 1 else -1 for p in held])
    keep &= ~((single[i] >= 0) & (single[i] == single[j]))
    if focus is across:
        kinds: dict[frozenset, int] = {}
        kind = np.array([kinds.setdefault(frozenset(p), len(kinds)) for p in held], dtype=np.int64)
        forum = np.array([d.get("cls") == "CollaborationBody" for d in data], dtype=bool)
        rest = np.flatnonzero(keep & ~(forum[i] & forum[j]))
        combo = kind[i[rest]] * len(kinds) + kind[j[rest]]
        found, back = np.unique(combo, return_inverse=True)  # each pair of principal sets decided once
        of = list(kinds)
        apart = [_apart(of[c // len(kinds)], of[c % len(kinds)]) for c in found.tolist()]
        keep[rest] = np.array(apart, dtype=bool)[back.reshape(-1)]
    elif focus is not None:
        nodes = ix.nodes
        rest = np.flatnonzero(keep)
        keep[rest] = [
            bool(focus(g, nodes[a], nodes[b])) for a, b in zip(i[rest].tolist(), j[rest].tolist(), strict=True)
        ]
    return keep


def _apart(pu: frozenset, pv: frozenset) -> bool:
    """`across` for two actors that are not both forums: principals on both sides, none shared."""
    return bool(pu) and bool(pv) and not pu & pv


def _row(g: nx.Graph, u, v, region, mean: float, values: dict[str, float]) -> dict:
    """A suggestion: the pair, its region, score, common neighbours, number of 3-paths and method scores."""
    common = sorted(set(g[u]) & set(g[v]), key=str)
    paths3 = sum(1 for a in g[u] for b in g[a] if b != u and b != v and a != v and g.has_edge(b, v))
    return {
        "pair": (u, v),
        "region": region,
        "score": round(mean, 4),
        "common": common,
        "paths3": paths3,
        "methods": {m: round(x, 4) for m, x in values.items()},
    }


def _suggest_by_dicts(g: nx.Graph, methods, per_region, partners, joined, focus) -> list[dict]:
    """`suggest` pair by pair on `score_all`'s dicts (any method, the random baseline included)."""

    def ok(n):
        d = g.nodes[n]
        return (partners is None or d.get("cls") in partners) and d.get("region")

    def one_principal(u, v):
        pu, pv = g.nodes[u].get("principals") or [], g.nodes[v].get("principals") or []
        return len(pu) == 1 and list(pu) == list(pv)

    pool: dict = {}
    per_method = {m: score_all(g, m, pool=pool) for m in methods}
    maxes = {m: max(s.values(), default=0.0) or 1.0 for m, s in per_method.items()}
    pairs = set().union(*per_method.values())
    scored = []
    for p in pairs:
        u, v = p
        if not (ok(u) and ok(v)) or g.nodes[u]["region"] != g.nodes[v]["region"] or p in joined:
            continue
        if one_principal(u, v) or (focus is not None and not focus(g, u, v)):
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
        out.append(
            {
                "pair": (u, v),
                "region": reg,
                "score": round(s, 4),
                "common": common,
                "paths3": paths3,
                "methods": {m: round(per_method[m].get((u, v), 0.0), 4) for m in methods},
            }
        )
    return out


def across(g: nx.Graph, u, v) -> bool:
    """Whether a suggested link between `u` and `v` would cross a boundary an auditor cares about:
    two forums (node attribute `cls` CollaborationBody), or two actors whose principals (node
    attribute `principals`) have none in common (a region's unit and a municipality).

    >>> g = nx.Graph()
    >>> g.add_node("f", cls="CollaborationBody", principals=["r", "k"])
    >>> g.add_node("f2", cls="CollaborationBody", principals=["r"])
    >>> g.add_node("u", cls="Board", principals=["r"])
    >>> g.add_node("m", cls="Municipality", principals=["k"])
    >>> across(g, "u", "m"), across(g, "f", "f2"), across(g, "f", "u")
    (True, True, False)
    """
    du, dv = g.nodes[u], g.nodes[v]
    if du.get("cls") == "CollaborationBody" and dv.get("cls") == "CollaborationBody":
        return True
    return _apart(frozenset(du.get("principals") or []), frozenset(dv.get("principals") or []))


def arguments(store: ox.Store, project: Project, methods: list[str], per_region: int = 5) -> dict:
    """`find`'s arguments to `suggest` besides the graph and `focus` (the store's partner classes and the pairs
    it joins by design)."""
    return dict(
        methods=list(methods),
        per_region=per_region,
        partners=partner_classes(store, project),
        joined=joined_by_design(store, project),
    )


def memo_key(g: nx.Graph, args: dict) -> str:
    """The memo key (`graph.memo.Memo.key`) of `suggest(g, **args, focus=across)`: of what it reads (`read`)."""
    from ..memo import Memo

    return Memo.key("predict.suggest", read(g, **args))


def read(g: nx.Graph, methods, per_region, partners, joined) -> tuple:
    """What `suggest(g, methods, per_region, partners, joined, focus=across)` reads, in a canonical order:
    the nodes with their class, region and principals, the links, and the arguments (`find`'s memo key).

    >>> g = nx.Graph([("b", "a")]); g.nodes["a"].update(cls="Board", region="r", label="A")
    >>> read(g, ["ra"], 5, {"Board"}, set())[:2]
    ((('a', 'Board', 'r', ()), ('b', None, None, ())), (('a', 'b'),))
    """
    data = g.nodes
    nodes = tuple(
        sorted((str(n), data[n].get("cls"), data[n].get("region"), tuple(data[n].get("principals") or ())) for n in g)
    )
    links = tuple(sorted(tuple(sorted((str(a), str(b)))) for a, b in g.edges))
    return nodes, links, tuple(methods), per_region, tuple(sorted(partners)), tuple(sorted(joined)), "across"


def projection(store: ox.Store) -> nx.Graph:
    """The undirected actor projection of the store's network (audited gaps left out)."""
    return actor_projection(network(store))


def partner_classes(store: ox.Store, project: Project) -> set[str]:
    """Local names of the classes link prediction may pair: the network's classes
    (nv:inNetwork) that are organisations (`partner-classes.rq`)."""
    return {short(r["class"]).removeprefix("nv:") for r in gap_rows(store, project, "partner-classes")}


def joined_by_design(store: ox.Store, project: Project) -> set[tuple]:
    """Pairs (in canonical order) a structure already joins (`joined-by-design.rq`): a municipality
    and its county's group, a region and its county's group, an organisation and what it is part
    of, siblings, co-members of a forum, and any pair with a dissolved body."""
    return {canonical(short(r["a"]), short(r["b"])) for r in gap_rows(store, project, "joined-by-design")}


def find(
    store: ox.Store,
    project: Project,
    region: str | None = None,
    *,
    methods: list[str],
    per_region: int = 5,
    g: nx.MultiDiGraph | None = None,
    memo=None,
) -> list[Gap]:
    """Suggested links from `methods` (those the evaluation lets through, `Evaluation.used`;
    none: no suggestions), in all regions or in `region` (a short IRI, `nvr:dalarna`).

    `g` is the store's network (`graph.network.network`) when the caller has it. With `memo`
    (`graph.memo.Memo`) the suggestions are kept under a digest of all that `suggest` reads (`read`): the
    projection's nodes with their class, region and principals, its links, the partner classes and the
    pairs joined by design; a label or quote edit reuses them, a new link or class does not."""
    if not methods:  # nothing to score: skip building the projection
        return []
    g = projection(store) if g is None else actor_projection(g)
    args = arguments(store, project, methods, per_region)
    if memo is None:
        found = suggest(g, **args, focus=across)
    else:
        made = memo.get(memo_key(g, args), lambda: suggest(g, **args, focus=across))
        found = [{**s, "pair": tuple(s["pair"])} for s in made]
    out = []
    for s in found:
        u, v = s["pair"]
        if region and s["region"] != region:
            continue
        lu, lv = g.nodes[u]["label"], g.nodes[v]["label"]
        common = ", ".join(g.nodes[c]["label"] for c in s["common"][:5]) + (" …" if len(s["common"]) > 5 else "")
        scores = "; ".join(f"{METHOD_NAMES[m]} {x}" for m, x in s["methods"].items())
        why_sv = (
            f"{lu} och {lv} har ingen registrerad relation, men de har {len(s['common'])} gemensamma grannar"
            + (f" ({common})" if common else "")
            + f" och förenas av {s['paths3']} vägar av längd 3; ingen struktur förenar dem redan. {scores}."
        )
        why = (
            f"{lu} and {lv} have no recorded relation, but they share {len(s['common'])} neighbour(s)"
            + (f" ({common})" if common else "")
            + f" and are joined by {s['paths3']} path(s) of length 3; no structure joins them yet. {scores}."
        )
        out.append(
            Gap(
                region=s["region"],
                a=u,
                a_label=lu,
                b=v,
                b_label=lv,
                kind="predict",
                name="+".join(methods),
                score=s["score"],
                explanation=why_sv,
                explanation_en=why,
            )
        )
    return out
