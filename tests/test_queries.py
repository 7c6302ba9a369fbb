"""graph/queries.py and queries/: every library query answers what its source says; bad input fails cleanly."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

import graph
from cli.main import cli
from graph.errors import QueryError
from graph.queries import Library, expand_iri, prepare, rows, run_query

NVR = "https://w3id.org/naravard/id/"


@pytest.fixture(scope="module")
def q(project, store):
    """`graph.query` on the session store: the same preparation and conversion (graph.queries.run_query),
    without opening the store again on every call (about 70 ms each). The public `graph.query` itself
    is run by test_ask_construct_describe and the parameter errors below."""
    return lambda name_or_text, **params: run_query(name_or_text, params, project, store)


def col(rows, name):
    return {str(r[name]) for r in rows if name in r}


def test_library_has_at_least_15_documented_queries(project):
    lib = list(Library(project))
    assert len(lib) >= 15
    for q in lib:
        assert q.title and q.answers and q.example.startswith("naravard query " + q.name), q.name


def how(rows, forum):
    """{(how, via label)} of one forum's rows of region-forums."""
    return {(str(r["how"]), str(r.get("viaName", ""))) for r in rows if str(r["forum"]) == NVR + forum}


def test_region_forums_direct_through_posts_units_and_county_group(q):
    # 004:862 "Kommunalt forum är ett nätverk med politiker från regionen och länets kommuner";
    # 004:866 ReKo, "Ledningsgruppen för samverkan Region Jönköpings län och Jönköpings läns kommuner";
    # 004:870-872 "Regionen representeras av hälso- och sjukvårdsdirektör, utvecklingsdirektör, direktör
    # Bra Liv, representant för primärvårdsenheten, psykiatri, kirurgi, medicin, ordförande i eHälsorådet
    # och folkhälsochef."
    rows = q("region-forums", region="jonkopings-lan")
    forum = [r for r in rows if str(r["forum"]) == NVR + "jonkopings-lan--kommunalt-forum"]
    assert forum and str(forum[0]["levelName"]) == "politisk nivå"
    assert ("direct", "") in how(rows, "jonkopings-lan--kommunalt-forum")
    reko = how(rows, "jonkopings-lan--reko")
    assert ("direct", "") in reko
    assert {v for h, v in reko if h == "through a post"} == {
        "hälso- och sjukvårdsdirektör",
        "utvecklingsdirektör",
        "direktör Bra Liv",
        "ordförande i eHälsorådet",
        "folkhälsochef",
    }
    assert {v for h, v in reko if h == "through a unit"} == {"primärvårdsenheten", "psykiatri", "kirurgi", "medicin"}
    assert {str(r["levelName"]) for r in rows if str(r["forum"]) == NVR + "jonkopings-lan--reko"} == {
        "tjänstemannanivå"
    }
    # A municipality (Jönköping, 0680) takes part through the county's municipalities: 004:862 for
    # Kommunalt forum, 004:872-873 "Kommunerna representeras av tre socialchefer, tre skolchefer …" for ReKo.
    mun = q("region-forums", region="kommun-0680")
    for f in ("jonkopings-lan--kommunalt-forum", "jonkopings-lan--reko"):
        assert how(mun, f) == {("through the county's municipalities", "Kommunerna i Jönköpings län")}, f


def test_forum_members_expand_the_county_group(q):
    rows = q("forum-members", forum="nvr:jamtland-harjedalen--svom")
    names = col(rows, "name")
    # "representanter från varje kommun och regionen" (004:690): all eight municipalities.
    assert {"Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund"} <= names
    assert "Region Jämtland Härjedalen" in names


def test_municipalities_outside_forums(q):
    assert q("municipalities-outside-forums", region="jamtland-harjedalen") == []
    # Gotland's only municipality is the region itself.
    assert q("municipalities-outside-forums", region="gotland") == []


def test_prepares_for_svom(q):
    rows = q("prepares-for", region="jamtland-harjedalen")
    pairs = {(str(r["preparerName"]), str(r["bodyName"])) for r in rows}
    assert {
        ("tjänstemannagrupp", "Sociala vård- och omsorgsgruppen"),
        ("Fredagsgruppen", "Sociala vård- och omsorgsgruppen"),
        ("L-IFO", "Barnarenan"),
    } <= pairs


