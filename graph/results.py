"""Format results for people (table) and programs (csv, tsv, json, xml, turtle …): the one place
the command line formats what it prints.

`format_result` formats a SPARQL result, `format_records` a list of dicts (stats, problems,
the query list …) in the same names: table, csv, tsv, json.

>>> import pyoxigraph as ox
>>> r = ox.Store().query('SELECT ?x WHERE { VALUES ?x { "a" } }')
>>> print(format_result(r, "table"))
x
-
a
(1 row)
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import QueryError
from .namespaces import PREFIXES, shorten

SELECT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


RECORD_FORMATS = ("table", "csv", "tsv", "json")


def cell(term) -> str:
    """A result term as text: an IRI in its short form (`nvr:dalarna`), a literal's value, None as ''."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    return term.value


def format_result(result, fmt: str) -> str:
    """Text of `result` (QuerySolutions, QueryBoolean or QueryTriples) in `fmt`."""
    if isinstance(result, ox.QueryTriples):
        if fmt in ("table", "turtle", "ttl"):
            fmt = "turtle"
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"--format {fmt} does not apply to a graph result; use one of {', '.join(GRAPH_FORMATS)}")
        kwargs = {"prefixes": PREFIXES} if fmt in ("turtle", "ttl") else {}
        return ox.serialize(result, format=GRAPH_FORMATS[fmt], **kwargs).decode("utf-8")
    if fmt == "table":
        if isinstance(result, ox.QueryBoolean):
            return "true" if bool(result) else "false"
        names = [v.value for v in result.variables]
        return table(names, [[cell(row[n]) for n in names] for row in result])
    if fmt not in SELECT_FORMATS:
        raise QueryError(
            f"--format {fmt} does not apply to a SELECT/ASK result; use table, {', '.join(SELECT_FORMATS)}"
        )
    if isinstance(result, ox.QueryBoolean) and fmt in ("csv", "tsv"):
        return "true" if bool(result) else "false"
    return result.serialize(format=SELECT_FORMATS[fmt]).decode("utf-8")


def table(names: list[str], rows: list[list], count: bool = True) -> str:
    """An aligned text table (numbers right-aligned, cells cut at 60 characters), with a row count.

    >>> print(table(["name", "n"], [["a", 1], ["bb", 22]]))
    name   n
    ----  --
    a      1
    bb    22
    (2 rows)
    """
    text = [["" if c is None else str(c) for c in r] for r in rows]
    right = [bool(rows) and all(isinstance(r[i], (int, float)) for r in rows) for i in range(len(names))]
    widths = [min(60, max([len(n)] + [len(r[i]) for r in text])) for i, n in enumerate(names)]

    def line(cells):
        cut = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(cells, widths, strict=False)]
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cut, widths, right, strict=True)).rstrip()

    lines = [line(names), "  ".join("-" * w for w in widths), *(line(r) for r in text)]
    if count:
        lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def format_records(records: list[dict], fmt: str, columns: list[str] | None = None) -> str:
    """Text of `records` (dicts with the same keys) in `fmt`: table, csv, tsv or json.

    `columns` picks and orders the keys (default: the first record's). Lists in a cell are
    joined with a space in table, csv and tsv.

    >>> recs = [{"name": "a", "n": 1}, {"name": "b,c", "n": 2}]
    >>> print(format_records(recs, "csv"), end="")
    name,n
    a,1
    "b,c",2
    >>> import json
    >>> json.loads(format_records(recs, "json", columns=["n"]))
    [{'n': 1}, {'n': 2}]
    """
    if fmt not in RECORD_FORMATS:
        raise QueryError(f"--format {fmt} does not apply here; use one of {', '.join(RECORD_FORMATS)}")
    import csv  # here: `naravard query` (format_result) does without csv, io and json
    import io
    import json

    columns = list(columns or (records[0].keys() if records else []))
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in columns} for r in records], ensure_ascii=False, indent=2)
    flat = [
        [" ".join(map(str, v)) if isinstance(v, (list, tuple)) else v for v in (r.get(c) for c in columns)]
        for r in records
    ]
    if fmt == "table":
        return table(columns, flat)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(flat)
    return buf.getvalue()
