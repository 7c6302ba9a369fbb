"""One layout for every data file: `naravard format` rewrites a Turtle file deterministically.

The output holds the same graph as the input (checked before anything is written), and
formatting twice gives the same bytes. Layout, top to bottom:

1. the file's `@prefix` lines (nv, nvr, rdf, rdfs, skos, dcterms, xsd first, then the others);
2. the header: the file's first comment block (consecutive `#` lines), kept verbatim;
3. one block per entity typed in the file, ordered by class (the order the ontology declares its
   classes) and then by IRI. A block has the entity's attributes, one predicate per line in a
   fixed order (rdf:type, rdfs:label, skos:altLabel, rdfs:comment, nv:inRegion, the other
   attributes in the ontology's order, nv:evidence last, its blank nodes inline and sorted by
   source and line), then the relations whose subject it is, sorted by predicate and object, each
   triple followed by its `[] rdf:subject …` evidence statements (sorted by source and line);
4. triples about subjects not typed in the file (a region's relations, more evidence for a
   national actor), grouped by subject in IRI order, in the same form;
5. evidence statements whose triple the file does not state, then any other blank nodes.

**Comments other than the header are lost**; a note that must survive belongs in `rdfs:comment`.
Long literals stay on one line (a line break inside a literal is written `\\n`).

>>> text = '''@prefix nv: <https://w3id.org/naravard/def#> .
... @prefix nvr: <https://w3id.org/naravard/id/> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... # Header.
... nvr:b a nv:Board ; rdfs:label "B"@sv .
... nvr:a a nv:Region .'''
>>> print(format_text(text), end="")
@prefix nv: <https://w3id.org/naravard/def#> .
@prefix nvr: <https://w3id.org/naravard/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<BLANKLINE>
# Header.
<BLANKLINE>
nvr:a a nv:Region .
<BLANKLINE>
nvr:b a nv:Board ;
    rdfs:label "B"@sv .
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.compare import isomorphic

from .errors import NaravardError
from .namespaces import NV
from .project import Project

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
INDENT = "    "
PREFIX_ORDER = ["nv", "nvr", "rdf", "rdfs", "skos", "dcterms", "xsd"]
FIRST_ATTRIBUTES = [RDF.type, RDFS.label, SKOS.altLabel, RDFS.comment, NV.inRegion]
EVIDENCE_ORDER = [NV.source, NV.line, NV.quote]
STATEMENT_HEAD = [RDF.subject, RDF.predicate, RDF.object]
_PREFIX_LINE = re.compile(
    r"^\s*@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.\s*$|^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*$", re.I
)
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_BARE = {
    str(XSD.integer): re.compile(r"^[+-]?\d+$"),
    str(XSD.boolean): re.compile(r"^(true|false)$"),
    str(XSD.decimal): re.compile(r"^[+-]?\d*\.\d+$"),
}


@lru_cache(maxsize=4)
def _ontology_order(ontology_file: Path) -> tuple[dict, dict, set]:
    """Class order and property order (as declared in the ontology's text) and the relations."""
    text = ontology_file.read_text(encoding="utf-8")
    classes = {NV[m]: i for i, m in enumerate(re.findall(r"(?m)^nv:([\w-]+) a owl:Class\b", text))}
    props = {NV[m]: i for i, m in enumerate(re.findall(r"(?m)^nv:([\w-]+) a owl:\w*Property\b", text))}
    g = rdflib.Graph().parse(ontology_file, format="turtle")
    relations = set(g.transitive_subjects(RDFS.subPropertyOf, NV.relation))
    return classes, props, relations


class _Writer:
    def __init__(self, g: rdflib.Graph, prefixes: list[tuple[str, str]], ontology_file: Path):
        self.g = g
        self.prefixes = sorted(((p, ns) for p, ns in prefixes), key=lambda x: -len(x[1]))
        self.class_order, self.prop_order, self.relations = _ontology_order(ontology_file)
        self.referenced: dict[BNode, int] = defaultdict(int)
        for _, _, o in g:
            if isinstance(o, BNode):
                self.referenced[o] += 1
        self.done: set[tuple] = set()

    # ------------------------------------------------------------------ terms

    def iri(self, term: URIRef, predicate: bool = False) -> str:
        """`term` as a prefixed name where the local part allows it, else <IRI>; `a` for rdf:type as predicate."""
        if predicate and term == RDF.type:
            return "a"
        s = str(term)
        for prefix, ns in self.prefixes:
            local = s[len(ns) :]
            if s.startswith(ns) and (not local or _LOCAL.match(local)):
                return f"{prefix}:{local}"
        return f"<{s}>"

    @staticmethod
    def _escape(s: str) -> str:
        return (
            s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        )

    def literal(self, lit: Literal) -> str:
        """`lit` in Turtle: bare where its datatype allows (numbers, booleans), else quoted."""
        lex = str(lit)
        if lit.language:
            return f'"{self._escape(lex)}"@{lit.language}'
        dt = lit.datatype
        if dt is None or dt == XSD.string:
            return f'"{self._escape(lex)}"'
        bare = _BARE.get(str(dt))
        if bare and bare.match(lex):
            return lex
        return f'"{self._escape(lex)}"^^{self.iri(dt)}'

    def term(self, t, depth: int = 0) -> str:
        """Any term in Turtle; a blank node used once is written inline, one used more often is an error."""
        if isinstance(t, URIRef):
            return self.iri(t)
        if isinstance(t, Literal):
            return self.literal(t)
        if isinstance(t, BNode):
            if self.referenced[t] == 1:
                return self.inline(t, depth)
            raise NaravardError(f"blank node {t} is used {self.referenced[t]} times; give it an IRI to format the file")
        raise TypeError(t)

    def inline(self, node: BNode, depth: int = 0) -> str:
        """The blank node `node` as `[ p o ; … ]`, its triples marked done."""
        parts = [f"{self.iri(p, True)} {self.objects(node, p, depth + 1)}" for p in self.ordered(node, EVIDENCE_ORDER)]
        for p in self.ordered(node, EVIDENCE_ORDER):
            for o in self.g.objects(node, p):
                self.done.add((node, p, o))
        return "[ " + " ; ".join(parts) + " ]"

    def objects(self, s, p, depth: int = 0) -> str:
        """The objects of (`s`, `p`), sorted by content, joined with commas."""
        objs = sorted(self.g.objects(s, p), key=self.sort_key)
        return " , ".join(self.term(o, depth) for o in objs)

    # ------------------------------------------------------------------ ordering

    def ordered(self, s, first: list) -> list:
        """Predicates of `s`: `first` in that order, then the ontology's order, then by name."""
        preds = set(self.g.predicates(s, None))
        head = [p for p in first if p in preds]
        rest = sorted(
            preds - set(head), key=lambda p: (p not in self.prop_order, self.prop_order.get(p, 0), self.iri(p))
        )
        return head + rest

    def sort_key(self, t) -> tuple:
        """A content-based sort key (blank nodes by their source, line and text)."""
        if isinstance(t, BNode):
            src = self.g.value(t, NV.source)
            line = self.g.value(t, NV.line)
            try:
                n = int(line) if line is not None else -1
            except ValueError:
                n = -1
            return (2, str(src or ""), n, str(self.g.value(t, NV.quote) or ""), self._bnode_text(t))
        if isinstance(t, Literal):
            return (1, str(t), str(t.language or ""), str(t.datatype or ""))
        return (0, str(t))

    def _bnode_text(self, node: BNode) -> str:
        return " ".join(sorted(f"{p} {o}" for p, o in self.g.predicate_objects(node) if not isinstance(o, BNode)))

    def entity_key(self, s) -> tuple:
        """The sort key of a subject: its class's place in the ontology, then its IRI."""
        ranks = [self.class_order.get(c, len(self.class_order)) for c in self.g.objects(s, RDF.type)]
        return (min(ranks) if ranks else len(self.class_order) + 1, str(s))

    # ------------------------------------------------------------------ blocks

    def attributes(self, s, preds: list) -> str:
        """`s p o ; …` for the attribute predicates `preds`, nv:evidence last, one per line."""
        preds = [p for p in preds if p != NV.evidence] + ([NV.evidence] if NV.evidence in preds else [])
        lines = []
        for p in preds:
            objs = [
                o
                for o in sorted(self.g.objects(s, p), key=self.sort_key)
                if (s, p, o) not in self.done and not self.is_relation(s, p, o)
            ]
            if not objs:
                continue
            for o in objs:
                self.done.add((s, p, o))
            if p == NV.evidence:
                sep = " ,\n" + INDENT * 2
                lines.append(f"{self.iri(p, True)} " + sep.join(self.term(o, 1) for o in objs))
            else:
                lines.append(f"{self.iri(p, True)} " + " , ".join(self.term(o, 1) for o in objs))
        if not lines:
            return ""
        return self.term(s) + " " + (" ;\n" + INDENT).join(lines) + " .\n"

    def is_relation(self, s, p, o) -> bool:
        """Written as a triple with its statements: nv:relation sub-properties and evidenced triples."""
        return p in self.relations or (s, p, o) in self.evidenced

    @property
    def evidenced(self) -> dict:
        """Evidence statements (blank nodes) by the (subject, predicate, object) they are about."""
        if not hasattr(self, "_evidenced"):
            ev = defaultdict(list)
            for st in self.g.subjects(RDF.subject, None):
                if isinstance(st, BNode):
                    key = (self.g.value(st, RDF.subject), self.g.value(st, RDF.predicate), self.g.value(st, RDF.object))
                    ev[key].append(st)
            self._evidenced = ev
        return self._evidenced

    def statement(self, st: BNode) -> str:
        """The evidence statement `st` as a `[] rdf:subject … nv:quote … .` block, its triples marked done."""
        g = self.g
        head = " ; ".join(f"{self.iri(p)} {self.objects(st, p)}" for p in STATEMENT_HEAD if (st, p, None) in g)
        src = " ; ".join(f"{self.iri(p)} {self.objects(st, p)}" for p in (NV.source, NV.line) if (st, p, None) in g)
        other = [p for p in self.ordered(st, []) if p not in (*STATEMENT_HEAD, NV.source, NV.line, NV.quote)]
        qual = " ; ".join(f"{self.iri(p)} {self.objects(st, p)}" for p in other)
        quote = f"{self.iri(NV.quote)} {self.objects(st, NV.quote)}" if (st, NV.quote, None) in g else ""
        lines = [line for line in (head, src, qual, quote) if line]
        for p, o in g.predicate_objects(st):
            self.done.add((st, p, o))
        return "[] " + (" ;\n   ").join(lines) + " .\n"

    def relations_of(self, s) -> list[str]:
        """The relation triples of `s` not yet written, each followed by its evidence statements."""
        out = []
        triples = sorted(
            (
                (p, o)
                for p, o in self.g.predicate_objects(s)
                if (s, p, o) not in self.done and self.is_relation(s, p, o)
            ),
            key=lambda po: (self.iri(po[0]), self.sort_key(po[1])),
        )
        for p, o in triples:
            self.done.add((s, p, o))
            chunk = f"{self.term(s)} {self.iri(p, True)} {self.term(o, 1)} .\n"
            for st in sorted(self.evidenced.get((s, p, o), []), key=self.sort_key):
                chunk += self.statement(st)
            out.append(chunk)
        return out

    def write(self) -> list[str]:
        """The chunks of the formatted file: each typed subject's attributes and relations, then the rest."""
        g = self.g
        typed = {s for s in g.subjects(RDF.type, None) if not isinstance(s, BNode)}
        chunks: list[str] = []
        for s in sorted(typed, key=self.entity_key):
            block = self.attributes(s, self.ordered(s, FIRST_ATTRIBUTES))
            chunks.append(block)
            chunks.extend(self.relations_of(s))
        others = sorted({s for s in g.subjects() if not isinstance(s, BNode) and s not in typed}, key=str)
        for s in others:
            block = self.attributes(s, self.ordered(s, FIRST_ATTRIBUTES))
            if block:
                chunks.append(block)
            chunks.extend(self.relations_of(s))
        for st in sorted(
            (
                st
                for st in g.subjects(RDF.subject, None)
                if isinstance(st, BNode)
                and not self.referenced[st]
                and any((st, p, o) not in self.done for p, o in g.predicate_objects(st))
            ),
            key=self.sort_key,
        ):
            chunks.append(self.statement(st))
        rest = sorted(
            {
                s
                for s in g.subjects()
                if isinstance(s, BNode)
                and not self.referenced[s]
                and any((s, p, o) not in self.done for p, o in g.predicate_objects(s))
            },
            key=self.sort_key,
        )
        for s in rest:
            chunks.append(
                "[] "
                + " ;\n    ".join(f"{self.iri(p, True)} {self.objects(s, p, 1)}" for p in self.ordered(s, []))
                + " .\n"
            )
            for p, o in g.predicate_objects(s):
                self.done.add((s, p, o))
        return [c for c in chunks if c]


def split_header(text: str) -> tuple[list[tuple[str | None, str]], list[str]]:
    """The prefixes declared in `text` and its leading comment block (lines, verbatim)."""
    prefixes: list[tuple[str | None, str]] = []
    header: list[str] = []
    for line in text.splitlines():
        m = _PREFIX_LINE.match(line)
        if m:
            prefixes.append(
                (
                    m.group(1) if m.group(2) is not None else m.group(3),
                    m.group(2) if m.group(2) is not None else m.group(4),
                )
            )
            continue
        if line.lstrip().startswith("#"):
            header.append(line.rstrip())
            continue
        if not line.strip() and not header:
            continue
        break  # a blank line after the first comment block, or the first statement, ends it
    while header and header[-1] == "":
        header.pop()
    for line in text.splitlines():  # prefixes declared later in the file
        m = _PREFIX_LINE.match(line)
        if m:
            pair = (
                m.group(1) if m.group(2) is not None else m.group(3),
                m.group(2) if m.group(2) is not None else m.group(4),
            )
            if pair not in prefixes:
                prefixes.append(pair)
    return prefixes, header


def format_text(text: str, ontology_file: Path | None = None) -> str:
    """`text` (Turtle) in the one layout; raises NaravardError if it cannot be kept isomorphic."""
    ontology_file = ontology_file or Project.default().ontology_file
    g = parse_turtle(text)
    prefixes, header = split_header(text)
    seen: dict[str | None, str] = {}
    for p, ns in prefixes:
        seen.setdefault(p or "", ns)
    order = sorted(
        seen.items(),
        key=lambda kv: (kv[0] not in PREFIX_ORDER, PREFIX_ORDER.index(kv[0]) if kv[0] in PREFIX_ORDER else 0, kv[0]),
    )
    writer = _Writer(g, order, ontology_file)
    chunks = writer.write()
    missing = [t for t in g if t not in writer.done]
    if missing:
        raise NaravardError(f"{len(missing)} triple(s) would be lost, e.g. {missing[0]}")
    out = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in order)
    if header:
        out += "\n" + "\n".join(header) + "\n"
    out += "".join("\n" + c for c in chunks)
    if not same_graph(g, parse_turtle(out)):
        raise NaravardError("formatting would change the graph (a bug in graph/turtle_format.py); file left as it is")
    return out


