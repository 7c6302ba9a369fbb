"""graph/viz (site, page): the network pages, opened from disk in real headless Chromium, offline."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graph.namespaces import PREFIXES, shorten
from graph.network import ego_subgraph, network, region_subgraph
from graph.queries import rows
from graph.viz.page import pack, page_data, page_json, page_name, script_json, unpack
from graph.viz.shell import PENDING
from graph.viz.site import (
    MAP_STEPS,
    Site,
    colour_class,
    colour_legend,
    county_map,
    region_indicators,
    write_assets,
    write_site,
)
from graph.viz.sources import source_pages

from .axe import serious_violations
from .browser import Page, needs_chromium
from .gaps_fixtures import planted_project
from .test_foundation import GOOD_BODY


@pytest.fixture(scope="module")
def site(store):
    return Site(store)


@pytest.fixture(scope="module")
def pages(site, tmp_path_factory):
    """The index, the national map and network, two regions, a few actors and the source texts, written from
    the real graph."""
    out = tmp_path_factory.mktemp("site")
    write_assets(out)
    site.write_search_index(out)  # the search index of every actor, which every network page loads
    jobs = [
        site.index_page,
        site.map_page,
        site.network_page,
        lambda: site.region_page("nvr:jamtland-harjedalen"),
        lambda: site.region_page("nvr:dalarna"),
        lambda: site.actor_page("nvr:jamtland-harjedalen--svom"),
        lambda: site.actor_page("nvr:dalarna--valfardsradet"),
        *[lambda p=p, draw=draw: (p, draw()) for p, draw in source_pages(site.store, site.project)],
    ]
    for job in jobs:
        rel, text = job()
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return out


@pytest.fixture()
def open_page(chromium):
    """Open a file in a new tab (`Page`) of the module's Chromium (conftest.chromium); every tab the
    test opened is closed after it."""
    opened: list[Page] = []

    def open_(path: Path) -> Page:
        opened.append(Page(chromium, path.as_uri()))
        return opened[-1]

    yield open_
    for page in opened:
        page.page.close()


@pytest.fixture(scope="module")
def shown(pages, chromium):
    """A page of `pages` opened once for the module, a network page once it has stabilised: one load per
    page for the checks that only read it (its nodes and edges, axe-core); a test that clicks, types or
    selects opens its own (`open_page`)."""
    opened: dict[str, Page] = {}

    def show(rel: str) -> Page:
        if rel not in opened:
            opened[rel] = Page(chromium, (pages / rel).as_uri())
            if not rel.startswith(("index", "sources", "national.html")):  # the map page draws no network
                opened[rel].page.wait_for_function("window.naravard && window.naravard.isStabilized()", timeout=60_000)
        return opened[rel]

    yield show
    for page in opened.values():
        page.page.close()


# Dalarna's Välfärdsrådet with a label that is markup, and a second forum whose label holds the
# page template's slots: one store for the two label tests.
EVIL = "<img src=x onerror=alert(1)>"
SLOTS = "Rådet {{DATA}} {{TITLE}} {{BASE}}"
LABELLED = GOOD_BODY.replace('"Välfärdsrådet"@sv', f'"{EVIL}"@sv') + GOOD_BODY.replace(
    '"Välfärdsrådet"@sv', f'"{SLOTS}"@sv'
).replace("nvr:dalarna--valfardsradet", "nvr:dalarna--radet")
FORMULA = "=1+1 formel"  # a spreadsheet would compute it: the CSV download must keep it as text
LABELLED += GOOD_BODY.replace('"Välfärdsrådet"@sv', f'"{FORMULA}"@sv').replace(
    "nvr:dalarna--valfardsradet", "nvr:dalarna--formel"
)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """The pages of Dalarna, its Välfärdsrådet and the second forum, written from a copy with LABELLED."""
    tmp = tmp_path_factory.mktemp("labels")
    project, store = planted_project(tmp, {"dalarna": LABELLED}, check=False)
    actors = ["nvr:dalarna--valfardsradet", "nvr:dalarna--radet"]
    write_site(project, store, out=tmp / "site", regions=["nvr:dalarna"], actors=actors)
    return tmp / "site"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.srcs.append(a["src"])


def test_no_page_references_the_network(pages):
    for path in pages.rglob("*.html"):
        p = Links()
        p.feed(path.read_text(encoding="utf-8"))
        external = [u for u in p.srcs + p.hrefs if re.match(r"https?://", u)]  # the query page too: sparql.html
        assert not external, f"{path.name} loads {external}"
        assert "cdn" not in path.read_text(encoding="utf-8").lower()


def test_build_writes_every_page_and_index_links_resolve(small_project, built_output, monkeypatch):
    """The session's `naravard build` (conftest.built_output; the small project: all 21 regions in the
    reference data, Dalarna's and Kronoberg's bodies)."""
    from graph.store import open_store

    out = built_output
    assert (out / "graph.ttl").exists() and (out / "gaps.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    p = Links()
    p.feed(index)
    regions = [h for h in p.hrefs if h.startswith("regions/")]
    assert len(regions) == 21
    for h in p.hrefs:
        if not h.startswith(("http", "data:", "#")):  # the icon is `data:,`, the skip link `#content`
            assert (out / h).exists(), h
    # The gaps report links only to pages that exist.
    gp = Links()
    gp.feed((out / "gaps.html").read_text(encoding="utf-8"))
    local = [h.split("#")[0] for h in gp.hrefs if not h.startswith(("#", "http", "data:"))]
    assert local and all((out / h).exists() for h in local), [h for h in local if not (out / h).exists()][:5]
    # Every forum and board has its own page, linked from the pages that show it.
    monkeypatch.delenv("NARAVARD_OUTPUT", raising=False)  # the project's own output/ and its store cache
    g = network(open_store(small_project))
    bodies = [(n, d["cls"]) for n, d in g.nodes(data=True) if d["cls"] in ("CollaborationBody", "Board")]
    assert {n.split("--")[0] for n, _ in bodies} >= {"nvr:dalarna", "nvr:kronoberg"}
    for n, cls in bodies:
        assert (out / page_name(n, cls)).exists(), n


def expected(site, rel):
    if rel == "national-network.html":
        return site.g
    if rel.startswith("regions/"):
        return region_subgraph(site.g, "nvr:" + Path(rel).stem)
    return ego_subgraph(site.g, "nvr:" + Path(rel).stem, 2)


@needs_chromium
@pytest.mark.browser
@pytest.mark.parametrize(
    "rel,shot",
    [
        ("index.html", "index"),
        ("national.html", "map"),
        ("national-network.html", "national"),
        ("regions/jamtland-harjedalen.html", "region"),
        ("regions/dalarna.html", None),
        ("actors/jamtland-harjedalen--svom.html", "actor"),
        ("actors/dalarna--valfardsradet.html", None),
    ],
)
def test_page_loads_offline_and_holds_the_expected_nodes_and_edges(shown, site, rel, shot):
    """Each page opened once: no error, no request, and (the network pages) the nodes and edges of its
    subgraph plus the computed links between them, a stated gap once however many actors it has (the
    network holds one edge per pair of them; the drawing one mark joined to each)."""
    page = shown(rel)
    if rel not in ("index.html", "national.html"):
        n, e = page.page.evaluate("[naravard.data.nodes.length, naravard.data.edges.length]")
        sub = expected(site, rel)
        computed = sum(1 for c in site.computed if c.a in sub and c.b in sub)
        pairs: dict = {}  # gap → its actors on the page
        for s, t, k, kind in sub.edges(keys=True, data="kind"):
            if kind == "gap":
                pairs.setdefault(k, set()).update({s, t})
        relations = sum(1 for *_, kind in sub.edges(data="kind") if kind != "gap")
        assert (n, e) == (sub.number_of_nodes(), relations + len(pairs) + computed)
        several = [g for g, actors in pairs.items() if len(actors) > 2]
        drawn = page.page.evaluate("naravard.nodes.get().filter(v => v.hub).length")
        assert drawn == len(several)
    if shot:
        page.shot(f"page-{shot}")
    assert page.errors == []
    assert page.requests == []


@needs_chromium
@pytest.mark.browser
def test_search_filter_and_gap_toggle(pages, open_page, site):
    page = open_page(pages / "regions/jamtland-harjedalen.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    # Search by acronym, any case: the node is selected and its details shown.
    p.fill("#search", "svom")
    p.press("#search", "Enter")
    assert p.evaluate("naravard.network.getSelectedNodes()") == ["nvr:jamtland-harjedalen--svom"]
    assert "Sociala vård- och omsorgsgruppen" in p.inner_text("#details")
    page.shot("page-region-search")
    # A class filter hides exactly that class.
    before = p.evaluate("naravard.shownActors().length")
    posts = p.evaluate("naravard.nodes.get().filter(n => n.cls === 'Post').length")
    assert posts > 0
    p.uncheck("#class-filters input[data-key=Post]")
    assert p.evaluate("naravard.shownActors().length") == before - posts
    # The gap toggle hides the source gaps (dashed red) and shows them again.
    gaps = p.evaluate("naravard.edges.get().filter(e => e.kind === 'gap').length")
    assert gaps > 0
    shown = p.evaluate("naravard.edgesView.length")
    p.uncheck("#toggle-gaps")
    assert p.evaluate("naravard.edgesView.length") == shown - gaps
    p.check("#toggle-gaps")
    assert p.evaluate("naravard.edgesView.length") == shown
    assert page.errors == [] and page.requests == []


@needs_chromium
@pytest.mark.browser
def test_click_opens_side_panel_with_links(pages, open_page):
    page = open_page(pages / "actors/dalarna--valfardsradet.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    pos = p.evaluate(
        "(id => { const n = naravard.network; return n.canvasToDOM(n.getPositions([id])[id]); })",
        "nvr:dalarna--valfardsradet",
    )
    box = p.locator("#network").bounding_box()
    p.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    p.wait_for_selector("#details ul.relations li")
    assert "Välfärdsrådet" in p.inner_text("#details h2")
    links = p.eval_on_selector_all("#details a", "as => as.map(a => a.getAttribute('href'))")
    assert any(h.startswith("../actors/") or h.startswith("../regions/") for h in links)
    figures = p.inner_text("#details p.figures")  # computed at build time, named by the ontology
    assert re.fullmatch(r"grad: \d+ · mellanhet: [\d.e-]+ · gemenskap: \d+", figures), figures


@needs_chromium
@pytest.mark.browser
def test_hostile_label_renders_as_text(labelled, open_page):
    html_text = (labelled / "regions/dalarna.html").read_text(encoding="utf-8")
    assert EVIL not in html_text  # escaped inside the JSON block
    page = open_page(labelled / "regions/dalarna.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    p.fill("#search", "img src")
    p.press("#search", "Enter")
    assert EVIL in p.inner_text("#details h2")
    assert p.evaluate("document.querySelectorAll('img').length") == 0
    page.shot("page-hostile-label")
    page.open_list("#node-list")
    with p.expect_download() as got:
        p.click("#node-csv")
    names = [r[0] for r in csv.reader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig")))]
    assert "'" + FORMULA in names and FORMULA not in names and EVIL in names
    assert page.errors == [] and page.requests == []


def test_label_with_template_slots_stays_text(labelled):
    """A label such as `{{DATA}}` once made the page put the graph JSON into its title."""
    text = (labelled / "actors" / "dalarna--radet.html").read_text(encoding="utf-8")
    assert f"<title>{SLOTS} – naravard-kg</title>" in text and f"<h1>{SLOTS}</h1>" in text
    block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S).group(1)
    data = json.loads(block)
    assert data["title"] == SLOTS and SLOTS in data["nodes"]["cols"]["label"]["v"]  # packed (page.pack)
    assert text.count('id="graph-data"') == 1


def test_every_relation_of_the_ontology_is_named_and_drawn(store, site):
    """Relation names come from the ontology; one style.toml does not name gets the default style,
    so the page's relation filter never hides it."""
    from graph.queries import rows
    from graph.viz.style import relation_style, style

    relations = {
        r["p"].rsplit("#", 1)[1] for r in rows(store, "SELECT ?p WHERE { ?p rdfs:subPropertyOf+ nv:relation }")
    }
    assert relations - set(site.labels["relation"]) == set()
    assert all(relation_style(r)["color"] for r in relations)
    assert site.labels["relation"]["memberOf"] == {"sv": "medlem i", "en": "member of"}
    assert not any("label" in v for group in style().values() for v in group.values())  # names live in the model


