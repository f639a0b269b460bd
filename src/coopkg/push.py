"""Push: publish the store's named graphs to a SPARQL 1.1 endpoint, by the Graph Store Protocol or SPARQL Update.

Each graph replaces its remote copy, so pushing twice gives the same content; credentials come from the environment.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from typing import Iterator, Protocol

import httpx
import pyoxigraph as ox

from .store import MODEL_GRAPH_BASE, GraphStore

USER_ENV = "COOPKG_ENDPOINT_USER"
PASSWORD_ENV = "COOPKG_ENDPOINT_PASSWORD"
PROTOCOLS = ("gsp", "update")
#: Triples per request. GSP's default keeps each coopkg graph (the largest, places, has ~7,000) in one PUT, so
#: it is replaced atomically; SPARQL Update bodies are parsed as query text, which some servers do slowly.
DEFAULT_BATCH_SIZE = {"gsp": 50_000, "update": 2_000}
#: The push record on the endpoint: `<graph> dct:hasVersion <ni:///sha-256;...>` for every graph pushed there.
RECORD_GRAPH = "https://w3id.org/coopkg/graph/pushed"
HAS_VERSION = "http://purl.org/dc/terms/hasVersion"


class PushError(Exception):
    """A push that could not finish: the endpoint refused it or could not be reached. The message is one line."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class PushUsageError(ValueError):
    """A push asked for wrongly: a bad endpoint URL, half the credentials, a bad batch size."""


# -- what is pushed ------------------------------------------------------------------------------
@dataclass(frozen=True)
class LocalGraph:
    """One named graph of the store as sorted N-Triples lines; the same triples always give the same version."""

    iri: str
    lines: tuple[str, ...]

    @property
    def version(self) -> str:
        """An RFC 6920 `ni:` IRI naming the graph's content by its SHA-256."""
        digest = hashlib.sha256("".join(line + "\n" for line in self.lines).encode("utf-8")).digest()
        return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def is_model_graph(iri: str) -> bool:
    return iri.startswith(MODEL_GRAPH_BASE)


