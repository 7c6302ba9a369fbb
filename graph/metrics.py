"""Network figures computed once, when the store is built: degree, betweenness and community.

All three are computed on the undirected actor projection of the network
(`graph.network.actor_projection`: every evidenced relation as one undirected link between
two entities, collaboration gaps left out):

- **degree**: the number of distinct neighbours;
- **betweenness**: normalised betweenness centrality. It is exact up to `EXACT_LIMIT` nodes
  (the real graph has about 1,250), computed by rustworkx (Brandes' algorithm in Rust: 0.03 s
  against networkx's 1.6 s here, the same figures to 15 digits); above that it is *estimated*
  from `SAMPLE` source nodes drawn with the fixed seed `SEED` (`sampled_betweenness`: networkx's
  estimate, the same pivots and scaling, computed as sparse-matrix products over all pivots at
  once: 40 s → a few seconds on the 10^6 synthetic graph's 50,000 actors), so large graphs stay fast;
- **community**: Louvain modularity communities (networkx `louvain_communities`, seed `SEED`),
  numbered 1, 2, … from the largest (ties by their first member's IRI).

The result does not depend on PYTHONHASHSEED: the computation runs on integer node ids given in
IRI order (sets of integers iterate in the same order in every process), so two builds of the same
input write the same figures. `quads` gives them as `nv:degree`, `nv:betweenness` and
`nv:community` into the default graph, so every query sees them, and into the named graph
`METRICS_GRAPH`, so exports and queries can tell computed figures from curated facts.

>>> import networkx as nx
>>> path = nx.path_graph(["nvr:a", "nvr:b", "nvr:c"])   # a - b - c: b lies on the one a-c path
>>> compute(path)["nvr:b"]
Figures(degree=2, betweenness=1.0, community=1)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox

from .project import Project
from .queries import expand_iri

if TYPE_CHECKING:  # networkx is imported where the figures are computed: opening a store stays light
    import networkx as nx

METRICS_GRAPH = "https://w3id.org/naravard/graph/metrics"
METRICS = ox.NamedNode(METRICS_GRAPH)
#: The figures as nv: properties, in the order pages and exports show them.
PROPERTIES = ("degree", "betweenness", "community")
EXACT_LIMIT = 2000  # nodes: exact betweenness up to here, estimated above
SAMPLE = 200  # source nodes of the estimate above EXACT_LIMIT
SEED = 20251  # for the betweenness sample and Louvain: the same figures on every build

_NV = "https://w3id.org/naravard/def#"
_XSD = "http://www.w3.org/2001/XMLSchema#"


class Figures(NamedTuple):
    """One node's figures: degree, normalised betweenness (6 significant digits), community number."""

    degree: int
    betweenness: float
    community: int


def compute(u: nx.Graph, exact_limit: int = EXACT_LIMIT) -> dict[str, Figures]:
    """The figures of every node of the undirected graph `u` (node → Figures); betweenness is
    estimated from `SAMPLE` source nodes when `u` has more than `exact_limit` nodes.

    >>> import networkx as nx
    >>> star = nx.star_graph(3)   # a centre joined to three leaves
    >>> {n: f.degree for n, f in compute(nx.relabel_nodes(star, str)).items()}
    {'0': 3, '1': 1, '2': 1, '3': 1}
    """
    import networkx as nx

    names = sorted(u.nodes, key=str)
    index = {n: i for i, n in enumerate(names)}
    h = nx.Graph()
    h.add_nodes_from(range(len(names)))
    h.add_edges_from(sorted(tuple(sorted((index[a], index[b]))) for a, b in u.edges if a != b))
    if len(names) <= exact_limit:
        import rustworkx as rx

        r = rx.PyGraph()
        r.add_nodes_from(range(len(names)))  # node i of h is node i of r
        r.add_edges_from_no_data(list(h.edges))
        between = rx.graph_betweenness_centrality(r, normalized=True)
    else:
        between = sampled_betweenness(len(names), list(h.edges), min(SAMPLE, len(names)), SEED)
    groups = sorted((sorted(c) for c in nx.community.louvain_communities(h, seed=SEED)), key=lambda c: (-len(c), c[0]))
    community = {i: k for k, members in enumerate(groups, 1) for i in members}
    return {n: Figures(h.degree(i), float(f"{between[i]:.6g}"), community[i]) for n, i in index.items()}


