"""Issue 8: missing collaboration links (rules, comparison, link prediction, audit, report, CLI)."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from graph.gaps import Gap, computed_links, find_gaps, write_gaps_report
from graph.gaps.compare import curated_regions, structure_gaps, structure_matrix
from graph.gaps.predict import evaluate
from graph.gaps.report import gaps_html, projection
from graph.gaps.rules import rule_gaps, rule_queries
from graph.queries import rows
from graph.load import load_store
from graph.project import REPO_ROOT
from graph.validate import validate

from .conftest import write

PREFIXES = """@prefix nv: <https://w3id.org/naravard/def#> .
@prefix nvr: <https://w3id.org/naravard/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

# Verbatim fragments of the source texts (003: Helseplan's audit of Dalarna, 004: the survey), each
# within one line and of at least four words (model version 2: a relation's quote states it).
Q = {
    "valfardsradet": ("003", "det gemensamma politiska organet Välfärdsrådet"),
    "chefsnatverk": ("004", "I ett chefsnätverk ingår socialchefer"),
    "sodra": ("003", "i de deltagande kommunerna Avesta och Hedemora"),
    "hsn": ("003", "Regionstyrelsens ordförande och ordföranden för Hälso- och sjukvårdsnämnden"),
    "rs": ("003", "rekommenderar att Regionstyrelsen bör"),
    "projekt": ("003", "och bedrivits i projektform"),
    "strategi": ("003", "att ta fram gemensamma strategier tillsammans med Dalarnas kommuner"),
    "rek": ("003", "rekommenderar att Hälso- och sjukvårdsnämnden bör"),
    "blekinge": ("004", "Region Blekinge arbetar med omställningen"),
    "falun": ("004", "Mobilt team i samverkan mellan Falun kommun"),
}


def line_of(src: str, quote: str) -> int:
    """The 1-based line of the source text where `quote` first starts."""
    text = next((REPO_ROOT / "data" / "sources").glob(f"{src}_*.txt")).read_text(encoding="utf-8")
    return text[: text.index(quote)].count("\n") + 1


def ent(iri: str, cls: str, label: str, q: str, region: str = "dalarna", extra: str = "") -> str:
    src, quote = Q[q]
    return (f'{iri} a nv:{cls} ; rdfs:label "{label}"@sv ; nv:inRegion nvr:{region} ; {extra}\n'
            f'    nv:evidence [ nv:source nvr:source-{src} ; nv:line {line_of(src, quote)} ; nv:quote "{quote}" ] .\n')


def rel(s: str, p: str, o: str, q: str) -> str:
    src, quote = Q[q]
    return (f"{s} nv:{p} {o} .\n[] rdf:subject {s} ; rdf:predicate nv:{p} ; rdf:object {o} ; "
            f'nv:source nvr:source-{src} ; nv:line {line_of(src, quote)} ; nv:quote "{quote}" .\n')


