"""graph/viz (site, page): the network pages, opened from disk in real headless Chromium, offline."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graph.network import ego_subgraph, network, region_subgraph
from graph.viz.page import page_name
from graph.viz.site import Site, write_assets, write_site
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
    """The index, national view, two regions, a few actors and the source texts, written from the real graph."""
    out = tmp_path_factory.mktemp("site")
    write_assets(out)
    jobs = [
        site.index_page,
        site.national_page,
        lambda: site.region_page("nvr:jamtland-harjedalen"),
        lambda: site.region_page("nvr:dalarna"),
        lambda: site.actor_page("nvr:jamtland-harjedalen--svom"),
        lambda: site.actor_page("nvr:dalarna--valfardsradet"),
        *[lambda p=p: p for p in source_pages(site.store, site.project)],
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
            if not rel.startswith(("index", "sources")):
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
    if rel == "national.html":
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
        ("national.html", "national"),
        ("regions/jamtland-harjedalen.html", "region"),
        ("regions/dalarna.html", None),
        ("actors/jamtland-harjedalen--svom.html", "actor"),
        ("actors/dalarna--valfardsradet.html", None),
    ],
)
def test_page_loads_offline_and_holds_the_expected_nodes_and_edges(shown, site, rel, shot):
    """Each page opened once: no error, no request, and (the network pages) the nodes and edges of its
    subgraph plus the computed links between them."""
    page = shown(rel)
    if rel != "index.html":
        n, e = page.page.evaluate("[naravard.nodes.length, naravard.edges.length]")
        sub = expected(site, rel)
        computed = sum(1 for c in site.computed if c.a in sub and c.b in sub)
        assert (n, e) == (sub.number_of_nodes(), sub.number_of_edges() + computed)
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
    before = p.evaluate("naravard.nodesView.length")
    posts = p.evaluate("naravard.nodes.get().filter(n => n.cls === 'Post').length")
    assert posts > 0
    p.uncheck("#class-filters input[data-key=Post]")
    assert p.evaluate("naravard.nodesView.length") == before - posts
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
    assert page.errors == [] and page.requests == []


def test_label_with_template_slots_stays_text(labelled):
    """A label such as `{{DATA}}` once made the page put the graph JSON into its title."""
    text = (labelled / "actors" / "dalarna--radet.html").read_text(encoding="utf-8")
    assert f"<title>{SLOTS} – naravard-kg</title>" in text and f"<h1>{SLOTS}</h1>" in text
    block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S).group(1)
    data = json.loads(block)
    assert data["title"] == SLOTS and any(n["label"] == SLOTS for n in data["nodes"])
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
    assert {"index.html", "national.html", "gaps.html", "regions", "actors", "sources"} <= kinds
    version = None
    for path in built:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(built_output)
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text, rel
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text).group(1)
        assert "unsafe-inline" not in policy and "script-src &#39;self&#39;" in policy, rel
        assert not INLINE_SCRIPT.search(text) and not INLINE_CODE.search(text), rel
        assert text.count('rel="stylesheet"') == 1 and "naravard.css" in text, rel
        found = re.search(r"Byggd \d{4}-\d\d-\d\d · dataversion <code>([0-9a-f]{12})</code>", text)
        assert found, rel
        assert version in (None, found.group(1)), rel  # one data version for the whole build
        version = found.group(1)
    assert (built_output / "assets" / "network.js").is_file() and (built_output / "assets" / "source.js").is_file()


def test_gaps_and_suggestions_look_like_no_other_relation():
    from graph.viz.style import relation_style, style

    others = [relation_style(r) for r in style()["relation"] if r not in ("gap", "predicted")]
    for kind in ("gap", "predicted"):
        mine = relation_style(kind)
        assert all(o["color"].lower() != mine["color"].lower() for o in others), kind
        assert all(o.get("dashes") != mine["dashes"] for o in others), kind
    assert relation_style("gap")["color"] != relation_style("predicted")["color"]


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
        "regions/dalarna.html",
        "actors/dalarna--valfardsradet.html",
        "sources/000_05c46514b3df74ab.html",
    ],
)
def test_no_serious_accessibility_violation(shown, rel):
    """axe-core (tests/assets/axe-core/, from npm) finds no serious or critical violation; the query page
    is checked in tests/test_server_app.py, the gaps report below."""
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
