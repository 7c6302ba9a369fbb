"""The governance network as a networkx graph (for pages, exports and link analysis).

Nodes are the curated entities (reference entities, which have no evidence of their own,
only when a relation mentions them); edges are the evidenced relations, keyed by kind.
Collaboration gaps from the sources are edges of kind "gap".

>>> from graph.load import load_store
>>> net = network(load_store())
>>> net.number_of_nodes() > 100
True
"""

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox

from .namespaces import shorten
from .project import Project
from .queries import rows

GAP = "gap"


def network(store: ox.Store, project: Project | None = None) -> nx.MultiDiGraph:
    """A MultiDiGraph: node attrs label, cls, region, acronyms, principals (short IRIs, derived
    at build time), side (`nv:side-region` …, or ""), quote, document (the source cited by short
    title, date and line), evidence (how many quotes), structure_types and levels (short IRIs,
    `nv:st-political-joint-forum` …, `nv:level-political` …; empty lists where none) and, once the
    store has them (graph/metrics.py), degree, betweenness and community; edge key = relation kind
    (`partOf`, …), or the gap's short IRI for a stated gap (kind `gap`: two findings about the same
    actors are two edges), attrs kind, quote, document, evidence (and for a gap its summary,
    gap_kind and gap_kind_en, the kind's Swedish and English labels). Relations derived at build time
    (the inverse of a symmetric relation) carry no evidence of their own and are not drawn.
    `project` gives the queries (default: the current project)."""
    g = nx.MultiDiGraph()
    nodes = {}
    for r in rows(store, "nodes", project):
        nid = shorten(r["node"])
        nodes[nid] = {
            "label": r["label"],
            "cls": shorten(r["class"]).removeprefix("nv:"),
            "region": shorten(r["region"]) if r["region"] else "",
            "acronyms": sorted(a for a in (r["acronyms"] or "").split("|") if a),  # GROUP_CONCAT has no order
            "principals": sorted(shorten(p) for p in (r["principals"] or "").split("|") if p),
            "side": shorten(r["side"]) if r["side"] else "",
            "quote": r["quote"] or "",
            "document": r["document"] or "",
            "evidence": int(r["evidence"] or 0),
            "structure_types": sorted(shorten(t) for t in (r["structureTypes"] or "").split("|") if t),
            "levels": sorted(shorten(v) for v in (r["levels"] or "").split("|") if v),
        }
        if r.get("degree") is not None:  # network figures, computed when the store was built
            nodes[nid].update(
                degree=int(r["degree"]), betweenness=float(r["betweenness"]), community=int(r["community"])
            )
    for r in rows(store, "edges", project):
        s, t = shorten(r["source"]), shorten(r["target"])
        if s not in nodes or t not in nodes:
            continue  # e.g. a link to a source document or concept
        kind = GAP if r["relation"].endswith("#CollaborationGap") else shorten(r["relation"]).removeprefix("nv:")
        if kind != GAP and not int(r["evidence"] or 0):
            continue  # reference links (municipality in its county's group) carry no quote
        for n in (s, t):
            if n not in g:
                g.add_node(n, **nodes[n])
        g.add_edge(
            s,
            t,
            key=shorten(r["gap"]) if kind == GAP and r.get("gap") else kind,  # each stated gap its own edge
            kind=kind,
            quote=r["quote"] or "",
            document=r["document"] or "",
            evidence=int(r["evidence"] or 0),
            **(
                {
                    "summary": r["gapSummary"] or "",
                    "gap_kind": kinds(r["gapKind"]),
                    "gap_kind_en": kinds(r["gapKindEn"]),
                }
                if kind == GAP
                else {}
            ),
        )
    for nid, attrs in nodes.items():
        # reference entities (regions, municipalities, municipality groups from SCB data) carry no
        # evidence of their own: drawn only when a curated relation links them
        if nid not in g and attrs["evidence"]:
            g.add_node(nid, **attrs)
    return g


def kinds(joined: str | None) -> str:
    """A gap's kinds as edges.rq gives them ("|"-joined, in no set order) for a page: sorted, ", "-joined.

    >>> kinds("otydlig|bör stärkas"), kinds(None)
    ('bör stärkas, otydlig', '')
    """
    return ", ".join(sorted(k for k in (joined or "").split("|") if k))


def region_members(g: nx.Graph) -> dict[str, list]:
    """{region: the nodes whose "region" it is}, for `region_nodes` over many regions."""
    members: dict[str, list] = {}
    for n, region in g.nodes(data="region"):
        if region:
            members.setdefault(region, []).append(n)
    return members