def test_transition_leaders_vgr_programme_chief(q):
    rows = q("transition-leaders", region="vastra-gotaland")
    assert ("programchef", "programkontor") in {(str(r["leaderName"]), str(r["ledName"])) for r in rows}


def test_transition_leaders_lead_steer_and_chair(q):
    # 004:827-829 "Arbetet med strategin Tillsammans för bästa möjliga hälsa och jämlik vård leds av
    # hälso- och sjukvårdsdirektören, och sjukvårdens ledningsgrupp är styrgrupp."; 004:870 "ordförande i
    # eHälsorådet" (a chair: nv:memberOf with nv:role nv:role-chair).
    rows = q("transition-leaders", region="jonkopings-lan")
    got = {(str(r["leaderName"]), str(r["role"]), str(r["ledName"])) for r in rows}
    assert {
        ("hälso- och sjukvårdsdirektör", "leads", "Tillsammans för bästa möjliga hälsa och jämlik vård"),
        ("sjukvårdens ledningsgrupp", "steers", "Tillsammans för bästa möjliga hälsa och jämlik vård"),
        ("ordförande i eHälsorådet", "chair", "eHälsorådet"),
    } <= got


def test_steering_group_tells_steering_body_from_leader(q):
    # 004:827-829: the strategy "leds av hälso- och sjukvårdsdirektören, och sjukvårdens ledningsgrupp är styrgrupp".
    rows = q("steering-group", work="nvr:jonkopings-lan--tillsammans-for-basta-mojliga-halsa")
    got = {(str(r["role"]), str(r["name"])) for r in rows}
    assert got == {("steers", "sjukvårdens ledningsgrupp"), ("leads", "hälso- och sjukvårdsdirektör")}
    assert {str(r["document"]) for r in rows} == {"Översikt över 21 regioner (2020)"} and {
        int(r["line"]) for r in rows
    } == {827}
    # 003:1007 "En projektledare anställdes …"; 003:1011 "Projektets styrgrupp bestod av ledningsgruppen …"
    rows = q("steering-group", work="nvr:dalarna--ny-nara-vard-sodra-dalarna")
    assert {str(r["role"]) for r in rows if "through" not in r} == {"steers", "leads"}
    assert {str(r["class"]).rsplit("#", 1)[1] for r in rows if str(r["role"]) == "leads"} == {"Post"}


def test_forum_representation_reko(q):
    # 004:870-873: "Regionen representeras av hälso- och sjukvårdsdirektör, … Kommunerna representeras av
    # tre socialchefer, tre skolchefer samt utvecklingschefen för kommunal utveckling."
    rows = q("forum-representation", forum="nvr:jonkopings-lan--reko")
    by_member = {str(r["memberName"]): r for r in rows}
    for post in ("socialchefer", "skolchefer", "utvecklingschefen för kommunal utveckling"):
        assert str(by_member[post]["represents"]) == NVR + "kommuner-06", post
        assert str(by_member[post]["sideName"]) == "kommunsidan", post
    assert str(by_member["socialchefer"]["seats"]) == "tre socialchefer"
    assert str(by_member["skolchefer"]["seats"]) == "tre skolchefer"
    for post in ("hälso- och sjukvårdsdirektör", "utvecklingsdirektör", "folkhälsochef"):
        assert str(by_member[post]["represents"]) == NVR + "jonkopings-lan", post
        assert str(by_member[post]["sideName"]) == "regionsidan", post
    assert str(by_member["kirurgi"]["representation"]) == "itself"
    # 004:870 "ordförande i eHälsorådet" sits in eHälsorådet as its chair.
    ehr = {
        str(r["memberName"]): str(r.get("role", ""))
        for r in q("forum-representation", forum="nvr:jonkopings-lan--ehalsoradet")
    }
    assert ehr["ordförande i eHälsorådet"] == "ordförande"


