"""graph/shacl.py with ontology/shapes.ttl: each old form of model version 1 is an error naming
the file and the line of the entity at fault (the v2 shapes at the end of shapes.ttl)."""

from __future__ import annotations

import pytest

from graph.validate import validate
from tests.conftest import copy_project, write

REGION = "data/regions/dalarna.ttl"
OLD_FORMS = """@prefix nv: <https://w3id.org/naravard/def#> .
@prefix nvr: <https://w3id.org/naravard/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

nvr:dalarna--forum-without-level a nv:CollaborationBody ;
    rdfs:label "Välfärdsrådet"@sv ; nv:inRegion nvr:dalarna ; nv:structureType nv:st-political-joint-forum ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" ] .

nvr:dalarna--post-without-organisation a nv:Post ;
    rdfs:label "regiondirektör"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" ] .
nvr:dalarna--post-without-organisation nv:memberOf nvr:dalarna--forum-without-level .
[] rdf:subject nvr:dalarna--post-without-organisation ; rdf:predicate nv:memberOf ;
   rdf:object nvr:dalarna--forum-without-level ;
   nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" .

nvr:dalarna--steering-group-that-leads a nv:Committee ;
    rdfs:label "styrgrupp"@sv ; nv:inRegion nvr:dalarna ; nv:structureType nv:st-steering-group ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" ] .
nvr:dalarna--steering-group-that-leads nv:leads nvr:dalarna--work .
[] rdf:subject nvr:dalarna--steering-group-that-leads ; rdf:predicate nv:leads ; rdf:object nvr:dalarna--work ;
   nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" .

nvr:dalarna--work a nv:Project ;
    rdfs:label "omställningen"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" ] .

nvr:dalarna--committee-without-type a nv:Committee ;
    rdfs:label "presidium"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" ] .

nvr:dalarna--chair-post a nv:Post ;
    rdfs:label "ordförande"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" ] .
nvr:dalarna--chair-post nv:chairs nvr:dalarna--forum-without-level .
[] rdf:subject nvr:dalarna--chair-post ; rdf:predicate nv:chairs ; rdf:object nvr:dalarna--forum-without-level ;
   nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" .
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("old-forms"), regions=[])
    write(project.root / REGION, OLD_FORMS)
    return validate(project)


def line_of(needle: str) -> int:
    return next(i for i, line in enumerate(OLD_FORMS.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    "entity,message",
    [
        ("nvr:dalarna--forum-without-level", "samverkansorgan saknar nv:level"),
        ("nvr:dalarna--post-without-organisation", "saknar nv:postIn"),
        ("nvr:dalarna--steering-group-that-leads", "ett organ som styr ett arbete anges med nv:steers"),
        ("nvr:dalarna--steering-group-that-leads", "anger vad den styr med nv:steers"),
        ("nvr:dalarna--committee-without-type", "organet saknar nv:structureType"),
        ("nvr:dalarna--chair-post", "nv:chairs är utfasad"),
    ],
)
def test_old_form_is_an_error_with_file_and_line(report, entity, message):
    found = [p for p in report.errors if p.focus == entity and message in p.message]
    assert found, [str(p) for p in report.problems if p.focus == entity]
    assert found[0].file == REGION and found[0].line == line_of(f"{entity} a nv:")
    assert str(found[0]).startswith(f"{REGION}:{found[0].line}: ")


def test_the_new_forms_pass_these_shapes(report):
    """Nothing else in the fixture is reported by the v2 shapes (the forum has a type, the work a label)."""
    v2 = ("nv:level", "nv:postIn", "nv:steers", "nv:structureType", "nv:chairs")
    flagged = {p.focus for p in report.errors if any(t in p.message for t in v2)}
    assert flagged == {
        "nvr:dalarna--forum-without-level",
        "nvr:dalarna--post-without-organisation",
        "nvr:dalarna--steering-group-that-leads",
        "nvr:dalarna--committee-without-type",
        "nvr:dalarna--chair-post",
    }


def test_reports_are_pyshacls_on_every_constraint():
    """graph/shacl.py (shapes as SPARQL on Oxigraph) reports what pySHACL, the reference, reports on
    bench/shacl.py's FAULTS, which break every constraint of ontology/shapes.ttl."""
    import rdflib

    from bench.shacl import datasets, named, run_oxigraph, run_pyshacl
    from graph.project import Project

    project = Project.default()
    shapes = rdflib.Graph().parse(project.shapes_file, format="turtle")
    triples = datasets(project, quick=True)["faults"]
    ours = named(run_oxigraph(triples, shapes))
    assert len(ours) > 50 and ours == named(run_pyshacl(triples, shapes))
