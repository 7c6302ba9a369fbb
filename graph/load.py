"""The project's graph as users load it: an Oxigraph store (cached on disk, see graph.store),
or the same store behind rdflib's API (oxrdflib).

Parsing is in graph.parse; copies into rdflib's memory store are in graph.rdflib_copy. rdflib is
imported only by `load_graph`, so the query path (`load_store`) stays light.

>>> g = load_graph()
>>> len(g) > 1000
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from .project import Project
from .store import open_store

if TYPE_CHECKING:
    import rdflib


def load_store(project: Project | None = None) -> ox.Store:
    """The ontology and data in an Oxigraph store (cached on disk, see graph.store)."""
    return open_store(project or Project.default())


def load_graph(project: Project | None = None) -> rdflib.Graph:
    """The ontology and data as an rdflib Graph backed by Oxigraph (fast SPARQL)."""
    import rdflib
    from oxrdflib import OxigraphStore

    from .rdflib_copy import bind_prefixes

    store = load_store(project)
    g = rdflib.Graph(store=OxigraphStore(store=store), identifier=rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    bind_prefixes(g)
    return g
