"""Precomputed layouts, so pages appear at once and do not jiggle (physics off).

Each connected component is laid out on its own (Fruchterman–Reingold) and the
components are packed in rows, largest first: a force layout alone pushes small
components to the far edges and the fitted view becomes unreadable.

>>> import networkx as nx
>>> pos = layout(nx.path_graph(3))
>>> sorted(pos) == [0, 1, 2]
True
"""

from __future__ import annotations

import math

import networkx as nx
import rustworkx as rx

from ..memo import Memo
from ..network import induced

#: Pixels per node, roughly: a component of n nodes gets a box of about UNIT * sqrt(n).
UNIT = 110

#: The size of the letters of cluster labels in network units (graph/static/clusters.js draws them so).
LABEL_UNITS = 72


def component_layout(u: nx.Graph, seed: int, iterations: int) -> dict:
    """Positions of one connected component, centred on 0 with radius about UNIT*sqrt(n)/2: rustworkx's
    Fruchterman–Reingold (networkx's algorithm in Rust, about 9x faster on the actor pages'
    neighbourhoods, where networkx's took half of a page's time), edges pulling by their "weight".

    >>> pos = component_layout(nx.path_graph(3), seed=7, iterations=50)
    >>> pos == component_layout(nx.path_graph(3), seed=7, iterations=50), math.dist(pos[0], pos[2]) > UNIT
    (True, True)
    """
    n = u.number_of_nodes()
    if n == 1:
        return {next(iter(u)): (0.0, 0.0)}
    nodes = list(u)
    at = {v: i for i, v in enumerate(nodes)}
    r = rx.PyGraph(multigraph=False)
    r.add_nodes_from(nodes)
    r.add_edges_from([(at[a], at[b], 1.0 if w is None else float(w)) for a, b, w in u.edges(data="weight")])
    pos = rx.spring_layout(
        r, k=3.0 / math.sqrt(n), num_iter=iterations, seed=seed, scale=UNIT * math.sqrt(n) / 1.5, weight_fn=float
    )
    return {v: (float(pos[i][0]), float(pos[i][1])) for i, v in enumerate(nodes)}


def layout(g: nx.Graph, seed: int = 7, iterations: int = 50, memo: Memo | None = None) -> dict:
    """Deterministic positions for every node of `g` (directed or multi graphs allowed).

    `memo` (`graph.memo.Memo`) keeps each component's positions by all they depend on (its nodes and
    weighted edges in order, the seed, the iterations, the code): a third of the actor pages'
    neighbourhoods repeat another's, and a rebuild reuses every component an edit left alone.

    >>> memo = Memo()
    >>> layout(nx.path_graph(3), memo=memo) == layout(nx.path_graph(3)) and len(memo.used)
    1
    """
    u = undirected(g) if g.is_directed() or g.is_multigraph() else g
    found = list(nx.connected_components(u))
    # one component (an actor page's neighbourhood always is): `u` itself, which lists its nodes and edges
    # as `induced` would copy them
    comps = (
        [u]
        if len(found) == 1
        else sorted((induced(u, c) for c in found), key=lambda c: (-c.number_of_nodes(), min(map(str, c))))
    )

    def part(c: nx.Graph) -> dict:
        if memo is None:
            return component_layout(c, seed, iterations)
        key = memo.key("layout", tuple(c), tuple(c.edges(data="weight")), seed, iterations)
        made = memo.get(key, lambda: [[v, x, y] for v, (x, y) in component_layout(c, seed, iterations).items()])
        return {v: (x, y) for v, x, y in made}

    parts = [part(c) for c in comps]
    total = sum(UNIT * math.sqrt(len(p)) + UNIT / 2 for p in parts)
    row_width = max(total / max(1.0, math.sqrt(len(parts))), UNIT * 2)
    pos, x, y, row_h = {}, 0.0, 0.0, 0.0
    for p in parts:
        xs = [c[0] for c in p.values()]
        ys = [c[1] for c in p.values()]
        w, h = max(xs) - min(xs) + UNIT, max(ys) - min(ys) + UNIT
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for v, (px, py) in p.items():
            pos[v] = (px - min(xs) + x, py - min(ys) + y)
        x += w
        row_h = max(row_h, h)
    return pos


