"""What may run on the endpoint, and who may ask: decided on tokens, never on raw text.

A text filter for ``SERVICE`` can be fooled by the query's spelling: in
``OPTIONAL { ?a ?b nvr:x\\# } SERVICE <…>`` a regex sees ``\\#`` as a comment and
misses the keyword. `check_query` therefore reads the query with a lexer that
follows the SPARQL 1.1 grammar's terminals (IRIs, the four string forms, prefixed
names with ``PN_LOCAL`` escapes and ``%`` codes, variables, blank nodes, comments)
and refuses ``SERVICE``, ``LOAD`` and every update keyword wherever one occurs as
a keyword. The spec applies ``\\u``/``\\U`` escapes before parsing; Oxigraph only
inside strings and IRIs. The query is read both ways, and refused if either
reading finds a forbidden keyword. Text the lexer cannot read is refused too
(it would be a syntax error for the engine as well).

The worker processes also cannot open network sockets (see `graph.server.sandbox`),
so a mistake here still makes no outbound request.

>>> check_query("SELECT * WHERE { ?service ?p 'SERVICE' }")
>>> check_query(r"SELECT ?s WHERE { OPTIONAL { ?a ?b nvr:x\\# } SERVICE <http://127.0.0.1:9999/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
graph.server.policy.Refused: SERVICE (federated queries) is not allowed on this endpoint
>>> allowed_host("localhost:8000", {"127.0.0.1"})
True
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Keywords of SPARQL Update (and LOAD): refused wherever they occur as a keyword.
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)
READ_ONLY = "this endpoint is read-only: SPARQL Update is not allowed"
NO_SERVICE = "SERVICE (federated queries) is not allowed on this endpoint"
#: Host names always accepted in `Host` and `Origin` (the server listens on loopback by default).
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class Refused(Exception):
    """A request the endpoint will not run: `status` and a one-line `message`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


# --- the lexer (terminals of the SPARQL 1.1 grammar, section 19.8) -------------------

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_ESC_STRICT = r"\\[tbnrf\"'\\]"  # ECHAR, after \u escapes were applied
_ESC_LAX = r"\\(?:[tbnrf\"'\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"  # ECHAR or UCHAR (Oxigraph's reading)


def _token_re(esc: str) -> re.Pattern:
    iri_char = (
        r'[^<>"{}|^`\\\x00-\x20]'
        if esc == _ESC_STRICT
        else r'(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})'
    )
    return re.compile(
        "|".join(
            [
                r"(?P<space>\s+)",
                r"(?P<comment>#[^\n\r]*)",
                rf"(?P<iri><{iri_char}*>)",
                rf'(?P<string>"""(?:[^"\\]|{esc}|"(?!""))*"""|\'\'\'(?:[^\'\\]|{esc}|\'(?!\'\'))*\'\'\''
                rf'|"(?:[^"\\\n\r]|{esc})*"|\'(?:[^\'\\\n\r]|{esc})*\')',
                rf"(?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)",
                rf"(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)",
                rf"(?P<var>[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*)",
                r"(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
                r"(?P<number>[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)",
                r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
                r"(?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\];,.*=<>!+\-/|^?])",
            ]
        )
    )


_STRICT, _LAX = _token_re(_ESC_STRICT), _token_re(_ESC_LAX)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(text: str) -> str:
    """Apply ``\\u`` and ``\\U`` escapes everywhere, as SPARQL 1.1 (19.2) does before parsing.

    >>> unescape_codepoints(r"\\u0053ERVICE")
    'SERVICE'
    """

    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _UCHAR.sub(char, text)


