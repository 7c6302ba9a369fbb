"""Remote SPARQL 1.1 stores: run library queries there, publish the graph to them.

Uses only the SPARQL 1.1 Protocol and Graph Store Protocol, so any conformant store
works (tested against the Oxigraph server).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from .errors import NaravardError
from .queries import Prepared, full_text, with_values

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"


def check_endpoint(url: str) -> str:
    """`url` if it is an http(s) URL with a host, else a NaravardError saying what is wrong.

    >>> check_endpoint("not a url")
    Traceback (most recent call last):
    ...
    graph.errors.NaravardError: --endpoint 'not a url' is not an http:// or https:// URL with a host
    """
    try:
        parts = urllib.parse.urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 1) > 0
    except ValueError:  # a bad IPv6 literal or port
        ok = False
    if not ok:
        raise NaravardError(f"--endpoint {url!r} is not an http:// or https:// URL with a host")
    return url


def _open(request: urllib.request.Request, what: str, timeout: float):
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        body = err.read().decode("utf-8", "replace")[:300]
        raise NaravardError(f"{what}: HTTP {err.code}: {body}") from None
    except (urllib.error.URLError, OSError) as err:
        raise NaravardError(f"{what}: cannot reach {request.full_url}: {getattr(err, 'reason', err)}") from None


def remote_query(endpoint: str, prepared: Prepared, timeout: float = 60):
    """Run on a remote endpoint; parameters travel as an escaped VALUES block."""
    check_endpoint(endpoint)
    text = full_text(with_values(prepared.text, prepared.bindings))
    data = urllib.parse.urlencode({"query": text}).encode()
    req = urllib.request.Request(
        endpoint, data=data, headers={"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"}
    )
    with _open(req, prepared.origin, timeout) as resp:
        ctype = resp.headers.get("Content-Type", "").split(";")[0].strip()
        body = resp.read()
    if ctype == "application/sparql-results+json":
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    fmt = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}.get(ctype)
    if fmt is None:
        raise NaravardError(f"{prepared.origin}: unexpected content type {ctype!r} from {endpoint}")
    store = ox.Store()
    store.load(body, format=fmt)
    return store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def publish(store: ox.Store, endpoint: str, timeout: float = 300) -> int:
    """Replace the default graph at a Graph Store Protocol `endpoint` with `store`'s, and each
    named graph (such as the derived triples' graph, see graph/derive.py) with the store's
    graph of that name, so that queries asking which facts are derived answer the same there;
    returns the quads sent."""
    check_endpoint(endpoint)
    sep = "&" if "?" in endpoint else "?"
    targets = [(ox.DefaultGraph(), "default")]
    targets += [(g, "graph=" + urllib.parse.quote(g.value, safe="")) for g in store.named_graphs()]
    for graph, where in targets:
        body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        req = urllib.request.Request(
            f"{endpoint}{sep}{where}", data=body, method="PUT", headers={"Content-Type": "application/n-triples"}
        )
        with _open(req, "publish", timeout):
            pass
    return len(store)
