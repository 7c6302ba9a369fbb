"""graph/lint.py: each old form in tests/fixtures/lint/ is reported with its file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.lint import MIN_RELATION_QUOTE_WORDS, Locator, lint
from graph.parse import parse_file
from graph.project import REPO_ROOT, Project
from graph.rdflib_copy import to_rdflib
from graph.triples import Triples

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
PROJECT = Project(REPO_ROOT)


def run(name: str):
    path = FIXTURES / name
    files = [PROJECT.ontology_file, PROJECT.sources_dir / "sources.ttl", path]
    g = Triples(t for f in files for t in parse_file(f))
    problems = lint(g, PROJECT, Locator(PROJECT, files=[path]))
    return problems, PROJECT.relative(path), path.read_text(encoding="utf-8").splitlines()


def line_of(lines: list[str], needle: str, nth: int = 0) -> int:
    return [i for i, line in enumerate(lines, 1) if needle in line][nth]


def test_disjoint_relations_are_an_error_with_file_and_line():
    problems, rel, lines = run("disjoint.ttl")
    [p] = problems
    assert p.severity == "error" and "owl:propertyDisjointWith" in str(p)
    assert p.file == rel and str(p).startswith(f"{rel}:{line_of(lines, 'rdf:predicate nv:partOf')}: ")


def test_disjoint_pairs_come_from_the_ontology():
    from graph.lint import disjoint_pairs
    from graph.triples import iri

    g = Triples(parse_file(PROJECT.ontology_file))
    pairs = disjoint_pairs(g)
    part_of, member_of, component_of, based_on, leads = (
        iri("nv", x) for x in ("partOf", "memberOf", "componentOf", "basedOn", "leads")
    )
    assert frozenset((part_of, member_of)) in pairs and frozenset((component_of, based_on)) in pairs
    assert frozenset((part_of, leads)) not in pairs


@pytest.mark.parametrize(
    "fixture,severity,message,at",
    [
        ("multiple.ttl", "warning", "nv:leads, nv:postIn", "rdf:predicate nv:postIn"),
        ("collaborates-both.ttl", "error", "both directions", "rdf:subject nvr:x--b"),
        (
            "collaborates-order.ttl",
            "error",
            "write nvr:x--alfa nv:collaboratesWith nvr:x--zeta",
            "rdf:subject nvr:x--zeta",
        ),
        ("short-quote.ttl", "error", f"fewer than {MIN_RELATION_QUOTE_WORDS}", "nv:quote"),
    ],
)
def test_old_form_is_reported_at_its_line(fixture, severity, message, at):
    problems, rel, lines = run(fixture)
    [p] = problems
    assert p.severity == severity and message in str(p)
    assert str(p).startswith(f"{rel}:{line_of(lines, at)}: ")


def test_heading_quotes():
    problems, rel, lines = run("heading-quote.ttl")
    by_focus = {p.focus: p for p in problems if "is a heading" in p.message}
    rec = by_focus["nvr:x--atgard-1 nv:respondsTo nvr:x--rekommendation-1"]
    assert str(rec).startswith(f"{rel}:{line_of(lines, 'nv:quote', 0)}: ")  # "Rekommendation N"
    line = by_focus["nvr:x--utvecklingsomrade nv:componentOf nvr:x--strategi"]
    assert str(line).startswith(f"{rel}:{line_of(lines, 'nv:quote', 1)}: ")  # a whole short source line
    assert all(p.severity == "error" for p in problems)


def test_layout_basis_quote_must_not_be_the_heading():
    problems, rel, lines = run("layout-heading.ttl")
    [p] = [p for p in problems if "not the heading" in p.message]
    assert p.focus.startswith("nvr:x--atgard-2") and "basis-layout" in str(p)
    assert str(p).startswith(f"{rel}:{line_of(lines, 'nv:quote', 0)}: ")
    assert not [p for p in problems if p.focus.startswith("nvr:x--atgard-3")]


def test_validate_reports_lint_with_file_and_line(fixture_project):
    from graph.validate import validate

    target = fixture_project.data_dir / "regions" / "disjoint.ttl"
    target.write_text((FIXTURES / "disjoint.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    report = validate(fixture_project, shacl=False)
    hits = [p for p in report.errors if "propertyDisjointWith" in p.message]
    assert hits and re.search(r"^data/regions/disjoint\.ttl:\d+: ", str(hits[0]))


@pytest.mark.parametrize(
    "quote,expected",
    [
        ("Rekommendation 3", True),
        ("Exempel på gemensamma satsningar i samverkan", True),
        ("3.2 Samverkan med kommunerna", True),
        ("4 divisionschefer från regionen", False),
        ("Regionen och kommunerna har en gemensam styrgrupp.", False),
    ],
)
def test_heading_patterns(quote, expected):
    from graph.lint import looks_like_heading

    assert looks_like_heading(quote) is expected


def _locator_questions(g):
    """What lint asks a Locator about a graph: every relation triple's statement(s), the quote of
    each statement in each of its blocks, and every subject."""
    from rdflib import RDF, RDFS, URIRef

    from graph.evidence import normalise
    from graph.namespaces import NV

    relations = set(g.transitive_subjects(RDFS.subPropertyOf, NV.relation))
    triples = sorted((s, p, o) for p in relations for s, o in g.subject_objects(p))
    quotes = []
    for st in sorted(set(g.subjects(RDF.subject, None))):
        q = g.value(st, NV.quote)
        if q is not None:
            quotes.append(
                (normalise(str(q)), g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
            )
    return triples, quotes, sorted(s for s in set(g.subjects()) if isinstance(s, URIRef))


def _compare_locators(project, files, g, every: int = 1):
    from bench.baseline.lint_locator import Locator as Searching

    new, old = Locator(project, files=files), Searching(project, files=files)
    triples, quotes, subjects = _locator_questions(g)
    for t in triples[::every]:
        assert new.statement(*t) == old.statement(*t), t
        assert new.statements(*t) == old.statements(*t), t
    for q, *t in quotes[::every]:
        for block in old.statements(*t) or [old.statement(*t)]:
            assert new.quote(block, q) == old.quote(block, q), (block, q)
            assert new.quote(block, q + " x") == old.quote(block, q + " x"), (block, q)
    for s in subjects[::every]:
        assert new.subject(s) == old.subject(s), s
    return len(triples[::every]), len(quotes[::every]), len(subjects[::every])


def test_indexed_locator_finds_what_a_whole_file_search_finds_in_the_fixture():
    from graph.namespaces import NV, NVR

    path = FIXTURES / "locate.ttl"
    g = to_rdflib(t for f in (PROJECT.ontology_file, path) for t in parse_file(f))
    counts = _compare_locators(PROJECT, [path], g)
    assert counts[0] >= 8 and counts[1] >= 4
    lines = path.read_text(encoding="utf-8").splitlines()
    loc = Locator(PROJECT, files=[path])
    rel = PROJECT.relative(path)
    # the two blocks of one triple, each quote after its own block; the first block is the statement
    blocks = loc.statements(NVR["y--a"], NV.partOf, NVR["y--c"])
    assert [b[1] for b in blocks] == [
        line_of(lines, "rdf:object nvr:y--c", 0),
        line_of(lines, "rdf:object nvr:y--c", 1),
    ]
    assert loc.quote(blocks[1], "A är också en del av C enligt en annan källa.") == (rel, line_of(lines, '"""A'))
    # an object list continued on the next line; a name with a dot is not its prefix
    assert loc.statement(NVR["y--a"], NV.partOf, NVR["y--d"])[0] == rel
    assert loc.statement(NVR["y--a.b"], NV.leads, NVR["y--b"]) == (rel, line_of(lines, "nvr:y--a.b nv:leads"))
    # a subject only ever stated as an object: its first mention
    assert loc.subject(NVR["y--h"]) == (rel, line_of(lines, "nvr:y--h nv:leads"))


def test_indexed_locator_finds_what_a_whole_file_search_finds_in_the_real_data():
    files = PROJECT.data_files()
    g = to_rdflib(t for f in PROJECT.input_files() for t in parse_file(f))
    triples, quotes, subjects = _compare_locators(PROJECT, files, g, every=10)
    assert triples > 100 and quotes > 100 and subjects > 100
