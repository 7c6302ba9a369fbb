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

import math
import random
import statistics

import networkx as nx
import pyoxigraph as ox

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
                out.update(canonical(u, v) for v in nxt if not g.has_edge(u, v))
            frontier = nxt
    return out


def common_neighbour_scores(g: nx.Graph, pairs, method: str) -> dict[tuple, float]:
    """ra, aa or jaccard for `pairs` (networkx's implementations)."""
    fn = {"ra": nx.resource_allocation_index, "aa": nx.adamic_adar_index, "jaccard": nx.jaccard_coefficient}[method]
    return {canonical(u, v): s for u, v, s in fn(g, list(pairs))}


def l3(g: nx.Graph, pairs=None) -> dict[tuple, float]:
    """Sum over paths u–a–b–v of 1/sqrt(k_a k_b) (Kovács et al. 2019) for `pairs`
    (default: the candidates at distance ≤ 3); pairs scoring 0 are left out.

    Per pair the work is about deg(u)·deg(v): b runs over the smaller of N(a) and N(v).
    """
    pairs = candidates(g, 3) if pairs is None else pairs
    deg = dict(g.degree)
    adj = dict(g.adjacency())  # the neighbour dicts themselves (g[x] wraps each in a view: 2.4x slower)
    sqrt = math.sqrt
    out: dict[tuple, float] = {}
    for u, v in pairs:
        nv, total = adj[v], 0.0
        for a in adj[u]:
            if a == v:
                continue
            na, da = adj[a], deg[a]
            small, big = (nv, na) if len(nv) < len(na) else (na, nv)
            for b in small:
                if b != u and b != a and b != v and b in big:
                    total += 1.0 / sqrt(da * deg[b])
        if total:
            out[canonical(u, v)] = total
    return out


def score_all(
    g: nx.Graph, method: str, rng: random.Random | None = None, extra=(), pool: dict[int, set] | None = None
) -> dict[tuple, float]:
    """Scores of the candidate pairs of `g` (and of the `extra` pairs) for one method
    (random: uniform on the candidates at distance ≤ 3). `pool` may hold the candidates
    already found (distance → `candidates(g, distance)`), so that methods share them."""
    pool = pool if pool is not None else {}
    dist = 3 if method in ("random", "l3") else 2
    if dist not in pool:
        pool[dist] = candidates(g, dist)
    if method == "random":
        rng = rng or random.Random(0)
        return {p: rng.random() for p in sorted(pool[dist] | set(extra), key=str)}
    cands = sorted(pool[dist] | {canonical(*p) for p in extra}, key=str)
    scores = l3(g, cands) if method == "l3" else common_neighbour_scores(g, cands, method)
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

    def ok(n):
        d = g.nodes[n]
        return (partners is None or d.get("cls") in partners) and d.get("region")

    def one_principal(u, v):
        pu, pv = g.nodes[u].get("principals") or [], g.nodes[v].get("principals") or []
        return len(pu) == 1 and list(pu) == list(pv)

    pool: dict[int, set] = {}
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
    pu, pv = set(du.get("principals") or []), set(dv.get("principals") or [])
    return bool(pu) and bool(pv) and not pu & pv


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
