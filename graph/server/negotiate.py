"""Content negotiation and result serialisation for the endpoint.

The worker process serialises a result once, in the format the client asked for,
and cuts it at the row limit while doing so (Oxigraph's own serialisers would write
every row). The app only passes the bytes on.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SELECT_TYPES)[0]
'application/sparql-results+xml'
>>> import pyoxigraph as ox
>>> body = solutions_bytes(["s"], [[ox.NamedNode("http://x/a")]], "csv")
>>> body.decode().splitlines()
['s', 'http://x/a']
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .policy import Refused

#: Media types for SELECT and ASK results; the first is the default.
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: Media types for CONSTRUCT and DESCRIBE results; the first is the default.
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def negotiate(accept: str | None, types: dict) -> tuple[str, object]:
    """The best (media type, format) of `types` for an ``Accept`` header; `Refused` 406 if none fits.

    >>> negotiate("text/*", SELECT_TYPES)
    ('text/csv', 'csv')
    """
    default = next(iter(types.items()))
    if not accept or not accept.strip():
        return default
    offers = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        offers.append((-q, i, fields[0].lower()))
    for neg_q, _, media in sorted(offers):
        if neg_q >= 0:
            break
        if media in types:
            return media, types[media]
        if media == "*/*":
            return default
        if media.endswith("/*"):
            for name, fmt in types.items():
                if name.startswith(media[:-1]):
                    return name, fmt
    raise Refused(406, f"cannot answer with {accept!r}; this result is available as {', '.join(types)}")


def term_json(term) -> dict:
    """A term in the SPARQL 1.1 JSON results format.

    >>> term_json(ox.Literal("hej", language="sv"))
    {'type': 'literal', 'value': 'hej', 'xml:lang': 'sv'}
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {k: term_json(getattr(term, k)) for k in ("subject", "predicate", "object")}}
    raise TypeError(f"unsupported term {term!r}")


def _term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    parts = "".join(f"<{k}>{_term_xml(getattr(term, k))}</{k}>" for k in ("subject", "predicate", "object"))
    return f"<triple>{parts}</triple>"


def _csv_cell(term) -> str:
    if term is None:
        return ""
    value = term.value if not isinstance(term, ox.BlankNode) else "_:" + term.value
    if isinstance(term, ox.Triple):
        value = str(term)
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value


def solutions_bytes(names: list[str], rows: list[list], fmt: str) -> bytes:
    """SELECT rows (lists of terms or None, in `names` order) serialised as `fmt` (json, xml, csv, tsv)."""
    if fmt == "json":
        bindings = [{n: term_json(t) for n, t in zip(names, row, strict=True) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if fmt == "csv":
        lines = [",".join(names)] + [",".join(_csv_cell(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    if fmt == "tsv":  # terms in Turtle/N-Triples syntax, as SPARQL 1.1 TSV requires
        lines = ["\t".join("?" + n for n in names)] + [
            "\t".join("" if t is None else str(t) for t in row) for row in rows
        ]
        return ("\n".join(lines) + "\n").encode()
    head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
    results = "".join(
        "<result>"
        + "".join(
            f"<binding name={quoteattr(n)}>{_term_xml(t)}</binding>"
            for n, t in zip(names, row, strict=True)
            if t is not None
        )
        + "</result>"
        for row in rows
    )
    return (
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head>{head}</head><results>{results}</results></sparql>"
    ).encode()


def boolean_bytes(value: bool, fmt: str) -> bytes:
    """An ASK result serialised as `fmt` (json, xml, csv, tsv)."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt in ("csv", "tsv"):  # as Oxigraph writes it
        return b"true" if value else b"false"
    return (
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
        f"<boolean>{'true' if value else 'false'}</boolean></sparql>"
    ).encode()