def test_nodes_carry_principal_side(site):
    # 004:870 "Regionen representeras av … kirurgi": a unit of Region Jönköpings län, on the region side.
    d = site.g.nodes["nvr:jonkopings-lan--kirurgi"]
    assert d["principals"] == ["nvr:jonkopings-lan"] and d["side"] == "nv:side-region"
    assert site.labels["side"]["nv:side-region"] == {"sv": "regionsidan", "en": "region side"}
    from graph.viz.page import page_data

    data = page_data(ego_subgraph(site.g, "nvr:jonkopings-lan--kirurgi", 1), title="t", labels=site.labels)
    assert {(n["sideLabel"], n["sideLabelEn"]) for n in data["nodes"] if n["id"] == "nvr:jonkopings-lan--kirurgi"} == {
        ("regionsidan", "region side")
    }


def test_pages_carry_the_network_figures(site):
    """Degree, betweenness and community (graph/metrics.py) reach the page's details panel."""
    from graph.viz.page import page_data

    assert site.figure_labels == {"degree": "grad", "betweenness": "mellanhet", "community": "gemenskap"}
    data = page_data(ego_subgraph(site.g, "nvr:dalarna", 1), title="t", figure_labels=site.figure_labels)
    dalarna = next(n for n in data["nodes"] if n["id"] == "nvr:dalarna")
    assert data["figureLabels"] == site.figure_labels
    assert dalarna["figures"]["degree"] > 10 and 0 < dalarna["figures"]["betweenness"] < 1


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>")
INLINE_CODE = re.compile(r"<[^>]*\s(?:style|on[a-z]+)=", re.I)


