"""The governance diagram of a region page, drawn the way the sources' own charts are: the sides of
the collaboration as columns (region side, joint, municipal side …) and the levels as rows
(political above executive above operational …), both in the order the model gives them
(nv:displayOrder, queries/diagram-model.rq); a node's row is its own level, else its structure
types' usual level, else its class's diagram level (nv:diagramLevel). Nodes with no side or no level
get a last column or row of their own (key `""`).

>>> model = {"levels": ["nv:level-political", "nv:level-executive"], "sides": ["nv:side-region", "nv:side-joint"],
...          "usualLevel": {}, "classLevel": {"Board": "nv:level-political"}}
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("b", cls="Board", label="B", side="nv:side-region", levels=[], structure_types=[])
>>> g.add_node("f", cls="CollaborationBody", label="F", side="nv:side-joint", levels=["nv:level-executive"],
...            structure_types=[])
>>> d = diagram_layout(g, model)
>>> d["place"]["b"][0] < d["place"]["f"][0], d["place"]["b"][1] < d["place"]["f"][1]
(True, True)
"""

from __future__ import annotations

import math

import networkx as nx
import pyoxigraph as ox

from ..namespaces import shorten
from ..project import Project
from ..queries import rows

#: Canvas pixels between two nodes of a cell, across and down; and the margin around a cell.
DX, DY, PAD = 170, 70, 30

#: The row of nodes with no level, the column of nodes with no side: named by the program, not the model.
NONE = {"sv": "utan nivå", "en": "no level"}
NO_SIDE = {"sv": "utan sida", "en": "no side"}


def diagram_model(store: ox.Store, project: Project | None = None) -> dict:
    """The model's diagram terms (queries/diagram-model.rq): `levels` and `sides` as short IRIs in
    display order, `usualLevel` (structure type → level) and `classLevel` (class local name → level).

    >>> from graph.load import load_store
    >>> m = diagram_model(load_store())
    >>> m["levels"][:3], m["sides"][:3]
    (['nv:level-political', 'nv:level-executive', 'nv:level-tactical'], ['nv:side-region', 'nv:side-joint', \
'nv:side-municipal'])
    >>> m["classLevel"]["Board"], m["usualLevel"]["nv:st-political-joint-forum"]
    ('nv:level-political', 'nv:level-political')
    """
    out: dict = {"levels": [], "sides": [], "usualLevel": {}, "classLevel": {}}
    ordered = sorted(rows(store, "diagram-model", project), key=lambda r: (int(r["order"] or 0), r["term"]))
    for r in ordered:
        term = shorten(r["term"])
        if r["kind"] in ("level", "side"):
            out[r["kind"] + "s"].append(term)
        elif r["kind"] == "structureType":
            out["usualLevel"][term] = shorten(r["level"])
        else:
            out["classLevel"][term.removeprefix("nv:")] = shorten(r["level"])
    return out


def node_row(levels: list, structure_types: list, cls: str, model: dict) -> str:
    """The level whose row holds a node: the first (in display order) of its own levels, else of its
    structure types' usual levels, else its class's diagram level; `""` if none.

    >>> m = {"levels": ["p", "e", "o"], "usualLevel": {"st": "o"}, "classLevel": {"Board": "p"}}
    >>> node_row(["o", "e"], ["st"], "Board", m), node_row([], ["st"], "Board", m), node_row([], [], "Board", m)
    ('e', 'o', 'p')
    >>> node_row([], ["unknown"], "Project", m)
    ''
    """
    order = {level: i for i, level in enumerate(model["levels"])}
    for found in (
        [v for v in levels if v in order],
        [model["usualLevel"][t] for t in structure_types if model["usualLevel"].get(t) in order],
    ):
        if found:
            return min(found, key=order.__getitem__)
    return model["classLevel"].get(cls, "")


def node_column(side: str, model: dict) -> str:
    """The side whose column holds a node: its own, if the model orders it; `""` if none.

    >>> node_column("nv:side-joint", {"sides": ["nv:side-region", "nv:side-joint"]}), node_column("", {"sides": []})
    ('nv:side-joint', '')
    """
    return side if side in model["sides"] else ""


def across(counts: list[int], most: int = 3) -> int:
    """How many nodes a column puts side by side in each of its cells, given the cells' sizes: about
    the square root of the largest, at most `most` (3 for the model's sides, so that a crowded cell
    grows down, not across, and the region side, the joint forums and the municipal side fit side by
    side on a screen; the last column, of nodes with no side, may take 6 and stay short).

    >>> across([1]), across([3, 4]), across([40]), across([40], most=6)
    (1, 2, 3, 6)
    """
    return max(1, min(most, math.ceil(math.sqrt(max(counts) * 0.7))))


