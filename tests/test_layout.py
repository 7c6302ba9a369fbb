"""graph/viz/layout.py: a page's layout is the same however its components are taken apart."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.memo import Memo
from graph.network import induced
from graph.viz.layout import layout, undirected


def random_page(seed: int) -> nx.MultiDiGraph:
    """A connected multigraph like a page's subgraph: directed edges, some twice, some weighted."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    names = [f"nvr:n{rng.randrange(10**6)}" for _ in range(rng.randrange(2, 40))]
    for i, n in enumerate(names[1:], 1):
        a, b = n, names[rng.randrange(i)]
        g.add_edge(
            *((a, b) if rng.random() < 0.5 else (b, a)),
            **({"weight": rng.choice([1, 2, 3])} if rng.random() < 0.5 else {}),
        )
    for _ in range(rng.randrange(len(names) * 2)):
        a, b = rng.sample(names, 2)
        g.add_edge(a, b, **({"weight": rng.choice([1, 2])} if rng.random() < 0.3 else {}))
    return g


@pytest.mark.parametrize("seed", range(30))
def test_one_component_is_laid_out_as_its_copy_would_be(seed):
    """`layout` takes a connected page graph whole instead of copying its one component (`induced`): the
    nodes and weighted edges it lays out, in order, are the copy's, so the positions and memo keys are too."""
    g = random_page(seed)
    u = undirected(g)
    assert nx.is_connected(u)
    copy = induced(u, set(u))
    assert list(u) == list(copy) and list(u.edges(data="weight")) == list(copy.edges(data="weight"))
    memo = Memo()
    positions = layout(g, memo=memo)
    key = memo.key("layout", tuple(copy), tuple(copy.edges(data="weight")), 7, 50)
    assert list(memo.used) == [key] and set(positions) == set(g)
