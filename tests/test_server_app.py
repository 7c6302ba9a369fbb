"""`naravard serve`: the SPARQL endpoint and the query page, tested with real clients
against a real server on loopback (uvicorn in a thread; the time-limit test starts
`naravard serve` as a subprocess, as a user would)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse
from xml.dom.minidom import Document

import httpx
import pytest
import rdflib

from graph.project import REPO_ROOT, Project

from .browser import ARTIFACTS, CHROMIUM
from .browser import browser as chromium

pytestmark = pytest.mark.server

REGIONS = "SELECT ?region ?label WHERE { ?region a nv:Region ; rdfs:label ?label } ORDER BY ?region"
MAX_ROWS = 50
# A library query with a required string parameter, for binding and injection tests.
LABEL_QUERY = """# title: Entities with a label
# answers: Which entities carry exactly this label?
# param: label string  The label, exactly as written
SELECT ?entity WHERE { ?entity rdfs:label ?name . FILTER(STR(?name) = ?label) }
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            httpx.get(url + "/api/meta", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


@pytest.fixture(scope="module")
def served_project(project, tmp_path_factory):
    """The project's queries plus LABEL_QUERY, and an output folder with one actor page."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(project.queries_dir, root / "queries")
    (root / "queries" / "label-of.rq").write_text(LABEL_QUERY, encoding="utf-8")
    (root / "output" / "actors").mkdir(parents=True)
    (root / "output" / "actors" / "halland.html").write_text("<!doctype html><title>Halland</title>", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("NARAVARD_OUTPUT", raising=False)
        yield Project(root)


@pytest.fixture(scope="module")
def server(served_project, project, store):
    """Base URL of the app on uvicorn in a background thread (2 s time limit, 50 rows)."""
    import uvicorn

    from graph.server import create_app
    from graph.store import store_path

    port = free_port()
    app = create_app(served_project, store_path=store_path(project), timeout=2.0, max_rows=MAX_ROWS)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url)
    yield url
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def cli_server(store):
    """`naravard serve --timeout 1` in a subprocess."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--timeout", "1"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def region_count(store) -> int:
    from graph.queries import Prepared, execute

    return len(list(execute(store, Prepared(REGIONS, "test", {}))))


# --- SPARQL 1.1 Protocol with real clients -------------------------------------------


def test_sparqlwrapper_select_json(server, store):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(REGIONS)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    assert data["head"]["vars"] == ["region", "label"]
    rows = data["results"]["bindings"]
    assert len(rows) == region_count(store) > 0
    assert all(r["region"]["value"].startswith("https://w3id.org/naravard/id/") for r in rows)


def test_sparqlwrapper_select_xml_via_post(server, store):
    from SPARQLWrapper import POST, XML, SPARQLWrapper

    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(REGIONS)
    client.setMethod(POST)
    client.setReturnFormat(XML)
    doc = client.query().convert()
    assert isinstance(doc, Document)
    assert len(doc.getElementsByTagName("result")) == region_count(store)


def test_sparqlwrapper_ask(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("ASK { ?r a nv:Region }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


@pytest.mark.parametrize("fmt", ["turtle", "xml"])
def test_sparqlwrapper_construct(server, store, fmt):
    from SPARQLWrapper import TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("CONSTRUCT { ?region a nv:Region ; rdfs:label ?label } WHERE { ?region a nv:Region ; rdfs:label ?label }")
    client.setReturnFormat(TURTLE if fmt == "turtle" else XML)
    out = client.query().convert()
    g = out if isinstance(out, rdflib.Graph) else rdflib.Graph().parse(data=out, format="turtle")
    regions = set(g.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/naravard/def#Region")))
    assert len(regions) == region_count(store)


def test_rdflib_sparqlstore(server, store):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = rdflib.Graph(store=SPARQLStore(query_endpoint=server + "/sparql"))
    rows = list(g.query("SELECT ?region WHERE { ?region a <https://w3id.org/naravard/def#Region> }"))
    assert len(rows) == region_count(store)
    assert all(isinstance(r[0], rdflib.URIRef) for r in rows)


@pytest.mark.parametrize("accept, media, header", [
    ("text/csv", "text/csv", "region,label"),
    ("text/tab-separated-values", "text/tab-separated-values", "?region\t?label"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "<?xml"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json", '{"head"'),
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values", "?region"),
])
def test_select_negotiation(server, accept, media, header):
    r = httpx.get(server + "/sparql", params={"query": REGIONS}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert r.text.startswith(header)
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("accept, media", [
    (None, "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
])
def test_construct_negotiation(server, accept, media):
    headers = {"Content-Type": "application/sparql-query"} | ({"Accept": accept} if accept else {})
    r = httpx.post(server + "/sparql", content="DESCRIBE nvr:halland", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    g = rdflib.Graph().parse(data=r.text, format={"text/turtle": "turtle", "application/ld+json": "json-ld",
                                                  "application/n-triples": "nt"}[media])
    assert (rdflib.URIRef("https://w3id.org/naravard/id/halland"), None, None) in g


def test_unacceptable_format_is_406(server):
    r = httpx.get(server + "/sparql", params={"query": REGIONS}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "text/csv" in r.text


# --- read-only, limits and errors ----------------------------------------------------

INSERT = 'INSERT DATA { <https://w3id.org/naravard/id/intruder> <http://www.w3.org/2000/01/rdf-schema#label> "x" }'


@pytest.mark.parametrize("how", ["update-form", "update-body", "query-form", "get-update"])
def test_update_is_refused(server, store, how):
    before = len(store)
    url = server + "/sparql"
    if how == "update-form":
        r = httpx.post(url, data={"update": INSERT})
    elif how == "update-body":
        r = httpx.post(url, content=INSERT, headers={"Content-Type": "application/sparql-update"})
    elif how == "query-form":
        r = httpx.post(url, data={"query": "PREFIX x: <http://x/>\n# an update\n" + INSERT})
    else:
        r = httpx.get(url, params={"update": INSERT})
    assert r.status_code == 403
    assert "read-only" in r.text and "Update" in r.text
    assert len(store) == before
    ask = httpx.get(url, params={"query": "ASK { nvr:intruder ?p ?o }"})
    assert ask.json()["boolean"] is False


def test_service_is_refused(server):
    r = httpx.get(server + "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 403
    assert "SERVICE" in r.text


def test_missing_query_is_400(server):
    r = httpx.get(server + "/sparql")
    assert r.status_code == 400
    assert "missing query" in r.text


def test_overlong_query_is_413(server):
    text = "SELECT * WHERE { ?s ?p ?o } LIMIT 1\n#" + "x" * 100_001
    r = httpx.post(server + "/sparql", content=text, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert "more than the limit of 100000" in r.text


def test_syntax_error_names_line_and_column(server):
    r = httpx.post(server + "/sparql", data={"query": "SELECT ?s WHERE {\n  ?s a nv:Region .\n  ?s rdfs:label\n}"})
    assert r.status_code == 400
    assert "syntax error at line 4, column" in r.text, r.text


def test_result_limit_sets_header(server):
    r = httpx.get(server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["x-result-truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    small = httpx.get(server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}, headers={"Accept": "text/csv"})
    assert "x-result-truncated" not in small.headers
    assert len(small.text.strip().splitlines()) == 4


def test_time_limit_gives_503_and_server_keeps_answering(cli_server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    r = httpx.get(cli_server + "/sparql", params={"query": slow}, timeout=30)
    assert r.status_code == 503
    assert r.text == "query exceeded the time limit of 1 s"
    assert time.monotonic() - started < 10
    quick = httpx.get(cli_server + "/sparql", params={"query": "ASK { ?s a nv:Region }"}, timeout=30)
    assert quick.json()["boolean"] is True
    # A runaway query is killed with its worker process, which is replaced: more runaways
    # than workers leave the endpoint answering, and no worker is left spinning.
    for _ in range(4):
        assert httpx.get(cli_server + "/sparql", params={"query": slow}, timeout=30).status_code == 503
    quick = httpx.get(cli_server + "/sparql", params={"query": "ASK { ?s a nv:Region }"}, timeout=30)
    assert quick.status_code == 200 and quick.json()["boolean"] is True


def test_a_request_waits_for_a_busy_worker_instead_of_being_refused(cli_server):
    """Every worker busy with a slow query: a further request queues and is answered."""
    import concurrent.futures

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    workers = os.cpu_count() or 2
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        running = [pool.submit(httpx.get, cli_server + "/sparql", params={"query": slow}, timeout=30) for _ in range(workers)]
        time.sleep(0.4)
        queued = httpx.get(cli_server + "/sparql", params={"query": "ASK { ?s a nv:Region }"}, timeout=30)
        assert queued.status_code == 200 and queued.json()["boolean"] is True
        assert [f.result().status_code for f in running] == [503] * workers


# --- the JSON API of the query page --------------------------------------------------


def test_api_queries_lists_the_library(server, served_project):
    data = httpx.get(server + "/api/queries").json()
    by_name = {q["name"]: q for q in data}
    assert set(by_name) == {p.stem for p in served_project.queries_dir.glob("*.rq")}
    edges = by_name["edges"]
    assert edges["title"] and edges["answers"] and "SELECT" in edges["text"]
    assert by_name["label-of"]["params"] == [{"name": "label", "kind": "string", "description": "The label, exactly as written", "optional": False}]


def test_api_run_binds_parameters(server):
    r = httpx.get(server + "/api/run/label-of", params={"label": "Region Halland"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/sparql-results+json"
    rows = r.json()["results"]["bindings"]
    assert [row["entity"]["value"] for row in rows] == ["https://w3id.org/naravard/id/halland"]


@pytest.mark.parametrize("value", [
    '" } <script>alert(1)</script>',
    'x" . ?entity ?p ?o } #',
    '"Region Halland"',
])
def test_api_run_parameter_cannot_inject(server, value):
    r = httpx.get(server + "/api/run/label-of", params={"label": value})
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"] == []


def test_api_run_unknown_query_suggests(server):
    r = httpx.get(server + "/api/run/edgse")
    assert r.status_code == 404
    assert r.json() == {"error": "unknown query 'edgse'; did you mean edges?"}
    assert "naravard queries" in httpx.get(server + "/api/run/zzzzzz").json()["error"]


def test_api_run_parameter_errors_are_400(server):
    missing = httpx.get(server + "/api/run/label-of")
    assert missing.status_code == 400
    assert "missing parameter 'label'" in missing.json()["error"]
    unknown = httpx.get(server + "/api/run/edges", params={"region": "dalarna"})
    assert unknown.status_code == 400
    assert "unknown parameter 'region'" in unknown.json()["error"]
    bad_iri = httpx.get(server + "/api/run/relation-evidence", params={"subject": 'a" b'})
    assert bad_iri.status_code == 400


def test_api_run_negotiates_csv(server):
    r = httpx.get(server + "/api/run/count-by-class", headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert r.text.splitlines()[0] == "class,count"


def test_pages_are_served_but_not_hidden_files(server):
    page = httpx.get(server + "/pages/actors/halland.html")
    assert page.status_code == 200 and "Halland" in page.text
    assert httpx.get(server + "/pages/.cache/anything").status_code == 404
    assert httpx.get(server + "/pages/actors/nobody.html").status_code == 404
    meta = httpx.get(server + "/api/meta").json()
    assert meta["pages"] == {"halland": "/pages/actors/halland.html"} and meta["maxRows"] == MAX_ROWS


def test_query_page_has_strict_csp(server):
    for path in ("/", "/query"):
        r = httpx.get(server + path)
        assert r.status_code == 200 and "<textarea" in r.text
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert "<script>" not in r.text  # the script is a same-origin file


# --- the query page in headless Chromium ---------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("browser test needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    with chromium() as b:
        yield b


@pytest.fixture()
def page(browser, server):
    """A page that may only talk to the test server; records what it tried and every console error."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.offsite, pg.errors, pg.dialogs = [], [], []

    def guard(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            pg.offsite.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    pg.on("request", lambda req: req.url.startswith(("http://127.0.0.1", "blob:", "data:")) or pg.offsite.append(req.url))
    pg.on("console", lambda msg: msg.type == "error" and pg.errors.append(msg.text))
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready=true]")
    yield pg
    context.close()


def run_and_wait(pg):
    pg.click("#run")
    pg.wait_for_selector("body[data-state=done], body[data-state=error]")


@pytest.mark.browser
def test_page_runs_a_library_query(page):
    page.select_option("#library", "count-by-class")
    assert "How many entities" in page.text_content("#help")
    assert "COUNT(DISTINCT ?entity)" in page.input_value("#editor")
    run_and_wait(page)
    assert page.is_hidden("#error")
    rows = page.locator("#results table tbody tr")
    assert rows.count() > 3
    assert page.locator("#results th").all_text_contents() == ["class", "count"]
    assert page.locator("#results tbody tr").first.locator("td").first.text_content().startswith("nv:")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "query-page.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#download-csv")
    assert Path(info.value.path()).read_text(encoding="utf-8").splitlines()[0] == "class,count"
    with page.expect_download() as info:
        page.click("#download-json")
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert len(data["results"]["bindings"]) == rows.count()
    assert page.errors == [] and page.offsite == []


@pytest.mark.browser
def test_page_binds_parameters_and_links_actor_pages(page):
    page.select_option("#library", "label-of")
    page.fill("#param-label", "Region Halland")
    run_and_wait(page)
    link = page.locator("#results td a")
    assert link.count() == 1
    assert link.get_attribute("href") == "/pages/actors/halland.html"
    assert link.text_content() == "nvr:halland"
    page.fill("#param-label", '" } <script>alert(1)</script>')
    run_and_wait(page)
    assert page.is_hidden("#error")
    assert page.locator("#results tbody tr").count() == 0
    assert page.errors == [] and page.offsite == [] and page.dialogs == []


@pytest.mark.browser
def test_page_renders_untrusted_labels_as_text(page):
    evil = "<img src=x onerror=alert(1)>"
    page.select_option("#library", "")
    page.fill("#editor", 'SELECT ?x WHERE { BIND("<img src=x onerror=alert(1)>" AS ?x) }')
    page.focus("#editor")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("body[data-state=done]")
    assert page.locator("#results td").first.text_content() == evil
    assert page.locator("#results img").count() == 0
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "query-page-untrusted-label.png"), full_page=True)
    assert page.dialogs == [] and page.errors == [] and page.offsite == []


@pytest.mark.browser
def test_page_shows_errors(page):
    page.select_option("#library", "")
    page.fill("#editor", "SELECT ?s WHERE {\n  ?s ?p\n}")
    run_and_wait(page)
    assert "syntax error at line 3" in page.text_content("#error")
    page.fill("#editor", INSERT)
    run_and_wait(page)
    assert "read-only" in page.text_content("#error")
    # the failed fetches log "Failed to load resource" in the console; nothing else may
    assert all("Failed to load resource" in e for e in page.errors)
    assert page.offsite == []
