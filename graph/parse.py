"""Parse the project's Turtle files with pyoxigraph (fast, and its errors carry line numbers).

A syntax error becomes one line naming the file and line: `data/regions/x.ttl:12: message`.

>>> from graph.project import Project
>>> triples = parse_file(Project.default().ontology_file)
>>> len(triples) > 100
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .errors import DataSyntaxError, NaravardError
from .project import Project


def parse_file(path: Path, project: Project | None = None) -> list[ox.Triple]:
    """The triples of one Turtle file; a syntax error becomes `path:LINE: message`."""
    return [q.triple for q in parse_quads(path, project)]


def parse_quads(path: Path, project: Project | None = None) -> list[ox.Quad]:
    """The triples of one Turtle file as the parser gives them (quads in the default graph, which a store
    takes as they are); a syntax error becomes `path:LINE: message`."""
    with reading(path, project):
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


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


def parse_project_quads(project: Project, files: list[Path] | None = None) -> dict[Path, list[ox.Quad]]:
    """Quads (default graph) per input file (`files`: the project's inputs), in a stable order."""
    return {path: parse_quads(path, project) for path in (files if files is not None else project.input_files())}
