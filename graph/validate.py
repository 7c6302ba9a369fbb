"""Validate the whole graph: syntax, SHACL shapes, evidence and the lint rules (graph.lint).

A project with the ontology and one region that lacks its label, codes and county:

>>> import shutil, tempfile
>>> from pathlib import Path
>>> root = Path(tempfile.mkdtemp())
>>> _ = shutil.copytree(Project.default().root / "ontology", root / "ontology")
>>> (root / "data").mkdir()
>>> _ = (root / "data" / "x.ttl").write_text("@prefix nv: <https://w3id.org/naravard/def#> .\\n"
...     "@prefix nvr: <https://w3id.org/naravard/id/> .\\nnvr:x a nv:Region .\\n")
>>> report = validate(Project(root))
>>> report.ok, len(report.errors)
(False, 4)
>>> print(report.errors[0])
data/x.ttl:3: nvr:x: nv:countyCode: a region has one two-digit SCB county code
>>> shutil.rmtree(root)
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib import RDF

from .evidence import Problem, check_evidence
from .namespaces import NV, shorten
from .parse import parse_project
from .project import Project
from .rdflib_copy import to_rdflib
from .shacl import shacl_problems


@dataclass
class Report:
    """The outcome of validation; `graph` is the validated rdflib graph."""

    graph: rdflib.Graph
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity error."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are not errors (warnings)."""
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    @property
    def triples(self) -> int:
        """The number of triples validated."""
        return len(self.graph)


def validate(project: Project, shacl: bool = True, keep_graph: bool = True) -> Report:
    """Parse every input file (raising DataSyntaxError on the first bad one) and check it.

    Without `keep_graph` the report's graph is empty: the rdflib copy is dropped before the SHACL check,
    which then runs in less memory (the build's validation beside the store needs only the problems)."""
    from dataclasses import replace

    from .rdflib_copy import to_rdflib_term

    per_file = parse_project(project)
    home: dict[rdflib.term.Node, str] = {}
    graph = to_rdflib(t for triples in per_file.values() for t in triples)
    # Name a node's file: the data file (not the ontology) that first states it as subject.
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

    locate = Locator(project)
    problems = file_problems(project, per_file, locate)
    problems += check_evidence(graph, project.sources_dir, where, name, locate)
    from .lint import lint_problems  # model version 2 rules, located by file:line (graph/lint.py)

    problems += lint_problems(graph, project)
    if not keep_graph:
        graph = rdflib.Graph()  # the copy's memory is free before SHACL's store is made
    if shacl:
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for triples in per_file.values() for t in triples)
        if not keep_graph:
            del per_file  # in the store now; what `where` needs is in `home`
        problems += shacl_problems(store, project.shapes_file, where, name)
    problems = [p if p.line else replace(p, line=locate.focus(p.file, p.focus)) for p in problems]
    problems.sort(key=lambda p: (p.severity != "error", p.file, p.line, p.focus, p.message))
    return Report(graph, problems)


