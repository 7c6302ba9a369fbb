"""Format query results for people (table) and programs (csv, tsv, json, xml, turtle …).

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


def cell(term) -> str:
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
        rows = [[cell(row[n]) for n in names] for row in result]
        widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
        clip = lambda s, w: s if len(s) <= w else s[: w - 1] + "…"  # noqa: E731
        lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(clip(c, w).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
        return "\n".join(lines)
    if fmt not in SELECT_FORMATS:
        raise QueryError(f"--format {fmt} does not apply to a SELECT/ASK result; use table, {', '.join(SELECT_FORMATS)}")
    if isinstance(result, ox.QueryBoolean) and fmt in ("csv", "tsv"):
        return "true" if bool(result) else "false"
    return result.serialize(format=SELECT_FORMATS[fmt]).decode("utf-8")
