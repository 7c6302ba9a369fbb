"""The read-only SPARQL endpoint and the query page (`naravard serve`): the Starlette app.

Routes of `create_app(project)`:

* ``/sparql``: SPARQL 1.1 Protocol (GET ``?query=``, POST form or
  ``application/sparql-query``), content negotiated by ``Accept``. Updates,
  ``LOAD`` and ``SERVICE`` are refused (403; see `graph.server.policy`).
* ``/`` and ``/query``: the query page (graph/static/).
* ``/api/queries``, ``/api/run/<name>?param=value``, ``/api/meta``: the query
  library for the page; parameters are bound, never pasted into the text.
* ``/pages/...``: the generated network pages in the project's output folder.

Every request must name this server in ``Host`` (loopback or ``allowed_hosts``),
and a browser's ``Origin``, when sent, must be one of those too: another web page
cannot drive the endpoint, and a DNS-rebinding name is refused. Nothing changes
state, so no GET or form has side effects.

Queries run in worker processes behind a FIFO queue (`graph.server.pool`) on a
private copy of the store that follows rebuilds (`graph.server.snapshot`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import QueryError
from ..namespaces import NVR, PREFIXES
from ..project import Project
from ..queries import Library, check_params, prepare, with_values
from .policy import READ_ONLY, Refused, allowed_host, allowed_origin, check_query
from .pool import Pool
from .snapshot import Snapshots

STATIC = Path(__file__).parent.parent / "static"
PAGE_FOLDERS = ("actors", "regions")  # /pages/actors/<local-name>.html is output/actors/<local-name>.html
SPARQL_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
#: Content-Security-Policy of the query page: nothing but this origin, no inline script.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def refused(err: Refused) -> HTTPException:
    """The HTTP error for a query the policy refused, with its status, message and headers."""
    return HTTPException(err.status, err.message, headers=err.headers)


@dataclass
class Endpoint:
    """The project, its query workers and the limits every query runs under."""

    project: Project
    pool: Pool
    snapshots: Snapshots
    timeout: float
    max_rows: int
    max_query_chars: int

    def check_params(self, prepared) -> None:
        """Refuse parameters that name no entity of their class (graph.queries.check_params)."""
        check_params(ox.Store.read_only(self.snapshots.current()), prepared)

    def close(self) -> None:
        """Stop the workers and delete the store copies (also done when the server stops)."""
        self.pool.close()
        self.snapshots.close()

    async def answer(self, text: str, accept: str | None, origin: str = "query") -> Response:
        """Run `text` in a worker (after the policy check); the worker's bytes as the response."""
        try:
            check_query(text, self.max_query_chars)
            answer = await self.pool.run(text, accept, origin)
        except Refused as err:
            raise refused(err) from None
        if answer.status != 200:
            raise HTTPException(answer.status, answer.message)
        headers = {"X-Result-Truncated": "true"} if answer.truncated else {}
        return Response(answer.body, media_type=answer.media_type, headers=headers)


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
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": ", ".join(SPARQL_METHODS)})
    if request.method in ("GET", "HEAD"):
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
    return await ep.answer(text, request.headers.get("accept"))


async def run_library(request: Request) -> Response:
    """Run the library query `name` with the request's parameters bound (JSON by default)."""
    ep = endpoint(request)
    try:
        query = Library(ep.project).get(request.path_params["name"])
    except QueryError as err:
        raise HTTPException(404, str(err)) from None
    try:
        prepared = prepare(query.name, dict(request.query_params), ep.project, is_text=False)
        # A value naming no entity of the declared class is an error with the nearest names,
        # as in the CLI. Only our own bound ASK/SELECT run here, so the app may run them itself.
        await run_in_threadpool(ep.check_params, prepared)
        # Parameters go in as a VALUES block of terms serialised (escaped) by Oxigraph.
        text = with_values(prepared.text, prepared.bindings)
    except QueryError as err:
        raise HTTPException(400, str(err)) from None
    return await ep.answer(text, request.headers.get("accept"), prepared.origin)


async def list_queries(request: Request) -> Response:
    """The library: name, title, answers, params and text of every query."""
    return JSONResponse(
        [
            {
                "name": q.name,
                "title": q.title,
                "answers": q.answers,
                "example": q.example,
                "text": q.text,
                "params": [
                    {"name": p.name, "kind": p.kind, "description": p.description, "optional": p.optional}
                    for p in q.params
                ],
            }
            for q in Library(endpoint(request).project)
        ]
    )


async def meta(request: Request) -> Response:
    """What the page needs to render results: prefixes, network pages by local name, limits."""
    ep = endpoint(request)
    pages = {}
    for folder in PAGE_FOLDERS:
        for path in sorted((ep.project.output_dir / folder).glob("*.html")):
            pages.setdefault(path.stem, f"/pages/{folder}/{path.name}")
    return JSONResponse(
        {
            "prefixes": PREFIXES,
            "idNamespace": str(NVR),
            "pages": pages,
            "timeout": ep.timeout,
            "maxRows": ep.max_rows,
        }
    )