def parse_turtle(text: str) -> rdflib.Graph:
    """An rdflib graph of Turtle `text` (parsed by Oxigraph: several times faster than rdflib)."""
    import pyoxigraph as ox

    from .rdflib_copy import to_rdflib

    try:
        return to_rdflib(q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError as err:
        raise NaravardError(f"does not parse: {err}") from None


def _signatures(g: rdflib.Graph) -> dict | None:
    """A content signature per blank node, or None if some blank node is shared or in a cycle."""
    refs: dict = defaultdict(int)
    for _, _, o in g:
        if isinstance(o, BNode):
            refs[o] += 1
    if any(n > 1 for n in refs.values()):
        return None
    sigs: dict = {}

    def sig(node, stack=()):
        if node in sigs:
            return sigs[node]
        if node in stack:
            raise ValueError("cycle")
        parts = sorted(
            f"{p.n3()} {sig(o, (*stack, node)) if isinstance(o, BNode) else o.n3()}"
            for p, o in g.predicate_objects(node)
        )
        sigs[node] = "[" + " ; ".join(parts) + "]"
        return sigs[node]

    try:
        for node in {t for t in g.all_nodes() if isinstance(t, BNode)}:
            sig(node)
    except ValueError:
        return None
    return sigs


def same_graph(a: rdflib.Graph, b: rdflib.Graph) -> bool:
    """Whether `a` and `b` are isomorphic. Blank nodes that are trees (each used at most once, as
    the data files' evidence is) are compared by content, in linear time; otherwise rdflib's
    general (much slower) algorithm decides."""
    from collections import Counter

    if len(a) != len(b):
        return False
    sa, sb = _signatures(a), _signatures(b)
    if sa is None or sb is None:
        return isomorphic(a, b)

    def canon(g, s):
        return Counter(
            (
                s.get(x, x.n3()) if isinstance(x, BNode) else x.n3(),
                p.n3(),
                s.get(o, o.n3()) if isinstance(o, BNode) else o.n3(),
            )
            for x, p, o in g
        )

    return canon(a, sa) == canon(b, sb)


def default_files(project: Project) -> list[Path]:
    """The curated data files (not the generated data/reference/)."""
    ref = project.data_dir / "reference"
    return [p for p in project.data_files() if ref not in p.parents]


def format_files(files: list[Path], project: Project, check: bool = False) -> list[Path]:
    """Format `files` in place (or only compare, with `check`); returns the files that change."""
    from .atomic import write_atomic

    changed = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            new = format_text(text, project.ontology_file)
        except NaravardError as err:
            raise NaravardError(f"{project.relative(path)}: {err}") from None
        if new != text:
            changed.append(path)
            if not check:
                write_atomic(path, new)
    return changed
