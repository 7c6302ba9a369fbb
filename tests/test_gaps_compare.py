"""graph/gaps/compare.py: the region × structure matrix, the majority rule, curated regions and the
joint types the ontology marks (nv:usualSide nv:side-joint), including a type added in a fixture ontology."""

from __future__ import annotations

import pytest

from graph.gaps import compare
from graph.gaps.compare import Matrix, structure_gaps
from graph.queries import rows

from .gaps_fixtures import MATRIX, MATRIX_B, MATRIX_K, ent, planted_project

# A structure type that is not in the ontology: added in the fixture's ontology only.
NEW_TYPE = """
nv:st-joint-health-centre a nv:StructureType , skos:Concept ; skos:inScheme nv:structureTypes ;
    skos:topConceptOf nv:structureTypes ; nv:usualSide nv:side-joint ;
    skos:prefLabel "joint health centre"@en , "gemensam vårdcentral"@sv ;
    rdfs:label "joint health centre"@en , "gemensam vårdcentral"@sv ;
    skos:definition "A health centre run jointly by region and municipality."@en ,
        "En vårdcentral som region och kommun driver tillsammans."@sv .
"""
NEW_D = ent(
    "nvr:dalarna--vc",
    "Project",
    "gemensam vårdcentral",
    "projekt",
    extra="nv:structureType nv:st-joint-health-centre ;",
)
NEW_B = ent(
    "nvr:blekinge--vc",
    "Project",
    "vårdcentral",
    "blekinge",
    region="blekinge",
    extra="nv:structureType nv:st-joint-health-centre ;",
)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    files = {"dalarna": MATRIX + NEW_D, "blekinge": MATRIX_B + NEW_B, "kronoberg": MATRIX_K}
    project, store = planted_project(tmp_path_factory.mktemp("matrix"), files, ontology=NEW_TYPE)
    return project, store, compare.structure_matrix(store, project)


def test_structure_matrix_matches_hand_count(planted):
    project, store, m = planted
    types = rows(store, "SELECT ?t WHERE { ?t skos:inScheme nv:structureTypes }")  # the ontology's scheme
    assert len(m.cells) == 21 and len(m.type_names) == len(types)
    assert m.cells["nvr:dalarna"]["nv:st-political-joint-forum"] == 1
    assert m.cells["nvr:dalarna"]["nv:st-mobile-team"] == 2
    assert m.cells["nvr:blekinge"]["nv:st-political-joint-forum"] == 1
    assert m.cells["nvr:blekinge"]["nv:st-mobile-team"] == 0
    assert m.cells["nvr:kronoberg"]["nv:st-mobile-team"] == 1
    assert m.cells["nvr:kronoberg"]["nv:st-political-joint-forum"] == 0
    assert sum(sum(r.values()) for r in m.cells.values()) == 7
    assert m.having("nv:st-mobile-team") == ["nvr:dalarna", "nvr:kronoberg"]
    assert compare.curated_regions(store, project) == {"nvr:dalarna", "nvr:blekinge", "nvr:kronoberg"}


def test_a_structure_type_added_in_the_ontology_is_compared(planted):
    """One edit in the ontology (plus data): the matrix, the gaps and the joint types follow."""
    project, store, m = planted
    assert m.type_names["nv:st-joint-health-centre"] == "joint health centre"
    assert m.having("nv:st-joint-health-centre") == ["nvr:blekinge", "nvr:dalarna"]
    curated = compare.curated_regions(store, project)
    gaps = structure_gaps(m, curated, majority=1 / 21)
    assert ("nvr:kronoberg", "nv:st-joint-health-centre") in {(g.region, g.name) for g in gaps}
    assert ("nvr:gotland", "nv:st-joint-health-centre") in compare.not_applicable(store, project)


def test_majority_rule_on_planted_data(planted):
    project, store, m = planted
    curated = compare.curated_regions(store, project)
    # "most" lowered to "more than 1 of 21" so that three regions can show it
    gaps = structure_gaps(m, curated, majority=1 / 21)
    assert {(g.region, g.name) for g in gaps} == {
        ("nvr:blekinge", "nv:st-mobile-team"),
        ("nvr:kronoberg", "nv:st-political-joint-forum"),
        ("nvr:kronoberg", "nv:st-joint-health-centre"),
    }
    g = [g for g in gaps if g.region == "nvr:blekinge"][0]
    assert "medan 2 av 21 regioner har strukturen. " in g.explanation  # Swedish first
    assert "while 2 of the 21 regions have one. " in g.explanation_en
    # which regions: a field of its own (the report lists it once per type), not the prose
    assert g.having == ("nvr:dalarna", "nvr:kronoberg") == tuple(m.having("nv:st-mobile-team"))
    assert "Region Dalarna" not in g.explanation + g.explanation_en
    assert "bara i översiktens korta avsnitt" in g.explanation  # Blekinge has no document of its own
    assert g.score == round(2 / 21, 3)
    assert structure_gaps(m, curated) == []  # nothing is in more than half of the regions


M = Matrix(
    {"nvr:a": {"t": 1, "u": 0}, "nvr:b": {"t": 1, "u": 1}, "nvr:c": {"t": 0, "u": 0}},
    {"nvr:a": "A", "nvr:b": "B", "nvr:c": "C"},
    {"t": "T", "u": "U"},
)


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({}, {("nvr:c", "t")}),  # t: 2 of 3 > half; u: 1 of 3 is not
        ({"majority": 0.2}, {("nvr:c", "t"), ("nvr:a", "u"), ("nvr:c", "u")}),
        ({"curated": {"nvr:a"}}, set()),  # absence counts only where curated
        ({"region": "nvr:a", "majority": 0.2}, {("nvr:a", "u")}),
        ({"skip": {("nvr:c", "t")}}, set()),  # a joint type where it means nothing
    ],
)
def test_structure_gaps_table(kwargs, expected):
    gaps = structure_gaps(M, **kwargs)
    assert {(g.region, g.name) for g in gaps} == expected
    assert all(g.having == tuple(M.having(g.name)) and g.region not in g.having for g in gaps)


def test_gotland_gets_no_joint_structure_gaps(store, project):
    joint = {t for r, t in compare.not_applicable(store, project) if r == "nvr:gotland"}
    marked = rows(store, "SELECT ?t WHERE { ?t nv:usualSide nv:side-joint }")
    assert joint and len(joint) == len(marked)
    assert {r for r, _ in compare.not_applicable(store, project)} == {"nvr:gotland"}
    gotland = compare.find(store, project, "nvr:gotland")
    assert gotland and {g.region for g in gotland} == {"nvr:gotland"}  # others still compared
    assert not [g for g in gotland if g.name in joint]
