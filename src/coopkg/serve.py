"""`coopkg serve`: the graph on the web — a read-only SPARQL 1.1 endpoint, dereferenceable IRIs, the saved
queries as a JSON/CSV API with an OpenAPI description, VoID/DCAT, dumps and HTML pages, on Starlette and uvicorn.
"""
from __future__ import annotations

import contextlib
import queue
import re
import threading
import time
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from . import serve_formats as fmt
from .query import QueryError, SavedQuery, get_saved_query, run_saved_query, saved_queries, with_values
from .results import ResultTable
from .serve_pages import W3ID, Pages, Site, e, iri_term, quote_path
from .serve_pool import DEFAULT_MEMORY_MB, Job, PoolBusy, QueryTimeout, WorkerFailed, WorkerPool, WorkerQueryError

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
MAX_BODY = 1024 * 1024  # a SPARQL request larger than this is refused (413)
TRUNCATED = "X-Coopkg-Truncated"


@dataclass(frozen=True)
class ServeConfig:
    """How `coopkg serve` runs; base_url replaces https://w3id.org/coopkg when IRIs are dereferenced here."""

    store_path: Path
    base_url: str = "http://127.0.0.1:8000"
    timeout: float = 10.0
    max_rows: int = 10000
    workers: int = 2
    memory_mb: int | None = DEFAULT_MEMORY_MB
    licence: str = CC_BY


class Problem(Exception):
    """A request answered with an error status and one line saying why."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# -- reading SPARQL text without parsing it ------------------------------------------------------
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_PROLOGUE = re.compile(r"\s*(?:BASE\s*<[^>]*>|PREFIX\s*[^\s:<>]*:\s*<[^>]*>)", re.I)
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.I)
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def mask_sparql(text: str) -> str:
    """The text with comments blanked and the insides of strings and IRIs replaced (lengths kept), so that
    keywords can be looked for without being fooled by `"INSERT"` or `<http://x/SERVICE>` or `# DROP`."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
        elif char in "\"'":
            end = _string_end(text, i)
        elif char == "<" and _IRIREF.match(text, i):
            end = _IRIREF.match(text, i).end()
            out.append("<" + "_" * (end - i - 2) + ">")
            i = end
            continue
        else:
            out.append(char)
            i += 1
            continue
        out.append(" " * (end - i) if char == "#" else char + "_" * (end - i - 1))
        i = end
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    """Where a SPARQL string literal that opens at `start` ends (escapes and long strings understood)."""
    delimiter = text[start] * 3 if text.startswith(text[start] * 3, start) else text[start]
    i = start + len(delimiter)
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(delimiter, i):
            return i + len(delimiter)
        elif len(delimiter) == 1 and text[i] == "\n":
            return i  # a short string cannot span lines; the parser will say so
        else:
            i += 1
    return len(text)


def query_form(text: str) -> str | None:
    """The first keyword after the prologue: SELECT, ASK, CONSTRUCT, DESCRIBE, or an update's (INSERT …)."""
    masked = mask_sparql(text)
    pos = 0
    while match := _PROLOGUE.match(masked, pos):
        pos = match.end()
    word = _FIRST_WORD.match(masked, pos)
    return word.group(1).upper() if word else None


def uses_service(text: str) -> bool:
    """Whether the query calls another endpoint: refused, so the server never fetches from elsewhere."""
    return bool(_SERVICE.search(mask_sparql(text)))


