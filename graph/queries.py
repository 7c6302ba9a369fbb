"""The query library (`queries/*.rq`) and running SPARQL safely.

A library file starts with a comment header::

    # title: Forums a region or municipality takes part in
    # answers: Which joint forums does a region or municipality take part in, and how?
    # param: region iri nv:Organisation  The region or municipality (slug such as `dalarna`, or an IRI)
    # example: naravard query region-forums --param region=dalarna

An `iri` parameter may name the class its value must have (`nv:Region`; `rdfs:Resource`
for any typed entity): a value that names no such entity is an error with the nearest
names, checked by a query with the value bound, never pasted (`check_params`). A rule of
the gap analysis (`queries/rules/`) may say its place in the ranking: `# rank: 1`.

Parameters are never pasted into query text as text: they become RDF terms,
serialised (escaped) by Oxigraph into a VALUES block that opens the query's WHERE
group, the same locally and on remote stores.

>>> q = Library().get("region-forums")
>>> q.params[0].name
'region'
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from .errors import QueryError
from .namespaces import PREFIXES, shorten, sparql_prologue
from .project import Project

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

MAX_QUERY_CHARS = 100_000
_IRI_BAD = re.compile(r'[\s<>"{}|^`\\]')


class Param(NamedTuple):
    """One `# param:` line of a query's header: name, kind (iri, string, integer), description,
    whether it may be left out, and the class an iri value must belong to.

    This module's classes are NamedTuples: the query path does without `dataclasses` (see Project).
    """

    name: str
    kind: str  # iri | string | integer
    description: str
    optional: bool = False
    cls: str = ""  # full IRI of the class an iri value must be an instance of ("" = unchecked)

    def term(self, value: str, where: str):
        """The RDF term for a user's `value` (validated, never spliced as text)."""
        if self.kind == "integer":
            if not re.fullmatch(r"-?\d+", value):
                raise QueryError(f"{where}: parameter {self.name} must be an integer, got {value!r}")
            return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        if self.kind == "iri":
            return ox.NamedNode(expand_iri(value, f"{where}: parameter {self.name}"))
        return ox.Literal(value)


def expand_iri(value: str, where: str) -> str:
    """A full IRI for `dalarna`, `nvr:dalarna` or `https://…`.

    >>> expand_iri("dalarna", "x")
    'https://w3id.org/naravard/id/dalarna'
    """
    value = value.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*://", value):
        iri = value
    elif ":" in value and value.split(":", 1)[0] in PREFIXES:
        prefix, local = value.split(":", 1)
        iri = PREFIXES[prefix] + local
    else:
        iri = PREFIXES["nvr"] + value
    if not value or _IRI_BAD.search(iri):
        raise QueryError(f"{where}: {value!r} is not a valid IRI or name")
    return iri


class LibraryQuery(NamedTuple):
    """A query of the library: its `.rq` text and what its comment header declares
    (`# title:`, `# answers:`, `# example:`, `# param:`, `# rank:`).
    """

    name: str
    path: Path
    text: str
    title: str = ""
    answers: str = ""
    example: str = ""
    params: tuple[Param, ...] = ()
    rank: int | None = None  # `# rank: N`: a rule's place in the gap analysis' order (None: after the ranked, by name)

    @classmethod
    def from_file(cls, path: Path) -> LibraryQuery:
        """The query in `path`, its header read; a malformed `# param:` or `# rank:` line raises QueryError."""
        text = path.read_text(encoding="utf-8")
        header: dict[str, str | int] = {}
        params: list[Param] = []
        for line in text.splitlines():
            if not line.startswith("#"):
                if line.strip():
                    break
                continue
            m = re.match(r"#\s*(title|answers|example|param|rank):\s*(.*)", line)
            if not m:
                continue
            key, value = m.groups()
            if key == "param":
                pm = re.match(
                    r"(\w+)\s+(iri|string|integer)(?:\s+([A-Za-z][\w-]*:[\w-]+|<[^>\s]+>))?(\s+optional)?\s*(.*)", value
                )
                if not pm:
                    raise QueryError(f"{path}: bad param line {line!r}")
                klass = expand_iri(pm.group(3).strip("<>"), f"{path}: param {pm.group(1)} class") if pm.group(3) else ""
                params.append(Param(pm.group(1), pm.group(2), pm.group(5), bool(pm.group(4)), klass))
            elif key == "rank":
                if not re.fullmatch(r"\d+", value.strip()):
                    raise QueryError(f"{path}: bad rank line {line!r} (a whole number, such as `# rank: 1`)")
                header["rank"] = int(value)
            else:
                header[key] = value.strip()
        return cls(name=path.stem, path=path, text=text, params=tuple(params), **header)


