"""The read-only SPARQL endpoint and the query page (`naravard serve`).

Routes of `create_app(project)`:

* ``/sparql``: SPARQL 1.1 Protocol (GET ``?query=``, POST form or
  ``application/sparql-query``), content negotiated by ``Accept``. Updates are
  refused (403), and so is ``SERVICE`` (the server makes no outbound requests).
* ``/`` and ``/query``: the query page (graph/static/).
* ``/api/queries``, ``/api/run/<name>?param=value``, ``/api/meta``: the query
  library for the page; parameters are bound, never pasted into the text.
* ``/pages/...``: the generated network pages in the project's output folder.

Every query runs in a worker process with a time limit and a row limit. Oxigraph
cannot cancel a running query, so a query past its time limit is answered with
503 and its process is killed and replaced; at most `workers` queries run at
once, and beyond that the endpoint answers 503 "busy".

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SELECT_TYPES)[0]
'application/sparql-results+xml'
>>> looks_like_update('PREFIX x: <http://x/> # note\\nINSERT DATA { x:a x:b "SELECT" }')
True
>>> uses_service('SELECT * WHERE { ?service ?p "SERVICE" }')
False
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import re
import threading
import traceback
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .errors import QueryError
from .namespaces import NVR, PREFIXES
from .project import Project
from .queries import Library, Prepared, execute, prepare, with_values

STATIC = Path(__file__).parent / "static"
PAGE_FOLDERS = ("actors", "regions")  # /pages/actors/<local-name>.html is output/actors/<local-name>.html

SELECT_TYPES = {  # media type → results format; the first is the default
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
#: Content-Security-Policy of the query page: nothing but this origin, no inline script.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# Comments, IRIs and strings: blanked out before looking for keywords.
_OPAQUE = re.compile(
    r'#[^\n]*|<[^\s<>"{}|^`\\]*>'
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'',
    re.S,
)
READ_ONLY = "this endpoint is read-only: SPARQL Update is not allowed"
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def _keywords_only(text: str) -> str:
    return _OPAQUE.sub(" ", text)


def looks_like_update(text: str) -> bool:
    """Whether `text` is a SPARQL Update (its first keyword after the prologue)."""
    m = re.match(r"\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*([A-Za-z]+)", _keywords_only(text), re.I)
    return bool(m) and m.group(1).upper() in _UPDATE_WORDS


def uses_service(text: str) -> bool:
    """Whether `text` has a SERVICE clause (a federated query the server would fetch)."""
    return bool(re.search(r"(?<![\w:?$-])SERVICE(?![\w:-])", _keywords_only(text), re.I))


def negotiate(accept: str | None, types: dict) -> tuple[str, object]:
    """The best (media type, format) of `types` for an Accept header; 406 if none fits."""
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
    raise HTTPException(406, f"cannot answer with {accept!r}; this result is available as {', '.join(types)}")


def term_json(term) -> dict:
    """A term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {k: term_json(getattr(term, k)) for k in ("subject", "predicate", "object")}}
    raise TypeError(f"unsupported term {term!r}")


@dataclass
class Answer:
    body: bytes
    media_type: str
    truncated: bool = False


def evaluate(store: ox.Store, prepared: Prepared, accept: str | None, max_rows: int) -> Answer:
    """Run and serialise: at most `max_rows` rows or triples (HTTPException on a bad query)."""
    try:
        result = execute(store, prepared)
        if isinstance(result, ox.QueryBoolean):
            media, fmt = negotiate(accept, SELECT_TYPES)
            return Answer(result.serialize(format=fmt), media)
        if isinstance(result, ox.QueryTriples):
            media, fmt = negotiate(accept, GRAPH_TYPES)
            triples = list(islice(result, max_rows + 1))
            prefixes = dict(PREFIXES) if fmt == ox.RdfFormat.TURTLE else None
            body = ox.serialize(triples[:max_rows], format=fmt, prefixes=prefixes)
            return Answer(body, media, len(triples) > max_rows)
        media, fmt = negotiate(accept, SELECT_TYPES)
        names = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1))
        data = {"head": {"vars": names}, "results": {"bindings": [
            {n: term_json(row[n]) for n in names if row[n] is not None} for row in rows[:max_rows]
        ]}}
        solutions = ox.parse_query_results(json.dumps(data), ox.QueryResultsFormat.JSON)
        return Answer(solutions.serialize(format=fmt), media, len(rows) > max_rows)
    except QueryError as err:
        raise HTTPException(400, str(err)) from None
    except OSError as err:
        raise HTTPException(500, f"{prepared.origin}: query failed: {err}") from None


