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


# ---------------------------------------------------------------- each file's problems kept (shacl_problems_by_file)

ENTITY = """@prefix nv: <https://w3id.org/naravard/def#> .
@prefix nvr: <https://w3id.org/naravard/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

nvr:dalarna--styrelse a nv:Board ;
    rdfs:label "Regionstyrelsen"@sv ; nv:inRegion nvr:dalarna ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" ] .
"""


def shacl_messages(project, focus: str) -> list[tuple[str, str]]:
    """(file, message) of a fresh validation's problems about `focus`."""
    return sorted((p.file, p.message) for p in validate(project).problems if p.focus == focus)


def test_a_type_changed_in_another_file_is_seen_in_the_unchanged_file_that_points_to_it(fixture_project):
    write(fixture_project.root / REGION, ENTITY)
    focus, wrong = "nvr:dalarna--styrelse", "nv:inRegion: needs nv:inRegion pointing to a nv:Region"
    assert not [m for f, m in shacl_messages(fixture_project, focus) if m.startswith(wrong)]
    regions = fixture_project.data_dir / "reference" / "regions.ttl"
    text = regions.read_text(encoding="utf-8")
    regions.write_text(text.replace("nvr:dalarna a nv:Region ;", "nvr:dalarna a nv:County ;"), encoding="utf-8")
    assert (REGION, wrong + " (value nvr:dalarna)") in shacl_messages(fixture_project, focus)
    regions.write_text(text, encoding="utf-8")
    assert not [m for f, m in shacl_messages(fixture_project, focus) if m.startswith(wrong)]


def test_a_node_stated_first_in_a_new_file_has_its_problems_there(fixture_project):
    """A problem's file is the first file that states its focus node: a new file before the region's takes them."""
    write(fixture_project.root / REGION, ENTITY.replace('rdfs:label "Regionstyrelsen"@sv ; ', ""))
    focus, unlabelled = "nvr:dalarna--styrelse", "rdfs:label: needs exactly one rdfs:label with a language tag"
    assert [f for f, m in shacl_messages(fixture_project, focus) if m == unlabelled] == [REGION]
    earlier = write(
        fixture_project.data_dir / "a.ttl",
        "@prefix nv: <https://w3id.org/naravard/def#> .\n@prefix nvr: <https://w3id.org/naravard/id/> .\n"
        "nvr:dalarna--styrelse nv:level nv:level-political .\n",
    )
    assert [f for f, m in shacl_messages(fixture_project, focus) if m == unlabelled] == ["data/a.ttl"]
    earlier.unlink()
    assert [f for f, m in shacl_messages(fixture_project, focus) if m == unlabelled] == [REGION]
