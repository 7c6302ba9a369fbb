"""The project's IRIs, defined once.

`PREFIXES` holds them as text; `NV`, `NVR`, `ORG` and `PROV` are the same namespaces as
rdflib `Namespace`s, made on first use so that importing this module (as the query path
does) does not import rdflib.

>>> from graph.namespaces import NV, NVR
>>> NV.Region
rdflib.term.URIRef('https://w3id.org/naravard/def#Region')
"""

from __future__ import annotations

import re

BASE = "https://w3id.org/naravard/"

#: Prefixes known to every query (library files, -e queries, competency questions).
PREFIXES: dict[str, str] = {
    "nv": BASE + "def#",
    "nvr": BASE + "id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


#: The rdflib namespaces this module offers, by name, and their prefix in PREFIXES.
_NAMESPACES = {"NV": "nv", "NVR": "nvr", "ORG": "org", "PROV": "prov"}


def __getattr__(name: str):
    """`NV`, `NVR`, `ORG`, `PROV` as rdflib Namespaces, made (and rdflib imported) on first use."""
    if name not in _NAMESPACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import Namespace

    ns = globals()[name] = Namespace(PREFIXES[_NAMESPACES[name]])
    return ns


def sparql_prologue() -> str:
    """PREFIX lines for PREFIXES, to put before a query's text."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


#: Namespace → prefix (the first prefix of a namespace, as listed), and one pattern of the namespaces,
#: longest first, so that its match is the longest namespace that fits: a national-scale gap analysis
#: shortens a million IRIs, with one match each instead of a loop over every namespace.
_PREFIX_OF = {iri: prefix for prefix, iri in reversed(PREFIXES.items())}
_NAMESPACE = re.compile("|".join(re.escape(n) for n in sorted(_PREFIX_OF, key=len, reverse=True)))


def shorten(iri: str) -> str:
    """`nvr:x` for a full IRI in a known namespace (the longest that fits), else the IRI itself.

    >>> shorten("https://w3id.org/naravard/id/dalarna"), shorten("urn:x")
    ('nvr:dalarna', 'urn:x')
    """
    m = _NAMESPACE.match(iri)
    return f"{_PREFIX_OF[m.group()]}:{iri[m.end() :]}" if m else iri