# A Dalarna with one planted gap per rule.
BROKEN = PREFIXES + "".join([
    ent("nvr:dalarna--valfardsradet", "CollaborationBody", "Välfärdsrådet", "valfardsradet",
        extra="nv:level nv:level-political ; nv:structureType nv:st-political-joint-forum ;"),
    ent("nvr:dalarna--chefsnatverk", "CollaborationBody", "chefsnätverk", "chefsnatverk",
        extra="nv:level nv:level-executive ; nv:structureType nv:st-executive-joint-forum ;"),
    # (a) a steering group naming two of Dalarna's fifteen municipalities
    ent("nvr:dalarna--styrgrupp-sodra", "CollaborationBody", "styrgrupp Södra Dalarna", "sodra",
        extra="nv:level nv:level-not-named ; nv:structureType nv:st-joint-steering-group ;"),
    rel("nvr:kommun-2084", "memberOf", "nvr:dalarna--styrgrupp-sodra", "sodra"),
    rel("nvr:kommun-2083", "memberOf", "nvr:dalarna--styrgrupp-sodra", "sodra"),
    # (c2) a preparing body whose target has no link back; (e) the same board gets a recommendation
    ent("nvr:dalarna--hsn", "Board", "Hälso- och sjukvårdsnämnden", "hsn"),
    ent("nvr:dalarna--beredning", "Committee", "beredning", "hsn", extra="nv:structureType nv:st-preparatory-body ;"),
    rel("nvr:dalarna--beredning", "preparesFor", "nvr:dalarna--hsn", "hsn"),
    ent("nvr:dalarna--rek-1", "AuditRecommendation", "Rekommendation 1", "rek",
        extra='nv:number 1 ; nv:text "Helseplan rekommenderar att Hälso- och sjukvårdsnämnden bör"@sv ;'),
    rel("nvr:dalarna--rek-1", "fromReport", "nvr:source-003", "rek"),
    rel("nvr:dalarna--rek-1", "addressedTo", "nvr:dalarna--hsn", "rek"),
    # (d) two partners of a project without a shared forum
    ent("nvr:dalarna--hsf", "Administration", "hälso- och sjukvårdsförvaltningen", "hsn"),
    rel("nvr:dalarna--hsf", "partOf", "nvr:dalarna", "hsn"),
    ent("nvr:dalarna--projekt-x", "Project", "Mobilt team Falun", "projekt"),
    rel("nvr:dalarna--hsf", "runs", "nvr:dalarna--projekt-x", "projekt"),
    rel("nvr:kommun-2080", "participatesIn", "nvr:dalarna--projekt-x", "falun"),
    # (f) a plan nobody owns
    ent("nvr:dalarna--plan-y", "Plan", "gemensam strategi", "strategi"),
])

# The same Dalarna with every planted gap closed.
FIXED = BROKEN + "".join([
    ent("nvr:dalarna--arbetsgrupper", "CollaborationBody", "arbetsgrupper", "chefsnatverk",
        extra="nv:level nv:level-operational ; nv:structureType nv:st-operational-network ;"),      # (b)
    rel("nvr:kommuner-20", "memberOf", "nvr:dalarna--arbetsgrupper", "chefsnatverk"),
    rel("nvr:kommuner-20", "memberOf", "nvr:dalarna--styrgrupp-sodra", "sodra"),                    # (a)
    rel("nvr:dalarna--chefsnatverk", "preparesFor", "nvr:dalarna--valfardsradet", "chefsnatverk"),  # (c1)
    rel("nvr:kommuner-20", "memberOf", "nvr:dalarna--valfardsradet", "valfardsradet"),
    rel("nvr:kommuner-20", "memberOf", "nvr:dalarna--chefsnatverk", "chefsnatverk"),
    rel("nvr:dalarna", "memberOf", "nvr:dalarna--valfardsradet", "valfardsradet"),                   # (d)
    rel("nvr:dalarna--hsn", "commissions", "nvr:dalarna--beredning", "hsn"),                        # (c2)
    rel("nvr:dalarna--hsn", "responsibleFor", "nvr:dalarna--projekt-x", "hsn"),                     # (e)
    rel("nvr:dalarna--plan-y", "decidedBy", "nvr:dalarna--valfardsradet", "valfardsradet"),         # (f)
])

# Blekinge: an executive joint forum that records no municipality at all (rule a, second case).
BLEKINGE_BROKEN = PREFIXES + ent("nvr:blekinge--lsvo", "CollaborationBody", "LSVO", "blekinge", region="blekinge",
                                 extra="nv:level nv:level-executive ; nv:structureType nv:st-executive-joint-forum ;")
BLEKINGE_FIXED = BLEKINGE_BROKEN + rel("nvr:kommuner-10", "memberOf", "nvr:blekinge--lsvo", "blekinge")

