"""Materialise the derivation rules (`queries/derive/*.rq`) into the store at build time.

Each rule is a SPARQL CONSTRUCT with a comment header (title, derives, why). The rules run in
file-name order, each over the store including what earlier rules derived, and each rule is
repeated until it adds nothing (its fixpoint) before the next one starts (a rule that does not read
what it writes gets there in one round): so a unit several
`nv:partOf` steps below a region, or a forum part of a joint structure whose principals come
from its members, gets its principal (10-principal.rq), and the side (20-side.rq, which reads
the complete set of principals) is computed once they are all known.

Where the derived triples go: into the **default graph**, so every library query, rule,
page and ad-hoc query sees them with no change, and **also** into the named graph
`https://w3id.org/naravard/graph/derived` (`DERIVED_GRAPH`), so that exports and queries can
tell them apart: `GRAPH <…/derived> { ?s ?p ?o }` lists them, and a curated-only view is the
default graph `MINUS` that graph (`curated_quads()`; the TriG/N-Quads exports carry the named
graph). A triple the data already states is not copied into the derived graph, so a stated
`nv:principal` stays "stated".

How a round runs: the rule's CONSTRUCT is rewritten as a SPARQL UPDATE (`as_insert`) that inserts
its triples into a staging graph (`STAGING_GRAPH`); a second UPDATE copies those the default graph
lacks into the default and the derived graph, and the staging graph is dropped. The triples never
pass through Python (at 10^6 triples, 50-first-evidence's 418,080 results took 9–10 s to be turned
into quads, checked and inserted one by one). A rule text not of the form `CONSTRUCT { … } WHERE`
runs as a query with its results added from Python (`derive(..., by_update=False)` does that for
every rule; tests/test_derive.py checks both give the same store).

>>> import pyoxigraph as ox
>>> s = ox.Store()
>>> s.load(b'''@prefix nv: <https://w3id.org/naravard/def#> . @prefix nvr: <https://w3id.org/naravard/id/> .
... nvr:a nv:collaboratesWith nvr:b .''', format=ox.RdfFormat.TURTLE)
>>> counts = derive(s, rules=[rule for rule in rules() if rule.name == "30-symmetric"])
>>> counts["30-symmetric"]
1
>>> ox.Quad(ox.NamedNode(NVR_ + "b"), ox.NamedNode(NV_ + "collaboratesWith"), ox.NamedNode(NVR_ + "a"), DERIVED) in s
True
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from .project import Project

DERIVED_GRAPH = "https://w3id.org/naravard/graph/derived"
DERIVED = ox.NamedNode(DERIVED_GRAPH)
NV_ = "https://w3id.org/naravard/def#"
NVR_ = "https://w3id.org/naravard/id/"
STAGING_GRAPH = "https://w3id.org/naravard/graph/derive-staging"
MAX_ROUNDS = 20
#: A rule's template: CONSTRUCT at the start of a line, then the template up to its closing brace
#: (a CONSTRUCT template holds triple patterns only, no nested braces).
_TEMPLATE = re.compile(r"(?m)^(\s*CONSTRUCT\s*\{)([^{}]*)(\})")


class Rule(NamedTuple):
    """One derivation rule: its file, name (file stem), header fields and SPARQL text."""

    name: str
    path: Path
    text: str
    title: str
    derives: str


def rules_dir(project: Project | None = None) -> Path:
    """The folder of the derivation rules: queries/derive/ of `project` (default: Project.default())."""
    return (project or Project.default()).queries_dir / "derive"


def rule_files(project: Project | None = None) -> list[Path]:
    """The rule files in the order they run (by name)."""
    folder = rules_dir(project)
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


def _header(text: str, key: str) -> str:
    """A header field, continued on the following indented comment lines."""
    out, on = [], False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*(\w+):\s*(.*)", line)
        if m:
            on = m.group(1) == key
            if on:
                out.append(m.group(2).strip())
        elif on:
            out.append(line.lstrip("#").strip())
    return " ".join(out)


def rules(project: Project | None = None) -> list[Rule]:
    """The project's derivation rules, in run order."""
    out = []
    for path in rule_files(project):
        text = path.read_text(encoding="utf-8")
        out.append(Rule(path.stem, path, text, _header(text, "title"), _header(text, "derives")))
    return out