def test_principal_and_side(q):
    # 004:866 ReKo is "Ledningsgruppen för samverkan Region Jönköpings län och Jönköpings läns kommuner": joint.
    rows = q("principal", actor="nvr:jonkopings-lan--reko")
    assert col(rows, "principal") == {NVR + "jonkopings-lan", NVR + "kommuner-06"}
    assert col(rows, "sideName") == {"gemensam"} and col(rows, "origin") == {"derived"}
    # 004:870 "Regionen representeras av … kirurgi": a unit of the region, the region's.
    rows = q("principal", actor="nvr:jonkopings-lan--kirurgi")
    assert col(rows, "principal") == {NVR + "jonkopings-lan"} and col(rows, "sideName") == {"regionsidan"}
    # 004:872 "Kommunerna representeras av tre socialchefer": the municipalities' post.
    rows = q("principal", actor="nvr:jonkopings-lan--socialchef")
    assert col(rows, "principal") == {NVR + "kommuner-06"} and col(rows, "sideName") == {"kommunsidan"}
    assert "post in" in str(rows[0]["through"])
    # 004:2709-2710 "kommunerna av respektive ordförande i de fyra kommunalförbunden": a kommunalförbund is the
    # municipalities', stated in the data (no partOf chain gives it).
    rows = q("principal", actor="nvr:vastra-gotaland--kommunalforbunden")
    assert col(rows, "principal") == {NVR + "kommuner-14"} and col(rows, "origin") == {"stated"}
    assert col(rows, "sideName") == {"kommunsidan"}


def test_signatories_of_the_answers(q):
    rows = q("signatories")
    got = {(str(r["source"]).rsplit("/", 1)[1], str(r.get("name", "")), str(r.get("postName", ""))) for r in rows}
    # 002:327-328 "Ewa Ekman / Hälso- och sjukvårdsdirektör"
    assert ("source-002", "Ewa Ekman", "hälso- och sjukvårdsdirektör") in got
    # 000:223-224 "Bengt Bergqvist (S)    Sara Lewerentz / Regionstyrelsens ordförande   Regiondirektör"
    assert {n for s, n, _ in got if s == "source-000"} == {"Bengt Bergqvist", "Sara Lewerentz"}
    assert all("(2025" in str(r["document"]) for r in rows)


def test_source_facts_reko_lines(q):
    rows = q("source-facts", source="source-004", region="jonkopings-lan")
    facts = {(int(r["line"]), str(r["subjectName"]), str(r["relation"]).rsplit("#", 1)[1]) for r in rows if "line" in r}
    # 004:872-873 "Kommunerna representeras av tre socialchefer, tre skolchefer samt utvecklingschefen för
    # kommunal utveckling."
    assert {
        (873, "socialchefer", "memberOf"),
        (873, "skolchefer", "memberOf"),
        (873, "utvecklingschefen för kommunal utveckling", "memberOf"),
    } <= facts
    assert [int(r["line"]) for r in rows] == sorted(int(r["line"]) for r in rows)
    # 002:327 the answer is signed by Ewa Ekman
    rows = q("source-facts", source="source-002")
    assert (327, "signedBy") in {(int(r["line"]), str(r["relation"]).rsplit("#", 1)[1]) for r in rows}


def test_source_changes_kronoberg_2020_to_2025(q):
    rows = q("source-changes", region="kronoberg", **{"from": "source-004", "to": "source-002"})
    got = {
        (str(r["change"]), str(r["subjectName"]), str(r["relation"]).rsplit("#", 1)[1], str(r["objectName"]))
        for r in rows
    }
    # 002:327 (2025): "Ewa Ekman Hälso- och sjukvårdsdirektör" — only in the answer.
    assert ("appears", "Ewa Ekman", "holds", "hälso- och sjukvårdsdirektör") in got
    # 004:1177 (2020): "För att förverkliga ledningsgruppens beslut finns tre operativa tvärgrupper" —
    # only in the overview.
    assert any(
        c == "disappears"
        and s.startswith("ledningsgruppen för samordning")
        and p == "commissions"
        and o == "tvärgrupp barn"
        for c, s, p, o in got
    )
    appears = {str(r["document"]) for r in rows if str(r["change"]) == "appears"}
    disappears = {str(r["document"]) for r in rows if str(r["change"]) == "disappears"}
    assert appears == {"Svar på revisionsrapport, Region Kronoberg (2025)"} and disappears == {
        "Översikt över 21 regioner (2020)"
    }
    # nothing both sources state is listed
    both = q(
        """SELECT ?s ?p ?o WHERE {
             ?a nv:source nvr:source-004 ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
             ?b nv:source nvr:source-002 ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . }"""
    )
    listed = {(str(r["subject"]), str(r["relation"]), str(r["object"])) for r in rows}
    assert not {(str(r["s"]), str(r["p"]), str(r["o"])) for r in both} & listed