# -- running queries -----------------------------------------------------------------------------
class Backend:
    """The worker pool under the server's limits: every call has a deadline, answers are checked."""

    def __init__(self, pool: WorkerPool, timeout: float, max_rows: int):
        self.pool = pool
        self.timeout = timeout
        self.max_rows = max_rows

    def run(self, job: Job, deadline: float | None = None) -> tuple:
        remaining = (deadline - time.monotonic()) if deadline else self.timeout
        if remaining <= 0:
            raise QueryTimeout("no time left")
        return self.pool.run(job, remaining)

    def select(self, sparql: str, deadline: float | None = None, max_rows: int | None = None) -> tuple[ResultTable, bool]:
        answer = self.run(Job(sparql, max_rows), deadline)
        if answer[0] != "solutions":
            raise WorkerQueryError("query", f"expected a SELECT query, got {answer[0]}")
        return answer[1], answer[2]

    def table(self, sparql: str) -> ResultTable:
        """A trusted internal SELECT (pages, counts), read whole."""
        return self.select(sparql)[0]

    def describe(self, iri: str) -> str:
        """N-Triples of a resource: its own triples, those of its `#` parts and the labels of what it points to."""
        node = iri_term(iri)
        hashed = str(ox.Literal(iri + "#"))
        query = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
          {{ VALUES ?s {{ {node} }} ?s ?p ?o }}
          UNION {{ {node} ?x ?s . FILTER (isIRI(?s) && STRSTARTS(STR(?s), {hashed})) ?s ?p ?o }}
          UNION {{ {node} ?x ?m . FILTER (isIRI(?m) && STRSTARTS(STR(?m), {hashed}))
                   ?m ?y ?s . FILTER (isIRI(?s) && STRSTARTS(STR(?s), {hashed})) ?s ?p ?o }}
          UNION {{ {node} ?x ?s . FILTER (isIRI(?s))
                   VALUES ?p {{ <http://www.w3.org/2000/01/rdf-schema#label> <http://www.w3.org/2004/02/skos/core#prefLabel> }}
                   ?s ?p ?o }}
        }}"""
        lines = self.run(Job(query))[1].splitlines(keepends=True)
        # the resource's own statements first: Turtle writes subjects in the order it is given them
        own = [line for line in lines if line.startswith(node + " ")]
        return "".join(own + [line for line in lines if not line.startswith(node + " ")])


class PoolTarget:
    """A coopkg.query Target on the worker pool: each SELECT of a saved query (name look-ups included) in a
    worker, all within one deadline; only the saved query's own rows are capped."""

    def __init__(self, backend: Backend, capped_text: str | None = None):
        self.backend = backend
        self.deadline = time.monotonic() + backend.timeout
        self.capped_text = capped_text
        self.truncated = False

    def select(self, sparql: str, bindings: dict | None = None) -> ResultTable:
        cap = self.backend.max_rows if sparql == self.capped_text else None
        try:
            table, truncated = self.backend.select(with_values(sparql, bindings or {}), self.deadline, cap)
        except WorkerQueryError as err:
            raise QueryError(str(err)) from None
        self.truncated = self.truncated or truncated
        return table


# -- the application -----------------------------------------------------------------------------
@dataclass
class Server:
    """State shared by the handlers: configuration, the pool, the page renderer and cached counts."""

    config: ServeConfig
    site: Site = field(init=False)
    pool: WorkerPool = field(init=False)
    backend: Backend = field(init=False)
    pages: Pages = field(init=False)
    dump_store: object = None
    _counts: dict | None = None

    def __post_init__(self) -> None:
        self.site = Site(self.config.base_url.rstrip("/"))
        self.pool = WorkerPool(self.config.store_path, self.config.workers, self.config.memory_mb)
        self.backend = Backend(self.pool, self.config.timeout, self.config.max_rows)
        self.pages = Pages(self.backend.table, self.site)

    def counts(self) -> dict:
        """How much the store holds; computed once (the store is read-only while served)."""
        if self._counts is None:
            t = self.backend.table
            try:
                triples = int(t("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
                              .rows[0]["n"].value)
            except QueryTimeout:
                # a store too big to count within the time limit: the number of quads bounds it from above
                triples = len(self.dump_store.store)
            classes = t("""SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
                VALUES ?class { <https://w3id.org/coopkg/def#Programme> <https://w3id.org/coopkg/def#Document>
                                <https://w3id.org/coopkg/def#Organisation> } ?x a ?class } GROUP BY ?class""")
            involved = t("""SELECT (COUNT(DISTINCT ?o) AS ?orgs) (COUNT(DISTINCT ?pl) AS ?places) WHERE {
                { ?r <https://w3id.org/coopkg/def#roleOf> ?o } UNION { ?x <https://w3id.org/coopkg/def#targetsPlace> ?pl } }""")
            by_class = {r["class"].value.rsplit("#", 1)[-1]: int(r["n"].value) for r in classes.rows}
            self._counts = {"triples": triples, "programmes": by_class.get("Programme", 0),
                            "documents": by_class.get("Document", 0), "organisations_all": by_class.get("Organisation", 0),
                            "organisations": int(involved.rows[0]["orgs"].value),
                            "places": int(involved.rows[0]["places"].value)}
        return self._counts

    def start(self) -> None:
        from .store import GraphStore

        self.pool.start()
        self.dump_store = GraphStore(self.config.store_path, read_only=True)

    def stop(self) -> None:
        self.pool.close()
        self.dump_store = None


def create_app(config: ServeConfig) -> Starlette:
    """The ASGI application; the workers start with the application's lifespan and stop with it."""
    server = Server(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(server.start)
        try:
            yield
        finally:
            await run_in_threadpool(server.stop)

    routes = [
        Route("/", partial(index, server)),
        Route("/sparql", partial(sparql_endpoint, server), methods=["GET", "POST"]),
        Route("/id/{rest:path}", partial(dereference, server, "id")),
        Route("/voc/{rest:path}", partial(dereference, server, "voc")),
        Route("/sdg/{code}", partial(sdg_page, server)),
        Route("/api/queries", partial(list_queries, server)),
        Route("/api/queries/{name}", partial(saved_query, server)),
        Route("/api/openapi.json", partial(openapi_document, server)),
        Route("/.well-known/void", partial(void_description, server)),
        Route("/dumps/{name}", partial(dump, server)),
    ]
    middleware = [Middleware(SecurityHeaders),
                  Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                             allow_headers=["Accept", "Content-Type"],
                             expose_headers=[TRUNCATED, "Content-Location", "Link"])]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: partial(http_error, server), Problem: partial(problem, server)})
    app.state.server = server
    return app


