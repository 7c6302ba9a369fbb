"""graph/gaps/predict.py: local candidates, the scores, and the suggestions' filters (partner
classes and pairs joined by design from the model, one principal)."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
import pytest

from graph.gaps import predict
from graph.gaps.model import principals, same_single_principal
from graph.queries import rows


def test_candidates_are_local():
    g = nx.path_graph(10)
    assert predict.candidates(g, 2) == {(i, i + 2) for i in range(8)}
    assert set(predict.l3(g)) == {(i, i + 3) for i in range(7)}


@pytest.mark.parametrize(
    "u,v,expected", [("nvr:b", "nvr:a", ("nvr:a", "nvr:b")), ("x", "y", ("x", "y")), (2, 10, (10, 2))]
)  # by text, so mixed node ids sort the same way
def test_canonical_pair(u, v, expected):
    assert predict.canonical(u, v) == expected


def test_partner_classes_come_from_the_ontology(store, project):
    expected = rows(store, "SELECT ?c WHERE { ?c nv:inNetwork true ; rdfs:subClassOf+ nv:Organisation }")
    found = predict.partner_classes(store, project)
    assert found == {r["c"].rsplit("#", 1)[1] for r in expected}
    assert {"CollaborationBody", "Region", "Board"} <= found and not found & {"Post", "Project", "Plan"}


def test_pairs_joined_by_design(store, project):
    joined = predict.joined_by_design(store, project)
    assert ("nvr:dalarna", "nvr:kommuner-20") in joined  # a region and its county's group
    assert ("nvr:kommun-2080", "nvr:kommuner-20") in joined  # Falun in Dalarna's group
    assert ("nvr:kommun-2080", "nvr:kommuner-21") not in joined  # not in Gävleborg's


def test_suggest_leaves_out_joined_pairs_and_other_classes():
    g = nx.Graph([("a", "x"), ("b", "x"), ("a", "y"), ("b", "y")])
    for n in g:
        g.nodes[n].update(cls="Board", region="r")
    assert predict.suggest(g, ["ra"])[0]["pair"] == ("a", "b")
    assert ("a", "b") not in [s["pair"] for s in predict.suggest(g, ["ra"], joined={("a", "b")})]
    assert ("a", "b") not in [s["pair"] for s in predict.suggest(g, ["ra"], partners={"Region"})]
    assert predict.suggest(g, []) == []


def test_no_suggestion_pairs_actors_with_one_and_the_same_principal(store, project, analysis):
    """A region and its own unit, or two units of one region, answer to one principal
    (nv:principal, derived at build time): never a missing collaboration."""
    of = principals(store, project)
    own = {x for x, ps in of.items() if ps == {"nvr:jonkopings-lan"}} - {"nvr:jonkopings-lan"}
    assert len(own) >= 10, own  # the region's boards, units and posts
    computed = [g for g in analysis.gaps if g.kind in ("rule", "predict")]
    assert any(g.kind == "predict" for g in computed)
    for g in computed:
        assert not ("nvr:jonkopings-lan" in {g.a, g.b} and {g.a, g.b} & own), g
        assert not same_single_principal(g.a, g.b, of), g
    # without the principals, link prediction does propose such pairs (what the filter removes)
    blind = predict.projection(store)
    for n in blind:
        blind.nodes[n]["principals"] = []
    unfiltered = predict.suggest(blind, ["ra", "aa"], partners=predict.partner_classes(store, project))
    assert any(same_single_principal(*s["pair"], of) for s in unfiltered)


def test_find_keeps_to_the_region_and_the_methods(store, project, analysis):
    methods = analysis.evaluation.used()
    dalarna = predict.find(store, project, "nvr:dalarna", methods=methods)
    assert dalarna and {g.region for g in dalarna} == {"nvr:dalarna"}
    # the analysis gives each row its reason for its rank; the finder's rows have none yet
    in_analysis = [
        replace(g, reason="", reason_en="") for g in analysis.gaps if g.kind == "predict" and g.region == "nvr:dalarna"
    ]
    assert sorted(dalarna, key=str) == sorted(in_analysis, key=str)  # what the analysis of every region finds
    assert {g.name for g in dalarna} == {"+".join(methods)}
    assert predict.find(store, project, "nvr:dalarna", methods=[]) == []


def test_no_suggestion_pairs_what_a_structure_already_joins(store, project, analysis):
    """No row pairs an actor with its own unit, its umbrella, a sibling, a co-member of a forum, or a
    dissolved body; every row is forum ↔ forum or across principals."""
    joined = predict.joined_by_design(store, project)
    g = predict.projection(store)
    rows = [r for r in analysis.gaps if r.kind == "predict"]
    assert rows
    for r in rows:
        assert predict.canonical(r.a, r.b) not in joined, r
        assert predict.across(g, r.a, r.b), r


@pytest.mark.parametrize(
    "pair",
    [
        ("nvr:jonkopings-lan--reko", "nvr:kommuner-06"),  # a member and its forum
        ("nvr:dalarna--halso-och-sjukvardsforvaltningen", "nvr:dalarna"),  # a unit and its region
    ],
)
def test_joined_pairs_include_membership_and_parts(store, project, pair):
    assert predict.canonical(*pair) in predict.joined_by_design(store, project)
