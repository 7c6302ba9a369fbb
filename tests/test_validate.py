"""graph/validate.py and graph/evidence.py: what the files show, thin quotes, line numbers.

One copy of the project with every fault planted in its own place is validated once;
each case checks that its fault is reported with the right file, line and severity.
"""

from __future__ import annotations

import re

import pytest

from graph.evidence import quote_problem
from graph.validate import validate

from .conftest import copy_project, write
from .test_foundation import PREFIXES

SKOS = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"

DALARNA = (
    PREFIXES
    + SKOS
    + """
nvr:dalarna--valfardsradet a nv:CollaborationBody ;
    rdfs:label "Välfärdsrådet"@sv ;
    nv:inRegion nvr:dalarna ;
    nv:level nv:level-political ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "Välfärdsrådet" ] .
nvr:kommuner-20 nv:memberOf nvr:dalarna--valfardsradet .
[] rdf:subject nvr:kommuner-20 ; rdf:predicate nv:memberOf ; rdf:object nvr:dalarna--valfardsradet ;
   nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" .

nvr:dalarna--typo-class a nv:Boardd ;
    rdfs:label "Regionstyrelsen"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "Helseplan rekommenderar att Regionstyrelsen bör:" ] .

nvr:kommuner-20 nv:memberof nvr:dalarna--valfardsradet .

nvr:dalarna--blank a nv:Board ; rdfs:label "HSN"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "   " ] .
nvr:dalarna--och a nv:Board ; rdfs:label "HSN"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "och" ] .
nvr:dalarna--dots a nv:Board ; rdfs:label "HSN"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "..." ] .
nvr:dalarna--empty a nv:Board ; rdfs:label "HSN"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "" ] .
nvr:dalarna--hsn a nv:Board ; rdfs:label "Hälso- och sjukvårdsnämnden"@sv ; skos:altLabel "HSN"@sv ;
    nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "HSN" ] .

nvr:dalarna--hsn nv:partOf nvr:dalarna .
[] rdf:subject nvr:dalarna--hsn ; rdf:predicate nv:partOf ; rdf:object nvr:dalarna ;
   nv:source nvr:source-003 ; nv:quote "HSN" .
nvr:dalarna--valfardsradet nv:partOf nvr:dalarna .
[] rdf:subject nvr:dalarna--valfardsradet ; rdf:predicate nv:partOf ; rdf:object nvr:dalarna ;
   nv:source nvr:source-003 ; nv:quote "politiska organet Välfärdsrådet" .
"""
)

# The same forum as a different class and in a different region, from another file.
BLEKINGE = (
    PREFIXES
    + """
nvr:dalarna--valfardsradet a nv:Board ;
    nv:inRegion nvr:blekinge .
"""
)

GOTLAND = "# Region Gotland: nothing yet\n"


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """A project with the faults below."""
    project = copy_project(tmp_path_factory.mktemp("validate") / "proj", regions=[])
    regions = project.data_dir / "regions"
    write(regions / "dalarna.ttl", DALARNA)
    write(regions / "blekinge.ttl", BLEKINGE)
    write(regions / "gotland.ttl", GOTLAND)
    (project.sources_dir / "001_45926d75d68e85f9.txt").write_bytes("Region Jönköpings län".encode("latin-1"))
    return project


@pytest.fixture(scope="module")
def report(faulty):
    return validate(faulty)


def line_of(text: str, marker: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if marker in line)


