"""SHACL validation of the graph with pySHACL (shapes in ontology/shapes.ttl).

>>> from graph.project import Project
>>> from graph.load import parse_project, to_rdflib
>>> p = Project.default()
>>> g = to_rdflib(t for ts in parse_project(p).values() for t in ts)
>>> isinstance(shacl_problems(g, p.shapes_file, where=lambda n: "?", name=str), list)
True
"""
from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib import RDF

from .evidence import Problem

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def shacl_problems(data: rdflib.Graph, shapes_file: Path, where, name) -> list[Problem]:
    """Every SHACL violation as a Problem naming the file, the focus node and the path.

    The data graph includes the ontology, so sh:class follows rdfs:subClassOf
    without running RDFS inference (which costs several times more).
    """
    import pyshacl

    shapes = rdflib.Graph().parse(shapes_file, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = report.value(result, SH.resultMessage)
        severity = report.value(result, SH.resultSeverity)
        text = f"{name(path) + ': ' if path is not None else ''}{message}"
        if value is not None and value != focus:
            text += f" (value {name(value)})"
        problems.append(Problem(where(focus), name(focus), text, "error" if severity == SH.Violation else "warning"))
    return sorted(set(problems), key=lambda p: (p.file, p.focus, p.message))
