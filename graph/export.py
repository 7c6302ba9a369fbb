"""Export the graph as RDF (ttl, trig, nq, jsonld) or as a network (graphml, gexf, csv).

GraphML and GEXF open in Gephi and Cytoscape; csv is an edge list with evidence.
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

RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
               "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
NETWORK_FORMATS = ("graphml", "gexf", "csv")
FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS)


def export(store: ox.Store, fmt: str, project: Project | None = None) -> bytes:
    """The whole graph in `fmt` (a network by the queries of `project`, default Project.default())."""
    if fmt in RDF_FORMATS:
        kwargs = {"prefixes": PREFIXES} if fmt in ("ttl", "trig") else {}
        if fmt in ("ttl", "nt"):
            kwargs["from_graph"] = ox.DefaultGraph()
        return store.dump(format=RDF_FORMATS[fmt], **kwargs)
    if fmt not in NETWORK_FORMATS:
        raise NaravardError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    g = flat_network(network(store, project))
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["source", "source_label", "relation", "target", "target_label", "document", "quote"])
        for s, t, d in g.edges(data=True):
            w.writerow([s, g.nodes[s]["label"], d["kind"], t, g.nodes[t]["label"], d["document"], d["quote"]])
        return buf.getvalue().encode("utf-8")
    buf = io.BytesIO()
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(g, buf)
    return buf.getvalue()


def flat_network(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The network with list attributes joined, as GraphML/GEXF need scalar values."""
    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        h.add_node(n, **{k: ("|".join(v) if isinstance(v, list) else v) for k, v in d.items()})
    for s, t, k, d in g.edges(keys=True, data=True):
        h.add_edge(s, t, key=k, **d)
    return h