class SecurityHeaders:
    """Pure ASGI middleware: pages load nothing from elsewhere and no response is sniffed as another type."""

    HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
               (b"content-security-policy",
                b"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", [])) + self.HEADERS}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# -- errors --------------------------------------------------------------------------------------
def under(server: Server, request: Request, path: str) -> bool:
    """Whether the request is for a path under `path`, with or without the base URL's path in front."""
    return request.url.path.startswith((path, server.site.href(path)))


def error_response(server: Server, request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    """JSON for the API, a page for people, one plain line for everyone else."""
    headers = {"Vary": "Accept", **(headers or {})}
    if under(server, request, "/api/"):
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
    wanted = fmt.negotiate(request.headers.get("accept"), ["text/plain", fmt.HTML])
    if wanted == fmt.HTML:
        return Response(server.pages.error_page(_STATUS_TITLES.get(status, "Error"), message), status,
                        headers=headers, media_type="text/html; charset=utf-8")
    return PlainTextResponse(message + "\n", status, headers=headers)


_STATUS_TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
                  406: "Not acceptable", 413: "Request too large", 415: "Unsupported media type",
                  503: "Service unavailable"}


async def http_error(server: Server, request: Request, exc: HTTPException) -> Response:
    message = {404: f"nothing here: {request.url.path}"}.get(exc.status_code, str(exc.detail))
    return error_response(server, request, exc.status_code, message, getattr(exc, "headers", None))


async def problem(server: Server, request: Request, exc: Problem) -> Response:
    return error_response(server, request, exc.status, exc.message, exc.headers)


def failure_problem(err: Exception, timeout: float) -> Problem:
    """The status and message for a query that did not give an answer."""
    if isinstance(err, PoolBusy):
        return Problem(503, f"the server is busy: {err}; try again", {"Retry-After": "2"})
    if isinstance(err, QueryTimeout):
        return Problem(503, f"the query did not finish within the time limit of {timeout:g} s and was stopped")
    if isinstance(err, WorkerFailed):
        return Problem(503, f"the query could not be completed: {err}")
    if isinstance(err, WorkerQueryError):
        what = "malformed query" if err.kind == "syntax" else "the query failed"
        return Problem(400, f"{what}: {err}")
    return Problem(400, str(err))


async def in_thread(server: Server, fn, *args):
    """Run blocking work (the pool, rendering) off the event loop, mapping query failures to problems."""
    try:
        return await run_in_threadpool(fn, *args)
    except (QueryTimeout, WorkerFailed, WorkerQueryError) as err:
        raise failure_problem(err, server.config.timeout) from None


# -- the SPARQL 1.1 Protocol ---------------------------------------------------------------------
async def sparql_endpoint(server: Server, request: Request) -> Response:
    params, query = await protocol_request(request)
    if query is None:
        if fmt.negotiate(request.headers.get("accept"), [fmt.SPARQL_JSON, fmt.HTML]) == fmt.HTML:
            return html_response(server.pages.sparql_form())
        raise Problem(400, "no query given: send query=… (GET or form POST) or an application/sparql-query body")
    form = query_form(query)
    if form in UPDATE_WORDS:
        raise Problem(403, f"this endpoint is read-only: {form} is an update and updates are refused")
    if uses_service(query):
        raise Problem(403, "federated queries (SERVICE) are refused: this endpoint queries its own store only")
    offered = fmt.RDF_TYPES if form in ("CONSTRUCT", "DESCRIBE") else (
        fmt.BOOLEAN_TYPES if form == "ASK" else fmt.RESULT_TYPES)
    media_type = chosen_type(request, params, offered)
    job = Job(query, server.config.max_rows, graph_list(params, "default-graph-uri"), graph_list(params, "named-graph-uri"))
    answer = await in_thread(server, server.backend.run, job)
    return await sparql_answer(server, request, params, query, answer, media_type)


