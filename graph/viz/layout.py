"""Precomputed layouts, so pages appear at once and do not jiggle (physics off).

>>> import networkx as nx
>>> pos = layout(nx.path_graph(3))
>>> sorted(pos) == [0, 1, 2]
True
"""
from __future__ import annotations

import math

import networkx as nx

SCALE = 600


def layout(g: nx.Graph, seed: int = 7, scale: float = SCALE, initial: dict | None = None, iterations: int = 50) -> dict:
    """Force-directed positions (Fruchterman–Reingold), deterministic for a seed.

    `initial` positions (e.g. the national layout) give a warm start, so fewer
    iterations settle the drawing.
    """
    if g.number_of_nodes() == 0:
        return {}
    u = nx.Graph(g.to_undirected()) if g.is_directed() or g.is_multigraph() else g
    k = 1.6 / math.sqrt(max(1, u.number_of_nodes()))
    start = None
    if initial and all(n in initial for n in u):
        xs = [initial[n] for n in u]
        span = max(1.0, max(abs(c) for p in xs for c in p))
        start = {n: (initial[n][0] / span, initial[n][1] / span) for n in u}
    pos = nx.spring_layout(u, seed=seed, k=k, iterations=iterations, pos=start,
                           scale=scale * math.sqrt(u.number_of_nodes() / 40 + 1))
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def grouped_layout(g: nx.Graph, group: dict, seed: int = 7) -> dict:
    """Each group (region) laid out on its own, the groups placed on a grid.

    Nodes without a group (national actors) go to a cluster of their own.
    """
    members: dict[str, list] = {}
    for n in g.nodes:
        members.setdefault(group.get(n) or "", []).append(n)
    names = sorted(members, key=lambda k: (k == "", k))
    cols = math.ceil(math.sqrt(len(names)))
    pos: dict = {}
    cell = 0.0
    parts = {}
    for name in names:
        parts[name] = layout(g.subgraph(members[name]), seed=seed, scale=SCALE / 2, iterations=100)
        xs = [abs(v) for p in parts[name].values() for v in p] or [0]
        cell = max(cell, 2 * max(xs) + 200)
    for i, name in enumerate(names):
        cx, cy = (i % cols) * cell, (i // cols) * cell
        for n, (x, y) in parts[name].items():
            pos[n] = (x + cx, y + cy)
    return pos