def read_graph(store: GraphStore, iri: str) -> LocalGraph:
    triples = (ox.Triple(q.subject, q.predicate, q.object)
               for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return LocalGraph(iri, tuple(sorted(line for line in text.splitlines() if line.strip())))


def local_graphs(store: GraphStore, model: bool = True) -> list[LocalGraph]:
    """The graphs to push: every document graph and the build log, and the model's graphs unless left out."""
    return [read_graph(store, iri) for iri in store.named_graphs() if model or not is_model_graph(iri)]


def batches(lines: tuple[str, ...], size: int) -> list[list[str]]:
    """Lines in requests of at most `size`, except that every line with a blank node goes in the first.

    A blank node label names a fresh node in each request, so triples sharing one must travel together;
    coopkg's own graphs have none."""
    if size < 1:
        raise PushUsageError(f"batch size must be at least 1, not {size}")
    blank = [line for line in lines if _has_blank_node(line)]
    rest = [line for line in lines if not _has_blank_node(line)]
    first_room = max(size - len(blank), 0)
    out = [blank + rest[:first_room]]
    out += [rest[i:i + size] for i in range(first_room, len(rest), size)]
    return out


def _has_blank_node(line: str) -> bool:
    """Whether an N-Triples line has a blank node as subject or object (not `_:` inside a literal or IRI)."""
    return line.startswith("_:") or re.search(r"\s_:[^\s\"<>]+\s*\.\s*$", line) is not None


# -- credentials and the HTTP client --------------------------------------------------------------
def credentials_from_env(environ: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(user, password) from COOPKG_ENDPOINT_USER and COOPKG_ENDPOINT_PASSWORD, or None when neither is set."""
    env = os.environ if environ is None else environ
    user, password = env.get(USER_ENV), env.get(PASSWORD_ENV)
    if user is None and password is None:
        return None
    if not user or password is None:
        raise PushUsageError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
    return user, password


def check_endpoint(url: str) -> str:
    """The endpoint URL if it is an http(s) URL without credentials in it; a usage error otherwise."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        raise PushUsageError("the endpoint is not a valid URL") from None
    if parsed.userinfo:
        # checked first, and the URL never echoed: it holds a password
        raise PushUsageError(f"put credentials in {USER_ENV} and {PASSWORD_ENV}, not in the endpoint URL")
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise PushUsageError(f"the endpoint must be an http:// or https:// URL, not {url!r}")
    return url


class ChallengeAuth(httpx.Auth):
    """Basic or digest auth, whichever the endpoint's 401 challenge asks for (Virtuoso asks for digest).

    Nothing is sent before a challenge, so a password never goes to an endpoint that does not ask for one."""

    requires_request_body = True

    def __init__(self, user: str, password: str):
        self._schemes = {"basic": httpx.BasicAuth(user, password), "digest": httpx.DigestAuth(user, password)}
        self._scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if self._scheme:
            yield from self._schemes[self._scheme].auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        offered = " ".join(response.headers.get_list("www-authenticate")).lower()
        self._scheme = "digest" if "digest" in offered else "basic" if "basic" in offered else None
        if self._scheme:
            yield from self._schemes[self._scheme].auth_flow(request)


@dataclass(frozen=True)
class RetryPolicy:
    """Retry connection errors and 5xx answers with exponential backoff (0.5 s, 1 s, 2 s ...), within bounds."""

    attempts: int = 4
    first_delay: float = 0.5
    max_total: float = 180.0  # no new attempt starts this many seconds after the first one began
    timeout: float = 60.0  # per attempt


class Remote:
    """One endpoint URL with its credentials; every request retried by the policy, refusals raised as PushError."""

    def __init__(self, url: str, credentials: tuple[str, str] | None = None, retry: RetryPolicy = RetryPolicy(),
                 transport: httpx.BaseTransport | None = None):
        self.url = check_endpoint(url)
        self.retry = retry
        self.has_credentials = credentials is not None
        self.client = httpx.Client(auth=ChallengeAuth(*credentials) if credentials else None, transport=transport,
                                   timeout=httpx.Timeout(retry.timeout, connect=min(10.0, retry.timeout)),
                                   headers={"User-Agent": "coopkg-push"})

    def close(self) -> None:
        self.client.close()

    def send(self, method: str, what: str, *, graph: str | None = None, content: bytes | None = None,
             data: dict | None = None, headers: dict | None = None, missing_ok: bool = False) -> httpx.Response:
        """One request (with `?graph=` added to the URL's own query), retried on connection errors and 5xx."""
        url = httpx.URL(self.url)
        if graph is not None:
            url = url.copy_merge_params({"graph": graph})
        delay, problem, status = self.retry.first_delay, "", None
        started = time.monotonic()
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = self.client.request(method, url, content=content, data=data, headers=headers)
            except httpx.TransportError as err:
                problem, status = f"{type(err).__name__}: {_one_line(str(err)) or 'no answer'}", None
            else:
                if response.is_success or (missing_ok and response.status_code == 404):
                    return response
                if response.status_code < 500:  # a redirect too: the endpoint URL is not the one to write to
                    raise PushError(self._refusal(what, response), response.status_code)
                problem, status = _status(response), response.status_code
            if attempt == self.retry.attempts or time.monotonic() - started + delay > self.retry.max_total:
                break
            time.sleep(delay)
            delay *= 2
        raise PushError(f"{self.url}: {what} failed after {attempt} attempt{'s' * (attempt > 1)}: {problem}", status)

    def _refusal(self, what: str, response: httpx.Response) -> str:
        hint = ""
        if response.status_code == 401:
            hint = (f" (check {USER_ENV} and {PASSWORD_ENV})" if self.has_credentials
                    else f" (set {USER_ENV} and {PASSWORD_ENV} if it needs a login)")
        elif response.is_redirect:
            hint = f" (to {response.headers.get('location', '?')}: give that URL instead)"
        return f"{self.url} refused {what}: {_status(response)}{hint}"


def _status(response: httpx.Response) -> str:
    """`HTTP 404 Not Found`, with the first words of the server's explanation when it gives one."""
    text = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    body = _one_line(re.sub(r"<[^>]+>", " ", response.text or ""))[:200]
    return f"{text}: {body}" if body else text


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- the two protocols ----------------------------------------------------------------------------
class Writer(Protocol):
    """How one protocol reads the push record (None: it cannot), replaces a graph, removes the graphs the record
    lists that the store lost (`stale`, or the server works them out from `keep`) and writes the record."""

    def read_record(self) -> dict[str, str] | None: ...
    def replace(self, graph: LocalGraph, batch_size: int) -> None: ...
    def remove_stale(self, stale: list[str], keep: list[str]) -> None: ...
    def write_record(self, record: dict[str, str]) -> None: ...


class GraphStoreWriter:
    """SPARQL 1.1 Graph Store Protocol: PUT replaces a graph, POST adds to it, DELETE drops it, GET reads it."""

    def __init__(self, remote: Remote):
        self.remote = remote
        self.media_type = "application/n-triples"

    def read_record(self) -> dict[str, str] | None:
        response = self.remote.send("GET", f"GET <{RECORD_GRAPH}>", graph=RECORD_GRAPH, missing_ok=True,
                                    headers={"Accept": "application/n-triples, text/turtle;q=0.9"})
        if response.status_code == 404:
            return {}
        fmt = ox.RdfFormat.from_media_type(response.headers.get("content-type", "").split(";")[0].strip())
        if fmt is None or not response.content:
            return {}
        try:
            triples = list(ox.parse(response.content, format=fmt))
        except SyntaxError:
            return {}  # not a record coopkg wrote: push everything and write a fresh one
        return {t.subject.value: t.object.value for t in triples
                if t.predicate.value == HAS_VERSION and isinstance(t.subject, ox.NamedNode)}

    def replace(self, graph: LocalGraph, batch_size: int) -> None:
        if not graph.lines:
            self.remote.send("DELETE", f"DELETE <{graph.iri}>", graph=graph.iri, missing_ok=True)
            return
        for i, batch in enumerate(batches(graph.lines, batch_size)):
            self._send_triples("PUT" if i == 0 else "POST", graph.iri, batch)

    def _send_triples(self, method: str, iri: str, lines: list[str]) -> None:
        body = "".join(line + "\n" for line in lines).encode("utf-8")
        try:
            self.remote.send(method, f"{method} <{iri}>", graph=iri, content=body,
                             headers={"Content-Type": self.media_type})
        except PushError as err:
            if err.status != 415 or self.media_type == "text/turtle":
                raise
            # an older server that knows Turtle but not the N-Triples media type (N-Triples is Turtle)
            self.media_type = "text/turtle"
            self.remote.send(method, f"{method} <{iri}>", graph=iri, content=body,
                             headers={"Content-Type": self.media_type})

    def remove_stale(self, stale: list[str], keep: list[str]) -> None:
        for iri in stale:
            self.remote.send("DELETE", f"DELETE <{iri}>", graph=iri, missing_ok=True)

    def write_record(self, record: dict[str, str]) -> None:
        lines = tuple(sorted(f"<{g}> <{HAS_VERSION}> <{v}> ." for g, v in record.items()))
        self.replace(LocalGraph(RECORD_GRAPH, lines), len(lines) or 1)


class UpdateWriter:
    """SPARQL 1.1 Update: `DROP SILENT GRAPH` and the first batch in one request, later batches as INSERT DATA.

    A crash between the batches of one graph leaves it partly written; pushing again repairs it, because each
    push starts the graph over with DROP. Graphs are pushed every time: an update endpoint cannot be read."""

    def __init__(self, remote: Remote):
        self.remote = remote

    def read_record(self) -> dict[str, str] | None:
        return None

    def replace(self, graph: LocalGraph, batch_size: int) -> None:
        parts = batches(graph.lines, batch_size) if graph.lines else [[]]
        for i, batch in enumerate(parts):
            operations = []
            if i == 0:
                # the record entry goes first and comes back last, so that it never vouches for a graph that
                # is half written, even on a server that applies part of a failed request (Virtuoso does)
                operations += [_forget(graph.iri), f"DROP SILENT GRAPH <{graph.iri}>"]
            if batch:
                operations.append(_insert_data(graph.iri, batch))
            if i == len(parts) - 1:
                operations.append(_insert_data(RECORD_GRAPH, [f"<{graph.iri}> <{HAS_VERSION}> <{graph.version}> ."]))
            self._update(f"update of <{graph.iri}>", operations)

    def remove_stale(self, stale: list[str], keep: list[str]) -> None:
        # the record cannot be read here, so the server finds the graphs it lists that are not kept
        kept = ", ".join(f"<{iri}>" for iri in keep + [RECORD_GRAPH])
        self._update("removal of graphs no longer in the store", [
            f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{RECORD_GRAPH}> {{ ?g <{HAS_VERSION}> ?v }} "
            f"FILTER (?g NOT IN ({kept})) GRAPH ?g {{ ?s ?p ?o }} }}",
            f"DELETE {{ GRAPH <{RECORD_GRAPH}> {{ ?g <{HAS_VERSION}> ?v }} }} WHERE {{ GRAPH <{RECORD_GRAPH}> "
            f"{{ ?g <{HAS_VERSION}> ?v }} FILTER (?g NOT IN ({kept})) }}"])

    def write_record(self, record: dict[str, str]) -> None:
        return None  # written graph by graph in replace()

    def _update(self, what: str, operations: list[str]) -> None:
        self.remote.send("POST", what, data={"update": " ;\n".join(operations)})


def _insert_data(iri: str, lines: list[str]) -> str:
    # N-Triples lines are valid SPARQL triples; each ends with " ."
    return f"INSERT DATA {{ GRAPH <{iri}> {{\n" + "\n".join(lines) + "\n} }"


def _forget(iri: str) -> str:
    return f"DELETE WHERE {{ GRAPH <{RECORD_GRAPH}> {{ <{iri}> <{HAS_VERSION}> ?v }} }}"


# -- the push ---------------------------------------------------------------------------------------
@dataclass
class PushPlan:
    """What a push sends: the graphs to replace, those the push record shows unchanged, those to remove."""

    endpoint: str
    protocol: str
    batch_size: int
    send: list[LocalGraph] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(len(g.lines) for g in self.send)

    def requests_for(self, graph: LocalGraph) -> int:
        return len(batches(graph.lines, self.batch_size)) if graph.lines else 1

    def lines(self) -> list[str]:
        """One line per graph, for --dry-run."""
        out = []
        for g in self.send:
            n = self.requests_for(g)
            out.append(f"replace <{g.iri}>: {len(g.lines)} triples in {n} request{'s' * (n > 1)}")
        return out + [f"unchanged <{iri}>" for iri in self.unchanged] + [f"remove <{iri}>" for iri in self.remove]


def plan_push(store: GraphStore, endpoint: str, *, protocol: str = "gsp", batch_size: int | None = None,
              model: bool = True) -> PushPlan:
    """Every selected graph to send; which ones are unchanged is known only once the endpoint's record is read."""
    if protocol not in PROTOCOLS:
        raise PushUsageError(f"protocol must be one of {', '.join(PROTOCOLS)}, not {protocol!r}")
    size = DEFAULT_BATCH_SIZE[protocol] if batch_size is None else batch_size
    if size < 1:
        raise PushUsageError(f"batch size must be at least 1, not {size}")
    return PushPlan(check_endpoint(endpoint), protocol, size, send=local_graphs(store, model))


def push(store: GraphStore, endpoint: str, *, protocol: str = "gsp", batch_size: int | None = None,
         model: bool = True, force: bool = False, credentials: tuple[str, str] | None = None,
         retry: RetryPolicy = RetryPolicy(), transport: httpx.BaseTransport | None = None) -> PushPlan:
    """Replace the endpoint's copy of each selected graph with the store's, remove the graphs earlier pushes
    wrote that the store no longer has, and record what was pushed; returns what was done.

    With the Graph Store Protocol, graphs the record shows unchanged are skipped (all are sent with `force`).
    Raises PushError when the endpoint refuses or cannot be reached."""
    plan = plan_push(store, endpoint, protocol=protocol, batch_size=batch_size, model=model)
    remote = Remote(plan.endpoint, credentials, retry, transport)
    try:
        writer: Writer = GraphStoreWriter(remote) if protocol == "gsp" else UpdateWriter(remote)
        in_store = store.named_graphs()
        record = writer.read_record()
        if record is not None:
            skip_unchanged(plan, record, in_store, force)
            record = forget_changing(writer, record, plan)
        for graph in plan.send:
            writer.replace(graph, plan.batch_size)
        writer.remove_stale(plan.remove, in_store)
        if record is not None:
            # graphs left out this time (--no-model) keep their entries; removed ones lose theirs
            final = {iri: v for iri, v in record.items() if iri in in_store} | {g.iri: g.version for g in plan.send}
            if final != record:
                writer.write_record(final)
        return plan
    finally:
        remote.close()


def skip_unchanged(plan: PushPlan, record: dict[str, str], in_store: list[str], force: bool) -> None:
    """Move graphs whose recorded version is the store's to `unchanged`; list recorded graphs the store lost."""
    if not force:
        plan.unchanged = [g.iri for g in plan.send if record.get(g.iri) == g.version]
        plan.send = [g for g in plan.send if record.get(g.iri) != g.version]
    plan.remove = sorted(set(record) - set(in_store))


def forget_changing(writer: Writer, record: dict[str, str], plan: PushPlan) -> dict[str, str]:
    """Drop the entries of the graphs about to be rewritten before touching them, so that a push cut short
    never leaves the record vouching for a graph it had begun to rewrite; returns the record as now stored."""
    changing = {g.iri for g in plan.send}
    kept = {iri: v for iri, v in record.items() if iri not in changing}
    if kept != record:
        writer.write_record(kept)
    return kept