def sampled_betweenness(n: int, edges: list[tuple[int, int]], k: int, seed: int, batch: int = 40) -> list[float]:
    """Normalised betweenness of nodes 0..n-1 of an undirected graph, estimated from `k` source nodes:
    what `networkx.betweenness_centrality(G, k=k, seed=seed)` gives for G with nodes 0..n-1 in order
    (the same pivots, `random.Random(seed).sample`, and the same rescaling), to rounding.

    Brandes' algorithm for `batch` sources at a time, a column each: the breadth-first levels and
    path counts by products of the sparse adjacency matrix with the frontier, then the dependencies
    level by level back from the farthest. Cost: O(edges × k × levels) in numpy, not Python.

    >>> import networkx as nx
    >>> sampled_betweenness(4, [(0, 1), (1, 2), (2, 3)], 3, 1)   # a path of 4, 3 sources
    [0.0, 0.75, 0.5, 0.0]
    >>> list(nx.betweenness_centrality(nx.path_graph(4), k=3, seed=1).values())
    [0.0, 0.75, 0.5, 0.0]
    """
    import random

    import numpy as np
    from scipy import sparse

    pivots = random.Random(seed).sample(list(range(n)), k)
    if n < 3 or k == 0:
        return [0.0] * n
    e = np.array(edges, dtype=np.int64).reshape(-1, 2)
    rows, cols = np.concatenate([e[:, 0], e[:, 1]]), np.concatenate([e[:, 1], e[:, 0]])
    adj = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    adj.data[:] = 1.0  # an edge listed twice is one edge
    total = np.zeros(n)
    for at in range(0, k, batch):
        sources = np.array(pivots[at : at + batch])
        cols_ = np.arange(len(sources))
        dist = np.full((n, len(sources)), -1, dtype=np.int32)
        sigma = np.zeros((n, len(sources)))
        dist[sources, cols_] = 0
        sigma[sources, cols_] = 1.0
        frontier, level = sigma.copy(), 0
        while True:
            reached = adj @ frontier
            new = (reached > 0) & (dist < 0)
            if not new.any():
                break
            level += 1
            dist[new] = level
            frontier = np.where(new, reached, 0.0)
            sigma += frontier
        delta = np.zeros_like(sigma)
        for d in range(level - 1, -1, -1):
            below = np.where(dist == d + 1, (1.0 + delta) / np.where(sigma > 0, sigma, 1.0), 0.0)
            delta += np.where(dist == d, sigma * (adj @ below), 0.0)
        delta[sources, cols_] = 0.0  # a source is not between itself and a target
        total += delta.sum(axis=1)
    scale_source, scale_other = 1 / ((k - 1) * (n - 2)) if k > 1 else math.nan, 1 / (k * (n - 2))
    scale = np.full(n, scale_other)
    scale[pivots] = scale_source
    return (total * scale).tolist()


def quads(figures: dict[str, Figures]) -> list[ox.Quad]:
    """The triples of `figures` (nodes as `nvr:x` or full IRIs), each in the default and the metrics graph.

    >>> qs = quads({"nvr:a": Figures(2, 0.5, 1)})
    >>> [(q.predicate.value[len(_NV):], q.object.datatype.value[len(_XSD):]) for q in qs if q.graph_name == METRICS]
    [('degree', 'integer'), ('betweenness', 'double'), ('community', 'integer')]
    """
    types = {"degree": "integer", "betweenness": "double", "community": "integer"}
    out = []
    for node, f in figures.items():
        s = ox.NamedNode(expand_iri(node, "metrics"))
        for name in PROPERTIES:
            o = ox.Literal(repr(getattr(f, name)), datatype=ox.NamedNode(_XSD + types[name]))
            out += [ox.Quad(s, ox.NamedNode(_NV + name), o, g) for g in (ox.DefaultGraph(), METRICS)]
    return out


def inputs(project: Project) -> list[Path]:
    """The files besides the data that decide the figures (this module and the network's queries):
    part of the store's cache key, so changing them rebuilds the store."""
    return [Path(__file__), project.queries_dir / "nodes.rq", project.queries_dir / "edges.rq"]