async def protocol_request(request: Request) -> tuple[dict[str, list[str]], str | None]:
    """The protocol parameters and the query, from GET, a form POST or an application/sparql-query POST."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise Problem(403, "this endpoint is read-only: SPARQL updates are refused")
        body = await read_body(request)
        if content_type == "application/x-www-form-urlencoded":
            for key, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
                params.setdefault(key, []).append(value)
        elif content_type == "application/sparql-query":
            params.setdefault("query", []).append(body)
        else:
            raise Problem(415, "send application/x-www-form-urlencoded or application/sparql-query")
    if "update" in params:
        raise Problem(403, "this endpoint is read-only: the update parameter is refused")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise Problem(400, "give one query, not several")
    return params, (queries[0] if queries and queries[0].strip() else None)


async def read_body(request: Request) -> str:
    """The request body as UTF-8 text, at most MAX_BODY bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise Problem(413, f"the request body is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "the request body is not UTF-8") from None


def graph_list(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """default-graph-uri / named-graph-uri values, each checked to be an IRI."""
    graphs = []
    for value in params.get(name, []):
        try:
            graphs.append(ox.NamedNode(value).value)
        except ValueError:
            raise Problem(400, f"{name} {value!r} is not an IRI") from None
    return tuple(graphs)


def chosen_type(request: Request, params: dict[str, list[str]], offered: list[str]) -> str:
    """`?format=` if given, else the Accept header; 406 when nothing offered is acceptable."""
    asked = (params.get("format") or [None])[0]
    if asked:
        media_type = fmt.FORMAT_NAMES.get(asked.lower())
        if media_type not in offered:
            names = sorted(k for k, v in fmt.FORMAT_NAMES.items() if v in offered)
            raise Problem(400, f"format {asked!r} is not available here (use one of: {', '.join(names)})")
        return media_type
    media_type = fmt.negotiate(request.headers.get("accept"), offered)
    if media_type is None:
        raise Problem(406, "none of the accepted media types can be given; available: " + ", ".join(offered))
    return media_type


async def sparql_answer(server: Server, request: Request, params, query: str, answer: tuple, media_type: str) -> Response:
    headers = {"Vary": "Accept"}
    kind = answer[0]
    if kind == "boolean":
        if media_type not in fmt.BOOLEAN_TYPES:  # the form was misread; negotiate again for what came back
            media_type = chosen_type(request, params, fmt.BOOLEAN_TYPES)
        if media_type == fmt.HTML:
            return html_response(server.pages.sparql_form(query, f"<h2>Answer</h2><p>{'yes' if answer[1] else 'no'}</p>"))
        return Response(fmt.boolean_body(answer[1], media_type), headers=headers, media_type=fmt.with_charset(media_type))
    if answer[-1]:
        headers[TRUNCATED] = "true"
        headers["X-Coopkg-Max-Rows"] = str(server.config.max_rows)
    if kind == "solutions":
        if media_type not in fmt.RESULT_TYPES:
            media_type = chosen_type(request, params, fmt.RESULT_TYPES)
        if media_type == fmt.HTML:
            body = await in_thread(server, server.pages.results_html, answer[1])
            return html_response(server.pages.sparql_form(query, body, truncation_note(server, answer[-1])), headers)
        body = fmt.solutions_body(answer[1], media_type)
        return Response(body, headers=headers, media_type=fmt.with_charset(media_type))
    if media_type not in fmt.RDF_TYPES:
        media_type = chosen_type(request, params, fmt.RDF_TYPES)
    if media_type == fmt.HTML:
        turtle = await run_in_threadpool(fmt.rdf_body, answer[1], fmt.TURTLE)
        body = f"<h2>Graph</h2><pre>{e(turtle.decode('utf-8'))}</pre>"
        return html_response(server.pages.sparql_form(query, body, truncation_note(server, answer[-1])), headers)
    data = await run_in_threadpool(fmt.rdf_body, answer[1], media_type)
    return Response(data, headers=headers, media_type=fmt.with_charset(media_type))


def truncation_note(server: Server, truncated: bool) -> str:
    return f"Only the first {server.config.max_rows} results are shown." if truncated else ""


def html_response(page: str, headers: dict | None = None, status: int = 200) -> Response:
    return Response(page, status, headers={"Vary": "Accept", **(headers or {})}, media_type="text/html; charset=utf-8")


# -- dereferenceable IRIs ------------------------------------------------------------------------
DESCRIPTION_TYPES = [fmt.HTML, fmt.TURTLE, fmt.NTRIPLES, fmt.JSONLD, fmt.JSON]
EXTENSION_OF = {fmt.HTML: "html", fmt.TURTLE: "ttl", fmt.NTRIPLES: "nt", fmt.JSONLD: "jsonld", fmt.JSON: "jsonld"}


async def dereference(server: Server, section: str, request: Request) -> Response:
    """/id/x → 303 to /id/x.html|.ttl|.nt|.jsonld by Accept; those give the description itself."""
    rest = request.path_params["rest"]
    stem, dot, extension = rest.rpartition(".")
    if dot and stem and extension in fmt.EXTENSIONS:
        return await representation(server, section, stem, extension)
    iri = f"{W3ID}/{section}/{rest}"
    media_type = fmt.negotiate(request.headers.get("accept"), DESCRIPTION_TYPES)
    if media_type is None:
        raise Problem(406, "available: " + ", ".join(DESCRIPTION_TYPES))
    if not valid_iri(iri) or not await in_thread(server, server.pages.exists, iri):
        raise Problem(404, f"the graph says nothing about {iri}")
    target = server.site.absolute(f"/{section}/{quote_path(rest)}.{EXTENSION_OF[media_type]}")
    return Response(f"See {target}\n", 303, headers={"Location": target, "Vary": "Accept"}, media_type="text/plain")


async def representation(server: Server, section: str, stem: str, extension: str) -> Response:
    """One description of a resource (HTML page or RDF), with where it lives and where its siblings are."""
    iri = f"{W3ID}/{section}/{stem}"
    media_type = fmt.EXTENSIONS[extension]
    if not valid_iri(iri):
        raise Problem(404, f"not an IRI this server knows: {iri}")
    if media_type == fmt.HTML:
        body = await in_thread(server, server.pages.resource, iri)
        data = body.encode("utf-8") if body is not None else None
    else:
        ntriples = await in_thread(server, server.backend.describe, iri)
        data = await run_in_threadpool(fmt.rdf_body, ntriples, media_type) if ntriples else None
    if data is None:
        raise Problem(404, f"the graph says nothing about {iri}")
    base = server.site.absolute(f"/{section}/{quote_path(stem)}")
    links = ", ".join(f'<{base}.{x}>; rel="alternate"; type="{t}"' for x, t in fmt.EXTENSIONS.items() if x != extension)
    headers = {"Vary": "Accept", "Content-Location": f"{base}.{extension}", "Link": links}
    return Response(data, headers=headers, media_type=fmt.with_charset(media_type))


def valid_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
        return True
    except ValueError:
        return False


async def sdg_page(server: Server, request: Request) -> Response:
    code = request.path_params["code"]
    if not re.fullmatch(r"[0-9]{1,2}(\.[0-9a-z]{1,2})?", code):
        raise Problem(404, f"no SDG goal or target {code!r}")
    page = await in_thread(server, server.pages.sdg, code)
    if page is None:
        raise Problem(404, f"the graph has no SDG goal or target {code}")
    return html_response(page)


async def index(server: Server, request: Request) -> Response:
    counts = await in_thread(server, server.counts)
    page = await in_thread(server, server.pages.index, counts, list(saved_queries().values()))
    return html_response(page)


# -- saved queries as an API ---------------------------------------------------------------------
API_TYPES = [fmt.SPARQL_JSON, fmt.JSON, fmt.CSV, fmt.TSV, fmt.SPARQL_XML]


def query_info(server: Server, q: SavedQuery) -> dict:
    example = urllib.parse.urlencode({k: str(v) for k, v in q.examples.items()})
    url = server.site.absolute(f"/api/queries/{q.name}")
    return {"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
            "parameters": [{"name": p.name, "type": p.kind, "required": p.required,
                            **({"default": q.defaults[p.name]} if p.name in q.defaults else {}),
                            **({"example": q.examples[p.name]} if p.name in q.examples else {})}
                           for p in q.parameters],
            "url": url, "example": url + (f"?{example}" if example else "")}


async def list_queries(server: Server, request: Request) -> Response:
    return JSONResponse([query_info(server, q) for q in saved_queries().values()])


async def saved_query(server: Server, request: Request) -> Response:
    """Run a saved query with its parameters from the query string; JSON by default, CSV/TSV/XML on request."""
    try:
        saved = get_saved_query(request.path_params["name"])
    except QueryError as err:
        raise Problem(404, str(err)) from None
    names = {p.name for p in saved.parameters}
    params: dict[str, str] = {}
    requested: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key == "format" and "format" not in names:
            requested.setdefault("format", []).append(value)
            continue
        if key in params:
            raise Problem(400, f"parameter {key!r} is given more than once")
        params[key] = value
    if requested:
        media_type = chosen_type(request, requested, API_TYPES)
    else:  # a browser following a link (Accept: text/html, …) gets the default rather than 406
        media_type = fmt.negotiate(request.headers.get("accept"), API_TYPES) or fmt.SPARQL_JSON
    target = PoolTarget(server.backend, saved.text)
    try:
        table = await in_thread(server, run_saved_query, target, saved, params)
    except QueryError as err:
        raise Problem(400, str(err)) from None
    headers = {"Vary": "Accept"}
    if target.truncated:
        headers.update({TRUNCATED: "true", "X-Coopkg-Max-Rows": str(server.config.max_rows)})
    return Response(fmt.solutions_body(table, media_type), headers=headers, media_type=fmt.with_charset(media_type))


async def openapi_document(server: Server, request: Request) -> Response:
    return JSONResponse(openapi(server, list(saved_queries().values())))


_SCHEMAS = {"iri": {"type": "string"}, "integer": {"type": "integer"}, "decimal": {"type": "number"},
            "date": {"type": "string", "format": "date"}, "year": {"type": "string", "pattern": "^[0-9]{4}$"},
            "string": {"type": "string"}}
_KIND_NOTES = {"iri": "A label (English or Spanish, case and accents ignored), acronym, code or IRI.",
               "integer": "An integer.", "decimal": "A decimal number.", "date": "A date, YYYY-MM-DD.",
               "year": "A year, YYYY.", "string": "Text."}


def openapi(server: Server, queries: list[SavedQuery]) -> dict:
    """OpenAPI 3 description: one path per saved query, its parameters from the query's own variables."""
    errors = {str(code): {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
              for code, text in [(400, "A parameter is unknown, missing or names nothing known."),
                                 (406, "No acceptable media type."),
                                 (503, "The query ran out of time or the server is busy.")]}
    results = {"description": "W3C SPARQL 1.1 results; the header X-Coopkg-Truncated: true says rows were cut off.",
               "headers": {TRUNCATED: {"description": "true when the row limit cut the answer short",
                                       "schema": {"type": "string", "enum": ["true"]}}},
               "content": {fmt.SPARQL_JSON: {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
                           fmt.CSV: {"schema": {"type": "string"}}, fmt.TSV: {"schema": {"type": "string"}},
                           fmt.SPARQL_XML: {"schema": {"type": "string"}}}}
    format_parameter = {"name": "format", "in": "query", "required": False,
                        "description": "Media type by name, instead of the Accept header.",
                        "schema": {"type": "string", "enum": ["json", "csv", "tsv", "xml"]}}
    paths: dict = {"/api/queries": {"get": {
        "operationId": "listQueries", "summary": "The saved queries with their parameters",
        "responses": {"200": {"description": "One entry per saved query", "content": {"application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/QueryInfo"}}}}}}}}}
    for q in queries:
        parameters = [openapi_parameter(q, p) for p in q.parameters]
        if "format" not in {p.name for p in q.parameters}:
            parameters.append(format_parameter)
        paths[f"/api/queries/{q.name}"] = {"get": {
            "operationId": "query_" + re.sub(r"[^A-Za-z0-9]+", "_", q.name), "summary": q.summary or q.name,
            "description": q.description, "tags": list(q.tags) or ["queries"], "parameters": parameters,
            "responses": {"200": results, **errors}}}
    paths["/sparql"] = {"get": {
        "operationId": "sparql", "summary": "SPARQL 1.1 Protocol endpoint (read-only; POST is accepted too)",
        "parameters": [{"name": "query", "in": "query", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "Results or RDF, by Accept"}, **errors}}}
    return {"openapi": "3.0.3",
            "info": {"title": "coopkg saved queries", "version": _version(),
                     "description": "Questions about EU–Latin America cooperation programmes, answered from the graph.",
                     "license": {"name": "CC BY 4.0", "url": server.config.licence}},
            "servers": [{"url": server.site.base_url or "/"}], "paths": paths,
            "components": {"schemas": _COMPONENT_SCHEMAS}}


def openapi_parameter(q: SavedQuery, p) -> dict:
    out = {"name": p.name, "in": "query", "required": p.required, "description": _KIND_NOTES[p.kind],
           "schema": dict(_SCHEMAS[p.kind])}
    if p.name in q.defaults:
        out["schema"]["default"] = _typed(q.defaults[p.name], p.kind)
    if p.name in q.examples:
        out["example"] = _typed(q.examples[p.name], p.kind)
    return out


def _typed(value, kind: str):
    """An example or default as the JSON type its schema says."""
    try:
        if kind == "integer":
            return int(value)
        if kind == "decimal":
            return float(value)
    except (TypeError, ValueError):
        pass
    return str(value)


def _version() -> str:
    from . import __version__

    return __version__


_TERM = {"type": "object", "required": ["type", "value"], "properties": {
    "type": {"type": "string", "enum": ["uri", "literal", "bnode"]}, "value": {"type": "string"},
    "datatype": {"type": "string"}, "xml:lang": {"type": "string"}}}
_COMPONENT_SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"},
                                                                       "status": {"type": "integer"}}},
    "SparqlResults": {"type": "object", "required": ["head", "results"], "properties": {
        "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
        "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {
            "type": "object", "additionalProperties": _TERM}}}}}},
    "QueryInfo": {"type": "object", "required": ["name", "parameters"], "properties": {
        "name": {"type": "string"}, "summary": {"type": "string"}, "description": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}}, "url": {"type": "string"},
        "example": {"type": "string"},
        "parameters": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "type": {"type": "string"}, "required": {"type": "boolean"}}}}}},
}