def tokens(text: str, strict: bool = True) -> list[tuple[str, str]]:
    """The (kind, text) tokens of a query, without spaces and comments.

    `strict` reads the text as the spec does (after `unescape_codepoints`); otherwise
    ``\\u`` escapes count only inside strings and IRIs. Raises `Refused` (400) where no
    terminal matches.

    >>> tokens(r"SELECT * { ?s nv:p nvr:x\\# }  # note")  # doctest: +NORMALIZE_WHITESPACE
    [('word', 'SELECT'), ('punct', '*'), ('punct', '{'), ('var', '?s'), ('pname', 'nv:p'),
     ('pname', 'nvr:x\\\\#'), ('punct', '}')]
    """
    pattern = _STRICT if strict else _LAX
    out, pos, n = [], 0, len(text)
    while pos < n:
        m = pattern.match(text, pos)
        if m is None or m.end() == pos:
            line = text.count("\n", 0, pos) + 1
            col = pos - (text.rfind("\n", 0, pos) + 1) + 1
            raise Refused(400, f"syntax error at line {line}, column {col}: cannot read {text[pos : pos + 12]!r}")
        if m.lastgroup not in ("space", "comment"):
            out.append((m.lastgroup, m.group()))
        pos = m.end()
    return out


def keywords(text: str) -> tuple[set[str], Refused | None]:
    """Upper-cased bare words of the query read both as the spec and as Oxigraph does,
    and why Oxigraph's reading failed (None if it did not).

    The spec's reading may fail where Oxigraph's does not (``"\\u0022"`` closes a
    string there), and the other way round (``\\u0053ERVICE``): words from either count.
    """
    words: set[str] = set()
    problem = None
    for strict in (False, True):
        try:
            found = tokens(unescape_codepoints(text) if strict else text, strict)
            words |= {t.upper() for kind, t in found if kind == "word"}
        except Refused as err:
            problem = problem or (err if not strict else None)
    return words, problem


def check_query(text: str | None, max_chars: int = 100_000) -> None:
    """Raise `Refused` unless `text` is a query this endpoint may run.

    Missing text is 400, overlong 413; an update, ``LOAD`` or ``SERVICE`` is 403.

    >>> check_query("PREFIX x: <http://x/> # INSERT\\nSELECT ('DELETE' AS ?d) { }")
    >>> check_query("insert data { <a:b> <a:c> 1 }")
    Traceback (most recent call last):
    ...
    graph.server.policy.Refused: this endpoint is read-only: SPARQL Update is not allowed
    """
    if text is None or not text.strip():
        raise Refused(
            400, "missing query: give ?query=… (GET), a query= form field or an application/sparql-query body"
        )
    if len(text) > max_chars:
        raise Refused(413, f"query is {len(text)} characters, more than the limit of {max_chars}")
    words, unreadable = keywords(text)
    if words & UPDATE_WORDS:
        raise Refused(403, READ_ONLY)
    if "SERVICE" in words:
        raise Refused(403, NO_SERVICE)
    if unreadable:  # the engine would reject it too; refusing here means we never run what we cannot read
        raise unreadable


# --- who may ask ---------------------------------------------------------------------


def host_name(value: str) -> str:
    """The lower-case host of a ``Host`` header value (``[::1]:8000`` → ``::1``).

    >>> host_name("[::1]:8000"), host_name("LocalHost")
    ('::1', 'localhost')
    """
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def allowed_host(host: str | None, extra: set[str] | frozenset = frozenset()) -> bool:
    """Whether a ``Host`` header names this server: loopback or a configured name.

    Refusing other names stops DNS rebinding (a page of evil.example whose name
    resolves to 127.0.0.1 sends ``Host: evil.example``).
    """
    return bool(host) and host_name(host) in (LOOPBACK | set(extra))


def allowed_origin(origin: str | None, extra: set[str] | frozenset = frozenset()) -> bool:
    """Whether a request's ``Origin`` (absent for non-browser clients) may use the endpoint.

    >>> allowed_origin(None), allowed_origin("http://127.0.0.1:8000"), allowed_origin("https://evil.example")
    (True, True, False)
    """
    if origin is None:
        return True
    try:
        parts = urlsplit(origin.strip())
        return parts.scheme in ("http", "https") and (parts.hostname or "") in (LOOPBACK | set(extra))
    except ValueError:
        return False