def diagram_layout(g: nx.Graph, model: dict) -> dict:
    """Deterministic diagram positions: `place` (node → [x, y, row index, column index]), `rows` and
    `columns` (their keys, `""` for none, in display order, with the canvas band each takes:
    `y0`, `y1` or `x0`, `x1`) and `step`, the distance between two nodes of a cell across and down.
    Only rows and columns that hold a node are kept; a cell's nodes are in class and label order."""
    cells: dict[tuple[str, str], list] = {}
    for n, d in g.nodes(data=True):
        key = (
            node_column(d.get("side", ""), model),
            node_row(d.get("levels", []), d.get("structure_types", []), d["cls"], model),
        )
        cells.setdefault(key, []).append(n)
    columns = [c for c in [*model["sides"], ""] if any(k[0] == c for k in cells)]
    row_keys = [r for r in [*model["levels"], ""] if any(k[1] == r for k in cells)]
    wide = {c: across([len(v) for k, v in cells.items() if k[0] == c], 3 if c else 6) for c in columns}
    high = {r: max(math.ceil(len(v) / wide[k[0]]) for k, v in cells.items() if k[1] == r) for r in row_keys}
    col_bands, x = [], 0.0
    for c in columns:
        col_bands.append({"key": c, "x0": x, "x1": x + wide[c] * DX + 2 * PAD})
        x = col_bands[-1]["x1"]
    row_bands, y = [], 0.0
    for r in row_keys:
        row_bands.append({"key": r, "y0": y, "y1": y + high[r] * DY + 2 * PAD})
        y = row_bands[-1]["y1"]
    place = {}
    for (c, r), members in cells.items():
        ci, ri = columns.index(c), row_keys.index(r)
        members.sort(key=lambda n: (g.nodes[n]["cls"], g.nodes[n]["label"].lower(), n))
        for i, n in enumerate(members):
            px = col_bands[ci]["x0"] + PAD + (i % wide[c] + 0.5) * DX
            py = row_bands[ri]["y0"] + PAD + (i // wide[c] + 0.5) * DY
            place[n] = [round(px, 1), round(py, 1), ri, ci]
    return {"place": {n: place[n] for n in g}, "rows": row_bands, "columns": col_bands, "step": [DX, DY]}


def diagram_data(g: nx.Graph, model: dict, labels: dict, members: list[dict] | None = None) -> dict:
    """The page data's `diagram`: `diagram_layout` with each row and column named (`label`,
    `labelEn`) by the model's levels and sides, and `members`: the region's municipalities (dicts
    with municipality, class, name, relation and group, from queries/region-municipalities.rq) as
    hidden nodes ({id, label, group, cls, kind: the relation to the group}) that the page shows on
    demand; those already on the page are left out.

    >>> m = {"levels": ["nv:level-political"], "sides": [], "usualLevel": {}}
    >>> m["classLevel"] = {"Board": "nv:level-political"}
    >>> g = nx.Graph(); g.add_node("nvr:b", cls="Board", label="B")
    >>> labels = {"level": {"nv:level-political": {"sv": "politisk nivå", "en": "political level"}}, "side": {}}
    >>> k = {"municipality": "nvr:k", "class": "nv:Municipality", "name": "K", "relation": "nv:memberOf"}
    >>> k["group"] = "nvr:g"
    >>> d = diagram_data(g, m, labels, [k])
    >>> d["rows"][0]["label"], d["columns"][0]["label"], d["members"][0]["cls"], d["members"][0]["kind"]
    ('politisk nivå', 'utan sida', 'Municipality', 'memberOf')
    """
    out = diagram_layout(g, model)
    for bands, kind, none in ((out["rows"], "level", NONE), (out["columns"], "side", NO_SIDE)):
        for band in bands:
            name = labels.get(kind, {}).get(band["key"], {}) if band["key"] else none
            band.update(label=name.get("sv", band["key"]), labelEn=name.get("en", band["key"]))
    out["members"] = [
        {
            "id": shorten(m["municipality"]),
            "label": m["name"],
            "group": shorten(m["group"]),
            "cls": shorten(m["class"]).removeprefix("nv:"),
            "kind": shorten(m["relation"]).removeprefix("nv:"),
        }
        for m in members or []
        if shorten(m["municipality"]) not in g
    ]
    return out