N = "nvr:"
PLANTED = {
    "municipality-left-out": [("nvr:dalarna", "nvr:kommun-2080", "nvr:dalarna--styrgrupp-sodra"),
                              ("nvr:blekinge", "nvr:kommuner-10", "nvr:blekinge--lsvo")],
    "level-coverage": [("nvr:dalarna", "nvr:dalarna", None)],
    "preparing-counterpart": [("nvr:dalarna", "nvr:dalarna--valfardsradet", "nvr:dalarna--chefsnatverk"),
                              ("nvr:dalarna", "nvr:dalarna--beredning", "nvr:dalarna--hsn")],
    "project-partners-without-forum": [("nvr:dalarna", "nvr:dalarna--hsf", "nvr:kommun-2080")],
    "recommendation-unconnected": [("nvr:dalarna", "nvr:dalarna--hsn", "nvr:dalarna--rek-1")],
    "plan-without-owner": [("nvr:dalarna", "nvr:dalarna--plan-y", None)],
}


def fixture_gaps(fixture_project, dalarna: str, blekinge: str) -> list[Gap]:
    regions = fixture_project.data_dir / "regions"
    write(regions / "dalarna.ttl", dalarna)
    write(regions / "blekinge.ttl", blekinge)
    report = validate(fixture_project)
    assert report.ok, [(p.focus, p.message) for p in report.errors][:5]
    return rule_gaps(load_store(fixture_project), fixture_project)


def keys(gaps: list[Gap], rule: str) -> set[tuple]:
    return {(g.region, g.a, g.b) for g in gaps if g.name == rule and g.kind == "rule"}


def test_rule_files_have_headers(project):
    rules = rule_queries(project)
    assert {r.name for r in rules} >= set(PLANTED)
    for r in rules:
        assert r.title and r.answers and r.example, r.name
        assert "why it matters" in r.answers.lower(), r.name
        assert any(p.name == "region" and p.optional for p in r.params), r.name


@pytest.mark.parametrize("rule", sorted(PLANTED))
def test_rule_finds_planted_gap_and_not_the_fixed_one(fixture_project, rule):
    broken = keys(fixture_gaps(fixture_project, BROKEN, BLEKINGE_BROKEN), rule)
    for planted in PLANTED[rule]:
        if rule == "level-coverage":
            assert any(k[:2] == planted[:2] for k in broken), broken
        else:
            assert planted in broken, (planted, broken)
    fixed = keys(fixture_gaps(fixture_project, FIXED, BLEKINGE_FIXED), rule)
    dalarna_fixed = {k for k in fixed if k[0] == "nvr:dalarna"}
    assert not dalarna_fixed, dalarna_fixed
    for planted in PLANTED[rule]:
        assert planted not in fixed


def test_rule_rows_explain_and_quote(fixture_project):
    gaps = fixture_gaps(fixture_project, BROKEN, BLEKINGE_BROKEN)
    assert gaps and all(g.explanation for g in gaps)
    quoted = [g for g in gaps if g.evidence]
    # sources are cited by short title, date and line, never by file name
    assert quoted and all(re.fullmatch(r".+ \(\d{4}[-\d]*\), rad \d+", g.document) for g in quoted), [g.document for g in quoted]
    left_out = [g for g in gaps if g.name == "municipality-left-out" and g.a == "nvr:kommun-2080"][0]
    assert "2 of the county's 15 municipalities" in left_out.explanation


def test_rule_region_parameter(fixture_project):
    fixture_gaps(fixture_project, BROKEN, BLEKINGE_BROKEN)
    gaps = find_gaps(load_store(fixture_project), kinds=["rule"], region="blekinge", project=fixture_project)
    assert gaps and {g.region for g in gaps} == {"nvr:blekinge"}


MATRIX = PREFIXES + "".join([
    ent("nvr:dalarna--valfardsradet", "CollaborationBody", "Välfärdsrådet", "valfardsradet",
        extra="nv:level nv:level-political ; nv:structureType nv:st-political-joint-forum ;"),
    ent("nvr:dalarna--team-1", "Project", "mobilt team 1", "projekt", extra="nv:structureType nv:st-mobile-team ;"),
    ent("nvr:dalarna--team-2", "Project", "mobilt team 2", "projekt", extra="nv:structureType nv:st-mobile-team ;"),
])
MATRIX_B = PREFIXES + ent("nvr:blekinge--forum", "CollaborationBody", "forum", "blekinge", region="blekinge",
                          extra="nv:level nv:level-not-named ; nv:structureType nv:st-political-joint-forum ;")