# -- VoID and DCAT -------------------------------------------------------------------------------
VOCABULARIES = ["https://w3id.org/coopkg/def#", "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#",
                "http://www.w3.org/ns/oa#", "https://schema.org/", "http://data.europa.eu/s66#",
                "http://www.w3.org/ns/org#", "http://purl.org/dc/terms/"]
DUMPS = {"graph.nq": ("nq", "application/n-quads"), "graph.ttl": ("turtle", "text/turtle")}


async def void_description(server: Server, request: Request) -> Response:
    media_type = fmt.negotiate(request.headers.get("accept"), [fmt.TURTLE, fmt.NTRIPLES, fmt.JSONLD, fmt.JSON])
    if media_type is None:
        raise Problem(406, "available: text/turtle, application/n-triples, application/ld+json")
    counts = await in_thread(server, server.counts)
    example = await in_thread(server, server.backend.table,
                              "SELECT ?p WHERE { ?p a <https://w3id.org/coopkg/def#Programme> } ORDER BY ?p LIMIT 1")
    graph = void_graph(server, counts, [r["p"].value for r in example.rows])
    rdflib_format = {fmt.TURTLE: "turtle", fmt.NTRIPLES: "nt", fmt.JSONLD: "json-ld", fmt.JSON: "json-ld"}[media_type]
    data = graph.serialize(format=rdflib_format, encoding="utf-8")
    return Response(data, headers={"Vary": "Accept"}, media_type=fmt.with_charset(
        fmt.JSONLD if media_type == fmt.JSON else media_type))