def test_recommendations_kronoberg_addressed_to_three_boards(q):
    rows = q("recommendations", region="kronoberg")
    assert {int(r["number"]) for r in rows} == {1, 2, 3, 4, 5}
    assert col(rows, "addressedTo") == {
        "hälso- och sjukvårdsnämnden",
        "nämnden för folkhälsa och vårdval",
        "regionstyrelsen",
    }
    # 002:4 the recommendations come from the auditors' report, not from the answer that quotes them.
    assert col(rows, "report") == {"Revisionens granskning, Region Kronoberg"}
    assert col(rows, "document") == {"Svar på revisionsrapport, Region Kronoberg (2025)"}


def test_responsible_boards_include_addressees(q):
    rows = q("responsible-boards", region="kronoberg")
    roles = {(str(r["boardName"]), str(r["role"])) for r in rows}
    assert ("regionstyrelsen", "recommendation addressed to") in roles


def test_region_projects_marks_joint_ones(q):
    rows = q("region-projects", region="dalarna")
    joint = {str(r["name"]) for r in rows if str(r["jointWithMunicipalities"]) == "yes"}
    assert rows and joint and len(joint) < len(rows)


def test_relation_evidence_gives_document_and_quote(q):
    rows = q("relation-evidence", subject="nvr:kommuner-23")
    svom = [r for r in rows if str(r["object"]) == NVR + "jamtland-harjedalen--svom"]
    # 004:730-731 "SVOM (Sociala vård- och omsorgsgruppen) med representanter från varje kommun och regionen."
    assert svom and "representanter från varje kommun" in str(svom[0]["quote"])
    assert str(svom[0]["document"]) == "Översikt över 21 regioner (2020)" and int(svom[0]["line"]) == 730


def test_regions_without_political_forum(q):
    names = col(q("regions-without-political-forum"), "name")
    assert "Region Jämtland Härjedalen" not in names  # SVOM
    assert "Västra Götalandsregionen" not in names  # SRO
    assert 0 < len(names) < 21


def test_plans_decided_with_dates(q):
    rows = q("plans-decided", region="norrbotten")
    dated = {(str(r["name"]), str(r["decidedBy"]), str(r["date"])) for r in rows if "date" in r}
    assert ("Vägen till framtidens hälsa och vård år 2035", "regionstyrelsen", "2018") in dated


def test_structure_matrix_is_complete_and_counts_sro(q):
    rows = q("structure-matrix")
    types = q("SELECT ?t WHERE { ?t skos:inScheme nv:structureTypes }")  # read from the ontology
    assert len(rows) == 21 * len(types) and len(types) >= 20
    cell = [
        r for r in rows if str(r["region"]) == NVR + "vastra-gotaland" and str(r["typeName"]) == "political joint forum"
    ]
    assert int(cell[0]["count"]) >= 1


@pytest.mark.parametrize(
    "needle,expected",
    [
        ("reko", "jonkopings-lan--reko"),
        ("ReKo", "jonkopings-lan--reko"),
        ("valfardsradet", "dalarna--valfardsradet"),
        ("VÄLFÄRDSRÅDET", "dalarna--valfardsradet"),
        ("svom", "jamtland-harjedalen--svom"),
    ],
)
def test_find_actor_ignores_case_and_diacritics(needle, expected, q):
    assert NVR + expected in col(q("find-actor", name=needle), "entity")


def test_collaboration_gaps_with_quotes(q):
    rows = q("collaboration-gaps", region="dalarna")
    assert len(rows) == 8 and all("quote" in r for r in rows)
    # cited by short title, date and line, never by file name: e.g. 003:120 "på lång sikt behöver respektive
    # region och kommun finna möjligheter …"
    assert all(re.fullmatch(r".+ \(\d{4}[-\d]*\), rad \d+", str(r["document"])) for r in rows)
    assert "Helseplan-granskning, Region Dalarna (2020), rad 120" in col(rows, "document")


