"""graph/dataframe.py (`graph.frame`): query results as a DataFrame with typed columns."""

from __future__ import annotations

import sys

import pyoxigraph as ox
import pytest

import graph
from graph.dataframe import XSD, column, frame
from graph.errors import NaravardError, QueryError


def lit(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


@pytest.mark.parametrize(
    "terms,dtype,values",
    [
        ([lit("3", "integer"), None, lit("-1", "int")], "Int64", [3, None, -1]),
        ([lit("3", "integer"), lit("0.5", "decimal"), None], "float64", [3.0, 0.5, None]),
        ([lit("1.5E2", "double")], "float64", [150.0]),
        ([lit("true", "boolean"), lit("false", "boolean"), None], "boolean", [True, False, None]),
        ([lit("2025-03-26", "date"), None], "datetime64", ["2025-03-26", None]),
        (
            [lit("2020-01-01T10:00:00Z", "dateTime"), lit("2020-01-02T10:00:00", "dateTime")],
            "datetime64",
            ["2020-01-01T10:00:00Z", "2020-01-02T10:00:00Z"],
        ),
        ([ox.NamedNode("https://w3id.org/naravard/def#Region"), None], "str", ["nv:Region", None]),
        ([ox.Literal("Välfärdsrådet", language="sv"), ox.Literal("x")], "str", ["Välfärdsrådet", "x"]),
        ([lit("2022", "gYear")], "str", ["2022"]),  # not a date: kept as written
        ([lit("3", "integer"), ox.NamedNode("http://x/a")], "str", ["3", "http://x/a"]),  # a mix: strings
        ([None, None], "object", [None, None]),
    ],
)
def test_column_types(terms, dtype, values):
    """`values`: None where the column holds a missing value (NA, NaT), datetimes as written for
    pandas.Timestamp (pandas is imported by the tests that use it, not by every worker's collection)."""
    import pandas as pd

    if dtype == "datetime64":
        values = [None if v is None else pd.Timestamp(v) for v in values]
    s = column(terms)
    if dtype == "str":
        assert pd.api.types.is_string_dtype(s.dtype)
    else:
        assert str(s.dtype).startswith(dtype), s.dtype
    for got, want in zip(s.tolist(), values, strict=True):
        assert (pd.isna(got) and (want is None or pd.isna(want))) or got == want, (got, want)


def test_counts_come_back_as_integers(store):
    df = frame("count-by-class", store=store)
    assert str(df["count"].dtype) == "Int64"
    assert df.set_index("class").loc["nv:Region", "count"] == 21
    assert df["count"].sum() > 1000  # arithmetic works: not strings


def test_dates_as_datetimes_and_missing_as_na(store):
    q = """SELECT ?source ?date ?line WHERE { ?source a nv:SourceDocument .
             OPTIONAL { ?source dcterms:date ?date FILTER(DATATYPE(?date) = xsd:date) }
             OPTIONAL { ?source nv:noSuchLine ?line } } ORDER BY ?source"""
    df = frame(q, store=store)
    assert str(df["date"].dtype).startswith("datetime64")
    assert df["date"].isna().any() and df["date"].notna().any()  # some sources are dated by year only
    assert df["line"].isna().all()


def test_parameters_are_bound(store):
    df = frame("central-actors", {"region": "dalarna"}, store=store)
    assert list(df.columns[:2]) == ["actor", "name"] and len(df) > 5
    assert str(df["degree"].dtype) == "Int64" and str(df["betweenness"].dtype) == "float64"
    assert df["betweenness"].is_monotonic_decreasing
    assert df.loc[0, "actor"] == "nvr:dalarna"
    evil = '") } ?s ?p ?o { ("'
    assert frame("find-actor", {"name": evil}, store=store).empty  # a value, not query text


def test_graph_frame_is_the_public_entry():
    df = graph.frame("central-actors", region="kronoberg")
    assert df.loc[0, "actor"] == "nvr:kronoberg"


def test_only_select(store):
    with pytest.raises(QueryError, match="needs a SELECT"):
        frame("ASK { ?s ?p ?o }", store=store)


def test_without_pandas_says_which_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    with pytest.raises(NaravardError, match=r"pip install 'naravard-kg\[frame\]'"):
        graph.frame("count-by-class")
