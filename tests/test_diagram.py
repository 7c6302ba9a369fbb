"""graph/viz/diagram.py: the governance diagram's rows and columns, as the model orders them."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.viz.diagram import across, diagram_layout, diagram_model, node_column, node_row

MODEL = {
    "levels": ["p", "e", "o", "n"],
    "sides": ["region", "joint", "municipal"],
    "usualLevel": {"st-forum": "p", "st-network": "o"},
    "classLevel": {"Board": "p", "Administration": "e"},
}


@pytest.mark.parametrize(
    "levels,types,cls,row",
    [
        (["o", "e"], [], "Board", "e"),  # its own levels first, the highest in display order
        (["n"], ["st-forum"], "CollaborationBody", "n"),  # "level not named" is a level of its own
        ([], ["st-network", "st-forum"], "Board", "p"),  # else its structure types' usual level
        ([], [], "Administration", "e"),  # else its class's diagram level
        ([], ["st-unknown"], "Project", ""),  # else the row of nodes without a level
    ],
)
def test_node_row(levels, types, cls, row):
    assert node_row(levels, types, cls, MODEL) == row


@pytest.mark.parametrize("side,column", [("joint", "joint"), ("", ""), ("nv:side-new", "")])
def test_node_column(side, column):
    assert node_column(side, MODEL) == column


@pytest.mark.parametrize("counts,wide", [([1], 1), ([2, 1], 2), ([6], 3), ([200], 3)])
def test_across(counts, wide):
    assert across(counts) == wide


def test_layout_is_deterministic_and_keeps_cells_apart():
    g = nx.MultiDiGraph()
    for i in range(7):
        g.add_node(f"b{i}", cls="Board", label=f"B{i}", side="region", levels=[], structure_types=[])
    g.add_node("f", cls="CollaborationBody", label="F", side="joint", levels=["o"], structure_types=[])
    g.add_node("x", cls="Project", label="X", side="", levels=[], structure_types=[])
    d = diagram_layout(g, MODEL)
    h = nx.MultiDiGraph()
    h.add_nodes_from(reversed(list(g.nodes(data=True))))
    assert d == diagram_layout(h, MODEL)  # the same places whatever the graph's order
    assert [c["key"] for c in d["columns"]] == ["region", "joint", ""]  # only columns that hold a node
    assert [r["key"] for r in d["rows"]] == ["p", "o", ""]
    for n, (x, y, row, col) in d["place"].items():
        assert d["columns"][col]["x0"] < x < d["columns"][col]["x1"], n
        assert d["rows"][row]["y0"] < y < d["rows"][row]["y1"], n
    assert len({(x, y) for x, y, _, _ in d["place"].values()}) == g.number_of_nodes()


def test_the_model_orders_levels_and_sides(store):
    """The order lives in the ontology (nv:displayOrder); every level and side has one."""
    from graph.viz.style import model_labels

    m = diagram_model(store)
    labels = model_labels(store)
    assert m["levels"][:2] == ["nv:level-political", "nv:level-executive"]
    assert m["levels"].index("nv:level-executive") < m["levels"].index("nv:level-operational")
    assert m["sides"][:3] == ["nv:side-region", "nv:side-joint", "nv:side-municipal"]
    assert set(m["levels"]) == set(labels["level"]) and set(m["sides"]) == set(labels["side"])
