"""Copies of the graph in rdflib's memory store, for the checks that walk an rdflib graph
(evidence, lint, the formatter) and for rdflib's serialisers.

>>> import pyoxigraph as ox
>>> t = ox.Triple(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("b", language="sv"))
>>> len(to_rdflib([t]))
1
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib


def to_rdflib_term(term):
    """The rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_rdflib(triples: Iterable[ox.Triple | tuple]) -> rdflib.Graph:
    """An rdflib memory graph holding `triples` (pyoxigraph triples or (s, p, o) of pyoxigraph terms), for
    rdflib's serialisers and the code that walks an rdflib graph."""
    g = rdflib.Graph()
    made: dict = {}  # each term converted once (rdflib checks every IRI it makes): a third less time

    def conv(term):
        r = made.get(term)
        if r is None:
            r = made[term] = to_rdflib_term(term)
        return r

    add = g.add
    for s, p, o in triples:
        add((conv(s), conv(p), conv(o)))
    bind_prefixes(g)
    return g


def bind_prefixes(g: rdflib.Graph) -> None:
    """Bind the project's prefixes (graph.namespaces.PREFIXES) in `g`, replacing any bound before."""
    from .namespaces import PREFIXES

    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri, override=True)
