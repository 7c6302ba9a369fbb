"""graph/gaps/__init__.py: the one way in (`analyse`, `find_gaps`), its IRI form and its checks;
the commands that use it (`naravard gaps`, `naravard viz --with-gaps`)."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
from click.testing import CliRunner

from cli.main import cli
from graph.errors import QueryError
from graph.gaps import KINDS, analyse, find_gaps, kinds_of
from graph.project import Project
from graph.queries import rows
from graph.store import manifest_path, store_path

from .conftest import write
from .gaps_fixtures import BROKEN


@pytest.mark.parametrize(
    "given,expected", [(None, list(KINDS)), (["predict", "audit"], ["audit", "predict"]), (("rule",), ["rule"])]
)
def test_kinds_of(given, expected):
    assert kinds_of(given) == expected


def test_unknown_kind_is_an_error():
    with pytest.raises(QueryError, match="unknown gap kind"):
        kinds_of(["magic"])


def test_analysis_of_the_real_graph(analysis):
    gaps = analysis.gaps
    assert {"audit", "rule", "note", "compare", "predict"} <= {g.kind for g in gaps}
    assert all(g.reason for g in gaps)  # every row says why it has its place
    assert all(g.explanation for g in gaps)
    assert all(g.evidence and g.quotes and g.source_kind and g.date for g in gaps if g.kind in ("audit", "note"))
    assert all(g.region.startswith("nvr:") and g.a.startswith("nvr:") for g in gaps)  # one IRI form
    assert analysis.region_names["nvr:dalarna"] == "Region Dalarna"
    # a comparison names its regions and its structure type through the analysis (the report's lists)
    compared = [g for g in gaps if g.kind == "compare"]
    assert all(g.having and g.a not in g.having and set(g.having) <= analysis.region_names.keys() for g in compared)
    assert all(analysis.region_names[g.a] == g.a_label for g in compared)  # the names the rows use
    assert analysis.type_names["nv:st-mobile-team"] == ("mobila team", "mobile teams")
    assert all(not g.having for g in gaps if g.kind != "compare")
    links = analysis.links()
    assert links and all(g.b and g.kind in ("rule", "predict") for g in links)


def test_one_region_of_every_finder(store, project, analysis):
    got = find_gaps(store, kinds=["audit", "rule", "note", "compare"], region="dalarna", project=project)
    assert got == [g for g in analysis.gaps if g.region == "nvr:dalarna" and g.kind != "predict"]


@pytest.mark.parametrize("region", ["dalarna", "nvr:dalarna", "https://w3id.org/naravard/id/dalarna"])
def test_one_region_in_any_form(store, project, analysis, region):
    """`analyse` converts the region once for every finder: the two cheap ones stand for all four."""
    got = find_gaps(store, kinds=["audit", "compare"], region=region, project=project)
    assert got == [g for g in analysis.gaps if g.region == "nvr:dalarna" and g.kind in ("audit", "compare")]


def test_region_that_names_no_region_is_an_error(store, project):
    with pytest.raises(QueryError, match=r"--region: 'dalarn' names no nv:Region; did you mean dalarna"):
        analyse(store, project, region="dalarn", kinds=["audit"])


def test_prediction_uses_a_given_evaluation(store, project, analysis):
    """An evaluation in which no method beats the baseline: no suggestions, and no new evaluation
    (which would let the real graph's methods through; tests/test_gaps_predict.py checks their Dalarna)."""
    ev = analysis.evaluation
    none_used = dataclasses.replace(ev, auc={m: ev.auc["random"] for m in ev.auc})
    assert ev.used() and not none_used.used()
    again = analyse(store, project, region="dalarna", kinds=["predict"], evaluation=none_used)
    assert again.evaluation is none_used and again.gaps == []


def test_cli_gaps_in_process(fixture_project):
    write(fixture_project.data_dir / "regions" / "dalarna.ttl", BROKEN)
    root = str(fixture_project.root)
    res = CliRunner().invoke(cli, ["gaps", "--format", "json", "--kind", "rule", "--root", root])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows and {
        "region",
        "a",
        "a_label",
        "b",
        "b_label",
        "kind",
        "name",
        "score",
        "explanation",
        "evidence",
    } <= set(rows[0])
    assert {r["kind"] for r in rows} == {"rule"}
    res = CliRunner().invoke(cli, ["gaps", "--evaluate", "--seeds", "2", "--root", root])
    assert res.exit_code == 0 and "random baseline" in res.output and "seeds 11, 23" in res.output
    res = CliRunner().invoke(cli, ["gaps", "--format", "html", "--kind", "audit", "--root", root])
    assert res.exit_code == 0 and "Länkprediktionen kördes inte." in res.output


def test_viz_draws_suggestions_only_when_asked(tmp_path, project, store, analysis):
    from graph.viz.page import page_json
    from graph.viz.site import write_site

    # `viz --out DIR` keeps its store cache beside DIR: give it the session's, as after a build there
    built, cache = store_path(project), Project(project.root, tmp_path / "plain").cache_dir
    shutil.copytree(built, cache / built.name)
    shutil.copy(manifest_path(built), cache)
    res = CliRunner().invoke(cli, ["viz", "--region", "dalarna", "--out", str(tmp_path / "plain")])
    assert res.exit_code == 0, res.output
    plain = page_json((tmp_path / "plain" / "regions" / "dalarna.html").read_text(encoding="utf-8"))
    assert plain["edges"] and "predicted" not in {e["kind"] for e in plain["edges"]}
    # what `build` and `viz --with-gaps` pass: the analysis' links, drawn as predicted edges
    write_site(project, store, computed=analysis.links(), out=tmp_path / "drawn", regions=["nvr:dalarna"], actors=[])
    drawn = page_json((tmp_path / "drawn" / "regions" / "dalarna.html").read_text(encoding="utf-8"))
    assert "predicted" in {e["kind"] for e in drawn["edges"]}


def test_one_row_per_stated_gap_with_all_its_quotes(analysis, store):
    stated = [g for g in analysis.gaps if g.kind in ("audit", "note")]
    n = len(list(store.query("SELECT DISTINCT ?g WHERE { ?g a <https://w3id.org/naravard/def#CollaborationGap> }")))
    assert len(stated) == n == len({g.a for g in stated})
    roles = next(g for g in stated if g.a == "nvr:dalarna--gap-rollfordelning-beslutsgang")
    assert len(roles.actors) == 4 and [d.rsplit(" ", 1)[1] for _, d in roles.quotes] == ["1753", "1763", "1773"]
    assert roles.kind == "audit" and roles.source_kind == "revisionsrapport" and roles.date == "2020"
    # status notes of the 2020 overview are their own kind, ranked after the rules
    assert {g.source_kind for g in stated if g.kind == "note"} == {"översikt"}
    kinds = [g.kind for g in analysis.gaps if g.region == "nvr:jonkopings-lan"]
    assert kinds.index("note") > max(i for i, k in enumerate(kinds) if k in ("audit", "rule"))


def test_no_row_pairs_joined_actors_or_flags_an_owned_plan(analysis, store, project):
    """Across every kind: no pair of a row is an actor and its own unit, its umbrella or a co-member of
    a forum they share; no row is about a plan whose owner the graph knows."""
    from graph.gaps.predict import canonical, joined_by_design

    joined = joined_by_design(store, project)
    assert not [g for g in analysis.gaps if g.b and canonical(g.a, g.b) in joined]
    owner = "{ ?o nv:responsibleFor|nv:runs|nv:partyTo ?p } UNION { ?p nv:decidedBy ?o }"
    owned = {r["p"] for r in rows(store, f"SELECT ?p WHERE {{ ?p a nv:Plan . {owner} }}")}
    assert owned
    flagged = {g.a for g in analysis.gaps} | {g.b for g in analysis.gaps if g.b}
    assert not {f"https://w3id.org/naravard/id/{x[4:]}" for x in flagged} & owned


def test_a_gap_of_several_kinds_is_named_by_all_of_them(analysis):
    """Västra Götaland's SRO gap is stated as both "bör stärkas" and "otydlig" (nv:gapKind twice): the
    audit row names both, in a fixed order, not whichever kind the store happened to give first."""
    (gap,) = [g for g in analysis.gaps if g.a == "nvr:vastra-gotaland--gap-sro-politisk-dialog"]
    assert gap.name == "should be strengthened, unclear"
    assert "(bör stärkas, otydlig)" in gap.explanation


def test_labels_prefer_swedish_then_the_first_by_text(store, project):
    """`model.labels` picks each entity's label in Python (labels.rq has no ORDER BY): the Swedish one where
    there is one, else the first by text; every labelled entity gets one."""
    from graph.gaps.model import labels

    names = labels(store, project)
    assert names["nv:Actor"] == "Aktör"  # "Actor"@en and "Aktör"@sv
    found = rows(store, "SELECT ?s ?l (LANG(?l) AS ?lang) WHERE { ?s rdfs:label ?l }", project)
    by: dict[str, list[tuple[bool, str]]] = {}
    for r in found:
        by.setdefault(r["s"], []).append((r["lang"] != "sv", r["l"]))
    assert len(names) == len(by)
    several = [s for s, ls in by.items() if len(ls) > 1]
    assert several  # the check below compares something
    from graph.namespaces import shorten

    assert all(names[shorten(s)] == min(by[s])[1] for s in several)
