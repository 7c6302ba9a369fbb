"""naravard-kg: the governance graph of god och nära vård, as a library.

>>> import graph
>>> rows = graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?m a nv:Municipality }")
>>> int(rows[0]["n"])
290
"""
from __future__ import annotations

from .load import load_graph, load_store
from .project import Project


def query(name_or_text: str, *, project: Project | None = None, **params):
    """Run a library query (by name), a `.rq` file or SPARQL text with bound parameters.

    SELECT gives a list of dicts (variable → rdflib term), ASK a bool, CONSTRUCT and
    DESCRIBE an rdflib Graph.
    """
    from .queries import run_query

    return run_query(name_or_text, params, project=project)


__all__ = ["load_graph", "load_store", "query", "Project"]
