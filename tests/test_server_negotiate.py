"""graph/server/negotiate.py: Accept headers, and our one-pass serialisers read back by Oxigraph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.server.negotiate import GRAPH_TYPES, SELECT_TYPES, boolean_bytes, negotiate, solutions_bytes
from graph.server.policy import Refused

OX_FORMAT = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


@pytest.mark.parametrize(
    "accept, media",
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json"),
        ("application/xml;q=0.9, application/json;q=0.1", "application/xml"),
        ("text/*", "text/csv"),
    ],
)
def test_select_negotiation(accept, media):
    assert negotiate(accept, SELECT_TYPES)[0] == media


@pytest.mark.parametrize("accept", ["image/png", "text/csv;q=0", "application/ld+json"])
def test_nothing_acceptable_is_406(accept):
    with pytest.raises(Refused) as err:
        negotiate(accept, SELECT_TYPES)
    assert err.value.status == 406 and "application/sparql-results+json" in err.value.message


def test_graph_negotiation():
    assert negotiate("application/n-triples, text/turtle;q=0.5", GRAPH_TYPES)[0] == "application/n-triples"


TERMS = [
    ox.NamedNode("https://w3id.org/naravard/id/dalarna"),
    ox.Literal('Välfärdsrådet, "the council"\n<b>&</b>', language="sv"),
    ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ox.Literal("tab\there"),
    ox.BlankNode("b0"),
    None,
]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_solutions_read_back_as_the_same_terms(fmt):
    names = ["a", "b"]
    rows = [[TERMS[i], TERMS[(i + 2) % len(TERMS)]] for i in range(len(TERMS))]
    parsed = ox.parse_query_results(solutions_bytes(names, rows, fmt), OX_FORMAT[fmt])
    assert [v.value for v in parsed.variables] == names
    back = [[s[n] for n in names] for s in parsed]
    assert back == rows


def test_csv_is_values_only_quoted_where_needed():
    body = solutions_bytes(["a", "b"], [[TERMS[1], TERMS[2]], [TERMS[0], None]], "csv").decode()
    assert body == 'a,b\r\n"Välfärdsrådet, ""the council""\n<b>&</b>",42\r\nhttps://w3id.org/naravard/id/dalarna,\r\n'


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
@pytest.mark.parametrize("value", [True, False])
def test_boolean_reads_back(fmt, value):
    assert bool(ox.parse_query_results(boolean_bytes(value, fmt), OX_FORMAT[fmt])) is value


@pytest.mark.parametrize("value", [True, False])
def test_boolean_csv_is_as_oxigraph_writes_it(value):
    ask = ox.Store().query("ASK {}" if value else "ASK { FILTER(false) }")
    assert boolean_bytes(value, "csv") == ask.serialize(format=ox.QueryResultsFormat.CSV)


def test_same_as_oxigraph_on_the_real_graph(store):
    """Our JSON of a real SELECT parses to the same solutions as Oxigraph's own serialisation."""
    from graph.queries import Prepared, execute

    text = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 200"
    result = execute(store, Prepared(text, "test", {}))
    names = [v.value for v in result.variables]
    rows = [[r[n] for n in names] for r in result]
    ours = ox.parse_query_results(solutions_bytes(names, rows, "json"), ox.QueryResultsFormat.JSON)
    theirs = ox.parse_query_results(
        execute(store, Prepared(text, "test", {})).serialize(format=ox.QueryResultsFormat.JSON),
        ox.QueryResultsFormat.JSON,
    )
    assert [[s[n] for n in names] for s in ours] == [[s[n] for n in names] for s in theirs]
