"""Query results as a pandas DataFrame with typed columns: the code behind `graph.frame`.

pandas is an optional extra (`pip install 'naravard-kg[frame]'`); without it `graph.frame` stops
with a NaravardError that says so. (The module is not called `frame` so that it does not hide the
function `graph.frame` once imported.) A column's type follows the RDF terms in it:

| terms in the column | pandas dtype |
|---|---|
| xsd:integer and its subtypes (COUNT gives xsd:integer) | Int64 (nullable) |
| xsd:decimal, xsd:double, xsd:float (or integers mixed with them) | float64 |
| xsd:boolean | boolean (nullable) |
| xsd:date, xsd:dateTime | datetime64 |
| IRIs | strings, shortened: `nvr:dalarna`, `nv:Region` |
| any other literal (plain, language-tagged, xsd:gYear …) or a mix of kinds | strings |

An unbound value is NA (`<NA>`, NaN or NaT).

>>> import pyoxigraph as ox
>>> n = lambda v, t: ox.Literal(v, datatype=ox.NamedNode(XSD + t))
>>> column([n("3", "integer"), None]).tolist()
[3, <NA>]
>>> str(column([n("2025-03-26", "date")]).dtype).startswith("datetime64")
True
>>> column([ox.NamedNode("https://w3id.org/naravard/id/dalarna")]).tolist()
['nvr:dalarna']
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import NaravardError, QueryError
from .namespaces import shorten
from .project import Project
from .queries import execute, prepare

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER = {
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
}
FLOAT = {"decimal", "double", "float"}
DATETIME = {"date", "dateTime", "dateTimeStamp"}


def pandas():
    """The pandas module, or a NaravardError saying which extra installs it."""
    try:
        import pandas
    except ImportError:
        raise NaravardError("graph.frame needs pandas: pip install 'naravard-kg[frame]'") from None
    return pandas


def kind(term) -> str:
    """How a term's column is typed: integer, float, boolean, datetime, iri or string.

    >>> kind(ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal"))), kind(ox.Literal("x", language="sv"))
    ('float', 'string')
    """
    if isinstance(term, ox.NamedNode):
        return "iri"
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(XSD):
        local = term.datatype.value[len(XSD) :]
        for name, types in (("integer", INTEGER), ("float", FLOAT), ("datetime", DATETIME), ("boolean", {"boolean"})):
            if local in types:
                return name
    return "string"


def text(term) -> str:
    """A term as a string cell: an IRI shortened (`nvr:x`), a blank node `_:id`, a literal its value."""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def column(terms: list):
    """A pandas Series of `terms` (None where unbound), typed as the module's table says."""
    pd = pandas()
    kinds = {kind(t) for t in terms if t is not None}
    if kinds == {"integer"}:
        return pd.Series(pd.array([None if t is None else int(t.value) for t in terms], dtype="Int64"))
    if kinds and kinds <= {"integer", "float"}:
        return pd.Series([float("nan") if t is None else float(t.value) for t in terms], dtype="float64")
    if kinds == {"boolean"}:
        return pd.Series(pd.array([None if t is None else t.value in ("true", "1") for t in terms], dtype="boolean"))
    values = [None if t is None else text(t) for t in terms]
    if kinds == {"datetime"}:
        for utc in (False, True):  # a mix of local and zoned times: all in UTC
            try:
                return pd.Series(pd.to_datetime(values, format="ISO8601", utc=utc))
            except (ValueError, TypeError):
                continue
    return pd.Series(values, dtype=None if kinds else object)


def frame(name_or_text: str, params: dict | None = None, project: Project | None = None, store: ox.Store | None = None):
    """Run a SELECT (library name, `.rq` file or SPARQL text, `params` bound as in `graph.query`) on
    `store` (default: the project's) and return its rows as a typed DataFrame, one column per variable."""
    from .load import load_store

    pd = pandas()
    prepared = prepare(name_or_text, params or {}, project)
    result = execute(store or load_store(project), prepared)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(
            f"{prepared.origin}: graph.frame needs a SELECT query; use graph.query for ASK, CONSTRUCT or DESCRIBE"
        )
    names = [v.value for v in result.variables]
    rows = [[row[n] for n in names] for row in result]
    return pd.DataFrame({n: column([r[i] for r in rows]) for i, n in enumerate(names)}, columns=names)
