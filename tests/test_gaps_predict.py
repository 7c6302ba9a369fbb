"""graph/gaps/predict.py: local candidates, the scores, and the suggestions' filters (partner
classes and pairs joined by design from the model, one principal)."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
import numpy as np
import pytest

from graph.gaps import predict
from graph.gaps.model import principals, same_single_principal
from graph.queries import rows


def test_candidates_are_local():
    g = nx.path_graph(10)
    assert predict.candidates(g, 2) == {(i, i + 2) for i in range(8)}
    assert set(predict.l3(g)) == {(i, i + 3) for i in range(7)}


def walked(g: nx.Graph, max_dist: int) -> set[tuple]:
    """The candidates by their definition, walked node by node (breadth first within a node's scope)."""
    scope = {n: d.get("region", "") for n, d in g.nodes(data=True)}
    out: set[tuple] = set()
    for u in g:
        frontier, seen = {u}, {u}
        for depth in range(1, max_dist + 1):
            nxt = {w for x in frontier for w in g[x] if scope[w] == scope[u]} - seen
            seen |= nxt
            if depth >= 2:
                out.update(predict.canonical(u, v) for v in nxt if not g.has_edge(u, v))
            frontier = nxt
    return out


def paths3(g: nx.Graph, u, v) -> float:
    """L3 by its definition: the sum over paths u–a–b–v of 1/sqrt(k_a k_b)."""
    return sum(
        1 / (g.degree(a) * g.degree(b)) ** 0.5
        for a in g[u]
        for b in g[a]
        if a != v and b not in (u, a, v) and g.has_edge(b, v)
    )


@pytest.fixture(scope="module")
def actors(store):
    """The actor projection of the real graph (read it, do not change it)."""
    return predict.projection(store)


@pytest.fixture(scope="module")
def joined(store, project):
    """predict.joined_by_design on the real graph (0.3 s; four tests read it)."""
    return predict.joined_by_design(store, project)


@pytest.mark.parametrize("dist", [2, 3])
def test_candidates_are_the_walked_pairs_on_the_real_graph(actors, dist):
    found = predict.candidates(actors, dist)
    assert len(found) > 100 and found == walked(actors, dist)


def test_a_hub_of_another_region_makes_no_candidates():
    g = nx.star_graph(5)  # 0 is a national hub: every pair of leaves is two steps apart through it
    for n in g:
        g.nodes[n]["region"] = "" if n == 0 else "r"
    g.add_edge(1, 2)
    g.nodes[2]["region"] = "r"
    assert predict.candidates(g, 3) == set() and walked(g, 3) == set()


@pytest.mark.parametrize(
    "method,reference",
    [("ra", nx.resource_allocation_index), ("aa", nx.adamic_adar_index), ("jaccard", nx.jaccard_coefficient)],
)
def test_common_neighbour_scores_are_networkx_s_on_the_real_graph(actors, method, reference):
    """Same scores to 12 decimals as networkx's generators, on the candidates and on pairs that are not."""
    pairs = sorted(predict.candidates(actors, 3), key=str)[::7]
    found = predict.common_neighbour_scores(actors, pairs, method)
    expected = {predict.canonical(u, v): s for u, v, s in reference(actors, pairs)}
    assert len(found) == len(pairs) > 100 and any(found.values())
    assert {p: round(s, 12) for p, s in found.items()} == {p: round(s, 12) for p, s in expected.items()}


def test_l3_is_the_sum_over_paths_on_the_real_graph(actors):
    pairs = sorted(predict.candidates(actors, 3), key=str)[::5]
    found = predict.l3(actors, pairs)
    expected = {predict.canonical(u, v): paths3(actors, u, v) for u, v in pairs}
    assert len(found) > 100
    assert {p: round(s, 12) for p, s in found.items()} == {p: round(s, 12) for p, s in expected.items() if s}


def test_scores_of_linked_pairs_leave_out_the_pair_itself():
    g = nx.Graph([(1, 2), (1, 3), (2, 3), (2, 4), (3, 4)])  # 1–2 linked, sharing 3
    assert predict.common_neighbour_scores(g, [(1, 2)], "ra") == {(1, 2): 1 / 3}
    assert paths3(g, 1, 2) == 1 / 6**0.5  # 1–3–4–2 only: 1–3–2–… would pass through 2 itself
    assert round(predict.l3(g, [(1, 2)])[(1, 2)], 12) == round(paths3(g, 1, 2), 12)


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


def test_pairs_joined_by_design(joined):
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


def test_no_suggestion_pairs_what_a_structure_already_joins(joined, actors, analysis):
    """No row pairs an actor with its own unit, its umbrella, a sibling, a co-member of a forum, or a
    dissolved body; every row is forum ↔ forum or across principals."""
    rows = [r for r in analysis.gaps if r.kind == "predict"]
    assert rows
    for r in rows:
        assert predict.canonical(r.a, r.b) not in joined, r
        assert predict.across(actors, r.a, r.b), r


@pytest.mark.parametrize(
    "pair",
    [
        ("nvr:jonkopings-lan--reko", "nvr:kommuner-06"),  # a member and its forum
        ("nvr:dalarna--halso-och-sjukvardsforvaltningen", "nvr:dalarna"),  # a unit and its region
    ],
)
def test_joined_pairs_include_membership_and_parts(joined, pair):
    assert predict.canonical(*pair) in joined


@pytest.mark.parametrize("dist", [2, 3])
def test_index_text_order_is_the_order_of_the_pairs_text(actors, dist):
    ix = predict.Index(actors)
    i, j = ix.candidates(dist)
    order = ix.text_order(i, j)
    assert ix._plain and len(i) > 100
    assert ix.tuples(i[order], j[order]) == sorted(ix.tuples(i, j), key=str)


def test_index_text_order_sorts_the_text_of_other_nodes():
    g = nx.path_graph(12)  # ints: (1, 10) before (1, 3) by text
    g.add_edge(10, "a b")
    ix = predict.Index(g)
    i, j = ix.candidates(3)
    order = ix.text_order(i, j)
    assert not ix._plain and ix.tuples(i[order], j[order]) == sorted(predict.candidates(g, 3), key=str)


def regional_graph(seed: int) -> nx.Graph:
    """A random graph with the attributes `suggest` reads: class, region (some none), principals (0–2)."""
    import random

    rng = random.Random(seed)
    n = rng.randint(5, 120)
    g = nx.relabel_nodes(nx.gnm_random_graph(n, rng.randint(n, 4 * n), seed=seed), lambda x: f"nvr:x{x}")
    for x in g:
        g.nodes[x].update(
            cls=rng.choice(["Board", "CollaborationBody", "Municipality", "Other"]),
            region=rng.choice(["nvr:r1", "nvr:r2", "nvr:r3", None]),
            principals=rng.sample(["p1", "p2", "p3", "p4"], rng.randint(0, 2)),
        )
    return g


@pytest.mark.parametrize("methods", [["ra", "aa", "l3"], ["l3"], ["jaccard", "aa"], ["ra", "aa", "jaccard", "l3"]])
def test_suggest_on_arrays_ranks_as_pair_by_pair(methods):
    """`suggest` scores and filters on arrays; it gives what ranking `score_all`'s dicts pair by pair gives
    (`_suggest_by_dicts`, the path of the random baseline): same pairs, order, scores and rows, whatever the
    filters (partner classes, joined pairs, one principal, `across` or another focus)."""
    import random

    other = lambda g, u, v: (len(u) + 2 * len(v)) % 3 != 0  # noqa: E731 - a focus that is not `across`
    for seed in range(30):
        g = regional_graph(seed)
        rng = random.Random(seed)
        joined = {predict.canonical(*rng.sample(list(g), 2)) for _ in range(rng.randint(0, 20))}
        partners = {"Board", "CollaborationBody", "Municipality"} if seed % 3 else None
        per_region = rng.choice([1, 2, 5])
        for focus in (predict.across, None, other):
            got = predict.suggest(g, methods, per_region, partners, joined, focus)
            assert got == predict._suggest_by_dicts(g, methods, per_region, partners, joined, focus), (seed, focus)


def test_suggest_on_arrays_on_the_real_graph(store, project, actors):
    args = predict.arguments(store, project, ["ra", "aa", "l3"])
    got = predict.suggest(actors, **args, focus=predict.across)
    assert len(got) > 50
    assert got == predict._suggest_by_dicts(actors, focus=predict.across, **args)


def same_index(a: predict.Index, b: predict.Index) -> bool:
    """Whether two indexes hold the same arrays (nodes, edges, neighbour lists, degrees, scopes)."""
    fields = ("keys", "src", "dst", "indptr", "count", "degree", "scope")
    return a.nodes == b.nodes and a.idx == b.idx and all(np.array_equal(getattr(a, f), getattr(b, f)) for f in fields)


def test_index_without_edges_is_the_index_of_the_graph_without_them(actors):
    """`Index.without` (the hold-out's training graphs) is the `Index` built from the graph they leave."""
    import random

    for seed, g in [*((s, regional_graph(s)) for s in range(20)), (99, nx.Graph(actors))]:
        ix = predict.Index(g)
        gone = random.Random(seed).sample(sorted(g.edges, key=str), len(g.edges) // 3)
        x, y = ix.pairs(gone)
        rest = g.copy()
        rest.remove_edges_from(gone)
        assert same_index(ix.without(x, y), predict.Index(rest)), seed
        assert same_index(ix.without(y, x), predict.Index(rest)), seed  # either end first


def test_index_linked_is_has_edge(actors):
    """`Index.linked` (a hash table of the edges) against networkx's `has_edge`, on every edge, many non-edges,
    self-pairs, and graphs with no edge or one."""
    import random

    graphs = [nx.Graph(actors), nx.empty_graph(5), nx.Graph([(0, 1)]), *(regional_graph(s) for s in range(20))]
    for g in graphs:
        ix = predict.Index(g)
        rng = random.Random(len(g))
        pairs = [*g.edges, *((rng.choice(ix.nodes), rng.choice(ix.nodes)) for _ in range(5000))]
        x, y = ix.pairs(pairs)
        assert ix.linked(x, y).tolist() == [g.has_edge(u, v) and u != v for u, v in pairs]
        assert ix.linked(y, x).tolist() == [g.has_edge(u, v) and u != v for u, v in pairs]
