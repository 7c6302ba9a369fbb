"""graph/export.py: the network files read back the way Gephi's importers read them.

Gephi drops an edge whose id it has already seen and types a column by its declared type, so each
file is parsed with the standard library's ElementTree and checked for a unique id on every edge,
data that refers to declared keys, and values that parse as their declared types; then read with
networkx, which must give the network's node and edge counts. The network is made once, in process,
from the session store (it takes a second or two).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from graph.export import CSV_COLUMNS, export, network_file, relation_labels
from graph.network import network

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://www.gexf.net/1.2draft}"
#: How a value of each declared type must parse (GraphML attr.type, GEXF attribute type).
PARSERS = {
    "boolean": lambda v: {"true": True, "false": False}[v],
    "int": int,
    "long": int,
    "integer": int,
    "float": float,
    "double": float,
    "string": str,
}
#: The declared type every typed attribute must have, in either format.
EXPECTED = {
    ("node", "degree"): int,
    ("node", "community"): int,
    ("node", "evidence"): int,
    ("node", "betweenness"): float,
    ("edge", "evidence"): int,
    ("node", "label"): str,
    ("edge", "relation"): str,
    ("edge", "label"): str,
}


@pytest.fixture(scope="module")
def net(store, project):
    return network(store, project)


@pytest.fixture(scope="module")
def files(store, net):
    return {fmt: network_file(net, fmt, relation_labels(store)) for fmt in ("graphml", "gexf", "csv")}


def test_export_writes_the_network_file(store, project, files):
    assert export(store, "graphml", project) == files["graphml"]  # and the same bytes every time


def unique_ids(edges) -> list[str]:
    ids = [e.get("id") for e in edges]
    assert all(ids), "an edge without an id"
    assert len(set(ids)) == len(ids), "edge ids repeat: Gephi drops all but the first"
    return ids


def test_graphml_like_gephi(files, net, tmp_path):
    root = ET.fromstring(files["graphml"])
    keys = {k.get("id"): (k.get("for"), k.get("attr.name"), k.get("attr.type")) for k in root.iter(GRAPHML + "key")}
    assert all(t in PARSERS for _, _, t in keys.values()), keys
    declared = {(scope, name): PARSERS[t] for scope, name, t in keys.values()}
    for (scope, name), kind in EXPECTED.items():
        assert declared[(scope, name)] is PARSERS[{int: "long", float: "double", str: "string"}[kind]], (scope, name)
    edges = list(root.iter(GRAPHML + "edge"))
    assert len(unique_ids(edges)) == net.number_of_edges()
    for scope in ("node", "edge"):
        for element in root.iter(GRAPHML + scope):
            for data in element.findall(GRAPHML + "data"):
                assert data.get("key") in keys and keys[data.get("key")][0] in (scope, "all"), data.get("key")
                PARSERS[keys[data.get("key")][2]](data.text or "")  # parses as its declared type
    path = tmp_path / "g.graphml"
    path.write_bytes(files["graphml"])
    back = nx.read_graphml(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (net.number_of_nodes(), net.number_of_edges())
    svom = back.nodes["nvr:jamtland-harjedalen--svom"]
    assert svom["label"] == "Sociala vård- och omsorgsgruppen"
    assert isinstance(svom["degree"], int) and isinstance(svom["betweenness"], float)


def test_gexf_like_gephi(files, net, tmp_path):
    root = ET.fromstring(files["gexf"])
    attributes = {}
    for block in root.iter(GEXF + "attributes"):
        for a in block.findall(GEXF + "attribute"):
            attributes[(block.get("class"), a.get("id"))] = (a.get("title"), a.get("type"))
    assert all(t in PARSERS for _, t in attributes.values()), attributes
    types = {(scope, title): t for (scope, _), (title, t) in attributes.items()}
    for (scope, name), kind in EXPECTED.items():
        if name != "label":  # GEXF has label as an XML attribute of the node or edge
            assert PARSERS[types[(scope, name)]] is PARSERS[{int: "long", float: "double", str: "string"}[kind]]
    edges = list(root.iter(GEXF + "edge"))
    assert len(unique_ids(edges)) == net.number_of_edges()
    assert all(e.get("label") for e in edges)
    for scope in ("node", "edge"):
        for element in root.iter(GEXF + scope):
            for v in element.iter(GEXF + "attvalue"):
                assert (scope, v.get("for")) in attributes, v.get("for")
                PARSERS[attributes[(scope, v.get("for"))][1]](v.get("value"))
    path = tmp_path / "g.gexf"
    path.write_bytes(files["gexf"])
    back = nx.read_gexf(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (net.number_of_nodes(), net.number_of_edges())


def test_csv_edge_list(files, net):
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = [dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]]
    assert len(body) == net.number_of_edges()
    assert len({r["id"] for r in body}) == len(body)
    assert all(r["evidence"].isdigit() and r["relation"] and r["label"] for r in body)
    member = next(r for r in body if r["relation"] == "memberOf")
    assert member["label"] == "medlem i" and member["quote"] and member["document"]