MATRIX_K = PREFIXES + ent("nvr:kronoberg--team", "Project", "team", "projekt", region="kronoberg",
                          extra="nv:structureType nv:st-mobile-team ;")


def test_structure_matrix_matches_hand_count(fixture_project):
    regions = fixture_project.data_dir / "regions"
    write(regions / "dalarna.ttl", MATRIX)
    write(regions / "blekinge.ttl", MATRIX_B)
    write(regions / "kronoberg.ttl", MATRIX_K)
    assert validate(fixture_project).ok
    store = load_store(fixture_project)
    m = structure_matrix(store, fixture_project)
    types = rows(store, "SELECT ?t WHERE { ?t skos:inScheme nv:structureTypes }")  # the ontology's scheme
    assert len(m.cells) == 21 and len(m.type_names) == len(types)
    assert m.cells["nvr:dalarna"]["nv:st-political-joint-forum"] == 1
    assert m.cells["nvr:dalarna"]["nv:st-mobile-team"] == 2
    assert m.cells["nvr:blekinge"]["nv:st-political-joint-forum"] == 1
    assert m.cells["nvr:blekinge"]["nv:st-mobile-team"] == 0
    assert m.cells["nvr:kronoberg"]["nv:st-mobile-team"] == 1
    assert m.cells["nvr:kronoberg"]["nv:st-political-joint-forum"] == 0
    assert sum(sum(r.values()) for r in m.cells.values()) == 5
    assert m.having("nv:st-mobile-team") == ["nvr:dalarna", "nvr:kronoberg"]
    curated = curated_regions(store)
    assert curated == {"nvr:dalarna", "nvr:blekinge", "nvr:kronoberg"}
    # "most" lowered to "more than 1 of 21" so that three regions can show it
    gaps = structure_gaps(m, curated, majority=1 / 21)
    assert {(g.region, g.name) for g in gaps} == {("nvr:blekinge", "nv:st-mobile-team"),
                                                 ("nvr:kronoberg", "nv:st-political-joint-forum")}
    g = [g for g in gaps if g.region == "nvr:blekinge"][0]
    assert "2 of the 21 regions" in g.explanation and "Region Dalarna" in g.explanation
    assert g.score == round(2 / 21, 3)
    assert structure_gaps(m, curated) == []  # nothing is in more than half of the regions
    sole = {"nvr:kronoberg"}  # as if Kronoberg were region and municipality in one, like Gotland
    assert {(g.region, g.name) for g in structure_gaps(m, curated, majority=1 / 21, sole=sole)} == {
        ("nvr:blekinge", "nv:st-mobile-team")}


def test_gotland_gets_no_joint_structure_gaps(store, project):
    from graph.gaps.compare import JOINT_TYPES, compare_gaps, sole_principal_regions

    assert sole_principal_regions(store) == {"nvr:gotland"}
    assert not [g for g in compare_gaps(store, project, "nvr:gotland") if g.name in JOINT_TYPES]


def test_evaluation_is_reproducible_and_beats_random(store):
    g = projection(store)
    a, b = evaluate(g, seeds=(11, 23, 37)), evaluate(g, seeds=(11, 23, 37))
    assert a.table() == b.table() and a.auc == b.auc
    assert a.hidden == round(0.1 * g.number_of_edges())
    used = a.used()
    assert used, a.table()
    base = sum(a.auc["random"]) / 3
    assert all(sum(a.auc[m]) / 3 > base + 0.1 for m in used)


def test_candidates_are_local():
    import networkx as nx
    from graph.gaps.predict import candidates, l3

    g = nx.path_graph(10)
    assert candidates(g, 2) == {(i, i + 2) for i in range(8)}
    assert set(l3(g)) == {(i, i + 3) for i in range(7)}


