"""The project's foundation: reference data, ontology labels, SHACL, evidence validation, bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, SKOS, Graph

from cli.main import cli
from graph.build import ValidationFailed, build
from graph.errors import DataSyntaxError
from graph.namespaces import NV
from graph.validate import validate

from .conftest import naravard, write

PREFIXES = """@prefix nv: <https://w3id.org/naravard/def#> .
@prefix nvr: <https://w3id.org/naravard/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

GOOD_BODY = (
    PREFIXES
    + """
nvr:dalarna--valfardsradet a nv:CollaborationBody ;
    rdfs:label "Välfärdsrådet"@sv ;
    nv:inRegion nvr:dalarna ;
    nv:level nv:level-political ; nv:structureType nv:st-political-joint-forum ;
    nv:evidence [ nv:source nvr:source-003 ; nv:quote "Välfärdsrådet" ] .
nvr:kommuner-20 nv:memberOf nvr:dalarna--valfardsradet .
[] rdf:subject nvr:kommuner-20 ; rdf:predicate nv:memberOf ; rdf:object nvr:dalarna--valfardsradet ;
   nv:source nvr:source-003 ; nv:quote "det gemensamma politiska organet Välfärdsrådet finns" .
"""
)


@pytest.fixture(scope="module")
def store(small_project):
    """The store of the session's small project, whose reference data (counties, regions,
    municipalities) is the real project's in full: the counts below are the real data's. Module
    scope: it is not held open while tests/test_bad_input.py garbles this store cache."""
    from graph.store import open_store

    return open_store(small_project)


def count(store, sparql):
    from graph.queries import Prepared, execute

    return int(next(iter(execute(store, Prepared(sparql, "t", {}))))[0].value)


def test_exactly_21_regions_and_290_municipalities(store):
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?r a nv:Region }") == 21
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?m a nv:Municipality }") == 290


@pytest.mark.parametrize(
    "county,expected", [("01", 26), ("14", 49), ("12", 33), ("09", 1), ("23", 8), ("06", 13), ("07", 8), ("20", 15)]
)
def test_municipalities_per_county(store, county, expected):
    q = f'SELECT (COUNT(*) AS ?n) WHERE {{ ?m a nv:Municipality ; nv:inCounty ?c . ?c nv:countyCode "{county}" }}'
    assert count(store, q) == expected


def test_gotland_is_region_and_municipality(store):
    from graph.queries import Prepared, execute

    assert bool(
        execute(
            store, Prepared('ASK { nvr:gotland a nv:Region , nv:Municipality ; nv:municipalityCode "0980" }', "t", {})
        )
    )


def test_every_ontology_term_has_sv_en_labels_and_definition(project):
    g = Graph().parse(project.ontology_file)
    terms = {s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for s in g.subjects(RDF.type, t)}
    assert len(terms) > 40
    for term in terms:
        langs = {lbl.language for lbl in g.objects(term, RDFS.label)}
        assert {"sv", "en"} <= langs, f"{term} lacks sv/en labels"
        assert g.value(term, SKOS.definition), f"{term} lacks a definition"
        assert str(term).startswith(str(NV))


def test_ontology_aligns_to_w3c(project):
    g = Graph().parse(project.ontology_file)
    ORG = "http://www.w3.org/ns/org#"
    # not org:OrganizationalCollaboration, whose members must all be organisations: posts sit in forums
    assert (NV.CollaborationBody, RDFS.subClassOf, NV.Organisation) in g
    assert (
        NV.CollaborationBody,
        RDFS.subClassOf,
        __import__("rdflib").URIRef(ORG + "OrganizationalCollaboration"),
    ) not in g
    assert (NV.Organisation, RDFS.subClassOf, __import__("rdflib").URIRef(ORG + "Organization")) in g
    assert (NV.memberOf, RDFS.subPropertyOf, __import__("rdflib").URIRef(ORG + "memberOf")) in g


def test_fixture_validates_then_shacl_catches_breakage(fixture_project):
    write(fixture_project.data_dir / "regions" / "dalarna.ttl", GOOD_BODY)
    assert validate(fixture_project).ok
    broken = GOOD_BODY.replace("nv:inRegion nvr:dalarna ;", "nv:inRegion nvr:kommun-2080 ;").replace(
        "nv:level nv:level-political", "nv:level nvr:dalarna"
    )
    write(fixture_project.data_dir / "regions" / "dalarna.ttl", broken)
    report = validate(fixture_project)
    msgs = " | ".join(str(p) for p in report.errors)
    assert "data/regions/dalarna.ttl:6: nvr:dalarna--valfardsradet: nv:inRegion"  # file:line of the subject in msgs
    assert "nv:level" in msgs


def test_made_up_quote_is_caught_and_names_the_entity(fixture_project):
    write(
        fixture_project.data_dir / "regions" / "dalarna.ttl",
        GOOD_BODY.replace('nv:quote "Välfärdsrådet" ] .', 'nv:quote "Välfärdsrådet beslutar om allt" ] .'),
    )
    errors = validate(fixture_project).errors
    assert any(e.focus == "nvr:dalarna--valfardsradet" and "quote not found" in e.message for e in errors)


def test_relation_without_evidence_is_caught(fixture_project):
    text = GOOD_BODY + "nvr:kommuner-20 nv:preparesFor nvr:dalarna--valfardsradet .\n"
    write(fixture_project.data_dir / "regions" / "dalarna.ttl", text)
    errors = validate(fixture_project).errors
    assert any("nv:preparesFor" in e.focus and "no evidence" in e.message for e in errors)


def test_syntax_error_names_file_and_line(fixture_project):
    write(fixture_project.data_dir / "regions" / "dalarna.ttl", GOOD_BODY + "nvr:a nvr:b nvr:c nvr:d .\n")
    with pytest.raises(DataSyntaxError, match=r"^data/regions/dalarna.ttl:14: "):
        validate(fixture_project)


def test_missing_source_file_is_named(fixture_project):
    (fixture_project.sources_dir / "003_7f6d872437fcd5e6.txt").unlink()
    write(fixture_project.data_dir / "regions" / "dalarna.ttl", GOOD_BODY)
    errors = validate(fixture_project).errors
    assert any("003_7f6d872437fcd5e6.txt not found" in e.message for e in errors)


def test_build_writes_nothing_when_validation_fails(fixture_project):
    write(
        fixture_project.data_dir / "regions" / "dalarna.ttl",
        GOOD_BODY.replace('"Välfärdsrådet" ] .', '"påhittat citat" ] .'),
    )
    with pytest.raises(ValidationFailed):
        build(fixture_project, pages=False)
    assert not (fixture_project.output_dir / "graph.ttl").exists()


def test_cli_in_process_bad_turtle_exits_1_without_traceback(fixture_project):
    write(fixture_project.data_dir / "regions" / "dalarna.ttl", "@prefix nv: <http://x/> .\nnv:a nv:b .\n")
    result = CliRunner().invoke(cli, ["validate", "--root", str(fixture_project.root)])
    assert result.exit_code == 1
    assert "data/regions/dalarna.ttl:2:" in result.output
    assert "Traceback" not in result.output


def test_installed_command_lists_commands_and_stats(small_project):
    """The command list from the `cli` group; the installed command itself runs `stats`."""
    out = CliRunner().invoke(cli, ["--help"]).output
    for command in ("build", "validate", "stats", "query", "queries", "export", "serve", "viz", "gaps"):
        assert command in out
    r = naravard(small_project.root, "stats", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["classes"]["nv:Region"] == 21 and len(data["regions"]) == 21