class Locator:
    """Line numbers in the project's Turtle files: where a term or text first occurs.

    Validation works on triples, which keep no positions; scanning the file for the
    subject (at the start of a line, as the curation guide writes it) finds the line a
    curator must look at.
    """

    def __init__(self, project: Project):
        self.root = project.root
        self._lines: dict[str, list[str]] = {}
        self._text: dict[str, str] = {}

    def lines(self, file: str) -> list[str]:
        """The lines of `file` (relative to the project), read once; none if it cannot be read."""
        if file not in self._lines:
            try:
                self._lines[file] = (self.root / file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = []
        return self._lines[file]

    def text(self, file: str) -> str:
        """The file's text, as `lines` reads it (line breaks normalised to \\n)."""
        if file not in self._text:
            self._text[file] = "\n".join(self.lines(file))
        return self._text[file]

    def __call__(self, file: str, text: str) -> int:
        """The first line of `file` holding `text` as a whole token (1-based; 0 if none): the first
        line that starts with it (as a subject), else the first line holding it anywhere.

        A plain string search, not a regular expression per call: validation asks for every quote.
        """
        full = self.text(file)
        bounded = text[-1:].isalnum()
        anywhere = 0
        i = full.find(text) if text else -1
        while i >= 0:
            end = i + len(text)
            if not bounded or end == len(full) or not (full[end].isalnum() or full[end] in "_:-"):
                line = full.count("\n", 0, i) + 1
                if not full[full.rfind("\n", 0, i) + 1 : i].strip():
                    return line  # as a subject
                anywhere = anywhere or line
            i = full.find(text, i + 1)
        return anywhere

    def focus(self, file: str, focus: str) -> int:
        """The line of a problem's focus: `s p o` where the triple is stated, else the subject."""
        parts = focus.split()
        if not parts or parts[0].startswith("_:"):
            return 0
        if len(parts) == 3:
            for i, line in enumerate(self.lines(file), 1):
                if all(re.search(re.escape(x) + r"(?![\w:-])", line) for x in parts):
                    return i
        return self(file, parts[0])


def file_problems(project: Project, per_file: dict, locate: Locator) -> list[Problem]:
    """What only the files show: empty data files, terms the ontology does not declare,
    and an IRI given different classes or regions in different files."""
    problems: list[Problem] = []
    onto = per_file.get(project.ontology_file, [])
    declared = {str(t.subject.value) for t in onto if isinstance(t.subject, ox.NamedNode)}
    declared_short = sorted(shorten(x) for x in declared if x.startswith(str(NV)))
    reported: set[tuple[str, str]] = set()
    stated: dict[str, dict[str, dict[str, str]]] = {"class": defaultdict(dict), "region": defaultdict(dict)}
    for path, triples in per_file.items():
        if path == project.ontology_file:
            continue
        rel = project.relative(path)
        if not triples:
            problems.append(
                Problem(
                    rel,
                    "(file)",
                    "no triples: the file is empty or only comments (a region file must describe its region)",
                    line=1,
                )
            )
            continue
        reference = project.data_dir / "reference" in path.parents
        for t in triples:
            for term in (t.subject, t.predicate, t.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(str(NV)) and term.value not in declared:
                    short = shorten(term.value)
                    if (rel, short) not in reported:
                        reported.add((rel, short))
                        near = difflib.get_close_matches(short, declared_short, n=2, cutoff=0.8)
                        hint = f"; did you mean {' or '.join(near)}?" if near else ""
                        problems.append(
                            Problem(
                                rel,
                                short,
                                f"unknown term: {short} is not declared in ontology/naravard.ttl{hint}",
                                line=locate(rel, short),
                            )
                        )
            if isinstance(t.subject, ox.NamedNode) and not reference:
                if t.predicate.value == str(RDF.type):
                    stated["class"][t.subject.value].setdefault(t.object.value, rel)
                elif t.predicate.value == str(NV.inRegion):
                    stated["region"][t.subject.value].setdefault(t.object.value, rel)
    # Reference data (SCB) may give an IRI two classes (Region Gotland is also a municipality);
    # curated files may not contradict each other or it.
    for path, triples in per_file.items():
        if project.data_dir / "reference" in path.parents:
            rel = project.relative(path)
            for t in triples:
                if t.predicate.value == str(RDF.type) and t.subject.value in stated["class"]:
                    stated["class"][t.subject.value].setdefault(t.object.value, rel)
    for what, per_subject in stated.items():
        for subject, values in per_subject.items():
            files = {f for f in values.values()}
            if len(values) > 1 and len(files) > 1:
                (v1, f1), (v2, f2) = sorted(values.items(), key=lambda kv: kv[1])[:2]
                short = shorten(subject)
                problems.append(
                    Problem(
                        f2,
                        short,
                        f"{short} has {what} {shorten(v1)} in {f1} and {shorten(v2)} in {f2}: "
                        f"an IRI has one {what}; use one or rename one of them",
                        line=locate(f2, short),
                    )
                )
    return problems


def problems_by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    """`problems` grouped by file, in the order the files first occur."""
    out: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        out[p.file].append(p)
    return dict(out)