def test_every_built_page_is_on_the_base_layout_with_a_strict_policy(built_output):
    """index, national, regions, actors, sources and gaps.html: viewport, a CSP without 'unsafe-inline',
    no inline script, style attribute or event handler, the one stylesheet and the footer."""
    built = sorted(built_output.rglob("*.html"))
    kinds = {p.relative_to(built_output).parts[0] for p in built}
    assert {
        "index.html",
        "national.html",
        "national-network.html",
        "gaps.html",
        "regions",
        "actors",
        "sources",
    } <= kinds
    for path in built:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(built_output)
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text, rel
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text).group(1)
        assert "unsafe-inline" not in policy and "script-src &#39;self&#39;" in policy, rel
        assert not INLINE_SCRIPT.search(text) and not INLINE_CODE.search(text), rel
        assert text.count('rel="stylesheet"') == 1 and "naravard.css" in text, rel
        found = re.search(
            r"Byggd</span> \d{4}-\d\d-\d\d · <span data-i18n>dataversion</span> <code>([0-9a-f]{12})</code>", text
        )
        assert found, rel
        # each page's data version is the version of what it shows: the digest of the page as drawn
        drawn = text.replace(f"<code>{found.group(1)}</code>", f"<code>{PENDING}</code>", 1)
        assert hashlib.sha256(drawn.encode()).hexdigest()[:12] == found.group(1), rel
    names = {p.name for p in (built_output / "assets").iterdir()}
    assert {"unpack.js", "network.js", "diagram.js", "timeline.js", "clusters.js", "source.js", "map.js"} <= names
    assert (built_output / "assets" / "search-index.js").is_file()  # one search index for every page


def test_gaps_and_suggestions_look_like_no_other_relation():
    from graph.viz.style import relation_style, style

    others = [relation_style(r) for r in style()["relation"] if r not in ("gap", "predicted")]
    for kind in ("gap", "predicted"):
        mine = relation_style(kind)
        assert all(o["color"].lower() != mine["color"].lower() for o in others), kind
        assert all(o.get("dashes") != mine["dashes"] for o in others), kind
    assert relation_style("gap")["color"] != relation_style("predicted")["color"]


NODE_QUOTES = "SELECT ?n ?q WHERE { ?n nv:evidence ?ev . ?ev nv:quote ?q }"


@needs_chromium
@pytest.mark.browser
def test_every_quote_of_every_actor_is_on_the_page_and_linked(shown, store):
    """An actor's details show every quote that evidences it, each linked to its line in the source text."""
    page = shown("regions/dalarna.html")
    stated: dict = {}
    for r in store.query(NODE_QUOTES, prefixes=PREFIXES):  # an independent query of the statements
        stated.setdefault(shorten(r["n"].value), set()).add(r["q"].value)
    data = page.page.evaluate("naravard.data.nodes.map(n => [n.id, (n.evidence || []).map(e => e[0])])")
    assert sum(1 for _, quotes in data if quotes) > 50
    for node, quotes in data:
        assert set(quotes) == stated.get(node, set()), node
    page.page.evaluate("naravard.select('nvr:dalarna--valfardsradet')")
    links = page.page.eval_on_selector_all("#details > p.doc a", "as => as.map(a => a.getAttribute('href'))")
    assert len(links) == len(stated["nvr:dalarna--valfardsradet"]) and all("#L" in h for h in links)
    page.page.evaluate("naravard.clear()")


