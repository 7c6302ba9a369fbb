"""SHACL validation: the shapes in ontology/shapes.ttl, run as SPARQL queries on Oxigraph.

Each constraint of a targeted shape becomes one SELECT that returns the focus nodes (and value
nodes) that violate it; shapes inside sh:or / sh:not / sh:and / sh:node become boolean SPARQL
expressions. The SHACL Core features the shapes use are supported; a shape using any other
feature is refused with an error naming it, so nothing is silently left unchecked. Reports are
the same as pySHACL's on our shapes (`python -m bench.shacl` compares them), in about a
hundredth of the time. sh:class follows rdfs:subClassOf in the data (which includes the ontology).

>>> import pyoxigraph as ox
>>> shapes = b'''@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
... ex:S a sh:NodeShape ; sh:targetClass ex:Region ;
...     sh:property [ sh:path ex:code ; sh:minCount 1 ; sh:pattern "^[0-9]{2}$" ] .'''
>>> data = ox.Store()
>>> data.extend(ox.parse(b'''@prefix ex: <http://example.org/> .
... ex:a a ex:Region ; ex:code "20" . ex:b a ex:Region ; ex:code "2x" . ex:c a ex:Region .''',
...     format=ox.RdfFormat.TURTLE))
>>> results = shacl_results(data, rdflib.Graph().parse(data=shapes, format="turtle"))
>>> for focus, message in sorted((r.focus.value, r.message) for r in results):
...     print(focus, message)
http://example.org/b Value does not match pattern '^[0-9]{2}$'
http://example.org/c Less than 1 values on <http://example.org/c>->ex:code
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS
from rdflib.collection import Collection

from .errors import NaravardError
from .evidence import Problem
from .rdflib_copy import bind_prefixes, to_rdflib_term

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")

#: What a shape may say besides its constraints.
_ANNOTATIONS = {RDF.type, RDFS.comment, RDFS.label, SH.message, SH.severity, SH.name, SH.description}
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode}
#: Constraint components that test each value node on its own (node-level, or per value of a path).
_PER_VALUE = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.minLength,
    SH.minInclusive,
    SH["or"],
    SH["not"],
    SH["and"],
    SH.node,
}
_SUPPORTED = (
    _ANNOTATIONS | _TARGETS | _PER_VALUE | {SH.path, SH.property, SH.minCount, SH.maxCount, SH.hasValue, SH.flags}
)
_NODE_KINDS = {
    SH.IRI: "!isIRI({})",
    SH.BlankNode: "!isBlank({})",
    SH.Literal: "!isLiteral({})",
    SH.BlankNodeOrIRI: "isLiteral({})",
    SH.BlankNodeOrLiteral: "isIRI({})",
    SH.IRIOrLiteral: "isBlank({})",
}


@dataclass(frozen=True)
class Result:
    """One SHACL validation result (pyoxigraph terms; `path` and `value` may be None)."""

    focus: ox.NamedNode | ox.BlankNode
    path: rdflib.URIRef | None
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    message: str
    severity: rdflib.URIRef


def shacl_problems(data: ox.Store, shapes_file: Path, where, name) -> list[Problem]:
    """Every SHACL violation as a Problem naming the file, the focus node and the path.

    The data store includes the ontology, so sh:class follows rdfs:subClassOf without
    RDFS inference. `where(node)` and `name(node)` take the store's (pyoxigraph) terms; `name`
    also the path (an rdflib term of the shapes).
    """
    shapes = rdflib.Graph().parse(shapes_file, format="turtle")
    problems = set()
    for r in shacl_results(data, shapes):
        focus, value = r.focus, r.value
        text = f"{name(r.path) + ': ' if r.path is not None else ''}{r.message}"
        if value is not None and value != focus:
            text += f" (value {name(value)})"
        problems.add(Problem(where(focus), name(focus), text, "error" if r.severity == SH.Violation else "warning"))
    return sorted(problems, key=lambda p: (p.file, p.focus, p.message))


def shacl_results(data: ox.Store, shapes: rdflib.Graph) -> Iterator[Result]:
    """The validation results of `shapes` on the default graph of `data`."""
    compiler = _Compiler(shapes)
    for shape in sorted({s for t in _TARGETS for s in shapes.subjects(t, None)}, key=str):
        yield from compiler.run(data, shape)


class _Compiler:
    """Turns shapes into SPARQL: violation queries for targeted shapes, conditions for nested ones."""

    def __init__(self, shapes: rdflib.Graph):
        self.g = shapes
        self.names = itertools.count()
        self.data_prefixes = rdflib.Graph()  # pySHACL names a focus node with the data graph's prefixes
        bind_prefixes(self.data_prefixes)

    def var(self) -> str:
        """A fresh SPARQL variable name."""
        return f"?_{next(self.names)}"

    def sparql(self, term) -> str:
        """A shapes-graph term as SPARQL text (N3 form)."""
        return term.n3()

    def short(self, term) -> str:
        """A term as pySHACL writes it in its default messages (the shapes' prefixes)."""
        return term.n3(namespace_manager=self.g.namespace_manager)

    def check(self, shape) -> None:
        """Raise NaravardError if `shape` uses a SHACL feature this compiler does not run."""
        for p in set(self.g.predicates(shape, None)) - _SUPPORTED:
            raise NaravardError(
                f"ontology/shapes.ttl: {self.short(shape)} uses {self.short(p)}, "
                "which graph/shacl.py does not run; add it there"
            )

    def items(self, shape, p) -> list:
        """The members of the RDF lists that `shape` has as values of `p` (sh:or, sh:and)."""
        return [x for lst in self.g.objects(shape, p) for x in Collection(self.g, lst)]

    # ------------------------------------------------------------ targeted shapes: queries

    def run(self, data: ox.Store, shape) -> Iterator[Result]:
        """The results of the targeted node shape `shape` on `data`, its property shapes included."""
        self.check(shape)
        focus = " UNION ".join(self.target(p, o) for p in _TARGETS for o in self.g.objects(shape, p))
        severity = self.g.value(shape, SH.severity) or SH.Violation
        path = self.g.value(shape, SH.path)
        if path is not None:
            raise NaravardError(
                f"ontology/shapes.ttl: {self.short(shape)}: a targeted property shape; "
                "put it under a node shape with sh:property"
            )
        checks = self.value_violations(shape, "?this")
        checks += [(SH.hasValue, f"!sameTerm(?this, {self.sparql(v)})") for v in self.g.objects(shape, SH.hasValue)]
        for component, expr in checks:
            q = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER({expr}) }}"
            for row in data.query(q):
                yield Result(
                    row["this"], None, row["this"], self.message(shape, component, row["this"], None), severity
                )
        counted: list = []  # (property shape, path, component, bound) of every count constraint below the shape
        for prop in self.g.objects(shape, SH.property):
            yield from self.run_property(data, focus, prop, counted)
        yield from self.run_counts(data, focus, counted)

    def run_counts(self, data: ox.Store, focus: str, counted: list) -> Iterator[Result]:
        """The results of the sh:minCount / sh:maxCount constraints `counted` on the focus nodes matched by
        `focus`: one query counts the distinct values of every path they name, for every focus node (a
        query per constraint made the evidence nodes' shape alone eight scans of all of them)."""
        if not counted:
            return
        paths = sorted({path for _, path, _, _ in counted}, key=str)
        q = f"""SELECT ?this ?p (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus}
            OPTIONAL {{ VALUES ?p {{ {" ".join(self.sparql(x) for x in paths)} }} ?this ?p ?v }} }}
            GROUP BY ?this ?p"""
        counts: dict = {}
        for row in data.query(q):
            per_path = counts.setdefault(row["this"], {})
            if row["p"] is not None:
                per_path[row["p"].value] = int(row["n"].value)
        for prop, path, component, bound in counted:
            severity = self.g.value(prop, SH.severity) or SH.Violation
            key, least = str(path), component == SH.minCount
            for this, per_path in counts.items():
                n = per_path.get(key, 0)
                if n < bound if least else n > bound:
                    yield Result(this, path, None, self.message(prop, component, this, path), severity)

    def target(self, p, o) -> str:
        """The SPARQL group that binds ?this to the focus nodes of target predicate `p` with value `o`."""
        o = self.sparql(o)
        return {
            SH.targetClass: f"{{ ?this a/{self.sparql(RDFS.subClassOf)}* {o} }}",
            SH.targetSubjectsOf: f"{{ ?this {o} [] }}",
            SH.targetObjectsOf: f"{{ [] {o} ?this }}",
            SH.targetNode: f"{{ BIND({o} AS ?this) }}",
        }[p]

    def run_property(self, data: ox.Store, focus: str, prop, counted: list) -> Iterator[Result]:
        """The results of property shape `prop` on the focus nodes matched by `focus`, but for its count
        constraints, which are added to `counted` (`run_counts` runs them for all property shapes at once)."""
        self.check(prop)
        path = self.g.value(prop, SH.path)
        if not isinstance(path, rdflib.URIRef) or self.g.value(prop, SH.property) is not None:
            raise NaravardError(
                f"ontology/shapes.ttl: {self.short(prop)}: graph/shacl.py runs a predicate "
                "as sh:path and no sh:property under a property shape"
            )
        severity = self.g.value(prop, SH.severity) or SH.Violation
        p = self.sparql(path)
        queries = []  # (component, query, whether it returns value nodes)
        for component in (SH.minCount, SH.maxCount):
            counted += [(prop, path, component, int(n)) for n in self.g.objects(prop, component)]
        for v in self.g.objects(prop, SH.hasValue):
            queries.append(
                (
                    SH.hasValue,
                    f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} {self.sparql(v)} }} }}",
                    False,
                )
            )
        for component, expr in self.value_violations(prop, "?v"):
            q = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {p} ?v FILTER({expr}) }}"
            queries.append((component, q, True))
        for component, q, values in queries:
            for row in data.query(q):
                value = row["v"] if values else None
                yield Result(row["this"], path, value, self.message(prop, component, row["this"], path), severity)

    def message(self, shape, component, focus, path) -> str:
        """The shape's sh:message, else pySHACL's default text for the component."""
        given = sorted(str(m) for m in self.g.objects(shape, SH.message))
        if given:
            return given[0]
        rule = self.g.value(shape, component)
        if component in (SH.minCount, SH.maxCount):
            more = "Less" if component == SH.minCount else "More"
            focus = to_rdflib_term(focus).n3(namespace_manager=self.data_prefixes.namespace_manager)
            return f"{more} than {rule} values on {focus}->{self.short(path)}"
        templates = {
            SH["class"]: "Value does not have class {}",
            SH.datatype: "Value is not Literal with datatype {}",
            SH.nodeKind: "Value is not of Node Kind {}",
            SH.pattern: "Value does not match pattern '{}'",
        }
        if component in templates:
            return templates[component].format(str(rule) if component == SH.pattern else self.short(rule))
        raise NaravardError(f"ontology/shapes.ttl: {self.short(shape)} needs an sh:message for {self.short(component)}")

    # ------------------------------------------------------------ conditions

    def value_violations(self, shape, x: str) -> list[tuple[rdflib.URIRef, str]]:
        """(component, SPARQL expression true when value node `x` violates it) per per-value constraint."""
        out = []
        for component in sorted(_PER_VALUE, key=str):
            for rule in self.g.objects(shape, component):
                out.append((component, self.violation(component, rule, x, shape)))
        return out

    def violation(self, component, rule, x: str, shape) -> str:
        """A SPARQL expression true when value node `x` violates `component` with value `rule`."""
        if component == SH["class"]:
            return f"NOT EXISTS {{ {x} a/{self.sparql(RDFS.subClassOf)}* {self.sparql(rule)} }}"
        if component == SH.datatype:
            return f"!(isLiteral({x}) && datatype({x}) = {self.sparql(rule)})"
        if component == SH.nodeKind:
            return _NODE_KINDS[rule].format(x)
        if component == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            args = f"{self.sparql(rule)}{', ' + self.sparql(flags) if flags is not None else ''}"
            return f"(isBlank({x}) || !REGEX(STR({x}), {args}))"
        if component == SH.minLength:
            return f"(isBlank({x}) || STRLEN(STR({x})) < {int(rule)})"
        if component == SH.minInclusive:
            return f"!COALESCE({x} >= {self.sparql(rule)}, false)"
        if component == SH["or"]:
            return "!(" + " || ".join(f"({self.holds(s, x)})" for s in self.items(shape, SH["or"])) + ")"
        if component == SH["and"]:
            return "!(" + " && ".join(f"({self.holds(s, x)})" for s in self.items(shape, SH["and"])) + ")"
        if component == SH["not"]:
            return f"({self.holds(rule, x)})"
        return f"!({self.holds(rule, x)})"  # sh:node

    def holds(self, shape, x: str) -> str:
        """A SPARQL expression true when node `x` conforms to `shape`."""
        self.check(shape)
        path = self.g.value(shape, SH.path)
        if path is not None:
            return self.path_holds(shape, path, x)
        parts = [f"!({expr})" for _, expr in self.value_violations(shape, x)]
        parts += [f"sameTerm({x}, {self.sparql(v)})" for v in self.g.objects(shape, SH.hasValue)]
        parts += [self.holds(p, x) for p in self.g.objects(shape, SH.property)]
        return " && ".join(parts) or "true"

    def path_holds(self, shape, path, x: str) -> str:
        """A SPARQL expression true when the values of `x` on `path` conform to property shape `shape`."""
        p = self.sparql(path)
        parts = []
        for n in self.g.objects(shape, SH.minCount):
            parts.append(f"EXISTS {{ {self.distinct_values(x, p, int(n))} }}" if int(n) else "true")
        for n in self.g.objects(shape, SH.maxCount):
            parts.append(f"NOT EXISTS {{ {self.distinct_values(x, p, int(n) + 1)} }}")
        parts += [f"EXISTS {{ {x} {p} {self.sparql(v)} }}" for v in self.g.objects(shape, SH.hasValue)]
        for _, expr in self.value_violations(shape, (y := self.var())):
            parts.append(f"NOT EXISTS {{ {x} {p} {y} FILTER({expr}) }}")
        return " && ".join(parts) or "true"

    def distinct_values(self, x: str, p: str, n: int) -> str:
        """A pattern that matches when `x` has at least `n` distinct values of `p`."""
        ys = [self.var() for _ in range(n)]
        pattern = " . ".join(f"{x} {p} {y}" for y in ys)
        different = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(ys, 2)]
        return pattern + (f" FILTER({' && '.join(different)})" if different else "")
