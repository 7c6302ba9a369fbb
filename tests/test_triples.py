"""graph/triples.py: the index answers what an rdflib graph of the same triples answers, on the real data."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.parse import parse_project
from graph.project import REPO_ROOT, Project
from graph.rdflib_copy import to_rdflib, to_rdflib_term
from graph.triples import Triples, iri


@pytest.fixture(scope="module")
def both():
    per_file = parse_project(Project(REPO_ROOT))
    triples = [t for ts in per_file.values() for t in ts]
    return Triples(triples), to_rdflib(triples), triples


def test_every_triple_once_as_in_rdflib(both):
    g, r, triples = both
    assert len(g) == len(r) < len(triples)  # some triples are stated in two files
    assert {tuple(map(to_rdflib_term, t)) for t in g} == set(r)


def test_lookups_are_rdflibs(both):
    g, r, _ = both
    rd = to_rdflib_term
    for p in {p for _, p, _ in g}:
        pairs = list(g.subject_objects(p))
        assert sorted(map(str, (x for pair in pairs for x in map(rd, pair)))) == sorted(
            str(x) for pair in r.subject_objects(rd(p)) for x in pair
        )
        for s, o in pairs[:50]:
            assert {rd(x) for x in g.objects(s, p)} == set(r.objects(rd(s), rd(p)))
            assert {rd(x) for x in g.subjects(p, o)} == set(r.subjects(rd(p), rd(o)))
            assert rd(g.value(s, p)) in set(r.objects(rd(s), rd(p)))
            assert rd(g.subject(p, o)) in set(r.subjects(rd(p), rd(o)))
            assert (s, p, o) in g and (None, p, o) in g and (s, None, o) in g and (s, p, None) in g
        assert {rd(s) for s in g.subjects(p)} == set(r.subjects(rd(p), None))
    nothing = ox.NamedNode("http://example.org/nothing")
    assert g.value(nothing, iri("rdf", "type")) is None and g.objects(nothing, iri("rdfs", "label")) == []
    assert (nothing, None, None) not in g and (None, None, nothing) not in g


def test_transitive_subjects_are_rdflibs_starting_at_the_object(both):
    g, r, _ = both
    sub, relation = iri("rdfs", "subPropertyOf"), iri("nv", "relation")
    got = [to_rdflib_term(x) for x in g.transitive_subjects(sub, relation)]
    assert len(got) > 10 and set(got) == set(r.transitive_subjects(to_rdflib_term(sub), to_rdflib_term(relation)))
    assert got[0] == to_rdflib_term(relation) and len(set(got)) == len(got)


def test_a_triple_stated_twice_is_held_once_however_many_objects_its_subject_has():
    s, p = ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p")
    objects = [ox.Literal(str(i)) for i in range(100)]  # past graph.triples.SHORT: the set beside the list
    g = Triples([ox.Triple(s, p, o) for o in objects + objects[::-1] + objects[:5]])
    assert len(g) == 100 and g.objects(s, p) == objects and len(list(g)) == 100
    assert all(g.subjects(p, o) == [s] for o in objects)