def worker_main(path: str, max_rows: int, conn) -> None:
    """A query worker: opens the store read-only, answers (prepared, accept) requests.

    Only picklable plain values cross the pipe: an Answer, or (status, detail).
    """
    store = ox.Store.read_only(path)
    while True:
        try:
            prepared, accept = conn.recv()
        except (EOFError, OSError):
            return
        try:
            outcome = evaluate(store, prepared, accept, max_rows)
        except HTTPException as err:
            outcome = (err.status_code, err.detail)
        except Exception as err:  # noqa: BLE001 - answered as 500, logged here
            traceback.print_exc()
            outcome = (500, f"{prepared.origin}: query failed: {type(err).__name__}: {err}")
        conn.send(outcome)


class Worker:
    """One worker process and our end of its pipe."""

    def __init__(self, path: str, max_rows: int):
        ctx = multiprocessing.get_context("spawn")  # no fork of a process holding RocksDB
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(path, max_rows, child), daemon=True, name="sparql-worker")
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Workers:
    """A pool of query processes. Oxigraph cannot cancel a running query, so a query
    past its time limit is stopped by killing its process, which is then replaced."""

    def __init__(self, path: Path, size: int, max_rows: int):
        self.path, self.size, self.max_rows = str(path), size, max_rows
        self.idle: list[Worker] = [Worker(self.path, max_rows) for _ in range(size)]
        self.lock = threading.Lock()

    def take(self) -> Worker | None:
        with self.lock:
            return self.idle.pop() if self.idle else None

    def give_back(self, worker: Worker) -> None:
        with self.lock:
            self.idle.append(worker)

    def replace(self, worker: Worker) -> None:
        worker.kill()
        self.give_back(Worker(self.path, self.max_rows))

    def close(self) -> None:
        with self.lock:
            for w in self.idle:
                w.kill()
            self.idle.clear()

    async def run(self, prepared: Prepared, accept: str | None, timeout: float):
        """The worker's outcome, or HTTPException 503 when busy or past the time limit."""
        worker = self.take()
        if worker is None:
            raise HTTPException(503, f"the server is busy: {self.size} queries are running; try again later")
        loop = asyncio.get_running_loop()
        try:
            worker.conn.send((prepared, accept))
            ready = await loop.run_in_executor(None, worker.conn.poll, timeout)
            if not ready:
                await loop.run_in_executor(None, self.replace, worker)
                raise HTTPException(503, f"query exceeded the time limit of {timeout:g} s")
            outcome = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            await loop.run_in_executor(None, self.replace, worker)
            raise HTTPException(500, f"{prepared.origin}: the query worker stopped") from None
        self.give_back(worker)
        return outcome


@dataclass
class Endpoint:
    """The store's query workers and the limits every query runs under."""

    project: Project
    workers: Workers
    timeout: float
    max_rows: int
    max_query_chars: int

    def check_text(self, text: str | None) -> str:
        """The query text, or the HTTP error a text deserves (missing, too long, update, SERVICE)."""
        if text is None or not text.strip():
            raise HTTPException(400, "missing query: give ?query=… (GET), a query= form field or an application/sparql-query body")
        if len(text) > self.max_query_chars:
            raise HTTPException(413, f"query is {len(text)} characters, more than the limit of {self.max_query_chars}")
        if looks_like_update(text):
            raise HTTPException(403, READ_ONLY)
        if uses_service(text):
            raise HTTPException(403, "SERVICE (federated queries) is not allowed on this endpoint")
        return text

    async def answer(self, prepared: Prepared, accept: str | None) -> Response:
        """Run `prepared` in a worker process, killed after `timeout` seconds (503)."""
        # Parameters go in as an escaped VALUES block, so only plain strings cross the pipe.
        plain = Prepared(with_values(prepared.text, prepared.bindings), prepared.origin, {})
        outcome = await self.workers.run(plain, accept, self.timeout)
        if isinstance(outcome, tuple):
            raise HTTPException(*outcome)
        headers = {"X-Result-Truncated": "true"} if outcome.truncated else {}
        return Response(outcome.body, media_type=outcome.media_type, headers=headers)


def endpoint(request: Request) -> Endpoint:
    """The app's Endpoint (store and limits)."""
    return request.app.state.endpoint


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or 413 once it passes `limit` bytes."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"request body is larger than {limit} bytes")
    return bytes(body)


