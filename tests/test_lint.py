"""graph/lint.py: each old form in tests/fixtures/lint/ is reported with its file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.lint import MIN_RELATION_QUOTE_WORDS, Locator, lint
from graph.parse import parse_file
from graph.project import REPO_ROOT, Project
from graph.rdflib_copy import to_rdflib

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
PROJECT = Project(REPO_ROOT)


def run(name: str):
    path = FIXTURES / name
    files = [PROJECT.ontology_file, PROJECT.sources_dir / "sources.ttl", path]
    g = to_rdflib(t for f in files for t in parse_file(f))
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
    from graph.namespaces import NV

    g = to_rdflib(parse_file(PROJECT.ontology_file))
    pairs = disjoint_pairs(g)
    assert frozenset((NV.partOf, NV.memberOf)) in pairs and frozenset((NV.componentOf, NV.basedOn)) in pairs
    assert frozenset((NV.partOf, NV.leads)) not in pairs


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
