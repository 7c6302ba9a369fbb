"""The project's IRIs, defined once.

>>> from graph.namespaces import NV, NVR
>>> NV.Region
rdflib.term.URIRef('https://w3id.org/naravard/def#Region')
"""

from __future__ import annotations

from rdflib import Namespace

BASE = "https://w3id.org/naravard/"
NV = Namespace(BASE + "def#")
NVR = Namespace(BASE + "id/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")

#: Prefixes known to every query (library files, -e queries, competency questions).
PREFIXES: dict[str, str] = {
    "nv": str(NV),
    "nvr": str(NVR),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": str(ORG),
    "prov": str(PROV),
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def sparql_prologue() -> str:
    """PREFIX lines for PREFIXES, to put before a query's text."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def shorten(iri: str) -> str:
    """`nvr:x` for a full IRI in a known namespace, else the IRI itself.

    >>> shorten("https://w3id.org/naravard/id/dalarna")
    'nvr:dalarna'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, found = ns, prefix
    return f"{found}:{iri[len(best) :]}" if best else iri
