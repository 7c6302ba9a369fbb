"""Parse the project's Turtle files and load them into a SPARQL engine.

Parsing uses pyoxigraph (fast, and its errors carry line numbers). The graph is
queried on Oxigraph; `load_graph()` wraps it in rdflib's API (oxrdflib), and
`to_rdflib()` copies triples into rdflib's memory store (evidence and lint checks walk it).

>>> g = load_graph()
>>> len(g) > 1000
True
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .errors import DataSyntaxError, NaravardError
from .project import Project


def parse_file(path: Path, project: Project | None = None) -> list[ox.Triple]:
    """The triples of one Turtle file; a syntax error becomes `path:LINE: message`."""
    with reading(path, project):
        return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


@contextmanager
def reading(path: Path, project: Project | None = None) -> Iterator[None]:
    """Turn the parser's errors on `path` into `path:LINE: message` errors."""
    name = project.relative(path) if project else str(path)
    try:
        yield
    except FileNotFoundError:
        raise NaravardError(f"{name}: file not found") from None
    except SyntaxError as err:
        line = err.lineno or 0
        msg = err.msg if hasattr(err, "msg") else str(err)
        raise DataSyntaxError(f"{name}:{line}: {msg}") from None
    except (OSError, ValueError) as err:
        raise NaravardError(f"{name}: {err}") from None


def parse_project(project: Project) -> dict[Path, list[ox.Triple]]:
    """Triples per input file, in a stable order."""
    return {path: parse_file(path, project) for path in project.input_files()}


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


def to_rdflib(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """An rdflib memory graph holding `triples` (for the evidence and lint checks and serialisers)."""
    g = rdflib.Graph()
    conv = to_rdflib_term
    for t in triples:
        g.add((conv(t.subject), conv(t.predicate), conv(t.object)))
    bind_prefixes(g)
    return g


def bind_prefixes(g: rdflib.Graph) -> None:
    from .namespaces import PREFIXES

    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri, override=True)


def load_store(project: Project | None = None) -> ox.Store:
    """The ontology and data in an Oxigraph store (cached on disk, see graph.store)."""
    from .store import open_store

    return open_store(project or Project.default())


def load_graph(project: Project | None = None) -> rdflib.Graph:
    """The ontology and data as an rdflib Graph backed by Oxigraph (fast SPARQL)."""
    from oxrdflib import OxigraphStore

    store = load_store(project)
    g = rdflib.Graph(store=OxigraphStore(store=store), identifier=rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    bind_prefixes(g)
    return g