def query_page_html(project: Project) -> str:
    """The query page on the pages' base layout (graph/viz/query.html): its script and the one
    stylesheet from /static/, the nav to the output folder's pages under /pages/."""
    from ..viz.shell import footer, render

    return render(
        "query.html",
        title="SPARQL-frågesida",
        base="/pages/",
        assets="/static/",
        query_page="/",
        csp=PAGE_CSP.removesuffix("; frame-ancestors 'none'"),  # a <meta> policy cannot carry frame-ancestors
        footer=footer(project),
    )


async def query_page(request: Request) -> Response:
    """The query page (its script and stylesheet are in graph/static/)."""
    return HTMLResponse(request.app.state.query_page, headers={"Content-Security-Policy": PAGE_CSP})


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


class Guard:
    """Refuse requests not addressed to this server or sent by another site (ASGI middleware).

    ``Host`` must be loopback or one of `hosts`; ``Origin``, when a browser sends
    one, likewise; and a cross-site fetch that is not a navigation (an ``<img>``
    or a script on another page) is refused by its ``Sec-Fetch-Site``.
    """

    def __init__(self, app, hosts: frozenset = frozenset()):
        self.app, self.hosts = app, hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            problem = None
            if not allowed_host(headers.get("host"), self.hosts):
                problem = (
                    f"unknown host {headers.get('host', '')!r}: "
                    f"this server answers only to {', '.join(sorted(self.hosts_shown))}"
                )
            elif not allowed_origin(headers.get("origin"), self.hosts):
                problem = f"requests from {headers['origin']!r} are not allowed (cross-origin)"
            elif headers.get("sec-fetch-site") == "cross-site" and headers.get("sec-fetch-mode") != "navigate":
                problem = "cross-site requests are not allowed"
            if problem:
                return await PlainTextResponse(problem, 403)(scope, receive, send)
        await self.app(scope, receive, send)

    @property
    def hosts_shown(self):
        """The host names the server answers to (loopback names and the allowed hosts), for messages."""
        return {"127.0.0.1", "localhost", "[::1]", *self.hosts}


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Errors as one line of text (endpoint, pages) or {"error": …} (/api/), with their headers (Allow, Retry-After)."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)
    return PlainTextResponse(str(exc.detail), exc.status_code, headers=exc.headers)


def lifespan(ep: Endpoint):
    """Stop the worker processes and delete the store copies when the server stops."""

    @contextlib.asynccontextmanager
    async def span(app):
        yield
        ep.close()

    return span


def create_app(
    project: Project,
    store_path: Path | None = None,
    timeout: float = 10.0,
    max_rows: int = 10000,
    max_query_chars: int = 100_000,
    workers: int | None = None,
    queue_size: int = 256,
    memory_mb: int = 1024,
    allowed_hosts: tuple[str, ...] = (),
    follow: bool = True,
) -> Starlette:
    """The Starlette app serving the store at `store_path` (default: the project's cache).

    `workers` processes (default: one per core) answer from a queue of `queue_size`;
    each query may run `timeout` seconds and use `memory_mb` MB. With `follow`, the
    server switches to a newer store when the graph is rebuilt.

    >>> app = create_app(Project.default(), workers=1)
    >>> app.state.endpoint.pool.size
    1
    >>> app.state.endpoint.close()
    """
    if store_path is None:
        from ..store import store_path as default_path

        store_path = default_path(project)
    snapshots = Snapshots(store_path, follow=follow)
    pool = Pool(
        snapshots.current,
        workers=workers,
        queue_size=queue_size,
        timeout=timeout,
        max_rows=max_rows,
        memory_mb=memory_mb,
    )
    ep = Endpoint(project, pool, snapshots, timeout, max_rows, max_query_chars)
    app = Starlette(
        routes=[
            Route("/", query_page),
            Route("/query", query_page),
            Route("/sparql", sparql, methods=list(SPARQL_METHODS)),
            Route("/api/queries", list_queries),
            Route("/api/meta", meta),
            Route("/api/run/{name}", run_library),
            Mount("/static", StaticFiles(directory=STATIC)),
            Route("/pages/sparql.html", lambda request: RedirectResponse("/")),  # the pages' link to this page
            Mount("/pages", Pages(project.output_dir)),
        ],
        exception_handlers={HTTPException: http_error},
        middleware=[
            Middleware(Guard, hosts=frozenset(h.lower().strip("[]") for h in allowed_hosts)),
            Middleware(NoSniff),
        ],
        lifespan=lifespan(ep),
    )
    app.state.endpoint = ep
    app.state.query_page = query_page_html(project)
    return app


def serve(
    project: Project,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 10.0,
    max_rows: int = 10000,
    workers: int | None = None,
    queue_size: int = 256,
    memory_mb: int = 1024,
    allowed_hosts: tuple[str, ...] = (),
) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    hosts = tuple(allowed_hosts) + ((host,) if host not in ("0.0.0.0", "::") else ())
    app = create_app(
        project,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        queue_size=queue_size,
        memory_mb=memory_mb,
        allowed_hosts=hosts,
    )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else (f"[{host}]" if ":" in host else host)
    print(f"naravard: query page http://{shown}:{port}/  SPARQL endpoint http://{shown}:{port}/sparql", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info")