def test_audit_measures_kronoberg(q):
    rows = q("audit-measures", region="kronoberg")
    assert len({str(r["measure"]) for r in rows}) == 31
    assert {str(r["status"]) for r in rows} == {"taken", "planned"}


def test_plan_goal_areas_blekinge(q):
    areas = col(q("plan-goal-areas", region="blekinge"), "goalArea")
    assert {"Samverkan", "Specialister i den nära vården", "Äldres behov"} <= areas


def test_forum_levels_keep_not_named_apart(q):
    rows = {str(r["name"]): r for r in q("forum-levels", region="jonkopings-lan")}
    # 004:862 Kommunalt forum "ett nätverk med politiker": political; 004:866 ReKo, "Ledningsgruppen för
    # samverkan": executive (ledningsnivå); 001:1176 eHälsorådet: the source names no level.
    assert (str(rows["Kommunalt forum"]["levelName"]), str(rows["Kommunalt forum"]["levelStatus"])) == (
        "politisk nivå",
        "stated",
    )
    reko = [r for n, r in rows.items() if n.startswith("Ledningsgruppen för samverkan")][0]
    assert (str(reko["levelName"]), str(reko["levelStatus"])) == ("tjänstemannanivå", "stated")
    assert (str(rows["eHälsorådet"]["levelName"]), str(rows["eHälsorådet"]["levelStatus"])) == (
        "nivå anges inte i källan",
        "not named",
    )
    # the type's usual level is shown beside, never in place of, the level the source gives
    assert str(rows["eHälsorådet"]["level"]).endswith("#level-not-named") and rows["eHälsorådet"].get("usualLevel")


def test_actor_relations_both_directions(q):
    rows = q("actor-relations", actor="nvr:jamtland-harjedalen--svom")
    assert {"in", "out"} <= col(rows, "direction")


def test_counts_and_network_queries(q):
    counts = {str(r["class"]): int(r["count"]) for r in q("count-by-class")}
    assert counts["https://w3id.org/naravard/def#Region"] == 21
    assert len(q("count-by-region")) == 21
    assert q("count-by-relation")
    assert len(q("nodes")) > 500 and len(q("edges")) > 500


def test_network_queries_with_a_region_are_the_whole_network_s_rows_of_that_region(project, store):
    """`edges`/`nodes` with `region` give exactly the rows of the whole dump that touch the region, in
    the same order: the nodes whose region it is, the edges with an end in it (the region or an entity
    nv:inRegion it). Computed here from the whole dump and a plain pattern, not by the same filter."""
    ends = {NVR + "dalarna"} | {r["e"] for r in rows(store, "SELECT ?e WHERE { ?e nv:inRegion nvr:dalarna }", project)}
    all_nodes, all_edges = rows(store, "nodes", project), rows(store, "edges", project)
    nodes = rows(store, "nodes", project, {"region": "dalarna"})
    edges = rows(store, "edges", project, {"region": "dalarna"})
    assert nodes == [r for r in all_nodes if r["region"] == NVR + "dalarna"]
    assert edges == [r for r in all_edges if r["source"] in ends or r["target"] in ends]
    assert 20 < len(nodes) < len(all_nodes) and 20 < len(edges) < len(all_edges)
    assert {r["node"] for r in nodes} <= ends and NVR + "dalarna" in {r["node"] for r in nodes}
    assert any(r["relation"].endswith("#CollaborationGap") for r in edges)  # the gaps are restricted too
    with pytest.raises(QueryError, match="names no nv:Region"):
        rows(store, "edges", project, {"region": "dalarna--valfardsradet"})


def test_ask_construct_describe():
    assert graph.query("ASK { nvr:jamtland-harjedalen--svom a nv:CollaborationBody }") is True
    g = graph.query("CONSTRUCT { ?f rdfs:label ?l } WHERE { ?f a nv:CollaborationBody ; rdfs:label ?l }")
    assert isinstance(g, rdflib.Graph) and len(g) > 50
    d = graph.query("DESCRIBE nvr:dalarna--valfardsradet")
    assert (
        rdflib.URIRef(NVR + "dalarna--valfardsradet"),
        rdflib.RDFS.label,
        rdflib.Literal("Välfärdsrådet", lang="sv"),
    ) in d