def feeds_itself(text: str) -> bool:
    """Whether a rule's WHERE clause reads a term (property, class, IRI) its CONSTRUCT template writes:
    only then can a second round add anything, so only then is the rule repeated to its fixpoint.
    (Every rule names the predicates it writes; one writing through a variable predicate would be
    run once.)

    >>> feeds_itself("CONSTRUCT { ?b nv:collaboratesWith ?a } WHERE { ?a nv:collaboratesWith ?b . }")
    True
    >>> feeds_itself("CONSTRUCT { ?x nv:evidenceCount ?n } WHERE { ?x nv:evidence ?ev }  # nv:evidenceCount")
    False
    """
    body = re.sub(r"(?m)(^|\s)#.*$", "", text)
    template, _, where = body.partition("CONSTRUCT")[2].partition("WHERE")
    terms = re.compile(r"<[^>\s]+>|[A-Za-z][\w-]*:[\w-]+")
    return bool(set(terms.findall(template)) & set(terms.findall(where)))


def as_insert(text: str) -> str | None:
    """The rule `text` as a SPARQL UPDATE inserting its CONSTRUCT template into the staging graph
    (None if the text is not of the form `CONSTRUCT { template } WHERE …`).

    >>> print(as_insert("# c\\nCONSTRUCT { ?b nv:x ?a } WHERE { ?a nv:x ?b }"))
    # c
    INSERT { GRAPH <https://w3id.org/naravard/graph/derive-staging> { ?b nv:x ?a } } WHERE { ?a nv:x ?b }
    """
    m = _TEMPLATE.search(text)
    if not m or not re.match(r"\s*WHERE\b", text[m.end() :]):
        return None
    start = m.group(1).replace("CONSTRUCT", "INSERT", 1)
    return f"{text[: m.start()]}{start} GRAPH <{STAGING_GRAPH}> {{{m.group(2)}}} }}{text[m.end() :]}"


_COUNT_NEW = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{STAGING_GRAPH}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}"
)
_COPY_NEW = (
    f"INSERT {{ ?s ?p ?o . GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }} "
    f"WHERE {{ GRAPH <{STAGING_GRAPH}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} }} ; "
    f"DROP SILENT GRAPH <{STAGING_GRAPH}>"
)


def _round_by_update(store: ox.Store, insert: str) -> int:
    """One round of a rule as SPARQL UPDATE (see the module's text); the number of triples added."""
    store.update(f"DROP SILENT GRAPH <{STAGING_GRAPH}>")
    store.update(insert)
    new = int(next(iter(store.query(_COUNT_NEW)))["n"].value)
    if new:
        store.update(_COPY_NEW)
    else:
        store.update(f"DROP SILENT GRAPH <{STAGING_GRAPH}>")
    return new


def _round_by_query(store: ox.Store, text: str) -> int:
    """One round of a rule as a query whose new triples are added from Python; the number added."""
    default = ox.DefaultGraph()
    new = []
    for t in store.query(text):
        q = ox.Quad(t.subject, t.predicate, t.object, default)
        if q not in store:
            new.append(q)
            new.append(ox.Quad(t.subject, t.predicate, t.object, DERIVED))
    store.extend(new)
    return len(new) // 2


def derive(
    store: ox.Store, project: Project | None = None, rules: list[Rule] | None = None, by_update: bool = True
) -> dict[str, int]:
    """Run the rules to a fixpoint, adding new triples to the default and the derived graph (a rule
    that does not read what it writes, `feeds_itself`, reaches it in one round). `by_update=False`
    runs every rule as a query with its results added from Python (the way before SPARQL UPDATE).

    Returns the number of triples each rule added (rule name → count).
    """
    from .errors import NaravardError
    from .queries import full_text

    todo = rules if rules is not None else globals()["rules"](project)
    counts = {rule.name: 0 for rule in todo}
    for rule in todo:
        insert = as_insert(rule.text) if by_update else None
        for _ in range(MAX_ROUNDS):
            try:
                if insert is not None:
                    added = _round_by_update(store, full_text(insert))
                else:
                    added = _round_by_query(store, full_text(rule.text))
            except SyntaxError as err:
                raise NaravardError(f"{rule.path}: {err}") from None
            if not added:
                break
            counts[rule.name] += added
            if not feeds_itself(rule.text):
                break
        else:
            raise NaravardError(f"{rule.path}: no fixpoint after {MAX_ROUNDS} rounds")
    return counts


def derived_quads(store: ox.Store):
    """The derived triples (as quads in the derived graph)."""
    return store.quads_for_pattern(None, None, None, DERIVED)


def curated_quads(store: ox.Store):
    """The default graph without the triples computed at build time (those also in a named graph:
    the derived triples here, the network figures of graph/metrics.py): what the data files state."""
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if not any(
            not isinstance(c.graph_name, ox.DefaultGraph)
            for c in store.quads_for_pattern(q.subject, q.predicate, q.object, None)
        ):
            yield q
