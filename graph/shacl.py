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

import hashlib
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
from .memo import Memo, digest
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
    problems = {_problem(r, where, name) for r in shacl_results(data, shapes)}
    return sorted(problems, key=_order)


def _problem(r: Result, where, name) -> Problem:
    """The Problem of a validation result."""
    text = f"{name(r.path) + ': ' if r.path is not None else ''}{r.message}"
    if r.value is not None and r.value != r.focus:
        text += f" (value {name(r.value)})"
    return Problem(where(r.focus), name(r.focus), text, "error" if r.severity == SH.Violation else "warning")


def shacl_problems_by_file(
    files: dict[str, list[ox.Quad]],
    contents: dict[str, str | None],
    home: dict,
    shapes_file: Path,
    where,
    name,
    memo: Memo,
    code: str,
) -> list[Problem]:
    """`shacl_problems` of the graph of `files` (path relative to the project → its quads, in the order
    read), each file's problems kept in `memo` by everything they are computed from, so that after an
    edit the shapes run only for the foci of the files whose inputs changed. `contents` holds each file's
    SHA-256 as parsed (None: the file changed while it was read; its problems are not kept).

    A problem's file is its focus node's home (`home`: the first file that states the node as subject;
    `where` names it). The shapes read, for a focus node x, only: x's own triples (in any file), the
    rdf:type triples of x's values, the triples that make x a target (sh:targetObjectsOf) and the
    rdfs:subClassOf triples (`_hops` checks that no shape reads further; if one does, every file is
    checked every time). So a file F's problems depend on F's content, the triples of other files about
    nodes whose home is F, the types stated elsewhere of their values, which nodes have their home in F,
    the subclass triples, the shapes and the code: that is F's key. The foci of the files whose key is
    new are checked on a store of just what they read (the changed files, those triples, the subclass
    triples), and their results kept; the problems of nodes no file states as subject ("(graph)") are
    computed every time. A file whose problems name a blank node (their ids are new on every parse) is
    checked every time too.
    """
    shapes_bytes = shapes_file.read_bytes()
    shape_key = hashlib.sha256(repr((code, "shapes", digest(shapes_bytes))).encode()).hexdigest()[:32]
    graph_unit = "(graph)"

    def analyse() -> list:
        shapes = rdflib.Graph().parse(data=shapes_bytes, format="turtle")
        local = all(_hops(shapes, s) <= 1 for t in _TARGETS for s in shapes.subjects(t, None))
        return [local, sorted(str(o) for o in shapes.objects(None, SH.targetObjectsOf))]

    local, objects_of = memo.get(shape_key, analyse)
    everything = [q for quads in files.values() for q in quads]
    if not local:
        store = ox.Store()
        store.extend(everything)
        return shacl_problems(store, shapes_file, where, name)
    targeting = {ox.NamedNode(p) for p in objects_of}
    subclass = ox.NamedNode(str(RDFS.subClassOf))
    types: dict = {}  # node → [(file, class)] of its rdf:type triples
    rdf_type = ox.NamedNode(str(RDF.type))
    for rel, quads in files.items():
        for q in quads:
            if q.predicate == rdf_type:
                types.setdefault(q.subject, []).append((rel, q.object))
    reads: dict = {rel: [] for rel in files}  # unit → the quads from other files its foci read
    reads[graph_unit] = []
    material: dict = {rel: [] for rel in files}  # unit → those quads as text (blank nodes by file)
    material[graph_unit] = []
    schema = []
    typed: dict = {}  # unit → {(value, file, class)}
    for rel, quads in files.items():
        for q in quads:
            x, p, v = q.subject, q.predicate, q.object
            if p == subclass:
                schema.append(q)
            h = home[x]
            if h != rel:  # a triple about a node whose home is another file
                reads[h].append(q)
                material[h].append(f"{x} {p} {_in(v, rel)}")
            for of, c in types.get(v, ()):
                if of != h:  # the type of a value, stated in another file than the subject's home
                    typed.setdefault(h, set()).add((v, of, c))
            if p in targeting:
                hv = home.get(v, graph_unit)
                if hv != rel:
                    reads[hv].append(q)
                    material[hv].append(f"I {_in(x, rel)} {p} {v}")
    for h, found_types in typed.items():
        reads[h] += [ox.Quad(v, rdf_type, c) for v, _, c in found_types]
        material[h] += [f"T {_in(v, of)} {c}" for v, of, c in found_types]
    for node, h in home.items():
        if isinstance(node, ox.NamedNode):
            material[h].append(f"H {node}")
    base = (shape_key, sorted(f"{q.subject} {q.object}" for q in schema))
    keys = {}
    for rel in files:
        parts = (base, rel, contents[rel], sorted(material[rel]))
        keys[rel] = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    stale = [rel for rel in files if contents[rel] is None or keys[rel] not in memo]
    problems: list[Problem] = []
    for rel in files:
        if rel not in stale:
            problems += [Problem(*p) for p in memo.get(keys[rel], list)]
    checked = {*stale, graph_unit}
    store = ox.Store()
    if len(stale) == len(files):
        store.extend(everything)
    else:
        store.extend(q for rel in stale for q in files[rel])
        store.extend(q for unit in checked for q in reads[unit])
        store.extend(schema)
    found: dict = {unit: set() for unit in checked}
    clean = set(checked)  # units whose problems name no blank node
    shapes = rdflib.Graph().parse(data=shapes_bytes, format="turtle")
    for r in shacl_results(store, shapes):
        unit = where(r.focus)
        if unit not in checked:
            continue
        found[unit].add(_problem(r, where, name))
        if isinstance(r.focus, ox.BlankNode) or isinstance(r.value, ox.BlankNode):
            clean.discard(unit)
    for rel in stale:
        if rel in clean and contents[rel] is not None:
            memo.put(keys[rel], [[p.file, p.focus, p.message, p.severity] for p in sorted(found[rel], key=_order)])
    for unit in checked:
        problems += sorted(found[unit], key=_order)
    return problems


def _order(p: Problem) -> tuple:
    return (p.file, p.focus, p.message)


def _in(term, rel: str) -> str:
    """A term as text for a memo key: a blank node by the file it is in (its id is new on every parse)."""
    return f"_:{rel}" if isinstance(term, ox.BlankNode) else str(term)


def _hops(shapes: rdflib.Graph, shape) -> int:
    """How many sh:path steps away from the node it is applied to `shape` reads triples (the types of the
    node at the last step are read by sh:class there)."""
    nested = [x for p in (SH["or"], SH["and"]) for lst in shapes.objects(shape, p) for x in Collection(shapes, lst)]
    nested += [*shapes.objects(shape, SH["not"]), *shapes.objects(shape, SH.node)]
    below = [_hops(shapes, x) for x in nested]
    if shapes.value(shape, SH.path) is not None:
        return 1 + max(below, default=0)  # the nested shapes apply to the values
    return max(below + [_hops(shapes, x) for x in shapes.objects(shape, SH.property)], default=0)


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
