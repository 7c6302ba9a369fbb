"""graph/results.py: one set of formats (table, csv, tsv, json) for records as for query results."""

from __future__ import annotations

import pytest

from graph.errors import QueryError
from graph.results import format_records

RECORDS = [{"name": "Dalarna", "n": 3, "tags": ["a", "b"]}, {"name": "Gotland, Region", "n": 12, "tags": []}]


@pytest.mark.parametrize(
    "records,fmt,columns,expected",
    [
        (RECORDS, "csv", None, 'name,n,tags\nDalarna,3,a b\n"Gotland, Region",12,\n'),
        (RECORDS, "tsv", ["n", "name"], "n\tname\n3\tDalarna\n12\tGotland, Region\n"),
        (
            RECORDS,
            "table",
            ["name", "n"],
            "name              n\n---------------  --\nDalarna           3\nGotland, Region  12\n(2 rows)",
        ),
        (RECORDS, "json", ["n"], '[\n  {\n    "n": 3\n  },\n  {\n    "n": 12\n  }\n]'),
        ([], "table", None, "\n\n(0 rows)"),
        ([], "json", None, "[]"),
    ],
)
def test_format_records(records, fmt, columns, expected):
    assert format_records(records, fmt, columns) == expected


def test_unknown_format_names_the_option():
    with pytest.raises(QueryError, match="--format xml does not apply here; use one of table, csv, tsv, json"):
        format_records(RECORDS, "xml")