async def sparql(request: Request) -> Response:
    """SPARQL 1.1 Protocol query operation; refuses the update operation."""
    ep = endpoint(request)
    if request.method == "GET":
        if "update" in request.query_params:
            raise HTTPException(403, READ_ONLY)
        text = request.query_params.get("query")
    else:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise HTTPException(403, READ_ONLY)
        body = await read_body(request, 4 * ep.max_query_chars + 4096)
        if ctype == "application/sparql-query":
            text = body.decode("utf-8", errors="replace")
        elif ctype == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", errors="replace"))
            if "update" in form:
                raise HTTPException(403, READ_ONLY)
            text = form.get("query", [None])[0]
        else:
            raise HTTPException(415, "POST a query as application/sparql-query or as a query= form field")
    text = ep.check_text(text)
    return await ep.answer(Prepared(text, "query", {}), request.headers.get("accept"))


async def run_library(request: Request) -> Response:
    """Run the library query `name` with the request's parameters bound (JSON by default)."""
    ep = endpoint(request)
    try:
        query = Library(ep.project).get(request.path_params["name"])
    except QueryError as err:
        raise HTTPException(404, str(err)) from None
    try:
        prepared = prepare(query.name, dict(request.query_params), ep.project, is_text=False)
    except QueryError as err:
        raise HTTPException(400, str(err)) from None
    return await ep.answer(prepared, request.headers.get("accept"))


async def list_queries(request: Request) -> Response:
    """The library: name, title, answers, params and text of every query."""
    return JSONResponse([
        {
            "name": q.name, "title": q.title, "answers": q.answers, "example": q.example, "text": q.text,
            "params": [{"name": p.name, "kind": p.kind, "description": p.description, "optional": p.optional} for p in q.params],
        }
        for q in Library(endpoint(request).project)
    ])


async def meta(request: Request) -> Response:
    """What the page needs to render results: prefixes, network pages by local name, limits."""
    ep = endpoint(request)
    pages = {}
    for folder in PAGE_FOLDERS:
        for path in sorted((ep.project.output_dir / folder).glob("*.html")):
            pages.setdefault(path.stem, f"/pages/{folder}/{path.name}")
    return JSONResponse({
        "prefixes": PREFIXES, "idNamespace": str(NVR), "pages": pages,
        "timeout": ep.timeout, "maxRows": ep.max_rows,
    })


async def query_page(request: Request) -> Response:
    """The query page (its script and style are in graph/static/)."""
    return FileResponse(STATIC / "query.html", media_type="text/html", headers={"Content-Security-Policy": PAGE_CSP})


class Pages:
    """Static files of the output folder, if it exists; hidden files (the store cache) are not served."""

    def __init__(self, folder: Path):
        self.folder = folder

    async def __call__(self, scope, receive, send):
        parts = scope["path"].split("/")
        if not self.folder.is_dir() or any(p.startswith(".") for p in parts if p):
            response = PlainTextResponse("no such page (run `naravard build` to write the network pages)", 404)
            return await response(scope, receive, send)
        await StaticFiles(directory=self.folder, html=True)(scope, receive, send)


class NoSniff:
    """Add `X-Content-Type-Options: nosniff` to every response (ASGI middleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def sending(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-content-type-options", b"nosniff")]
            await send(message)

        await self.app(scope, receive, sending if scope["type"] == "http" else send)


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Errors as text for the SPARQL endpoint and pages, as {"error": …} for /api/."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail}, exc.status_code)
    return PlainTextResponse(str(exc.detail), exc.status_code)


def closing(pool: Workers):
    """A lifespan that stops the worker processes when the server stops."""

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        pool.close()

    return lifespan


def create_app(project: Project, store_path: Path | None = None, timeout: float = 10.0,
               max_rows: int = 10000, max_query_chars: int = 100_000, workers: int = 2) -> Starlette:
    """The Starlette app serving the on-disk store at `store_path` (default: the project's cache)."""
    if store_path is None:
        from .store import store_path as default_path

        store_path = default_path(project)
    pool = Workers(store_path, workers, max_rows)
    app = Starlette(
        routes=[
            Route("/", query_page),
            Route("/query", query_page),
            Route("/sparql", sparql, methods=["GET", "POST"]),
            Route("/api/queries", list_queries),
            Route("/api/meta", meta),
            Route("/api/run/{name}", run_library),
            Mount("/static", StaticFiles(directory=STATIC)),
            Mount("/pages", Pages(project.output_dir)),
        ],
        exception_handlers={HTTPException: http_error},
        middleware=[Middleware(NoSniff)],
        lifespan=closing(pool),
    )
    app.state.endpoint = Endpoint(project, pool, timeout, max_rows, max_query_chars)
    return app


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0, max_rows: int = 10000) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    app = create_app(project, timeout=timeout, max_rows=max_rows)
    print(f"naravard: query page http://{host}:{port}/  SPARQL endpoint http://{host}:{port}/sparql")
    uvicorn.run(app, host=host, port=port, log_level="info")
