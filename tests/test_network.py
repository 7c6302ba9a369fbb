"""graph/network.py: the governance network as networkx reads it from the store."""

from __future__ import annotations

from graph.network import network


def test_a_gap_edge_shows_every_kind_of_its_gap(store, project):
    """A stated gap with two kinds (nv:gapKind twice) carries both on each of its edges, sorted, in
    Swedish and English: edges.rq joins them in no set order (GROUP_CONCAT)."""
    g = network(store, project)
    kinds = {
        (d["gap_kind"], d["gap_kind_en"])
        for _, _, key, d in g.edges(keys=True, data=True)
        if key == "nvr:vastra-gotaland--gap-sro-politisk-dialog"
    }
    assert kinds == {("bör stärkas, otydlig", "should be strengthened, unclear")}