# ------------------------------------------------------------------ bad input


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_syntax_error_gives_line_and_column_and_exit_2():
    r = run("query", "-e", "SELECT ?x WHERE {\n  ?x a nv:Region \n")
    assert r.exit_code == 2
    assert "syntax error at line 3, column" in r.output and "Traceback" not in r.output


def test_unknown_query_suggests_nearest():
    r = run("query", "region-forum")
    assert r.exit_code == 2 and "did you mean region-forums" in r.output


def test_missing_parameter_names_it():
    r = run("query", "region-forums")
    assert r.exit_code == 2 and "missing parameter 'region'" in r.output


def test_over_long_query_is_refused():
    with pytest.raises(QueryError, match="more than the limit"):
        prepare("SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000, {}, is_text=True)


@pytest.mark.parametrize("evil", ['"<script>alert(1)</script>', 'x" } ; DROP ALL ; #', "\\u0022) }"])
def test_hostile_string_parameter_is_a_value_not_code(evil, q):
    assert q("find-actor", name=evil) == []


@pytest.mark.parametrize("evil", ["x> } ; <y", "a b", '"quoted"'])
def test_hostile_iri_parameter_is_refused(evil):
    with pytest.raises(QueryError, match="not a valid IRI"):
        expand_iri(evil, "t")


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_select_formats(fmt):
    r = run("query", "region-forums", "--param", "region=jamtland-harjedalen", "--format", fmt)
    assert r.exit_code == 0 and "SVOM" in r.output


def test_construct_as_turtle_parses():
    """Oxigraph's Turtle (with our prefixes; the export writes it too) read by rdflib, a second parser:
    every triple about the forums, labels in Swedish and evidence nodes among them."""
    r = run("query", "-e", "CONSTRUCT { ?f ?p ?o } WHERE { ?f a nv:CollaborationBody ; ?p ?o }", "--format", "turtle")
    assert r.exit_code == 0
    g = rdflib.Graph().parse(data=r.output, format="turtle")
    svom = rdflib.URIRef(NVR + "jamtland-harjedalen--svom")
    label = rdflib.Literal("Sociala vård- och omsorgsgruppen", lang="sv")
    assert len(g) > 500 and (svom, rdflib.RDFS.label, label) in g
    assert any(isinstance(o, rdflib.BNode) for o in g.objects(svom, None))


def test_queries_lists_library():
    r = run("queries")
    assert r.exit_code == 0 and "region-forums" in r.output and "<region>" in r.output


# ------------------------------------------------------------------ exports


@pytest.mark.parametrize("fmt", ["ttl", "nq", "trig", "jsonld"])
def test_rdf_exports_parse(tmp_path, fmt, store):
    """Read back with Oxigraph's parsers: Turtle holds the default graph (curated and derived
    triples); the quad formats carry the named graphs too (the derived triples are also in
    <https://w3id.org/naravard/graph/derived>, see graph/derive.py), so every quad of the store."""
    import pyoxigraph as ox

    from graph.export import RDF_FORMATS

    out = tmp_path / f"g.{fmt}"
    assert run("export", "--format", fmt, "--out", str(out)).exit_code == 0
    quads = list(ox.parse(path=str(out), format=RDF_FORMATS[fmt]))
    if fmt == "ttl":
        assert len(quads) == sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    else:
        assert len(quads) == len(store)
        assert {q.graph_name for q in quads} == {ox.DefaultGraph(), *store.named_graphs()}


# ------------------------------------------------------------------ a real remote store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    exe = Path(sys.executable).with_name("oxigraph")
    if not exe.exists():
        pytest.skip("the oxigraph server binary (PyPI package `oxigraph`) is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [str(exe), "serve", "--location", str(tmp_path_factory.mktemp("oxi")), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def published(oxigraph_server):
    """The server's base address, once `naravard publish` has sent it the project's graph."""
    r = run("publish", "--endpoint", oxigraph_server + "/store")
    assert r.exit_code == 0, r.output
    return oxigraph_server


def test_publish_then_every_library_query_matches_remotely(published, project, store):
    from graph.queries import execute
    from graph.remote import remote_query

    examples = {
        "region": "jamtland-harjedalen",
        "forum": "nvr:jamtland-harjedalen--svom",
        "subject": "nvr:kommuner-23",
        "actor": "nvr:dalarna--valfardsradet",
        "name": "reko",
        "work": "nvr:jonkopings-lan--tillsammans-for-basta-mojliga-halsa",
        "source": "nvr:source-000",
        "from": "nvr:source-004",
        "to": "nvr:source-000",
    }
    for q in Library(project):
        params = {p.name: examples[p.name] for p in q.params if not p.optional}
        prepared = prepare(q.name, params, project)
        local = execute(store, prepared)
        remote = remote_query(published + "/query", prepared)
        names = [v.value for v in local.variables]
        assert norm(local, names) == norm(remote, names), q.name


def norm(result, names):
    """Rows as sorted tuples; GROUP_CONCAT parts sorted, as their order is up to the engine."""

    def value(term):
        if term is None:
            return ""
        return " ".join(sorted(re.split(r"; |, | ↔ |\|", term.value)))

    return sorted(tuple(value(row[n]) for n in names) for row in result)


def test_query_endpoint_option_via_cli(published):
    r = run("query", "find-actor", "--param", "name=svom", "--endpoint", published + "/query", "--format", "csv")
    assert r.exit_code == 0 and "jamtland-harjedalen--svom" in r.output


def test_unreachable_endpoint_is_a_clear_error():
    r = run("query", "nodes", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert r.exit_code == 1 and "cannot reach" in r.output


def test_count_by_source_000(q):
    rows = q("count-by-source", source="nvr:source-000")
    counts = {(str(r["kind"]), str(r["term"]).rsplit("#", 1)[1]): int(r["count"]) for r in rows}
    # The board's answer quotes four recommendations and names eleven measures.
    assert counts[("entity", "AuditRecommendation")] == 4 and counts[("entity", "Measure")] == 11
    assert counts[("relation", "respondsTo")] == 11


@pytest.mark.parametrize(
    "value,nearest", [("dalarn", "dalarna"), ("Dalarna", "dalarna"), ("nvr:jamtland", "jamtland-harjedalen")]
)
def test_parameter_naming_no_region_is_an_error_with_nearest_names(value, nearest):
    with pytest.raises(QueryError, match=rf"parameter region: '[^']+' names no nv:Region; did you mean {nearest}\b"):
        graph.query("municipalities-outside-forums", region=value)


def test_parameter_of_the_wrong_class_is_an_error(store):
    from graph.queries import check_params

    prepared = prepare("forum-members", {"forum": "dalarna"})  # a region, not a forum
    with pytest.raises(QueryError, match="'dalarna' names no nv:CollaborationBody"):
        check_params(store, prepared)
    check_params(store, prepare("forum-members", {"forum": "nvr:jamtland-harjedalen--svom"}))  # no error


def test_header_declares_the_class(project):
    from graph.queries import Library

    q = Library(project).get("municipalities-outside-forums")
    assert q.params[0].cls == "https://w3id.org/naravard/def#Region"
    assert Library(project).get("actor-relations").params[0].cls == "http://www.w3.org/2000/01/rdf-schema#Resource"


def test_source_changes_jamtland_2020_overview_to_2025_answer(q):
    rows = q("source-changes", region="jamtland-harjedalen", **{"from": "source-004", "to": "source-000"})
    got = {(str(r["change"]), str(r["subject"]), str(r["relation"]).rsplit("#", 1)[1], str(r["object"])) for r in rows}
    # 000:38-39 (2025) "Region Jämtland Härjedalen har tillsammans med länets kommuner tagit fram en gemensam
    # målbild för en god och nära vård."
    assert ("appears", NVR + "kommuner-23", "partyTo", NVR + "jamtland-harjedalen--gemensam-malbild") in got
    # 004:730-731 (2020) "SVOM (Sociala vård- och omsorgsgruppen) med representanter från varje kommun och
    # regionen." — the 2025 answer does not describe SVOM's members.
    assert ("disappears", NVR + "kommuner-23", "memberOf", NVR + "jamtland-harjedalen--svom") in got
    svom = [
        r
        for r in rows
        if str(r["object"]) == NVR + "jamtland-harjedalen--svom" and str(r["subject"]) == NVR + "kommuner-23"
    ]
    assert (str(svom[0]["document"]), int(svom[0]["line"])) == ("Översikt över 21 regioner (2020)", 730)