def void_graph(server: Server, counts: dict, examples: list[str]):
    """The dataset as void:Dataset and dcat:Dataset: size, vocabularies, endpoint, dumps, licence."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

    ck = Namespace("https://w3id.org/coopkg/def#")
    g = Graph()
    for prefix, ns in [("void", VOID), ("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("ck", ck)]:
        g.bind(prefix, ns)
    absolute = server.site.absolute
    dataset = URIRef(absolute("/.well-known/void#dataset"))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("coopkg: EU–Latin America cooperation programmes", lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        f"A knowledge graph of {counts['programmes']} international-cooperation programmes read from "
        f"{counts['documents']} documents: their funders, implementers and partners "
        f"({counts['organisations']} organisations), places, SDGs and human-rights themes, each fact with the "
        "sentence it was read from.", lang="en")))
    g.add((dataset, DCTERMS.license, URIRef(server.config.licence)))
    g.add((dataset, DCAT.landingPage, URIRef(absolute("/"))))
    g.add((dataset, FOAF.homepage, URIRef(absolute("/"))))
    g.add((dataset, VOID.triples, Literal(counts["triples"], datatype=XSD.integer)))
    g.add((dataset, VOID.uriSpace, Literal(W3ID + "/id/")))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(absolute("/sparql"))))
    for vocabulary in VOCABULARIES:
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for iri in examples:
        g.add((dataset, VOID.exampleResource, URIRef(iri)))
    for cls, key in [(ck.Document, "documents"), (ck.Programme, "programmes"), (ck.Organisation, "organisations_all")]:
        partition = BNode()
        g.add((dataset, VOID.classPartition, partition))
        g.add((partition, VOID["class"], cls))
        g.add((partition, VOID.entities, Literal(counts[key], datatype=XSD.integer)))
    for name, (_, media_type) in DUMPS.items():
        url = URIRef(absolute(f"/dumps/{name}"))
        g.add((dataset, VOID.dataDump, url))
        distribution = BNode()
        g.add((dataset, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCAT.downloadURL, url))
        g.add((distribution, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")))
        g.add((distribution, DCTERMS.license, URIRef(server.config.licence)))
        g.add((distribution, DCTERMS.title, Literal(f"The whole graph as {'N-Quads' if name.endswith('nq') else 'Turtle'}", lang="en")))
    service = BNode()
    g.add((dataset, DCAT.distribution, service))  # the endpoint is also a way to get the data
    g.add((service, RDF.type, DCAT.Distribution))
    g.add((service, DCAT.accessURL, URIRef(absolute("/sparql"))))
    g.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    endpoint = BNode()
    g.add((service, DCAT.accessService, endpoint))
    g.add((endpoint, RDF.type, DCAT.DataService))
    g.add((endpoint, DCAT.endpointURL, URIRef(absolute("/sparql"))))
    g.add((endpoint, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((endpoint, DCAT.servesDataset, dataset))
    return g


# -- dumps ---------------------------------------------------------------------------------------
async def dump(server: Server, request: Request) -> Response:
    """Every graph the endpoint queries, streamed from coopkg.export as it is written."""
    name = request.path_params["name"]
    if name not in DUMPS:
        raise Problem(404, f"no dump {name!r} (there are: {', '.join(DUMPS)})")
    export_format, media_type = DUMPS[name]
    return StreamingResponse(stream_export(server, export_format), media_type=fmt.with_charset(media_type)
                             if media_type.startswith("text/") else media_type)


class _ChunkWriter:
    """A file-like object for coopkg.export that hands 64 KiB chunks to the response through a queue."""

    def __init__(self, chunks: queue.Queue, stopped: threading.Event):
        self.chunks = chunks
        self.stopped = stopped
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= 65536:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self._put(bytes(self.buffer))
            self.buffer.clear()

    def _put(self, item) -> None:
        while not self.stopped.is_set():  # a client that went away stops the export here
            try:
                self.chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise BrokenPipeError("the client went away")


async def stream_export(server: Server, export_format: str) -> AsyncIterator[bytes]:
    from .export import export

    chunks: queue.Queue = queue.Queue(maxsize=16)
    stopped = threading.Event()
    writer = _ChunkWriter(chunks, stopped)

    def produce() -> None:
        try:
            export(server.dump_store, export_format, writer, model=True, build_log=True)
            writer.flush()
            writer._put(None)
        except BrokenPipeError:
            pass
        except Exception as err:  # noqa: BLE001 - handed to the response, which ends the stream
            with contextlib.suppress(BrokenPipeError):
                writer._put(err)

    threading.Thread(target=produce, name="coopkg-dump", daemon=True).start()
    try:
        while True:
            item = await run_in_threadpool(_next_chunk, chunks, stopped)
            if item is None:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stopped.set()


def _next_chunk(chunks: queue.Queue, stopped: threading.Event):
    """The next chunk, or None once the export ended or the response stopped listening."""
    while not stopped.is_set():
        try:
            return chunks.get(timeout=0.5)
        except queue.Empty:
            continue
    return None


# -- running -------------------------------------------------------------------------------------
def default_base_url(host: str, port: int) -> str:
    """http://HOST:PORT; a wildcard address (all interfaces) is reached locally through 127.0.0.1."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def is_loopback(host: str) -> bool:
    return host == "localhost" or host.startswith("127.") or host == "::1"


def serve(config: ServeConfig, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    """Run the server until interrupted."""
    import uvicorn

    uvicorn.run(create_app(config), host=host, port=port, log_level=log_level, server_header=False,
                timeout_graceful_shutdown=5, limit_concurrency=200)
