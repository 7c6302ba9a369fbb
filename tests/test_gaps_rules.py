"""graph/gaps/rules.py: the rule files, their ranking headers, and each rule finding its planted gap."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.errors import QueryError
from graph.gaps import rules
from graph.gaps.model import Gap
from graph.queries import LibraryQuery

from .conftest import write
from .gaps_fixtures import BLEKINGE_BROKEN, BLEKINGE_FIXED, BROKEN, FIXED, PLANTED, planted_project


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    files = {"dalarna": BROKEN, "blekinge": BLEKINGE_BROKEN}
    project, store = planted_project(tmp_path_factory.mktemp("broken"), files)
    return project, store, rules.find(store, project)


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    project, store = planted_project(tmp_path_factory.mktemp("fixed"), {"dalarna": FIXED, "blekinge": BLEKINGE_FIXED})
    return rules.find(store, project)


def keys(gaps: list[Gap], rule: str) -> set[tuple]:
    return {(g.region, g.a, g.b) for g in gaps if g.name == rule and g.kind == "rule"}


def test_rule_files_have_headers(project):
    found = rules.rule_queries(project)
    assert {r.name for r in found} >= set(PLANTED)
    for r in found:
        assert r.title and r.answers and r.example, r.name
        assert "# why:" in r.path.read_text(encoding="utf-8"), r.name
        assert any(p.name == "region" and p.optional for p in r.params), r.name
        assert r.rank is not None, r.name


def test_ranking_order_comes_from_the_rank_headers(project):
    order = rules.order(project)
    ranks = {r.name: r.rank for r in rules.rule_queries(project)}
    assert sorted(order, key=order.get) == sorted(ranks, key=lambda n: (ranks[n], n))
    assert list(order)[:2] == ["recommendation-without-measure", "partial-municipal-representation"]


@pytest.mark.parametrize(
    "named,expected",
    [
        ([("b", 2), ("a", 1)], ["a", "b"]),
        ([("z", None), ("a", 5)], ["a", "z"]),  # unranked after the ranked
        ([("y", None), ("x", None)], ["x", "y"]),  # unranked by name
        ([("b", 1), ("a", 1)], ["a", "b"]),  # equal ranks by name
    ],
)
def test_place_orders_by_rank_then_name(named, expected):
    qs = [LibraryQuery(n, Path(f"{n}.rq"), "", rank=r) for n, r in named]
    assert [q.name for q in sorted(qs, key=rules.place)] == expected


@pytest.mark.parametrize("line,rank", [("# rank: 3", 3), ("#rank: 12", 12), ("# rank: x", None), ("# rank: -1", None)])
def test_rank_header_is_read_or_refused(tmp_path, line, rank):
    path = write(tmp_path / "r.rq", f"# title: T\n{line}\nSELECT * WHERE {{ ?s ?p ?o }}\n")
    if rank is None:
        with pytest.raises(QueryError, match=r"r\.rq: bad rank line"):
            LibraryQuery.from_file(path)
    else:
        assert LibraryQuery.from_file(path).rank == rank


@pytest.mark.parametrize("rule", sorted(PLANTED))
def test_rule_finds_planted_gap_and_not_the_fixed_one(broken, fixed, rule):
    found = keys(broken[2], rule)
    for planted in PLANTED[rule]:
        assert planted in found, (planted, found)
    closed = keys(fixed, rule)
    assert not {k for k in closed if k[0] == "nvr:dalarna"}, closed
    for planted in PLANTED[rule]:
        assert planted not in closed


def test_rule_rows_explain_and_quote(broken):
    gaps = broken[2]
    assert gaps and all(g.explanation for g in gaps)
    quoted = [g for g in gaps if g.evidence]
    # sources are cited by short title, date and line, never by file name
    assert quoted and all(re.fullmatch(r".+ \(\d{4}[-\d]*\), rad \d+", g.document) for g in quoted)
    sits = [g for g in gaps if g.name == "partial-municipal-representation" and g.region == "nvr:dalarna"][0]
    assert "en kommun sitter för Kommunerna i Dalarnas län" in sits.explanation
    assert "en kommun sit for" in sits.explanation_en


def test_rule_region_parameter(broken):
    project, store, everywhere = broken
    only = rules.find(store, project, "nvr:blekinge")
    assert only and {g.region for g in only} == {"nvr:blekinge"}
    assert only == [g for g in everywhere if g.region == "nvr:blekinge"]


@pytest.mark.parametrize(
    "forum,line",
    [
        ("nvr:jonkopings-lan--reko", 873),  # 004: "tre socialchefer, tre skolchefer samt utvecklingschefen"
        ("nvr:vasternorrland--styrgrupp-nara-vard", None),  # 004: "socialchefer från fyra kommuner"
        ("nvr:vastra-gotaland--sro", None),  # 004: "respektive ordförande i de fyra kommunalförbunden"
    ],
)
def test_partial_representation_fires_where_the_sources_say_so(analysis, forum, line):
    rows = [g for g in analysis.gaps if g.name == "partial-municipal-representation" and g.a == forum]
    assert len(rows) == 1 and rows[0].quotes, forum  # one row per forum, with its quotes
    if line:
        assert any(doc.endswith(f"rad {line}") for _, doc in rows[0].quotes), rows[0].quotes


def test_no_recommendation_without_measure_in_the_answers(analysis):
    """Both answers among the sources (000 Jämtland Härjedalen, 002 Kronoberg) answer every
    recommendation with measures, so the rule finds nothing in the real data (it finds the planted one)."""
    assert not [g for g in analysis.gaps if g.name == "recommendation-without-measure"]


@pytest.mark.parametrize(
    "forum",
    [
        "nvr:norrbotten--lansstyrgruppen",  # 004:1316 "Tidigare … fem socialchefer" (nv:validUntil 2020)
        "nvr:vasterbotten--tidigare-samverkansstruktur",  # 004:2204 "den tidigare samverkansstrukturen"
    ],
)
def test_partial_representation_keeps_to_the_present(analysis, forum):
    assert not [g for g in analysis.gaps if g.name == "partial-municipal-representation" and g.a == forum]