def test_find_gaps_ranked_on_real_graph(store, project):
    gaps = find_gaps(store, project=project)
    kinds = [g.kind for g in gaps]
    assert kinds == sorted(kinds, key=["audit", "rule", "compare", "predict"].index)
    assert {"audit", "rule", "compare", "predict"} <= set(kinds)
    assert all(g.explanation for g in gaps)
    assert all(g.evidence for g in gaps if g.kind == "audit")
    pred = [g.score for g in gaps if g.kind == "predict"]
    assert pred == sorted(pred, reverse=True)
    links = computed_links(store, project)
    assert links and all(g.b and g.kind in ("rule", "predict") for g in links)


def test_report_html_escapes_and_links(tmp_path, project, store, monkeypatch):
    evil = Gap("nvr:dalarna", "nvr:dalarna--x", "<script>alert(1)</script>", "nvr:dalarna--y", "A & B", "rule", "r",
               None, 'why "quoted" <b>', "<i>quote</i>", "003.txt")
    html = gaps_html([evil], {"nvr:dalarna": "Region Dalarna"}, None, {"nvr:dalarna--x": "actors/dalarna--x.html"})
    assert "<script>" not in html and "&lt;script&gt;" in html and "A &amp; B" in html
    assert "regions/dalarna.html" in html and "actors/dalarna--x.html" in html
    assert "actors/dalarna--y.html" not in html  # no page, no link
    assert "http://" not in html and "https://" not in html
    monkeypatch.setenv("NARAVARD_OUTPUT", str(tmp_path))
    written = write_gaps_report(project, store)
    assert written == [tmp_path / "gaps.html"]
    text = written[0].read_text(encoding="utf-8")
    assert "Evaluation of link prediction" in text and "used for suggestions" in text.lower()
    assert "<link" not in text and "<script" not in text


def test_cli_gaps_json_in_process(fixture_project):
    write(fixture_project.data_dir / "regions" / "dalarna.ttl", BROKEN)
    res = CliRunner().invoke(cli, ["gaps", "--format", "json", "--kind", "rule", "--root", str(fixture_project.root)])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows and {"region", "a", "a_label", "b", "b_label", "kind", "name", "score", "explanation", "evidence"} <= set(rows[0])
    res = CliRunner().invoke(cli, ["gaps", "--evaluate", "--seeds", "2", "--root", str(fixture_project.root)])
    assert res.exit_code == 0 and "random baseline" in res.output
    res = CliRunner().invoke(cli, ["gaps", "--kind", "nonsense"])
    assert res.exit_code != 0


def test_cli_gaps_json_installed():
    exe = REPO_ROOT / ".venv" / "bin" / "naravard"
    out = subprocess.run([str(exe), "gaps", "--format", "json", "--region", "dalarna"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows and {r["region"] for r in rows} == {"nvr:dalarna"}


def test_no_suggestion_pairs_actors_with_one_and_the_same_principal(store, project):
    """A region and its own unit, or two units of one region, answer to one principal
    (nv:principal, derived at build time): never a missing collaboration."""
    from graph.gaps.model import principals, same_single_principal
    from graph.gaps.predict import suggest
    from graph.network import organisation_classes

    of = principals(store)
    own = {x for x, ps in of.items() if ps == {"nvr:jonkopings-lan"}} - {"nvr:jonkopings-lan"}
    assert len(own) >= 10, own  # the region's boards, units and posts
    gaps = find_gaps(store, kinds=["rule", "predict"], project=project)
    assert any(g.kind == "predict" for g in gaps)
    for g in gaps:
        pair = {g.a, g.b}
        assert not ("nvr:jonkopings-lan" in pair and pair & own), g
        assert not same_single_principal(g.a, g.b, of), g
    # without the principals, link prediction does propose such pairs (what the filter removes)
    g = projection(store)
    blind = g.copy()
    for n in blind:
        blind.nodes[n]["principals"] = []
    unfiltered = suggest(blind, ["ra", "aa"], partners=organisation_classes(store))
    assert any(same_single_principal(*s["pair"], of) for s in unfiltered)