CASES = [
    # (file, line of this marker, severity, words in the message)
    (
        "data/regions/dalarna.ttl",
        "a nv:Boardd",
        "error",
        "unknown term: nv:Boardd is not declared in ontology/naravard.ttl; did you mean nv:Board?",
    ),
    (
        "data/regions/dalarna.ttl",
        "nv:memberof",
        "error",
        "unknown term: nv:memberof is not declared in ontology/naravard.ttl; did you mean nv:memberOf?",
    ),
    (
        "data/regions/dalarna.ttl",
        'nv:quote "   "',
        "error",
        "quote is not real text (no word of three letters or more): «   »",
    ),
    (
        "data/regions/dalarna.ttl",
        'nv:quote "..."',
        "error",
        "quote is not real text (no word of three letters or more): «...»",
    ),
    (
        "data/regions/dalarna.ttl",
        'nv:quote ""',
        "error",
        "quote is not real text (no word of three letters or more): «»",
    ),
    ("data/regions/dalarna.ttl", 'nv:quote "och"', "error", "one-word quote «och» is not the entity's label"),
    # relation quotes under four words: a model version 2 rule (graph/lint.py), at the quote's line
    (
        "data/regions/dalarna.ttl",
        'nv:source nvr:source-003 ; nv:quote "HSN" .',
        "error",
        "quote has 1 word(s), fewer than 4",
    ),
    (
        "data/regions/dalarna.ttl",
        'nv:quote "politiska organet Välfärdsrådet"',
        "error",
        "quote has 3 word(s), fewer than 4",
    ),
    # reported in the later of the two files (alphabetical, the order files are read in)
    (
        "data/regions/dalarna.ttl",
        "nvr:dalarna--valfardsradet a nv:CollaborationBody",
        "error",
        "has class nv:Board in data/regions/blekinge.ttl and nv:CollaborationBody in data/regions/dalarna.ttl: "
        "an IRI has one class",
    ),
    (
        "data/regions/dalarna.ttl",
        "nvr:dalarna--valfardsradet a nv:CollaborationBody",
        "error",
        "has region nvr:blekinge in data/regions/blekinge.ttl and nvr:dalarna in data/regions/dalarna.ttl: "
        "an IRI has one region",
    ),
    ("data/regions/gotland.ttl", None, "error", "no triples: the file is empty or only comments"),
    ("data/sources/001_45926d75d68e85f9.txt", None, "error", "not UTF-8 text (byte 8)"),
]


@pytest.mark.parametrize("file,marker,severity,message", CASES, ids=[c[3][:40] for c in CASES])
def test_fault_is_reported_with_file_and_line(report, file, marker, severity, message):
    found = [p for p in report.problems if p.file == file and message in p.message]
    assert found, [str(p) for p in report.problems if p.file == file]
    assert found[0].severity == severity
    if marker:
        text = {"data/regions/dalarna.ttl": DALARNA, "data/regions/blekinge.ttl": BLEKINGE}[file]
        assert found[0].line == line_of(text, marker), str(found[0])
        assert str(found[0]).startswith(f"{file}:{found[0].line}: ")


def test_without_the_graph_the_same_problems(faulty, report):
    """`keep_graph=False` (the build's validation beside the store) drops the rdflib copy before SHACL: the
    problems are the same, faults included, and the report's graph is empty."""
    light = validate(faulty, keep_graph=False)

    def text(problems):  # a blank node is named anew by each parse
        return [re.sub(r"_:[0-9a-f]{8}", "_:b", str(p)) for p in problems]

    assert text(light.problems) == text(report.problems) and report.errors
    assert len(light.graph) == 0 and len(report.graph) > 1000


def test_label_quoted_alone_is_accepted(report):
    """nvr:dalarna--hsn quotes its altLabel "HSN": fine for an entity (its relation quote is not)."""
    assert not [p for p in report.problems if p.focus == "nvr:dalarna--hsn" and "quote" in p.message]


def test_good_forum_is_not_flagged_for_quotes(report):
    assert not [
        p for p in report.problems if p.focus.startswith("nvr:kommuner-20 nv:memberOf") and "quote" in p.message
    ]


@pytest.mark.parametrize(
    "quote,relation,labels,expected",
    [
        ("Sjukhusledning.", False, {"Sjukhusledning"}, None),
        ("sjukhuskliniker", True, {"sjukhuskliniker"}, None),  # relation quote length: graph/lint.py
        ("två ord", True, set(), None),
        ("Regionstyrelsens ordförande Regiondirektör kommer", True, set(), None),
        ("12 34", False, set(), "error"),
        ("—", False, set(), "error"),
    ],
)
def test_quote_rules(quote, relation, labels, expected):
    got = quote_problem(quote, relation, labels)
    assert (got[0] if got else None) == expected


def test_real_data_has_no_errors_and_every_warning_is_located(project):
    r = validate(project)
    assert r.ok, [str(p) for p in r.errors][:5]
    # Model version 2: the only warnings left are pairs with two relations the source states both.
    assert all(p.line > 0 and "relations between one pair" in p.message for p in r.warnings), [
        str(p) for p in r.warnings
    ]