class Library:
    """The `.rq` files of a project's queries/ folder, by name."""

    def __init__(self, project: Project | None = None, folder: Path | None = None):
        self.folder = folder or (project or Project.default()).queries_dir
        self.queries = {p.stem: LibraryQuery.from_file(p) for p in sorted(self.folder.glob("*.rq"))}

    def __iter__(self):
        return iter(self.queries.values())

    def get(self, name: str) -> LibraryQuery:
        """The query called `name`; an unknown name raises QueryError with the nearest names."""
        if name in self.queries:
            return self.queries[name]
        import difflib  # only for the error: the query path stays without it

        near = difflib.get_close_matches(name, list(self.queries), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else "; `naravard queries` lists them"
        raise QueryError(f"unknown query {name!r}{hint}")


def library_query(name: str, project: Project) -> LibraryQuery:
    """The library query `name`, reading only its own file (listing the folder only to
    suggest names when it is unknown): `naravard query NAME` stays cheap."""
    path = project.queries_dir / f"{name}.rq"
    if re.fullmatch(r"[\w.-]+", name) and path.is_file():
        return LibraryQuery.from_file(path)
    return Library(project).get(name)


class Prepared(NamedTuple):
    """A query ready to run: its text, where it came from and its bound parameters."""

    text: str
    origin: str
    bindings: dict[str, object]
    params: tuple[Param, ...] | list[Param] = ()  # the declared parameters (library queries)


def prepare(
    name_or_text: str, params: dict[str, str], project: Project | None = None, *, is_text: bool | None = None
) -> Prepared:
    """Resolve a library name, `.rq` path or SPARQL text and bind `params`."""
    project = project or Project.default()
    declared: list[Param] | None = None
    if is_text:
        text, origin = name_or_text, "query"
    elif name_or_text.endswith(".rq") and Path(name_or_text).is_file():
        lq = LibraryQuery.from_file(Path(name_or_text))
        text, origin, declared = lq.text, str(name_or_text), lq.params
    elif is_text is None and re.search(r"[\s{]", name_or_text):
        text, origin = name_or_text, "query"
    else:
        lq = library_query(name_or_text, project)
        text, origin, declared = lq.text, lq.name, lq.params
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"{origin}: query is {len(text)} characters, more than the limit of {MAX_QUERY_CHARS}")
    bindings: dict[str, object] = {}
    if declared is not None:
        known = {p.name: p for p in declared}
        for key in params:
            if key not in known:
                raise QueryError(f"{origin}: unknown parameter {key!r} (parameters: {', '.join(known) or 'none'})")
        for p in declared:
            if p.name in params:
                bindings[p.name] = p.term(str(params[p.name]), origin)
            elif not p.optional:
                raise QueryError(
                    f"{origin}: missing parameter {p.name!r} ({p.description}); give --param {p.name}=VALUE"
                )
    else:
        for key, value in params.items():
            if not re.fullmatch(r"[A-Za-z_]\w*", key):
                raise QueryError(f"{origin}: bad parameter name {key!r}")
            bindings[key] = Param(key, "string", "").term(str(value), origin)
    return Prepared(text, origin, bindings, declared or [])


def full_text(text: str) -> str:
    """The query with the standard PREFIX lines before it (redeclaring is allowed)."""
    return sparql_prologue() + text