@needs_chromium
@pytest.mark.browser
def test_every_quote_of_every_edge_is_on_the_page_with_its_document(pages, open_page, store):
    """The quote/document pairs of every edge on a region page equal the graph's statements
    (queries/relation-evidence.rq, an independent query); the details panel shows all of a relation's
    quotes, each linking to its line in the source text, where the line is marked."""
    from graph.queries import rows

    page = open_page(pages / "regions/jamtland-harjedalen.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    data = p.evaluate("JSON.parse(document.getElementById('graph-data').textContent)")
    stated: dict = {}
    for r in rows(store, "relation-evidence"):
        key = (r["subject"], r["relation"].rsplit("#", 1)[1], r["object"])
        doc = r["document"] + (f", rad {r['line']}" if r["line"] else "")
        stated.setdefault(key, set()).add((r["quote"], doc))
    ns = "https://w3id.org/naravard/id/"
    relations = [e for e in data["edges"] if e["kind"] not in ("gap", "predicted")]
    assert len(relations) > 100
    for e in relations:
        key = (e["from"].replace("nvr:", ns), e["kind"], e["to"].replace("nvr:", ns))
        docs = data["documents"]
        shown = {(q, docs[i]["cited"] + (f", rad {line}" if line else "")) for q, i, line, _ in e["evidence"]}
        assert shown == stated[key], key
    # Region Jämtland Härjedalen collaborates with the region's municipalities: two quotes, two documents.
    p.fill("#search", "Region Jämtland Härjedalen")
    p.press("#search", "Enter")
    item = p.locator("#details li", has_text="Kommunerna i Jämtlands län").filter(has_text="samverkar")
    docs = item.first.locator("p.doc a")
    assert sorted(docs.all_inner_texts()) == [
        "svar på revisionsrapport: Regionstyrelsens svar, Region Jämtland Härjedalen (2025-03-26), rad 185",
        "översikt: Översikt över 21 regioner (2020), rad 783",
    ]
    href = docs.filter(has_text="rad 783").get_attribute("href")
    assert href == "../sources/004_ab6905b18fea9e05.html#L783-L784"  # the quote's two lines
    with p.expect_navigation():
        docs.filter(has_text="rad 783").click()  # the auditor follows the quote to its lines
    assert p.url.endswith("/sources/004_ab6905b18fea9e05.html#L783-L784")
    p.wait_for_selector("li.quoted")
    assert p.eval_on_selector_all("li.quoted", "ls => ls.map(l => l.id)") == ["L783", "L784"]
    marked = " ".join(p.locator("li.quoted").all_inner_texts())
    assert "I samverkan pågår även flera gemensamma" in marked and "utvecklingsarbeten" in marked
    colour = p.locator("#L784").evaluate("li => getComputedStyle(li).backgroundColor")
    assert colour == "rgb(255, 241, 184)"
    assert page.errors == [] and page.requests == []


@needs_chromium
@pytest.mark.browser
def test_phone_layout_gives_the_network_the_width(pages, chromium):
    page = Page(chromium, (pages / "regions/dalarna.html").as_uri(), viewport=(390, 844))
    try:
        p = page.page
        p.wait_for_function("window.naravard && window.naravard.isStabilized()")
        box = p.locator("#network").bounding_box()
        assert box["width"] >= 0.9 * 390 and box["height"] >= 400, box
        assert p.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        page.shot("page-region-phone")
        page.open_list("#node-list")  # the lists scroll sideways within their box
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.errors == [] and page.requests == []
    finally:
        page.page.close()


@needs_chromium
@pytest.mark.browser
@pytest.mark.parametrize(
    "rel",
    [
        "index.html",
        "national.html",
        "actors/dalarna--valfardsradet.html",
        "sources/000_05c46514b3df74ab.html",
    ],
)
def test_no_serious_accessibility_violation(shown, rel):
    """axe-core (tests/assets/axe-core/, from npm) finds no serious or critical violation; the query page
    is checked in tests/test_server_app.py, the gaps report below, a region's page with its lists open in
    test_lists_sort_filter_select_and_download."""
    page = shown(rel)
    assert page.errors == [] and page.requests == []
    assert serious_violations(page.page) == []


@needs_chromium
@pytest.mark.browser
def test_gaps_report_has_no_serious_accessibility_violation(built_output, open_page):
    page = open_page(built_output / "gaps.html")
    assert page.errors == [] and page.requests == []
    assert serious_violations(page.page) == []


@needs_chromium
@pytest.mark.browser
def test_gaps_report_in_english(built_output, chromium):
    """The English switch gives the findings' explanations and kinds in English (`explanation_en`)."""
    page = Page(chromium, (built_output / "gaps.html").as_uri() + "#lang=en")
    try:
        p = page.page
        p.wait_for_function("() => document.documentElement.lang === 'en'")
        text = p.inner_text("main")
        assert "The source states a collaboration gap" in text and "anger en samverkansbrist" not in text
        kinds = set(p.eval_on_selector_all("td span.kind", "ks => ks.map(k => k.textContent)"))
        assert "audit" in kinds and "granskning" not in kinds
        assert "the auditors' finding" in text and "revisorernas iakttagelse" not in text  # the rank's reason
        assert "Material for judgement" in text and "Underlag för bedömning" not in text  # the introduction
        assert page.errors == [] and page.requests == []
    finally:
        page.page.close()


@needs_chromium
@pytest.mark.browser
def test_each_stated_gap_is_its_own_edge_with_its_swatch(pages, open_page, site):
    """Seven of Dalarna's findings concern the region and its municipalities: seven edges, not one; the
    toggles' swatches have the gap and suggestion colours; Tab from the search reaches the details."""
    from graph.viz.style import relation_style

    page = open_page(pages / "regions/dalarna.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    pair = p.evaluate(
        "naravard.edges.get().filter(e => e.kind === 'gap' && e.from === 'nvr:dalarna' && e.to === 'nvr:kommuner-20')"
        ".length"
    )
    assert pair == 7
    # each finding carries its kind, summary and every quote's source kind and date, as the store has them
    findings = p.evaluate(
        "naravard.data.edges.filter(e => e.kind === 'gap' && e.from === 'nvr:dalarna' && e.to === 'nvr:kommuner-20')"
        ".map(e => [e.gapKind, e.summary, e.evidence.map(([q, i]) => naravard.data.documents[i].kind)])"
    )
    assert all(kind and summary and docs and all(docs) for kind, summary, docs in findings), findings
    p.evaluate("naravard.select('nvr:dalarna')")
    shown = p.inner_text("#details")
    assert shown.count("revisionsrapport: ") >= 7 and findings[0][1] in shown
    for box, kind in (("#toggle-gaps", "gap"), ("#toggle-computed", "predicted")):
        colour = p.eval_on_selector(f"{box} + .swatch", "s => getComputedStyle(s).borderTopColor")
        rgb = tuple(int(relation_style(kind)["color"][i : i + 2], 16) for i in (1, 3, 5))
        assert colour == "rgb({}, {}, {})".format(*rgb), kind
    p.focus("#search")
    presses = 0
    while p.evaluate("document.activeElement.closest('#details') === null") and presses < 5:
        p.keyboard.press("Tab")
        presses += 1
        if p.evaluate("document.activeElement.getAttribute('href')") == "#details":
            p.keyboard.press("Enter")
    assert p.evaluate("document.activeElement.id") == "details", presses
    assert page.errors == [] and page.requests == []


@needs_chromium
@pytest.mark.browser
def test_a_gap_between_several_actors_is_one_finding(pages, open_page, store):
    """A stated gap between three or more actors is one entry of the page's data and one mark in the
    drawing (a diamond joined to each actor), not an edge per pair; its details name every actor and
    every quote; the gaps' toggle hides it."""
    between = {}
    for r in rows(store, "edges"):
        if r["gap"]:
            between.setdefault(shorten(r["gap"]), set()).update({shorten(r["source"]), shorten(r["target"])})
    several = {g: a for g, a in between.items() if g.startswith("nvr:jamtland-harjedalen--") and len(a) > 2}
    assert several  # the region's answer names gaps between organisational levels
    page = open_page(pages / "regions/jamtland-harjedalen.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    for gap, actors in several.items():
        entries = p.evaluate(f"naravard.data.edges.filter(e => e.gap === {json.dumps(gap)})")
        assert len(entries) == 1 and set(p.evaluate("e => naravard.actorsOf(e)", entries[0])) == actors
        hub = "hub:" + entries[0]["id"]
        spokes = p.evaluate(f"naravard.edges.get().filter(e => e.from === {json.dumps(hub)}).map(e => e.to)")
        assert sorted(spokes) == sorted(actors)
        p.evaluate(f"naravard.select({json.dumps(hub)})")
        shown = p.inner_text("#details")
        labels = p.evaluate("ids => ids.map(id => naravard.data.nodes.find(n => n.id === id).label)", sorted(actors))
        assert all(label in shown for label in labels)
        assert entries[0]["summary"] in shown and shown.count("«") == len(entries[0]["evidence"])
    hubs = "naravard.nodesView.getIds().filter(id => id.startsWith('hub:')).length"
    assert p.evaluate(hubs) == len(several)
    p.uncheck("#toggle-gaps")
    assert p.evaluate(hubs) == 0 and p.evaluate("naravard.edgesView.get().filter(e => e.kind === 'gap')") == []
    p.check("#toggle-gaps")
    assert page.errors == [] and page.requests == []


# ---------------------------------------------------------------- the governance diagram (graph/static/diagram.js)


@pytest.fixture(scope="module")
def dalarna(pages, chromium):
    """Dalarna's region page, opened once for the diagram tests (each leaves it as it found it)."""
    page = Page(chromium, (pages / "regions/dalarna.html").as_uri())
    page.page.wait_for_function("window.naravard && window.naravard.isStabilized()", timeout=60_000)
    yield page
    page.page.close()


#: The shown nodes outside the network's box (none after a fit), and the smallest label in screen px.
OUTSIDE = """(() => { const n = naravard.network, box = n.body.container;
  return naravard.nodesView.getIds().filter(id => { const p = n.canvasToDOM(n.getPositions([id])[id]);
    return p.x < 0 || p.y < 0 || p.x > box.clientWidth || p.y > box.clientHeight; }); })()"""
SMALLEST_LABEL = "Math.min(...naravard.nodesView.get().map(v => v.font.size)) * naravard.network.getScale()"


@needs_chromium
@pytest.mark.browser
def test_diagram_puts_sides_in_columns_and_levels_in_rows_with_legible_labels(dalarna, site):
    """Region side left of the joint forums left of the municipal side; political above executive above
    operational (the bodies that state one level); labels at least 11 px on first view."""
    p = dalarna.page
    assert p.evaluate("naravard.view.mode()") == "diagram"
    assert p.evaluate(SMALLEST_LABEL) >= 11
    pos = p.evaluate("naravard.network.getPositions()")
    g = region_subgraph(site.g, "nvr:dalarna")
    by_side = {
        s: [pos[n]["x"] for n, d in g.nodes(data=True) if d["side"] == f"nv:side-{s}"]
        for s in ("region", "joint", "municipal")
    }
    assert max(by_side["region"]) < min(by_side["joint"]) and max(by_side["joint"]) < min(by_side["municipal"])
    one = {
        v: [pos[n]["y"] for n, d in g.nodes(data=True) if d["levels"] == [f"nv:level-{v}"]]
        for v in ("political", "executive", "operational")
    }
    assert all(one.values()), one
    assert max(one["political"]) < min(one["executive"]) and max(one["executive"]) < min(one["operational"])
    # Dalarna's political forum, Välfärdsrådet: the joint column, the political row
    data = p.evaluate("naravard.data.diagram")
    x, y, row, col = data["place"]["nvr:dalarna--valfardsradet"]
    assert (data["columns"][col]["label"], data["rows"][row]["label"]) == ("gemensam", "politisk nivå")
    # steering drawn thicker than the other relations, as style.toml says
    widths = p.evaluate("naravard.edges.get().filter(e => e.kind === 'steers').map(e => e.width)")
    assert widths and set(widths) == {3}
    dalarna.shot("page-region-diagram")
    # the free layout stays as the alternative
    p.check("#view-switch input[value=force]")
    first = p.evaluate("naravard.data.nodes[0]")
    at = p.evaluate(f"naravard.network.getPositions(['{first['id']}'])['{first['id']}']")
    assert (at["x"], at["y"]) == (pytest.approx(first["x"], abs=1), pytest.approx(first["y"], abs=1))
    assert p.evaluate(OUTSIDE) == []
    p.check("#view-switch input[value=diagram]")
    assert p.evaluate(SMALLEST_LABEL) >= 11
    assert dalarna.errors == [] and dalarna.requests == []


@needs_chromium
@pytest.mark.browser
def test_diagram_click_highlights_filters_refit_and_reset(dalarna):
    p = dalarna.page
    first_scale = p.evaluate("naravard.network.getScale()")
    # A click on Välfärdsrådet dims all but it and its neighbours; a click on the background undims.
    forum = "nvr:dalarna--valfardsradet"
    at = p.evaluate(f"(n => n.canvasToDOM(n.getPositions(['{forum}'])['{forum}']))(naravard.network)")
    box = p.locator("#network").bounding_box()
    p.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    near = set(p.evaluate(f"naravard.network.getConnectedNodes('{forum}')")) | {forum}
    dimmed = set(p.evaluate("naravard.view.dimmed()"))
    assert dimmed and not dimmed & near and dimmed | near == set(p.evaluate("naravard.nodes.getIds()"))
    assert p.evaluate(f"naravard.nodes.get('{forum}').opacity") == 1
    assert all(p.evaluate(f"naravard.nodes.get({sorted(dimmed)[:3]!r}).map(v => v.opacity)")[i] < 1 for i in range(3))
    p.mouse.click(box["x"] + 5, box["y"] + box["height"] - 5)
    assert p.evaluate("naravard.view.dimmed()") == []
    # The level filter: only the political level, the view fitted to it.
    for key in p.eval_on_selector_all("#level-filters input", "bs => bs.map(b => b.dataset.key)"):
        if key != "nv:level-political":
            p.uncheck(f'#level-filters input[data-key="{key}"]')
    rows = p.evaluate("naravard.data.diagram.rows.map(r => r.key)")
    shown = p.evaluate("naravard.shownActors().map(id => naravard.data.diagram.place[id][2])")
    assert shown and {rows[r] for r in shown} == {"nv:level-political"}
    assert forum in p.evaluate("naravard.nodesView.getIds()")
    assert p.evaluate(OUTSIDE) == []
    # Reset: every node back, the first view again; Fit: every node in the box.
    p.click("#view-reset")
    assert p.evaluate("naravard.nodesView.length") == p.evaluate("naravard.nodes.length")
    assert p.evaluate("naravard.network.getScale()") == pytest.approx(first_scale)
    p.click("#view-fit")
    assert p.evaluate(OUTSIDE) == []
    p.click("#view-reset")
    assert dalarna.errors == [] and dalarna.requests == []


@needs_chromium
@pytest.mark.browser
def test_every_municipality_of_the_region_is_findable(dalarna, store):
    """Searching "Rättvik" (a municipality behind "länets kommuner") selects it; the group's button
    shows the rest, each a member of the group."""
    from graph.queries import rows

    p = dalarna.page
    county = {r["name"] for r in rows(store, "region-municipalities", params={"region": "nvr:dalarna"})}
    on_page = set(p.evaluate("naravard.data.nodes.filter(n => n.cls === 'Municipality').map(n => n.label)"))
    hidden = set(p.evaluate("naravard.view.members.map(m => m.label)"))
    assert len(county) == 15 and on_page | hidden == county and "Rättvik" in hidden
    p.fill("#search", "rattvik")
    p.press("#search", "Enter")
    assert p.evaluate("naravard.network.getSelectedNodes()") == ["nvr:kommun-2031"]
    assert "Rättvik" in p.inner_text("#details h2") and "Kommunerna i Dalarnas län" in p.inner_text("#details")
    assert p.evaluate("naravard.nodesView.getIds()").count("nvr:kommun-2031") == 1
    p.evaluate("naravard.select('nvr:kommuner-20')")
    assert p.is_disabled("#show-members")  # all shown already, by the search
    members = p.evaluate("naravard.edges.get().filter(e => e.to === 'nvr:kommuner-20' && e.id.startsWith('m-')).length")
    assert members == len(hidden)
    assert dalarna.errors == [] and dalarna.requests == []


# ---------------------------------------------------------------- sources over time (graph/static/timeline.js)

# What each source states, by queries independent of the pages': its relations (statements of a drawn
# relation), its collaboration gaps (one edge per gap and pair), the entities it evidences, and the
# entities the model says ended.
STATED = """SELECT DISTINCT ?src ?s ?p ?o ?gap WHERE {
  { ?st nv:source ?src ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?s ?p ?o .
    ?p rdfs:subPropertyOf* nv:relation FILTER(?p != nv:fromReport) }
  UNION { ?gap a nv:CollaborationGap ; nv:evidence/nv:source ?src ; nv:between ?s , ?o FILTER(STR(?s) < STR(?o)) }
}"""
EVIDENCED = "SELECT DISTINCT ?src ?n WHERE { ?n nv:evidence/nv:source ?src }"
ENDED = """SELECT DISTINCT ?n WHERE {
  { ?n nv:lifecycle nv:lifecycle-dissolved } UNION { ?n nv:validUntil ?u } UNION { ?n nv:succeededBy ?x }
}"""


def said_by(store, site, region: str) -> dict:
    """source (nvr:source-…) → (nodes, edges) of `region`'s page that it evidences, by STATED and EVIDENCED."""
    on_page = set(region_subgraph(site.g, region))
    said: dict = {}
    for r in rows(store, STATED):
        s, o = shorten(r["s"]), shorten(r["o"])
        if {s, o} <= on_page:
            nodes, edges = said.setdefault(shorten(r["src"]), (set(), set()))
            edges.add(shorten(r["gap"]) if r["gap"] else (s, shorten(r["p"]), o))  # a gap is one finding
            nodes |= {s, o}
    for r in rows(store, EVIDENCED):
        if shorten(r["n"]) in on_page:
            said.setdefault(shorten(r["src"]), (set(), set()))[0].add(shorten(r["n"]))
    return said


def cited_as(store, source: str) -> str:
    return next(r["cited"] for r in rows(store, "source-documents") if r["source"].endswith("/" + source))


@needs_chromium
@pytest.mark.browser
def test_source_switch_shows_only_what_the_chosen_source_evidences(pages, open_page, site, store):
    """Dalarna's page switches between the audit and the overview: the nodes and edges drawn are those the
    store says the chosen source evidences; "alla" draws everything again."""
    page = open_page(pages / "regions/dalarna.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    drawn = "[naravard.shownActors().length, naravard.shownEdges().length]"
    everything = p.evaluate(drawn)
    said = said_by(store, site, "nvr:dalarna")
    options = p.eval_on_selector_all("#source-switch option", "os => os.map(o => o.textContent)")
    assert options[0] == "alla" and len(options) == 3
    for source in ("source-003", "source-004"):
        label = next(o for o in options if o.startswith(cited_as(store, source)))
        p.select_option("#source-switch", label=label)
        nodes, edges = said[f"nvr:{source}"]
        assert 0 < len(edges) < everything[1]
        assert p.evaluate(drawn) == [len(nodes), len(edges)]
        assert set(p.evaluate("naravard.shownActors()")) == nodes
    assert f"Visar {len(nodes)} av {everything[0]} noder" in p.inner_text("#timeline-status")
    # searching for what the overview does not evidence says so (the audit's pilot project)
    assert "nvr:dalarna--ny-nara-vard-sodra-dalarna" not in nodes
    p.fill("#search", "Projekt Ny Nära Vård Södra Dalarna")
    p.press("#search", "Enter")
    assert p.inner_text("#search-status") == "Projekt Ny Nära Vård Södra Dalarna: dold av källvalet"
    p.select_option("#source-switch", label="alla")
    assert p.evaluate(drawn) == everything
    assert page.errors == [] and page.requests == []


@needs_chromium
@pytest.mark.browser
def test_what_changed_lists_and_colours_what_only_one_source_describes(pages, open_page, site, store):
    """Comparing Dalarna's two sources (both dated 2020, so "only in", not "new"): each node only one
    source evidences is listed under that source with its quotes and drawn in that state's colour; the
    dissolved pilot project is listed as ended, with its end date; ending the comparison restores the page."""
    page = open_page(pages / "regions/dalarna.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    before = p.evaluate("naravard.nodes.get().map(n => [n.id, n.color.background])")
    p.click("#compare-go")
    said = said_by(store, site, "nvr:dalarna")
    ended = {shorten(r["n"]) for r in rows(store, ENDED)}
    audit, overview = said["nvr:source-003"][0], said["nvr:source-004"][0]
    only = {"appears": overview - audit - ended, "disappears": audit - overview - ended}
    assert only["appears"] and only["disappears"]
    sections = p.eval_on_selector_all("#changes section h3", "hs => hs.map(h => h.textContent)")
    assert sections[0].startswith(f"Bara i {cited_as(store, 'source-004')} ({len(only['appears'])} noder")
    assert sections[1].startswith(f"Bara i {cited_as(store, 'source-003')} ({len(only['disappears'])} noder")
    assert "samma datum (2020)" in p.inner_text("#changes")
    # every node only one source evidences is in its state's colour (the stylesheet's swatch)
    for state, ids in only.items():
        swatch = p.eval_on_selector(f".swatch.change-{state}", "s => getComputedStyle(s).backgroundColor")
        colours = p.evaluate(f"{sorted(ids)}.map(id => naravard.nodes.get(id).color.background)")
        assert set(colours) == {swatch}, state
    item = "#changes .change-list-{} li"
    network = p.locator(item.format("appears")).filter(has=p.get_by_role("button", name="chefsnätverk", exact=True))
    assert "I ett chefsnätverk ingår socialchefer" in network.inner_text()
    assert "Översikt över 21 regioner (2020), rad 229" in network.inner_text()
    project = p.locator(item.format("ended")).filter(
        has=p.get_by_role("button", name="Projekt Ny Nära Vård Södra Dalarna", exact=True)
    )
    assert "avvecklad · gäller till 2019" in project.inner_text()
    p.click("#compare-stop")
    assert p.evaluate("naravard.nodes.get().map(n => [n.id, n.color.background])") == before
    assert page.errors == [] and page.requests == []


def test_region_pages_order_their_sources_by_date(site):
    """Jämtland Härjedalen's page offers the 2020 overview before the 2025 answer; a region with one
    source has no switch; every node lists the documents that evidence it."""
    data = {}
    for region in ("nvr:jamtland-harjedalen", "nvr:uppsala"):
        text = site.region_page(region)[1]
        data[region] = page_json(text)
    jh = data["nvr:jamtland-harjedalen"]
    assert [jh["documents"][i]["cited"] for i in jh["timeline"]["sources"]] == [
        "Översikt över 21 regioner (2020)",
        "Regionstyrelsens svar, Region Jämtland Härjedalen (2025-03-26)",
    ]
    assert jh["timeline"]["dates"] == ["2020", "2025-03-26"]
    assert data["nvr:uppsala"]["timeline"] is None
    svom = next(n for n in jh["nodes"] if n["id"] == "nvr:jamtland-harjedalen--svom")
    assert {jh["documents"][i]["cited"] for i in svom["sources"]} >= {"Översikt över 21 regioner (2020)"}


# The national map (Site.map_page, graph/viz/map.html, graph/static/map.js).


@pytest.mark.parametrize("top", [0, 1, 2, 3, 4, 5, 11, 100])
def test_colour_classes_rise_with_the_count_and_the_legend_names_each(top):
    classes = [colour_class(v, top) for v in range(top + 1)]
    assert classes[0] == 0 and all(c > 0 for c in classes[1:]) and classes == sorted(classes)
    assert len(set(classes)) == min(top + 1, MAP_STEPS) and max(classes) <= MAP_STEPS - 1  # every step used
    assert [k["css"] for k in colour_legend(top)] == [f"map-q{c}" for c in dict.fromkeys(classes)]


def test_map_indicators_count_what_the_entity_counts_count(site):
    """queries/region-indicators.rq against queries/count-by-region.rq (the index page's counts): the same
    stated gaps and recommendations per region; labels from the model."""
    codes, indicators = region_indicators(site.store, site.project)
    by_key = {ind["key"]: ind for ind in indicators}
    assert len(codes) == 21 and list(by_key)[0] == "nv:st-political-joint-forum" and len(indicators) == 5
    assert by_key["nv:CollaborationGap"]["values"] == {r: v["gaps"] for r, v in site.regions.items()}
    assert by_key["nv:AuditRecommendation"]["values"] == {r: v["recommendations"] for r, v in site.regions.items()}
    sv = "SELECT ?l WHERE { nv:CollaborationGap rdfs:label ?l FILTER(LANG(?l) = 'sv') }"
    assert by_key["nv:CollaborationGap"]["label"] == rows(site.store, sv)[0]["l"]


@needs_chromium
@pytest.mark.browser
def test_packed_page_data_is_unpacked_before_the_pages_scripts_read_it(site, shown, pages):
    """page.pack on the page, graph/static/unpack.js in the browser: the data every script reads is the
    data block unpacked (as page.unpack does it), `unpack(pack(d))` is `page_data` itself (Dalarna's region,
    with the keys some nodes and edges lack), and the packed form is smaller."""
    page = shown("regions/dalarna.html")
    read = page.page.evaluate("JSON.parse(document.getElementById('graph-data').textContent)")
    assert read == page_json((pages / "regions/dalarna.html").read_text(encoding="utf-8"))
    assert read["nodes"] and "packed" not in read
    data = page_data(
        region_subgraph(site.g, "nvr:dalarna"), title="Dalarna", labels=site.labels, evidence=site.evidence
    )
    assert json.loads(script_json(unpack(pack(data)))) == json.loads(script_json(data))
    assert len(script_json(pack(data))) < 0.8 * len(script_json(data))
    assert page.errors == [] and page.requests == []


@pytest.mark.parametrize("text,reason", [(None, "No such file or directory"), ("{", "line 1 column 2")])
def test_a_missing_or_broken_county_map_is_one_line_naming_the_file(tmp_path, text, reason):
    from graph.errors import NaravardError
    from graph.project import Project

    if text is not None:
        write_text = tmp_path / "data" / "reference" / "regions-map.json"
        write_text.parent.mkdir(parents=True)
        write_text.write_text(text, encoding="utf-8")
    with pytest.raises(NaravardError, match=rf"^data/reference/regions-map\.json: .*{reason}.*make reference"):
        county_map(Project(tmp_path))


def test_network_of_all_actors_labels_each_region_above_its_cluster(pages, site):
    text = (pages / "national-network.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="graph-data">(.*?)</script>', text, re.S).group(1))
    labels = {c["label"]: c for c in data["clusters"]["labels"]}
    assert set(labels) == set(site.region_labels.values())
    cols = data["nodes"]["cols"]
    region = [cols["region"]["s"][i] for i in cols["region"]["i"]]
    for r, name in site.region_labels.items():
        ys = [y for y, g in zip(cols["y"]["v"], region, strict=True) if g == r]
        assert labels[name]["y"] < min(ys), name


def test_map_page_is_light_and_has_no_script_of_its_own(pages):
    text = (pages / "national.html").read_text(encoding="utf-8")
    assert len(text.encode()) <= 600 * 1024
    assert text.count("<script") == 3 and 'src="assets/map.js"' in text and 'id="map-data"' in text  # + lang.js


@needs_chromium
@pytest.mark.browser
def test_map_has_21_region_links_coloured_by_the_chosen_indicator(pages, open_page, site):
    """Each region a link to its page with its name; each indicator of the select colours the regions by
    the query's values (`colour_class`), one colour per class, and the legend follows."""
    codes, indicators = region_indicators(site.store, site.project)
    region = {c: r for r, c in codes.items()}
    page = open_page(pages / "national.html")
    p = page.page
    links = p.eval_on_selector_all(
        "#map a", "as => as.map(a => [a.dataset.code, a.getAttribute('href'), a.getAttribute('aria-label')])"
    )
    assert len(links) == 21 and {c for c, _, _ in links} == set(region)
    for code, href, name in links:
        assert href == page_name(region[code], "Region") and href in site.pages
        assert name.startswith(site.region_labels[region[code]] + ": ")
    options = p.eval_on_selector_all("#indicator option", "os => os.map(o => o.textContent)")
    assert options == [ind["label"] for ind in indicators]
    shown_by_indicator = []
    for i, ind in enumerate(indicators):
        p.select_option("#indicator", str(i))
        shown = p.eval_on_selector_all(
            "#map a",
            "as => as.map(a => [a.dataset.code, a.getAttribute('class'), "
            "getComputedStyle(a.querySelector('path')).fill])",
        )
        top = max(ind["values"].values())
        assert [css for _, css, _ in shown] == [
            f"map-q{colour_class(ind['values'][region[c]], top)}" for c, _, _ in shown
        ]
        fills = {css: fill for _, css, fill in shown}
        assert len(set(fills.values())) == len(fills) == len({css for _, css, _ in shown})
        legend = p.eval_on_selector_all("#map-legend li", "ls => ls.map(l => l.textContent.trim())")
        assert legend == [k["label"] for k in colour_legend(top)]
        shown_by_indicator.append(tuple(css for _, css, _ in shown))
    assert len(set(shown_by_indicator)) > 1  # the colours change with the indicator
    assert page.errors == [] and page.requests == []


@needs_chromium
@pytest.mark.browser
def test_map_table_sorts_by_keyboard_and_a_click_on_the_map_opens_the_region(pages, open_page, site):
    page = open_page(pages / "national.html")
    p = page.page
    column = "#matrix tbody tr td:nth-of-type(1)"  # the first structure type
    for order in ("ascending", "descending"):
        p.focus("#matrix thead th:nth-child(2) button")
        p.keyboard.press("Enter")
        assert p.get_attribute("#matrix thead th:nth-child(2)", "aria-sort") == order
        counts = [int(t) for t in p.eval_on_selector_all(column, "ts => ts.map(t => t.textContent)")]
        assert counts == sorted(counts, reverse=order == "descending") and len(counts) == 21
    # A real click inside Dalarna (its inner point in data/reference/regions-map.json) opens its page.
    code = region_indicators(site.store, site.project)[0]["nvr:dalarna"]
    inner = county_map(site.project)["counties"][code]
    x, y = p.evaluate(
        """([code, x, y]) => {
          const svg = document.getElementById("map");
          svg.querySelector(`a[data-code="${code}"]`).scrollIntoView();
          const pt = svg.createSVGPoint(); pt.x = x; pt.y = y;
          const q = pt.matrixTransform(svg.getScreenCTM());
          return [q.x, q.y];
        }""",
        [code, inner["x"], inner["y"]],
    )
    p.mouse.click(x, y)
    p.wait_for_url("**/regions/dalarna.html")
    assert page.errors == [] and page.requests == []


def test_search_index_holds_every_actor_once_for_all_pages(site, pages):
    """One index per build (assets/search-index.js), every node of the network with its region and page."""
    text = (pages / "assets" / "search-index.js").read_text(encoding="utf-8")
    index = json.loads(text.removeprefix("window.naravardIndex=").removesuffix(";\n"))
    assert [row[0] for row in index["actors"]] == list(site.g.nodes)
    svom = next(row for row in index["actors"] if row[0] == "nvr:jamtland-harjedalen--svom")
    assert "SVOM" in svom[2].split("|") and index["regions"][svom[3]] == "Region Jämtland Härjedalen"
    assert svom[4] == ""  # actors/ and its local name: actors/jamtland-harjedalen--svom.html
    assert next(row for row in index["actors"] if row[0] == "nvr:dalarna")[4] == "regions/dalarna.html"
    assert "naravardIndex" not in (pages / "regions/dalarna.html").read_text(encoding="utf-8")  # not per page


@needs_chromium
@pytest.mark.browser
def test_search_over_all_pages(pages, open_page):
    """Exact names and acronyms first, case, diacritics and punctuation ignored; a hit on another page is a
    link to it with its region; a hit in a hidden class ticks its box again; no hit clears the selection."""
    page = open_page(pages / "regions/dalarna.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    p.uncheck("#class-filters input[data-key=CollaborationBody]")
    p.fill("#search", "  VALFARDSRADET! ")
    p.press("#search", "Enter")
    assert p.evaluate("naravard.network.getSelectedNodes()") == ["nvr:dalarna--valfardsradet"]
    assert p.is_checked("#class-filters input[data-key=CollaborationBody]")
    assert "Välfärdsrådet" in p.inner_text("#details h2") and "Region Dalarna" in p.inner_text("#search-status")
    p.fill("#search", "s.v.o.m")  # Jämtland Härjedalen's forum, not on this page
    p.click("#search-go")
    hit = p.locator("#search-hits li").first
    assert "Region Jämtland Härjedalen" in hit.inner_text()
    assert hit.locator("a").get_attribute("href") == "../actors/jamtland-harjedalen--svom.html"
    assert p.evaluate("naravard.network.getSelectedNodes()") == []
    p.evaluate("naravard.select('nvr:dalarna')")
    p.fill("#search", "ingen sådan aktör")
    p.press("#search", "Enter")
    assert p.inner_text("#search-status") == "Ingen träff"
    assert p.evaluate("naravard.network.getSelectedNodes()") == [] and "Detaljer" in p.inner_text("#details h2")
    assert page.errors == [] and page.requests == []


@needs_chromium
@pytest.mark.browser
def test_lists_sort_filter_select_and_download(pages, open_page):
    """The actors' and relations' tables: sorted by a heading, filtered by the box, a row's button (reached
    by keyboard) selects its node; CSV of what the table shows, PNG of the view; no serious axe violation."""
    page = open_page(pages / "regions/dalarna.html")
    p = page.page
    p.wait_for_function("window.naravard && window.naravard.isStabilized()")
    nodes = p.evaluate("naravard.data.nodes.length")
    page.open_list("#node-list")
    assert p.inner_text("#node-list caption") == f"{nodes} rader"
    p.click("#node-list th:nth-child(5) button")  # grad (the first network figure), smallest first
    degrees = [int(t) for t in p.locator("#node-list tbody td:nth-child(5)").all_inner_texts()]
    assert degrees == sorted(degrees) and p.get_attribute("#node-list th:nth-child(5)", "aria-sort") == "ascending"
    p.fill("#node-filter", "valfardsradet")
    assert p.locator("#node-list tbody tr").count() == 1
    assert serious_violations(p) == []  # with the table shown (one row: axe takes seconds a row)
    p.focus("#node-filter")
    for _ in range(11):  # the CSV button, the nine headings' buttons, then the row's name
        p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.textContent") == "Välfärdsrådet"
    p.keyboard.press("Enter")
    assert p.evaluate("naravard.network.getSelectedNodes()") == ["nvr:dalarna--valfardsradet"]
    with p.expect_download() as got:
        p.click("#node-csv")
    assert got.value.suggested_filename == "dalarna-aktorer.csv"
    rows = Path(got.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Namn,Klass,Region,Akronymer,grad,mellanhet,gemenskap,Sida,IRI") and len(rows) == 2
    page.open_list("#edge-list")
    quotes = p.evaluate("naravard.data.edges.reduce((k, e) => k + (e.evidence ? e.evidence.length : 1), 0)")
    with p.expect_download() as got:
        p.click("#edge-csv")
    table = list(csv.reader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))
    assert table[0] == ["Från", "Relation", "Till", "Belägg", "Dokument"] and len(table) == 1 + quotes
    assert any(r[2] == "Välfärdsrådet" and r[3] and "rad " in r[4] for r in table)
    with p.expect_download() as got:
        p.click("#png")
    assert Path(got.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.shot("page-region-lists")
    assert page.errors == [] and page.requests == []


@needs_chromium
@pytest.mark.browser
def test_address_keeps_the_state_and_the_english_switch(pages, chromium):
    """Selection, hidden boxes and view go into the address and come back from it (as when the actor's page
    links to its region's page with the actor selected); English swaps interface strings and model labels."""
    links = Links()
    links.feed((pages / "actors/dalarna--valfardsradet.html").read_text(encoding="utf-8"))
    related = [h for h in links.hrefs if "#n=" in h]
    assert related == [
        "../regions/dalarna.html#n=nvr:dalarna--valfardsradet",
        "../national-network.html#n=nvr:dalarna--valfardsradet",
    ]
    links.feed((pages / "national-network.html").read_text(encoding="utf-8"))  # the national network lists every region
    assert len([h for h in links.hrefs if h.startswith("regions/")]) == 21
    state = "#n=nvr:dalarna&hide=class:Post,toggle-gaps"
    # a function: a string that is not true at once is polled with eval, which the page's policy forbids
    drawn_in = "() => document.documentElement.lang === '{}' && window.naravard && naravard.isStabilized()"
    page = Page(chromium, (pages / "actors/dalarna--valfardsradet.html").as_uri() + state)  # open_page escapes #
    try:
        p = page.page
        p.wait_for_function("window.naravard && window.naravard.isStabilized()")
        p.wait_for_function("() => naravard.network.getSelectedNodes()[0] === 'nvr:dalarna'")
        assert not p.is_checked("#class-filters input[data-key=Post]") and not p.is_checked("#toggle-gaps")
        assert "Region Dalarna" in p.inner_text("#details h2")
        p.evaluate("naravard.network.moveTo({scale: 0.5, position: {x: 10, y: 20}}); naravard.network.emit('zoom', {})")
        assert p.url.endswith("&z=0.5,10,20")
        p.check("#class-filters input[data-key=Post]")  # the view refits to what is shown (diagram.js)
        assert "#n=nvr:dalarna&hide=toggle-gaps&z=" in p.url
        swedish = p.eval_on_selector_all("[data-i18n]", "es => es.map(e => e.textContent)")
        with p.expect_navigation():
            p.click("#lang")
        p.wait_for_function(drawn_in.format("en"))
        p.wait_for_function("() => naravard.network.getSelectedNodes().length === 1")
        assert p.url.endswith("&lang=en") and not p.is_checked("#toggle-gaps")
        english = p.eval_on_selector_all("[data-i18n]", "es => es.map(e => e.textContent)")
        assert [s for s, e in zip(swedish, english, strict=True) if s == e] == []  # every marked string translated
        assert p.get_attribute("#network", "aria-label").startswith("Network (")
        classes = p.evaluate("Object.values(naravard.data.classes).map(c => [c.label, c.labelEn])")
        assert all(label == en for label, en in classes)
        assert "Collaboration body" in p.inner_text("#class-filters")
        assert "Collaboration body · Region Dalarna — neighbourhood in two steps" in p.inner_text("header")
        assert "Details" not in p.inner_text("#details h2") and "degree: " in p.inner_text("#details")
        with p.expect_navigation():
            p.click("#lang")
        p.wait_for_function(drawn_in.format("sv"))
        assert "Samverkansorgan" in p.inner_text("#class-filters")
        assert page.errors == [] and page.requests == []
    finally:
        page.page.close()


@needs_chromium
@pytest.mark.browser
def test_every_page_kind_has_the_english_switch(pages, chromium, site):
    """The base layout's button and lang.js: the map page and the index in English from the address, the
    switch back to Swedish; every element marked for translation is translated."""
    for rel, heading in (("national.html", "Map"), ("index.html", "What the graph holds")):
        page = Page(chromium, (pages / rel).as_uri() + "#lang=en")
        try:
            p = page.page
            p.wait_for_function("() => document.documentElement.lang === 'en'")
            assert heading in p.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
            marked = p.eval_on_selector_all("[data-i18n]", "es => es.map(e => e.textContent)")
            assert "Översikt" not in marked and "Overview" in marked and p.inner_text("#lang") == "Svenska"
            if rel == "national.html":  # the indicators and structure types by their @en labels
                english = {r["labelEn"] for r in rows(site.store, "region-indicators")}
                assert set(p.eval_on_selector_all("#indicator option", "os => os.map(o => o.textContent)")) == english
                assert p.inner_text("#map-legend-title").startswith("Count: ")
                assert "joint project" in p.inner_text("#matrix thead")
            assert page.errors == [] and page.requests == []
        finally:
            page.page.close()
