"""Export the graph as RDF (ttl, trig, nq, nt, jsonld) or as a network (graphml, gexf, csv).

GraphML and GEXF open in Gephi and Cytoscape; csv is an edge list with evidence. In the three
network formats every edge has a unique id (`e0`, `e1`, … in the network's order: by source,
relation and target), its relation kind (`relation`: `memberOf`, …, `gap`) and the Swedish label
of that relation from the ontology (`label`: "medlem i"), and attributes keep their types:
counts and the figures computed at build time (degree, betweenness, community; graph/metrics.py)
are numbers, not text (GraphML `attr.type` long/double, GEXF `long`/`double`).
"""

from __future__ import annotations

import csv
import io

import networkx as nx
import pyoxigraph as ox

from .errors import NaravardError
from .namespaces import PREFIXES
from .network import network
from .project import Project
from .viz.style import model_labels

RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
NETWORK_FORMATS = ("graphml", "gexf", "csv")
FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS)
#: The columns of the csv edge list, in order.
CSV_COLUMNS = (
    "id",
    "source",
    "source_label",
    "relation",
    "label",
    "target",
    "target_label",
    "evidence",
    "document",
    "quote",
)


def export(store: ox.Store, fmt: str, project: Project | None = None) -> bytes:
    """The whole graph in `fmt` (`project` gives the network's queries; default: the current project)."""
    if fmt in RDF_FORMATS:
        kwargs = {"prefixes": PREFIXES} if fmt in ("ttl", "trig") else {}
        if fmt in ("ttl", "nt"):
            kwargs["from_graph"] = ox.DefaultGraph()
        return store.dump(format=RDF_FORMATS[fmt], **kwargs)
    if fmt not in NETWORK_FORMATS:
        raise NaravardError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    net = network(store, project)
    return network_file(net, fmt, relation_labels(store, project))


def relation_labels(store: ox.Store, project: Project | None = None) -> dict[str, str]:
    """The Swedish name of each relation kind (`memberOf` → "medlem i", `gap` → "Samverkansbrist"), from
    the ontology (`graph.viz.style.model_labels`): the `label` column of the network files."""
    return {kind: label["sv"] for kind, label in model_labels(store, project)["relation"].items()}


def network_file(net: nx.MultiDiGraph, fmt: str, labels: dict[str, str] | None = None) -> bytes:
    """The network `net` (from graph.network) as a graphml, gexf or csv file; `labels` names each
    relation kind (default: the kind itself)."""
    g = flat_network(net, labels)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for s, t, key, d in g.edges(keys=True, data=True):
            row = {
                "id": key,
                "source": s,
                "source_label": g.nodes[s]["label"],
                "target": t,
                "target_label": g.nodes[t]["label"],
                **d,
            }
            w.writerow([row[c] for c in CSV_COLUMNS])
        return buf.getvalue().encode("utf-8")
    buf = io.BytesIO()
    if fmt == "graphml":  # the edge key is the GraphML edge id
        nx.write_graphml(g, buf)
    else:  # the GEXF writer takes the edge id from an `id` attribute (it keeps the key as networkx_key)
        for _, _, key, d in g.edges(keys=True, data=True):
            d["id"] = key
        nx.write_gexf(g, buf)
    return buf.getvalue()


def flat_network(g: nx.MultiDiGraph, labels: dict[str, str] | None = None) -> nx.MultiDiGraph:
    """The network as GraphML/GEXF need it: list attributes joined with `|`, each edge keyed by a
    unique id `e0`, `e1`, … with its
    kind as `relation` and `labels[kind]` (default: the kind) as `label`; other values keep their
    Python type, so ints and floats are written as numbers.

    >>> g = nx.MultiDiGraph(); g.add_node("a", acronyms=["X", "Y"]); g.add_node("b", acronyms=[])
    >>> g.add_edge("a", "b", key="memberOf", kind="memberOf", evidence=2)
    'memberOf'
    >>> h = flat_network(g, {"memberOf": "medlem i"})
    >>> h.nodes["a"]["acronyms"], list(h.edges(keys=True, data=True))
    ('X|Y', [('a', 'b', 'e0', {'relation': 'memberOf', 'label': 'medlem i', 'evidence': 2})])
    """
    labels = labels or {}
    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        h.add_node(n, **{k: ("|".join(v) if isinstance(v, list) else v) for k, v in d.items()})
    for i, (s, t, d) in enumerate(g.edges(data=True)):
        kind = d.get("kind", "")
        attrs = {k: v for k, v in d.items() if k != "kind"}
        h.add_edge(s, t, key=f"e{i}", relation=kind, label=labels.get(kind, kind), **attrs)
    return h