RESOURCE = "http://www.w3.org/2000/01/rdf-schema#Resource"


@cache
def _check_query(name: str) -> str:
    """The text of queries/check/`name`.rq (read once): the checks of `check_entity`."""
    return (Project.default().queries_dir / "check" / f"{name}.rq").read_text(encoding="utf-8")


def check_entity(store: ox.Store, value: ox.NamedNode, cls: str, where: str, given: str | None = None) -> None:
    """Raise QueryError (with the nearest names) unless `value` is an instance of `cls`
    (or of a subclass; `rdfs:Resource`: of any class). Both are bound as terms.

    >>> region = "https://w3id.org/naravard/def#Region"
    >>> s = ox.Store()
    >>> s.add(ox.Quad(ox.NamedNode(PREFIXES["nvr"] + "dalarna"), ox.NamedNode(RDF_TYPE), ox.NamedNode(region)))
    >>> check_entity(s, ox.NamedNode(PREFIXES["nvr"] + "dalarn"), region, "region-forums: parameter region")
    Traceback (most recent call last):
    graph.errors.QueryError: region-forums: parameter region: 'dalarn' names no nv:Region; did you mean dalarna?
    """
    bind = {"value": value, "class": ox.NamedNode(cls)}
    if execute(store, Prepared(_check_query("is-instance"), where, bind)):
        return
    # Plain strings only: the QueryError below keeps this frame alive, and Oxigraph's results may
    # not be dropped on another thread than theirs (the endpoint checks in a thread pool).
    found = [
        (r["e"].value, r["label"].value if r["label"] is not None else None)
        for r in execute(store, Prepared(_check_query("instances"), where, {"class": ox.NamedNode(cls)}))
    ]
    import difflib

    candidates: dict[str, str] = {}
    for entity, label in found:
        short = shorten(entity)
        local = short.split(":", 1)[1] if short.startswith("nvr:") else short
        candidates.setdefault(local.lower(), local)
        if label is not None:
            candidates.setdefault(label.lower(), local)
    given = given if given is not None else shorten(value.value).removeprefix("nvr:")
    low = given.lower()
    near = sorted(c for c in candidates if len(low) >= 3 and low in c)  # a short form: "jamtland"
    near += difflib.get_close_matches(low, list(candidates), n=6, cutoff=0.6)
    hint = list(dict.fromkeys(candidates[n] for n in near))[:3]
    suggestion = (
        f"; did you mean {', '.join(hint)}?" if hint else "; `naravard query find-actor --param name=…` finds names"
    )
    raise QueryError(f"{where}: {given!r} names no {shorten(cls)}{suggestion}")


def checked_curie(store: ox.Store, value: str, cls: str, where: str) -> str:
    """The short IRI (`nvr:dalarna`) of a user's `value` (`dalarna`, `nvr:dalarna` or the full
    IRI), checked to name an instance of `cls` (`check_entity`): the one conversion at an API boundary.

    >>> s = ox.Store()
    >>> s.add(ox.Quad(ox.NamedNode(PREFIXES["nvr"] + "dalarna"), ox.NamedNode(RDF_TYPE), ox.NamedNode(RESOURCE)))
    >>> checked_curie(s, "dalarna", RESOURCE, "--region")
    'nvr:dalarna'
    """
    iri = expand_iri(value, where)
    check_entity(store, ox.NamedNode(iri), cls, where, given=value)
    return shorten(iri)


def check_params(store: ox.Store, prepared: Prepared) -> None:
    """Raise QueryError if a bound parameter names no entity of its declared class.

    The endpoint's library route and `execute` call this before running the query.
    """
    for p in prepared.params:
        value = prepared.bindings.get(p.name)
        if p.cls and isinstance(value, ox.NamedNode):
            check_entity(store, value, p.cls, f"{prepared.origin}: parameter {p.name}")


