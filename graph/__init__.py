"""naravard-kg: the governance graph of god och nära vård, as a library.

>>> import graph
>>> rows = graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?m a nv:Municipality }")
>>> int(rows[0]["n"])
290
"""

from __future__ import annotations

from .project import Project


def __getattr__(name: str):
    # load_graph and load_store on first use, so a module of the package (a query worker's
    # graph.server.pool) does not pay for networkx and the store builder it never uses.
    if name in ("load_graph", "load_store"):
        from . import load

        return getattr(load, name)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")


def query(name_or_text: str, *, project: Project | None = None, **params):
    """Run a library query (by name), a `.rq` file or SPARQL text with bound parameters.

    SELECT gives a list of dicts (variable → rdflib term), ASK a bool, CONSTRUCT and
    DESCRIBE an rdflib Graph.
    """
    from .queries import run_query

    return run_query(name_or_text, params, project=project)


def frame(name_or_text: str, *, project: Project | None = None, **params):
    """Run a SELECT (by name, `.rq` file or SPARQL text, parameters bound as in `query`) and return a
    pandas DataFrame with typed columns: counts as Int64, decimals as float64, dates as datetime64,
    IRIs as short names (`nvr:dalarna`), unbound values as NA (see graph/dataframe.py). Needs the
    optional extra: `pip install 'naravard-kg[frame]'`.

    >>> df = frame("count-by-class")
    >>> str(df["count"].dtype), int(df.loc[df["class"] == "nv:Region", "count"].iloc[0])
    ('Int64', 21)
    """
    from .dataframe import frame as run

    return run(name_or_text, params, project=project)


__all__ = ["frame", "load_graph", "load_store", "query", "Project"]
