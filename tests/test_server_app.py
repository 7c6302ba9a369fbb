"""`naravard serve`: the SPARQL endpoint and the query page, tested with real clients
against a real server on loopback (uvicorn in a thread; the time-limit test starts
`naravard serve` as a subprocess, as a user would)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlparse
from xml.dom.minidom import Document

import httpx
import pytest
import rdflib

from graph.project import REPO_ROOT, Project

from .axe import serious_violations
from .browser import ARTIFACTS
from .endpoint import Listener, alive, app_server, children, cli_server as serve_cli, eventually
from .test_server_policy import SERVICE_BYPASSES

pytestmark = pytest.mark.server

REGIONS = "SELECT ?region ?label WHERE { ?region a nv:Region ; rdfs:label ?label } ORDER BY ?region"
MAX_ROWS = 50
# A library query with a required string parameter, for binding and injection tests.
LABEL_QUERY = """# title: Entities with a label
# answers: Which entities carry exactly this label?
# param: label string  The label, exactly as written
SELECT ?entity WHERE { ?entity rdfs:label ?name . FILTER(STR(?name) = ?label) }
"""


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
    from graph.server import create_app
    from graph.store import store_path

    app = create_app(served_project, store_path=store_path(project), timeout=2.0, max_rows=MAX_ROWS)
    with app_server(app) as url:
        yield url


@pytest.fixture(scope="module")
def http():
    """One HTTP client for the module (httpx.get would build a client, 30 ms, per request)."""
    with httpx.Client() as client:
        yield client


@pytest.fixture(scope="module")
def cli_server(store):
    """`naravard serve --timeout 0.3 --workers 2` in a subprocess: (base URL, process).
    test_sigkill_of_the_server_leaves_no_worker, the last test to use it, kills it."""
    with serve_cli("--timeout", "0.3", "--workers", "2") as (url, proc):
        yield url, proc


@pytest.fixture(scope="module")
def listener():
    """One fake remote endpoint for the SERVICE tests; each checks nobody has contacted it."""
    fake = Listener()
    yield fake
    fake.close()


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
    client.setQuery(
        "CONSTRUCT { ?region a nv:Region ; rdfs:label ?label } WHERE { ?region a nv:Region ; rdfs:label ?label }"
    )
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


@pytest.mark.parametrize(
    "accept, media, header",
    [
        ("text/csv", "text/csv", "region,label"),
        ("text/tab-separated-values", "text/tab-separated-values", "?region\t?label"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<?xml"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json", '{"head"'),
        ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values", "?region"),
    ],
)
def test_select_negotiation(server, accept, media, header, http):
    r = http.get(server + "/sparql", params={"query": REGIONS}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert r.text.startswith(header)
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "accept, media",
    [
        (None, "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
    ],
)
def test_construct_negotiation(server, accept, media, http):
    headers = {"Content-Type": "application/sparql-query"} | ({"Accept": accept} if accept else {})
    r = http.post(server + "/sparql", content="DESCRIBE nvr:halland", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    g = rdflib.Graph().parse(
        data=r.text,
        format={"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}[media],
    )
    assert (rdflib.URIRef("https://w3id.org/naravard/id/halland"), None, None) in g


def test_unacceptable_format_is_406(server, http):
    r = http.get(server + "/sparql", params={"query": REGIONS}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "text/csv" in r.text


# --- read-only, limits and errors ----------------------------------------------------

INSERT = 'INSERT DATA { <https://w3id.org/naravard/id/intruder> <http://www.w3.org/2000/01/rdf-schema#label> "x" }'


@pytest.mark.parametrize("how", ["update-form", "update-body", "query-form", "get-update"])
def test_update_is_refused(server, store, how, http):
    before = len(store)
    url = server + "/sparql"
    if how == "update-form":
        r = http.post(url, data={"update": INSERT})
    elif how == "update-body":
        r = http.post(url, content=INSERT, headers={"Content-Type": "application/sparql-update"})
    elif how == "query-form":
        r = http.post(url, data={"query": "PREFIX x: <http://x/>\n# an update\n" + INSERT})
    else:
        r = http.get(url, params={"update": INSERT})
    assert r.status_code == 403
    assert "read-only" in r.text and "Update" in r.text
    assert len(store) == before
    ask = http.get(url, params={"query": "ASK { nvr:intruder ?p ?o }"})
    assert ask.json()["boolean"] is False


def test_service_is_refused(server, http):
    r = http.get(
        server + "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}
    )
    assert r.status_code == 403
    assert "SERVICE" in r.text


def test_missing_query_is_400(server, http):
    r = http.get(server + "/sparql")
    assert r.status_code == 400
    assert "missing query" in r.text


def test_overlong_query_is_413(server, http):
    text = "SELECT * WHERE { ?s ?p ?o } LIMIT 1\n#" + "x" * 100_001
    r = http.post(server + "/sparql", content=text, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert "more than the limit of 100000" in r.text


def test_syntax_error_names_line_and_column(server, http):
    r = http.post(server + "/sparql", data={"query": "SELECT ?s WHERE {\n  ?s a nv:Region .\n  ?s rdfs:label\n}"})
    assert r.status_code == 400
    assert "syntax error at line 4, column" in r.text, r.text


def test_result_limit_sets_header(server, http):
    r = http.get(server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["x-result-truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    small = http.get(
        server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}, headers={"Accept": "text/csv"}
    )
    assert "x-result-truncated" not in small.headers
    assert len(small.text.strip().splitlines()) == 4


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # never ends on the real store


def test_time_limit_gives_503_and_server_keeps_answering(cli_server, http):
    url, _ = cli_server
    started = time.monotonic()
    r = http.get(url + "/sparql", params={"query": SLOW}, timeout=30)
    assert r.status_code == 503
    assert r.text == "query exceeded the time limit of 0.3 s"
    assert time.monotonic() - started < 10
    quick = http.get(url + "/sparql", params={"query": "ASK { ?s a nv:Region }"}, timeout=30)
    assert quick.json()["boolean"] is True
    # A runaway query is killed with its worker process, which is replaced: more runaways
    # than workers leave the endpoint answering, and no worker is left spinning.
    for _ in range(2):  # three in all, on two workers
        assert http.get(url + "/sparql", params={"query": SLOW}, timeout=30).status_code == 503
    quick = http.get(url + "/sparql", params={"query": "ASK { ?s a nv:Region }"}, timeout=30)
    assert quick.status_code == 200 and quick.json()["boolean"] is True


def test_sigkill_of_the_server_leaves_no_worker(cli_server, http):
    url, proc = cli_server
    assert http.get(url + "/sparql", params={"query": "ASK {}"}).status_code == 200

    def spawned_workers():  # multiprocessing's spawn runs the worker as `python -c "from multiprocessing…"`
        found = {p for p in children(proc.pid) if b"multiprocessing" in Path(f"/proc/{p}/cmdline").read_bytes()}
        return found if len(found) >= 2 else None

    spawned = eventually(spawned_workers)
    assert spawned, children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert eventually(lambda: not any(alive(p) for p in spawned), seconds=30)


# --- the JSON API of the query page --------------------------------------------------


def test_api_queries_lists_the_library(server, served_project, http):
    data = http.get(server + "/api/queries").json()
    by_name = {q["name"]: q for q in data}
    assert set(by_name) == {p.stem for p in served_project.queries_dir.glob("*.rq")}
    edges = by_name["edges"]
    assert edges["title"] and edges["answers"] and "SELECT" in edges["text"]
    assert by_name["label-of"]["params"] == [
        {"name": "label", "kind": "string", "description": "The label, exactly as written", "optional": False}
    ]


def test_api_run_binds_parameters(server, http):
    r = http.get(server + "/api/run/label-of", params={"label": "Region Halland"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/sparql-results+json"
    rows = r.json()["results"]["bindings"]
    assert [row["entity"]["value"] for row in rows] == ["https://w3id.org/naravard/id/halland"]


@pytest.mark.parametrize(
    "value",
    [
        '" } <script>alert(1)</script>',
        'x" . ?entity ?p ?o } #',
        '"Region Halland"',
    ],
)
def test_api_run_parameter_cannot_inject(server, value, http):
    r = http.get(server + "/api/run/label-of", params={"label": value})
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"] == []


def test_api_run_unknown_query_suggests(server, http):
    r = http.get(server + "/api/run/edgse")
    assert r.status_code == 404
    assert r.json() == {"error": "unknown query 'edgse'; did you mean edges?"}
    assert "naravard queries" in http.get(server + "/api/run/zzzzzz").json()["error"]


def test_api_run_parameter_errors_are_400(server, http):
    missing = http.get(server + "/api/run/label-of")
    assert missing.status_code == 400
    assert "missing parameter 'label'" in missing.json()["error"]
    unknown = http.get(server + "/api/run/edges", params={"forum": "dalarna"})
    assert unknown.status_code == 400
    assert "unknown parameter 'forum'" in unknown.json()["error"]
    bad_iri = http.get(server + "/api/run/relation-evidence", params={"subject": 'a" b'})
    assert bad_iri.status_code == 400


@pytest.mark.parametrize("value", ["dalarn", "Dalarna"])
def test_api_run_parameter_naming_no_entity_is_400_with_nearest_names(server, value, http):
    # The same check as the CLI and graph.query (graph.queries.check_params), not an empty 200.
    r = http.get(server + "/api/run/municipalities-outside-forums", params={"region": value})
    assert r.status_code == 400
    assert "names no nv:Region; did you mean dalarna" in r.json()["error"]


def test_api_run_negotiates_csv(server, http):
    r = http.get(server + "/api/run/count-by-class", headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert r.text.splitlines()[0] == "class,count"


def test_pages_are_served_but_not_hidden_files(server, http):
    page = http.get(server + "/pages/actors/halland.html")
    assert page.status_code == 200 and "Halland" in page.text
    assert http.get(server + "/pages/.cache/anything").status_code == 404
    assert http.get(server + "/pages/actors/nobody.html").status_code == 404
    meta = http.get(server + "/api/meta").json()
    assert meta["pages"] == {"halland": "/pages/actors/halland.html"} and meta["maxRows"] == MAX_ROWS


def test_query_page_has_strict_csp(server, http):
    for path in ("/", "/query"):
        r = http.get(server + path)
        assert r.status_code == 200 and "<textarea" in r.text
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert "<script>" not in r.text  # the script is a same-origin file
        assert "unsafe-inline" not in r.headers["content-security-policy"] and "unsafe-inline" not in r.text
        assert '<meta name="viewport"' in r.text and 'href="/static/naravard.css"' in r.text
        assert 'href="/pages/index.html"' in r.text and "dataversion" in r.text  # the pages' base layout
    # the pages' nav links to sparql.html (from disk a page saying how to start the server): here, this page
    r = http.get(server + "/pages/sparql.html", follow_redirects=False)
    assert r.status_code in (302, 307) and r.headers["location"] == "/"


# --- security: SERVICE, Host/Origin, methods ------------------------------------------


@pytest.mark.parametrize("name", SERVICE_BYPASSES)
def test_service_bypasses_are_refused_and_nobody_is_contacted(server, listener, name, http):
    text = SERVICE_BYPASSES[name].replace("http://127.0.0.1:9999/sparql", listener.url)
    answers = [
        http.get(server + "/sparql", params={"query": text}),
        http.post(server + "/sparql", data={"query": text}),
        http.post(server + "/sparql", content=text, headers={"Content-Type": "application/sparql-query"}),
    ]
    assert [(r.status_code, r.text) for r in answers] == [
        (403, "SERVICE (federated queries) is not allowed on this endpoint")
    ] * 3
    # A query that ran would have connected before its answer came back.
    assert not listener.contacted()


@pytest.mark.parametrize(
    "headers, status, message",
    [
        ({"Host": "evil.example"}, 403, "unknown host 'evil.example'"),
        ({"Host": "evil.example:8000"}, 403, "unknown host"),
        ({"Host": "localhost"}, 200, None),
        (
            {"Origin": "https://evil.example"},
            403,
            "requests from 'https://evil.example' are not allowed (cross-origin)",
        ),
        ({"Origin": "null"}, 403, "cross-origin"),
        ({"Origin": "http://127.0.0.1:1234"}, 200, None),
        ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, 403, "cross-site requests are not allowed"),
        ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, 200, None),
    ],
)
def test_host_and_origin_are_checked(server, headers, status, message, http):
    for r in (
        http.get(server + "/sparql", params={"query": "ASK {}"}, headers=headers),
        http.post(server + "/sparql", data={"query": "ASK {}"}, headers=headers),
    ):
        assert r.status_code == status, r.text
        if message:
            assert message in r.text and "\n" not in r.text


def test_head_options_and_405_allow(server, http):
    get = http.get(server + "/sparql", params={"query": "ASK {}"})
    head = http.head(server + "/sparql", params={"query": "ASK {}"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    options = http.options(server + "/sparql")
    assert options.status_code == 204 and options.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    for method in ("PUT", "DELETE", "PATCH"):
        r = http.request(method, server + "/sparql", content="x")
        assert r.status_code == 405 and "GET" in r.headers["allow"] and "POST" in r.headers["allow"]
    r = http.post(server + "/api/run/edges")
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "HEAD"}  # Starlette's order varies
    assert http.head(server + "/").status_code == 200


# --- bad input: one line each, the right status ------------------------------------------

SPARQL_QUERY = {"Content-Type": "application/sparql-query"}
BAD_REQUESTS = [
    # (id, method, path, kwargs, status, message)
    ("no query", "GET", "/sparql", {}, 400, "missing query"),
    ("empty query", "GET", "/sparql", {"params": {"query": "  "}}, 400, "missing query"),
    ("form without query=", "POST", "/sparql", {"data": {"q": "ASK {}"}}, 400, "missing query"),
    (
        "syntax error",
        "GET",
        "/sparql",
        {"params": {"query": "SELECT * WHERE { ?s ?p }"}},
        400,
        "syntax error at line 1",
    ),
    (
        "unreadable token",
        "GET",
        "/sparql",
        {"params": {"query": "SELECT * WHERE { ?s ?p ?o ` }"}},
        400,
        "syntax error at line 1, column 27",
    ),
    (
        "bad PN_LOCAL escape",
        "GET",
        "/sparql",
        {"params": {"query": 'SELECT * { ?s ?p nvr:x\\" }'}},
        400,
        "syntax error",
    ),
    ("update in query=", "POST", "/sparql", {"data": {"query": "DELETE WHERE { ?s ?p ?o }"}}, 403, "read-only"),
    ("update= form", "POST", "/sparql", {"data": {"update": "CLEAR ALL"}}, 403, "read-only"),
    ("update= in GET", "GET", "/sparql", {"params": {"update": "CLEAR ALL"}}, 403, "read-only"),
    (
        "sparql-update body",
        "POST",
        "/sparql",
        {"content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
        403,
        "read-only",
    ),
    ("LOAD", "POST", "/sparql", {"content": "LOAD <http://127.0.0.1:9/x>", "headers": SPARQL_QUERY}, 403, "read-only"),
    (
        "SERVICE",
        "POST",
        "/sparql",
        {"content": "SELECT * { SERVICE <http://127.0.0.1:9/> {} }", "headers": SPARQL_QUERY},
        403,
        "SERVICE",
    ),
    (
        "unknown body type",
        "POST",
        "/sparql",
        {"content": "ASK {}", "headers": {"Content-Type": "text/plain"}},
        415,
        "POST a query as",
    ),
    ("no body type", "POST", "/sparql", {"content": "ASK {}"}, 415, "POST a query as"),
    (
        "overlong query",
        "POST",
        "/sparql",
        {"content": "ASK {}" + " " * 100_001, "headers": SPARQL_QUERY},
        413,
        "more than the limit of 100000",
    ),
    (
        "overlong body",
        "POST",
        "/sparql",
        {"content": b"x" * 500_000, "headers": SPARQL_QUERY},
        413,
        "request body is larger than",
    ),
    (
        "unacceptable Accept",
        "GET",
        "/sparql",
        {"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}},
        406,
        "cannot answer with 'image/png'",
    ),
    (
        "graph as CSV",
        "GET",
        "/sparql",
        {"params": {"query": "DESCRIBE nvr:halland"}, "headers": {"Accept": "text/csv"}},
        406,
        "text/turtle",
    ),
    ("PUT", "PUT", "/sparql", {"content": "x"}, 405, "Method Not Allowed"),
    (
        "foreign Host",
        "GET",
        "/sparql",
        {"params": {"query": "ASK {}"}, "headers": {"Host": "rebind.example"}},
        403,
        "unknown host",
    ),
    (
        "foreign Origin",
        "POST",
        "/sparql",
        {"data": {"query": "ASK {}"}, "headers": {"Origin": "http://evil.example"}},
        403,
        "cross-origin",
    ),
    ("unknown library query", "GET", "/api/run/edgse", {}, 404, "did you mean edges?"),
    ("missing parameter", "GET", "/api/run/label-of", {}, 400, "missing parameter 'label'"),
    ("unknown parameter", "GET", "/api/run/edges", {"params": {"forum": "x"}}, 400, "unknown parameter 'forum'"),
    (
        "bad IRI parameter",
        "GET",
        "/api/run/relation-evidence",
        {"params": {"subject": 'a" b'}},
        400,
        "is not a valid IRI",
    ),
    ("hidden page", "GET", "/pages/.cache/x", {}, 404, "no such page"),
    ("no such page", "GET", "/pages/actors/nobody.html", {}, 404, "Not Found"),
]


@pytest.mark.parametrize(
    "method, path, kwargs, status, message", [c[1:] for c in BAD_REQUESTS], ids=[c[0] for c in BAD_REQUESTS]
)
def test_bad_requests(server, method, path, kwargs, status, message, http):
    r = http.request(method, server + path, **kwargs)
    assert r.status_code == status, r.text
    text = r.json()["error"] if path.startswith("/api/") else r.text
    assert message in text and "\n" not in text.strip() and "Traceback" not in text


BAD_OPTIONS = [
    (["serve", "--port", "99999"], "Invalid value for '--port': 99999 is not in the range 1<=x<=65535"),
    (["serve", "--port", "0"], "Invalid value for '--port'"),
    (["serve", "--timeout", "0"], "Invalid value for '--timeout': 0.0 is not in the range 0<x<=3600"),
    (["serve", "--timeout", "-1"], "Invalid value for '--timeout'"),
    (["serve", "--max-rows", "-1"], "Invalid value for '--max-rows': -1 is not in the range x>=1"),
    (["serve", "--workers", "0"], "Invalid value for '--workers'"),
    (["serve", "--queue", "0"], "Invalid value for '--queue'"),
    (["serve", "--max-memory", "10"], "Invalid value for '--max-memory'"),
    (
        ["query", "edges", "--endpoint", "not a url"],
        "Error: Invalid value for --endpoint: 'not a url' is not an http:// or https:// URL with a host",
    ),
    (["query", "edges", "--endpoint", "http://[::1"], "is not an http:// or https:// URL"),
    (["query", "edges", "--endpoint", "ftp://example.org/sparql"], "is not an http:// or https:// URL"),
    (["publish", "--endpoint", "localhost:7878/store"], "is not an http:// or https:// URL"),
]


@pytest.mark.parametrize("args, message", BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_bad_options_are_one_line_errors(args, message, monkeypatch, capsys):
    """The command's own entry point (`naravard` is `cli.entry:main`), in this process: the options are
    refused before anything starts."""
    from cli.entry import main

    monkeypatch.setattr(sys, "argv", ["naravard", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code not in (0, None)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and message in errors[0], err


# --- load, rebuild, lifecycle --------------------------------------------------------------


def test_requests_wait_for_a_busy_worker_and_a_full_queue_is_503(served_project, project, store):
    """One worker, a queue of 2: a slow query runs, two requests wait for the busy worker and are
    answered, the rest are told to retry. The slow query is ended by killing its worker once all
    that is seen (no race with a time limit)."""
    import concurrent.futures

    from graph.server import create_app
    from graph.store import store_path

    app = create_app(served_project, store_path=store_path(project), timeout=120, workers=1, queue_size=2)
    with app_server(app) as url, concurrent.futures.ThreadPoolExecutor(9) as clients:
        running = clients.submit(httpx.get, url + "/sparql", params={"query": SLOW}, timeout=60)
        pool = app.state.endpoint.pool
        assert eventually(lambda: pool.running == 1)  # the worker has the slow query; the queue is empty
        asks = [clients.submit(httpx.get, url + "/sparql", params={"query": "ASK {}"}, timeout=60) for _ in range(8)]
        refused = eventually(lambda: [f.result() for f in asks if f.done()] if sum(f.done() for f in asks) == 6 else [])
        assert len(refused) == 6 and pool.jobs.qsize() == 2 and pool.running == 1
        for r in refused:
            assert r.status_code == 503, r.text
            assert "busy" in r.text and 1 <= int(r.headers["retry-after"]) <= 60
        os.kill(pool.pids()[0], signal.SIGKILL)
        assert running.result().status_code == 500  # "the query worker stopped"
        waited = [f.result() for f in asks if f.result().status_code != 503]
        assert [(r.status_code, r.json()["boolean"]) for r in waited] == [(200, True)] * 2


def test_rebuild_while_serving_follows_the_new_graph(fixture_project, http):
    """The store the server started with is deleted by a rebuild: every request is answered,
    and the answers follow the new graph."""
    from graph.server import create_app
    from graph.store import store_path

    question = {"query": "ASK { nvr:dalarna--valfardsradet ?p ?o }"}
    app = create_app(fixture_project, workers=1)
    app.state.endpoint.snapshots.interval = 0.1
    with app_server(app) as url:
        assert http.get(url + "/sparql", params=question).json()["boolean"] is False
        first = store_path(fixture_project)
        shutil.copy(
            REPO_ROOT / "data" / "regions" / "dalarna.ttl", fixture_project.data_dir / "regions" / "dalarna.ttl"
        )
        assert store_path(fixture_project) != first  # a new store, as `naravard build` makes …
        shutil.rmtree(first)  # … and, a build later, the old one deleted
        assert not first.exists()

        def followed():
            r = http.get(url + "/sparql", params=question)
            assert r.status_code == 200, r.text  # never an error while switching
            return r.json()["boolean"]

        assert eventually(followed, seconds=60)
        # Kill every worker: the replacements open the new copy, not the deleted store.
        for pid in app.state.endpoint.pool.pids():
            os.kill(pid, signal.SIGKILL)
        assert all(followed() for _ in range(6))


# --- the query page in headless Chromium ---------------------------------------------


@pytest.fixture(scope="module")
def tab(chromium, server):
    """One tab (the module's Chromium, conftest.chromium) that may only talk to the test server; records
    what it tried and every console error."""
    context = chromium.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.offsite, pg.errors, pg.dialogs = [], [], []

    def guard(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            pg.offsite.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    pg.on(
        "request", lambda req: req.url.startswith(("http://127.0.0.1", "blob:", "data:")) or pg.offsite.append(req.url)
    )
    pg.on("console", lambda msg: msg.type == "error" and pg.errors.append(msg.text))
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


@pytest.fixture()
def page(tab, server):
    """The tab with the query page freshly loaded; what it records starts with this load."""
    for seen in (tab.offsite, tab.errors, tab.dialogs):
        seen.clear()
    tab.goto(server + "/")
    tab.wait_for_selector("body[data-ready=true]")
    return tab


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


@pytest.mark.browser
def test_query_page_is_accessible_and_never_traps_the_keyboard(page):
    """axe-core (tests/assets/axe-core/) finds no serious or critical violation on the query page, with
    a result table shown; Tab leaves the editor (it used to insert spaces)."""
    page.select_option("#library", "count-by-class")
    run_and_wait(page)
    assert serious_violations(page) == []
    page.focus("#editor")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run"
    assert page.errors == [] and page.offsite == []