def execute(store: ox.Store, prepared: Prepared):
    """Run on an Oxigraph store; a syntax error becomes `origin: line L, column C: message`.

    The query is parsed once as written (so error positions are the user's own), then
    run with its parameters in a VALUES block, as on a remote store. Parameters that
    name no entity of their declared class are refused first (`check_params`).
    """
    check_params(store, prepared)
    offset = len(PREFIXES)
    text = full_text(prepared.text)
    try:
        if prepared.bindings:
            text = full_text(with_values(prepared.text, prepared.bindings))
        return store.query(text)
    except SyntaxError as err:
        raise QueryError(syntax_message(prepared.origin, str(err), offset)) from None
    except (OSError, RuntimeError) as err:
        raise QueryError(f"{prepared.origin}: {err}") from None


def syntax_message(origin: str, message: str, offset: int) -> str:
    """Point a parser message at the user's own lines (the prologue is ours)."""
    m = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    if m:
        line, col, rest = int(m.group(1)) - offset, int(m.group(2)), one_line(m.group(3))
        return f"{origin}: syntax error at line {line}, column {col}: {rest}"
    return f"{origin}: syntax error: {one_line(message)}"


def one_line(message: str, limit: int = 300) -> str:
    """A parser message on one line, cut to `limit` characters (its lists of expected
    characters run over several lines and hundreds of characters).

    >>> one_line("expected   one of   a, b")
    'expected one of a, b'
    """
    text = re.sub(r"\s+", " ", message).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def with_values(text: str, bindings: dict[str, object]) -> str:
    """The query with `VALUES (?a ?b) { (<…> "…") }` opening its WHERE group (for remote stores).

    Terms are serialised by Oxigraph (escaped N-Triples), so a value cannot break out.

    >>> with_values('SELECT * WHERE { ?s ?p ?o }', {"s": ox.NamedNode("http://x/a")})
    'SELECT * WHERE { VALUES (?s) { (<http://x/a>) } ?s ?p ?o }'
    """
    if not bindings:
        return text
    names = list(bindings)
    block = "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(str(bindings[n]) for n in names) + ") } "
    pos = first_group_brace(text)
    if pos < 0:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    return text[: pos + 1] + " " + block + text[pos + 1 :].lstrip()


def first_group_brace(text: str) -> int:
    """Index of the `{` that opens the query pattern, skipping IRIs, strings and comments."""
    i, n = 0, len(text)
    in_construct_template = bool(re.match(r"(?is)\s*(?:(?:prefix|base)\b[^\n]*\n|#[^\n]*\n|\s)*construct\s*\{", text))
    while i < n:
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif c == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            i += re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]).end() - 1
        elif c in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote) - 1
        elif c == "{":
            if in_construct_template:
                depth, j = 1, i + 1
                while j < n and depth:
                    depth += {"{": 1, "}": -1}.get(text[j], 0)
                    j += 1
                in_construct_template = False
                i = j
                continue
            return i
        i += 1
    return -1


def rows(store: ox.Store, query: str | Path, project: Project | None = None, params: dict | None = None) -> list[dict]:
    """Rows of a library query (name, `.rq` path or text) as dicts of plain strings (None if unbound).

    The one way the library's own modules read query results.
    """
    result = execute(store, prepare(str(query), params or {}, project))
    names = [v.value for v in result.variables]
    # a solution iterates its terms in the order of the variables: zipped, not looked up by name (half the
    # cost per row of the dumps the pages read)
    return [dict(zip(names, [None if term is None else term.value for term in r], strict=True)) for r in result]


def run_query(
    name_or_text: str,
    params: dict[str, str] | None = None,
    project: Project | None = None,
    store: ox.Store | None = None,
):
    """Python API behind `graph.query`: rows as dicts of rdflib terms, a bool, or a Graph."""
    from .load import load_store
    from .rdflib_copy import to_rdflib, to_rdflib_term

    prepared = prepare(name_or_text, params or {}, project)
    result = execute(store or load_store(project), prepared)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [{n: to_rdflib_term(row[n]) for n in names if row[n] is not None} for row in result]
    return to_rdflib(result)