def region_subgraph(g: nx.MultiDiGraph, region: str) -> nx.MultiDiGraph:
    """The entities of `region` (e.g. `nvr:dalarna`) and everything they link to directly."""
    return induced(g, region_nodes(g, region))


def region_nodes(g: nx.MultiDiGraph, region: str, members: dict | None = None) -> set:
    """The nodes of `region_subgraph`: the entities of `region` and the nodes they link to directly.
    `members` (`region_members(g)`), when the caller asks for many regions, saves reading every node
    each time.

    >>> g = nx.MultiDiGraph([("r", "a"), ("a", "x"), ("y", "z")])
    >>> g.nodes["a"]["region"] = "r"
    >>> sorted(region_nodes(g, "r")) == sorted(region_nodes(g, "r", region_members(g))) == ["a", "r", "x"]
    True
    """
    if members is None:
        core = {n for n, d in g.nodes(data=True) if d.get("region") == region or n == region}
    else:
        core = {*members.get(region, ()), *([region] if region in g else [])}
    keep = set(core)
    for n in core:
        keep.update(g.successors(n))
        keep.update(g.predecessors(n))
    return keep


def induced(g: nx.Graph, keep, order: dict | None = None) -> nx.Graph:
    """A copy of the subgraph of `g` on the nodes `keep`, in `g`'s node and edge order.

    `order` ({node: its position in `g`}), when the caller keeps one for many subgraphs of a large `g`
    (a page per actor), puts `keep` in order by sorting it instead of reading every node of `g`.

    `g.subgraph(keep)` iterates a set when it is much smaller than `g`, so its order
    (and the layouts and pages drawn from it) would change with PYTHONHASHSEED.
    Only the kept nodes' adjacency is read (pages take small neighbourhoods of a large
    graph): the edges come out as `g.edges(...)` lists them, filtered to `keep`.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("a", "b")])
    >>> list(induced(g, {"a", "b"}).edges(keys=True))
    [('a', 'b', 0), ('a', 'b', 1)]
    >>> list(induced(nx.Graph([("c", "a"), ("a", "b"), ("b", "c")]), "ca").edges)
    [('c', 'a')]
    >>> list(induced(g, {"c", "a"}, order={"a": 0, "b": 1, "c": 2}).edges(keys=True))
    [('c', 'a', 0)]
    """
    keep = set(keep)
    h = g.__class__()
    nodes = sorted(keep, key=order.__getitem__) if order is not None else [n for n in g if n in keep]
    data = g.nodes
    h.add_nodes_from((n, data[n]) for n in nodes)
    adj = g.succ if g.is_directed() else g.adj
    multi = g.is_multigraph()
    seen: set = set()
    edges = []
    for n in nodes:
        for v, d in adj[n].items():
            if v in keep and v not in seen:
                if multi:
                    edges.extend((n, v, k, kd) for k, kd in d.items())
                else:
                    edges.append((n, v, d))
        if not g.is_directed():
            seen.add(n)
    h.add_edges_from(edges)
    return h


def ego_nodes(g: nx.MultiDiGraph, node: str, radius: int = 2, limit: int | None = None) -> set | None:
    """`node` and the nodes within `radius` steps of it, ignoring direction; None as soon as they are more
    than `limit` (a page near a hub asks for at most so many: the walk stops instead of reading the hub's
    every neighbour).

    >>> g = nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")])
    >>> sorted(ego_nodes(g, "a")), ego_nodes(g, "a", limit=2), sorted(ego_nodes(g, "a", 1, limit=2))
    (['a', 'b', 'c'], None, ['a', 'b'])
    """
    succ, pred = (g.succ, g.pred) if g.is_directed() else (g.adj, g.adj)
    seen, frontier = {node}, [node]
    for _ in range(radius):
        nxt = []
        for x in frontier:
            for w in (*succ[x], *pred[x]):
                if w not in seen:
                    seen.add(w)
                    nxt.append(w)
            if limit is not None and len(seen) > limit:
                return None
        frontier = nxt
    return seen


def ego_subgraph(g: nx.MultiDiGraph, node: str, radius: int = 2) -> nx.MultiDiGraph:
    """`node` and its neighbourhood within `radius` steps, ignoring direction."""
    return induced(g, ego_nodes(g, node, radius))


def actor_projection(g: nx.MultiDiGraph, include_gaps: bool = False) -> nx.Graph:
    """An undirected simple graph of the relations (what link prediction needs)."""
    u = nx.Graph()
    u.add_nodes_from(g.nodes(data=True))
    for s, t, kind in g.edges(data="kind"):
        if s != t and (include_gaps or kind != GAP):
            u.add_edge(s, t)
    return u
