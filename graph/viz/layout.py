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

from ..network import induced

#: Pixels per node, roughly: a component of n nodes gets a box of about UNIT * sqrt(n).
UNIT = 110


def component_layout(u: nx.Graph, seed: int, iterations: int) -> dict:
    """Positions of one connected component, centred on 0 with radius about UNIT*sqrt(n)/2."""
    n = u.number_of_nodes()
    if n == 1:
        return {next(iter(u)): (0.0, 0.0)}
    pos = nx.spring_layout(u, seed=seed, k=3.0 / math.sqrt(n), iterations=iterations, scale=UNIT * math.sqrt(n) / 1.5)
    return {v: (float(x), float(y)) for v, (x, y) in pos.items()}


def layout(g: nx.Graph, seed: int = 7, iterations: int = 50) -> dict:
    """Deterministic positions for every node of `g` (directed or multi graphs allowed)."""
    u = undirected(g) if g.is_directed() or g.is_multigraph() else g
    comps = sorted(
        (induced(u, c) for c in nx.connected_components(u)), key=lambda c: (-c.number_of_nodes(), min(map(str, c)))
    )
    parts = [component_layout(c, seed, iterations) for c in comps]
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
    m = nx.MultiGraph()
    m.add_nodes_from(g)
    m.add_edges_from(
        (u, v, k, {"weight": d["weight"]} if "weight" in d else {}) for u, v, k, d in g.edges(keys=True, data=True)
    )
    return nx.Graph(m)


def grouped_layout(g: nx.Graph, group: dict, seed: int = 7) -> dict:
    """Each group (region) laid out on its own, the groups placed on a grid.

    Nodes without a group (national actors) form a group of their own.
    """
    members: dict[str, list] = {}
    for n in g.nodes:
        members.setdefault(group.get(n) or "", []).append(n)
    names = sorted(members, key=lambda k: (k == "", k))
    parts = {name: layout(induced(g, members[name]), seed=seed, iterations=100) for name in names}
    cols = math.ceil(math.sqrt(len(names)))
    cell = max(max(max(c) for p in parts[name].values() for c in [p]) for name in names) + 2 * UNIT
    pos: dict = {}
    for i, name in enumerate(names):
        cx, cy = (i % cols) * cell, (i // cols) * cell
        for n, (x, y) in parts[name].items():
            pos[n] = (x + cx, y + cy)
    return pos
