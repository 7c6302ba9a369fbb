"""Validate the whole graph: syntax, SHACL shapes and evidence.

>>> from graph.project import Project
>>> report = validate(Project.default())
>>> report.triples > 1000
True
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import rdflib

from .evidence import Problem, check_evidence
from .load import parse_project, to_rdflib
from .namespaces import shorten
from .project import Project
from .shacl import shacl_problems


@dataclass
class Report:
    """The outcome of validation; `graph` is the validated rdflib graph."""

    graph: rdflib.Graph
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def triples(self) -> int:
        return len(self.graph)


def validate(project: Project, shacl: bool = True) -> Report:
    """Parse every input file (raising DataSyntaxError on the first bad one) and check it."""
    per_file = parse_project(project)
    home: dict[rdflib.term.Node, str] = {}
    graph = to_rdflib(t for triples in per_file.values() for t in triples)
    # Name a node's file: the data file (not the ontology) that first states it as subject.
    from .load import to_rdflib_term

    for path, triples in per_file.items():
        rel = project.relative(path)
        for t in triples:
            home.setdefault(to_rdflib_term(t.subject), rel)

    def where(node) -> str:
        return home.get(node, "(graph)")

    def name(node) -> str:
        if isinstance(node, rdflib.BNode):
            return "_:" + str(node)[:8]
        return shorten(str(node)) if node is not None else "?"

    problems = check_evidence(graph, project.sources_dir, where, name)
    from .lint import lint_problems  # model version 2 rules, located by file:line (graph/lint.py)
    problems += lint_problems(graph, project)
    if shacl:
        problems += shacl_problems(graph, project.shapes_file, where, name)
    problems.sort(key=lambda p: (p.severity != "error", p.file, p.focus, p.message))
    return Report(graph, problems)


def problems_by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        out[p.file].append(p)
    return dict(out)