def undirected(g: nx.Graph) -> nx.Graph:
    """`nx.Graph(g.to_undirected())` as the layout reads it: the same nodes, edges and order, edges
    keeping only their "weight" (spring_layout's one attribute), nodes none; not a deep copy of
    every attribute of the page's graph.

    >>> g = nx.MultiDiGraph([("a", "b", {"weight": 2, "kind": "x"}), ("b", "a")])
    >>> list(undirected(g).edges(data="weight")) == list(nx.Graph(g.to_undirected()).edges(data="weight"))
    True
    """
    if not (g.is_directed() and g.is_multigraph()):
        return nx.Graph(g.to_undirected())
    u = nx.Graph()
    u.add_nodes_from(g)
    u.add_edges_from((a, b, {"weight": d["weight"]} if "weight" in d else {}) for a, b, d in g.edges(data=True))
    return u


def ring_order(centres: dict) -> list:
    """The names of `centres` ({name: (x, y)}, y down) in the order of a short closed tour through them
    (nearest neighbour, then 2-opt), from the northernmost clockwise: neighbours on the map are
    neighbours on the ring.

    >>> ring_order({"n": (0, 0), "w": (-1, 1), "e": (1, 1), "s": (0, 2)})
    ['n', 'e', 's', 'w']
    """

    def dist(a: str, b: str) -> float:
        return math.dist(centres[a], centres[b])

    tour = sorted(centres, key=lambda n: (centres[n][1], n))[:1]
    rest = sorted(set(centres) - set(tour))
    while rest:
        tour.append(min(rest, key=lambda n: (dist(tour[-1], n), n)))
        rest.remove(tour[-1])
    improved = True
    while improved:
        improved = False
        for i in range(1, len(tour) - 1):
            for j in range(i + 1, len(tour)):
                a, b, c, d = tour[i - 1], tour[i], tour[j], tour[(j + 1) % len(tour)]
                if dist(a, c) + dist(b, d) < dist(a, b) + dist(c, d) - 1e-9:
                    tour[i : j + 1] = reversed(tour[i : j + 1])
                    improved = True
    pts = [centres[n] for n in tour]
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True))
    return tour if area >= 0 else tour[:1] + tour[:0:-1]  # positive: clockwise on screen (y down)


def cluster_layout(
    g: nx.Graph, group: dict, centres: dict, names: dict | None = None, memo: Memo | None = None
) -> dict:
    """Each group's nodes (a region's actors) laid out on their own (`layout`); the groups on a ring in
    `ring_order` of their `centres` (clockwise from the north, so the ring follows the map); nodes of no
    group (national actors) in the middle. Groups without a centre follow, by name. Each group gets room
    on the ring for its name (`names`, default the group's key) drawn above it; `memo` as for `layout`.

    >>> g = nx.Graph([("a", "b"), ("c", "d"), ("a", "x")])
    >>> pos = cluster_layout(g, {"a": "N", "b": "N", "c": "S", "d": "S"}, {"N": (0, 0), "S": (0, 10)})
    >>> pos["a"][1] < pos["x"][1] < pos["c"][1]  # north above the national actors above south
    True
    """
    members: dict[str, list] = {}
    for n in g.nodes:
        members.setdefault(group.get(n) or "", []).append(n)
    order = {n: i for i, n in enumerate(g)}
    parts = {name: layout(induced(g, ns, order), iterations=100, memo=memo) for name, ns in members.items()}

    def extent(pos: dict) -> tuple[float, float, float]:  # centre x, centre y, radius
        xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
        return (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2, max(max(xs) - min(xs), max(ys) - min(ys)) / 2

    placed = ring_order({name: c for name, c in centres.items() if name in members})
    ring = placed + sorted(name for name in members if name and name not in placed)
    # a group's share of the ring: its radius, or half the width of its name in LABEL_UNITS-unit letters
    names = names or {}
    sizes = {n: max(extent(parts[n])[2] + UNIT, 0.3 * LABEL_UNITS * len(names.get(n, n))) for n in members}
    middle = sizes.get("", 0.0)
    radius = max(sum(2 * sizes[n] for n in ring) / (2 * math.pi), middle + max((sizes[n] for n in ring), default=0))
    places = {"": (0.0, 0.0)}
    total = max(1.0, sum(sizes[n] for n in ring))
    angle = -math.pi * sizes[ring[0]] / total if ring else 0.0  # the first group centred at the top
    for name in ring:
        half = math.pi * sizes[name] / total  # its share of the ring, halved
        angle += half
        places[name] = (radius * math.sin(angle), -radius * math.cos(angle))
        angle += half
    pos = {}
    for name, part in parts.items():
        cx, cy, _ = extent(part)
        px, py = places[name]
        pos.update({n: (x - cx + px, y - cy + py) for n, (x, y) in part.items()})
    return pos
