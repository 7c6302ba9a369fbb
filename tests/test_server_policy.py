"""graph/server/policy.py: the query check cannot be fooled by spelling; Host and Origin rules."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.namespaces import sparql_prologue
from graph.queries import Library
from graph.server.policy import (
    NO_SERVICE,
    READ_ONLY,
    Refused,
    allowed_host,
    allowed_origin,
    check_query,
    tokens,
    unescape_codepoints,
)

from .endpoint import Listener, eventually

R = "http://127.0.0.1:9999/sparql"
#: Queries that reach a remote endpoint if run; each must be refused as SERVICE.
SERVICE_BYPASSES = {
    "plain": f"SELECT * WHERE {{ SERVICE <{R}> {{ ?s ?p ?o }} }}",
    "issue: PN_LOCAL escape \\#": rf"SELECT ?s WHERE {{ OPTIONAL {{ ?a ?b nvr:x\# }} SERVICE <{R}> {{ ?s ?p ?o }} }}",
    "issue: PN_LOCAL escape \\'": rf"SELECT ?s WHERE {{ OPTIONAL {{ ?a ?b nvr:x\' }} SERVICE <{R}> {{ ?s ?p ?o }} }}",
    "escape \\( and \\/": rf"SELECT ?s WHERE {{ ?a ?b nvr:x\(\/ . SERVICE <{R}> {{ ?s ?p ?o }} }}",
    "lowercase": f"select * where {{ service <{R}> {{ ?s ?p ?o }} }}",
    "mixed case": f"SELECT * WHERE {{ SeRvIcE <{R}> {{ ?s ?p ?o }} }}",
    "SERVICE SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{R}> {{ ?s ?p ?o }} }}",
    "VALUES then SERVICE with a variable": f"SELECT * WHERE {{ VALUES ?e {{ <{R}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "nested groups": f"SELECT * WHERE {{ {{ {{ OPTIONAL {{ ?a ?b ?c }} {{ SERVICE <{R}> {{ ?s ?p ?o }} }} }} }} }}",
    "in a subquery": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{R}> {{ ?s ?p ?o }} }} }} }}",
    "in MINUS / EXISTS": f"ASK {{ ?a ?b ?c FILTER NOT EXISTS {{ SERVICE <{R}> {{ ?a ?b ?c }} }} }}",
    "after a comment line": f"SELECT * WHERE {{ # {{ ' \"\n SERVICE <{R}> {{ ?s ?p ?o }} }}",
    "no spaces": f"SELECT*WHERE{{SERVICE<{R}>{{?s ?p ?o}}}}",
    "after a % code": f"SELECT * WHERE {{ ?a ?b nvr:x%23 SERVICE <{R}> {{ ?s ?p ?o }} }}",
    "after a long string with quotes": f"SELECT * WHERE {{ ?a ?b '''it's \"x\"''' SERVICE <{R}> {{ ?s ?p ?o }} }}",
    "after a string with an escaped quote": f'SELECT * WHERE {{ ?a ?b "\\" # " SERVICE <{R}> {{ ?s ?p ?o }} }}',
    "unicode escape of a letter": rf"SELECT * WHERE {{ \u0053ERVICE <{R}> {{ ?s ?p ?o }} }}",
    "unicode escapes of every letter": (
        rf"SELECT * WHERE {{ \u0053\u0045\u0052\u0056\u0049\u0043\u0045 <{R}> {{ ?s ?p ?o }} }}"
    ),
    "unicode escape closing a string": rf'SELECT * WHERE {{ ?a ?b "\u0022 SERVICE <{R}> {{ ?s ?p ?o }} #" }}',
    "long unicode escape": rf"SELECT * WHERE {{ \U00000053ERVICE <{R}> {{ ?s ?p ?o }} }}",
    "tab and newline as spaces": f"SELECT * WHERE {{\tSERVICE\n<{R}>\r\n{{ ?s ?p ?o }} }}",
    "prefixed endpoint": f"PREFIX r: <{R}#> SELECT * WHERE {{ SERVICE r: {{ ?s ?p ?o }} }}",
}
#: Updates and LOAD, however spelt: refused as read-only.
UPDATES = {
    "INSERT DATA": 'INSERT DATA { <http://x/a> <http://x/b> "c" }',
    "lowercase delete where": "delete where { ?s ?p ?o }",
    "LOAD": f"LOAD <{R}>",
    "LOAD SILENT INTO": f"LOAD SILENT <{R}> INTO GRAPH <http://x/g>",
    "after a prologue and comment": "PREFIX x: <http://x/> # SELECT\nCLEAR ALL",
    "second operation": "SELECT * { } ; DROP ALL",
    "WITH … DELETE": "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "escaped keyword": r"\u0049NSERT DATA { <http://x/a> <http://x/b> 1 }",
    "COPY/MOVE/ADD/CREATE": "CREATE GRAPH <http://x/g>",
}
#: Queries that mention the words but never as keywords: allowed.
ALLOWED = {
    "a variable": "SELECT ?service ?load WHERE { ?service ?insert ?load }",
    "a string": "SELECT * WHERE { ?s ?p 'SERVICE <http://x/> { }' }",
    "a long string": 'SELECT * WHERE { ?s ?p """INSERT DATA { } SERVICE""" }',
    "an IRI": "SELECT * WHERE { <http://x/SERVICE> <http://x/load> ?o }",
    "a comment": "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> and INSERT",
    "a prefix": "PREFIX service: <http://x/> SELECT * WHERE { service:a service:load ?o }",
    "a local name": "SELECT * WHERE { ?s nv:SERVICE nvr:insert }",
    "a local name with escapes": r"SELECT * WHERE { ?s ?p nvr:x\#SERVICE }",
    "a language tag": 'SELECT * WHERE { ?s ?p "x"@en-service }',
    "a unicode-escaped string": r'SELECT * WHERE { ?s ?p "\u0022" }',
    "less-than, not an IRI": "SELECT * WHERE { ?s ?p ?o FILTER(?o <?s || ?o > 3) }",
    "a blank node": "SELECT * WHERE { _:service ?p ?o }",
}


@pytest.mark.parametrize("text", SERVICE_BYPASSES.values(), ids=SERVICE_BYPASSES.keys())
def test_service_is_refused_however_spelt(text):
    with pytest.raises(Refused) as err:
        check_query(text)
    assert (err.value.status, err.value.message) == (403, NO_SERVICE)


@pytest.mark.parametrize("text", UPDATES.values(), ids=UPDATES.keys())
def test_updates_and_load_are_refused(text):
    with pytest.raises(Refused) as err:
        check_query(text)
    assert (err.value.status, err.value.message) == (403, READ_ONLY)


@pytest.mark.parametrize("text", ALLOWED.values(), ids=ALLOWED.keys())
def test_words_that_are_not_keywords_are_allowed(text):
    check_query(text)


def test_every_library_query_is_allowed(project):
    for q in Library(project):
        check_query(q.text)


@pytest.mark.parametrize(
    "text, status, message",
    [
        (None, 400, "missing query"),
        ("   \n ", 400, "missing query"),
        ("SELECT * WHERE { ?s ?p 'unclosed }", 400, "syntax error at line 1, column 24"),
        ("SELECT * WHERE {\n ?s ?p ?o \\ }", 400, "syntax error at line 2, column 11"),
        ('SELECT * { ?a ?b nvr:x\\" . SERVICE <http://x/> { } }', 400, "syntax error at line 1, column 23"),
        ("SELECT * WHERE { ?s ?p ?o }" + " " * 200, 413, "more than the limit of 100"),
    ],
)
def test_bad_text_gets_a_one_line_reason(text, status, message):
    with pytest.raises(Refused) as err:
        check_query(text, max_chars=100)
    assert err.value.status == status and message in err.value.message and "\n" not in err.value.message


def test_tokens_read_pn_local_escapes_as_part_of_the_name():
    assert tokens(r"?a nvr:x\# . ?b nvr:y\' }") == [
        ("var", "?a"),
        ("pname", r"nvr:x\#"),
        ("punct", "."),
        ("var", "?b"),
        ("pname", r"nvr:y\'"),
        ("punct", "}"),
    ]


def test_unicode_escapes_are_applied_everywhere():
    assert unescape_codepoints(r"\u0053ERVICE \U0001F600") == "SERVICE \U0001f600"


# The threat is real: Oxigraph runs these variants and connects to the "remote" endpoint.
# (An in-memory store in this test process, pointed at a listener on loopback.)
@pytest.mark.parametrize(
    "name", ["issue: PN_LOCAL escape \\#", "issue: PN_LOCAL escape \\'", "SERVICE SILENT", "lowercase", "nested groups"]
)
def test_the_engine_really_runs_these_variants(name):
    listener = Listener()
    try:
        text = sparql_prologue() + SERVICE_BYPASSES[name].replace(R, listener.url)
        try:
            list(ox.Store().query(text))
        except OSError:
            pass  # the listener closes without an answer
        assert eventually(lambda: listener.connections, seconds=10)
    finally:
        listener.close()


@pytest.mark.parametrize(
    "host, ok",
    [
        ("127.0.0.1:8000", True),
        ("localhost", True),
        ("LOCALHOST:1", True),
        ("[::1]:8000", True),
        ("evil.example", False),
        ("evil.example:8000", False),
        ("127.0.0.1.evil.example", False),
        ("", False),
        (None, False),
    ],
)
def test_allowed_host(host, ok):
    assert allowed_host(host) is ok


@pytest.mark.parametrize(
    "origin, ok",
    [
        (None, True),
        ("http://127.0.0.1:8000", True),
        ("http://localhost:3000", True),
        ("http://[::1]:8000", True),
        ("https://evil.example", False),
        ("null", False),
        ("http://127.0.0.1.evil.example", False),
        ("file://", False),
    ],
)
def test_allowed_origin(origin, ok):
    assert allowed_origin(origin) is ok


def test_configured_host_is_allowed():
    assert allowed_host("kg.example.org:8000", {"kg.example.org"})
    assert allowed_origin("https://kg.example.org", {"kg.example.org"})
