"""`coopkg push` against real servers started on 127.0.0.1 (the Oxigraph server, by the Graph Store Protocol and by
SPARQL Update, and a private Virtuoso): the same answers there as from the embedded store, idempotent and
repairing pushes, refusals in one line, credentials never shown; retry and auth logic on a mock transport."""
from __future__ import annotations

import base64
import csv
import io
import os
import shutil
import subprocess
import time
from collections import Counter

import httpx
import pyoxigraph as ox
import pytest

from coopkg.build import build
from coopkg.push import (
    HAS_VERSION, PASSWORD_ENV, RECORD_GRAPH, USER_ENV, PushError, RetryPolicy, batches, credentials_from_env, push,
)
from coopkg.query import EndpointTarget, get_saved_query, run_saved_query, saved_queries
from coopkg.store import MODEL_GRAPH_BASE, GraphStore

from conftest import coopkg_command
from endpoint import (  # noqa: F401  (fixtures)
    DEV_CORPUS, OxigraphServer, comparable, dev_store, free_port, oxigraph_binary, quad_count_on, store_target,
)
from virtuoso import virtuoso  # noqa: F401  (fixture)

EXAMPLES = [(name, query.examples) for name, query in saved_queries().items()]
#: beyond the examples, the parameter combinations that exercise what Virtuoso's dialect made us rewrite
VIRTUOSO_EXTRA = [
    ("programmes-by-sdg", {"sdg": "17"}), ("programmes-by-sdg", {"sdg": "ODS 5", "includeInferred": "false"}),
    ("programmes-by-hr-theme", {"theme": "igualdad de género", "includeInferred": "no"}),
    ("funders-by-theme-and-place", {"theme": "justice", "place": "419"}),
    # stated and inferred counted side by side, the combinations Virtuoso 7 once answered wrong
    ("funders-by-theme-and-place", {"theme": "justice", "place": "HN"}),
    ("funders-by-theme-and-place", {"theme": "gender", "place": "Oaxaca", "includeInferred": "false"}),
    ("themes-by-region", {"includeInferred": "false"}), ("themes-by-region", {"region": "005"}),
    ("sdg-coverage-by-country", {"country": "CO", "includeInferred": "off"}),
    ("programmes-in-place", {"place": "013"}), ("places", {}),
    ("programmes-active", {"year": "2022"}), ("programmes-active", {}),
    ("programmes-with-gaps", {}), ("programmes-with-gaps", {"gap": "end"}),
    ("evidence", {"resource": "MX-OAX"}), ("themes-by-region", {}), ("sdg-coverage-by-country", {}),
    ("organisation-pairs", {"minWeight": "2"}), ("organisations", {}),
]
FAST = RetryPolicy(attempts=3, first_delay=0.01, max_total=5.0, timeout=10.0)


# -- helpers ------------------------------------------------------------------------------------------
def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The installed `coopkg` with the endpoint credentials taken only from `env` (none otherwise)."""
    environ = {k: v for k, v in os.environ.items() if k not in (USER_ENV, PASSWORD_ENV)} | (env or {})
    return subprocess.run([*coopkg_command(), *args], capture_output=True, text=True, env=environ, timeout=300)


def assert_same_answers(store_target, endpoint_url: str, name: str, params: dict) -> None:
    query = get_saved_query(name)
    on_store = run_saved_query(store_target, query, params)
    on_endpoint = run_saved_query(EndpointTarget(endpoint_url), query, params)
    assert on_endpoint.variables == on_store.variables
    # multisets of order-free rows: " | " lists compared as sets, terms with their kind, datatype and language
    assert Counter(comparable(on_endpoint, typed=True)) == Counter(comparable(on_store, typed=True)), (name, params)


def server_quads(server: OxigraphServer) -> set[str]:
    """Every quad an Oxigraph server holds, as N-Quads lines, the push record left out."""
    response = httpx.get(server.base + "/store", headers={"Accept": "application/n-quads"}, timeout=60)
    response.raise_for_status()
    return {line for line in response.text.splitlines() if line.strip() and f"<{RECORD_GRAPH}>" not in line}


def store_quads(store: GraphStore, model: bool = True) -> set[str]:
    quads = [q for q in store.store if model or not q.graph_name.value.startswith(MODEL_GRAPH_BASE)]
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return {line for line in text.splitlines() if line.strip()}


def record_on(server: OxigraphServer) -> dict[str, str]:
    response = httpx.get(server.base + "/store", params={"graph": RECORD_GRAPH},
                         headers={"Accept": "application/n-triples"}, timeout=30)
    if response.status_code == 404:
        return {}
    return {t.subject.value: t.object.value for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
            if t.predicate.value == HAS_VERSION}


def graph_count(server: OxigraphServer, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = httpx.post(server.query_url, data={"query": query},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single line a refused push prints on stderr."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.fixture
def server(tmp_path):
    """A fresh, empty Oxigraph server with the union default graph."""
    started = OxigraphServer(tmp_path / "db")
    yield started
    started.stop()


@pytest.fixture
def corpus_copy(tmp_path):
    """The development corpus copied to a folder the test may change."""
    if not DEV_CORPUS.exists():
        pytest.skip(f"{DEV_CORPUS} is not here (the shared test material sits beside the repository)")
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in DEV_CORPUS.iterdir():
        if path.suffix in (".md", ".txt"):
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def own_store(tmp_path, corpus_copy, vocab, validator):
    """A store of its own built from the corpus copy (so the test may rebuild it)."""
    store = GraphStore(tmp_path / "store")
    assert not build([corpus_copy], store, vocab=vocab, validator=validator).rejected
    store.flush()
    return store


def _push_with_cli(dev_store, url: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    result = run_cli("push", "--endpoint", url, "--store", str(dev_store.path), *args, env=env)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def gsp_server(dev_store, tmp_path_factory):
    """An Oxigraph server the dev store was pushed to by the Graph Store Protocol (with `coopkg push`)."""
    started = OxigraphServer(tmp_path_factory.mktemp("push-gsp") / "db")
    try:
        _push_with_cli(dev_store, started.base + "/store")
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def update_server(dev_store, tmp_path_factory):
    """An Oxigraph server the dev store was pushed to by SPARQL Update, in batches of 500 triples."""
    started = OxigraphServer(tmp_path_factory.mktemp("push-update") / "db")
    try:
        _push_with_cli(dev_store, started.base + "/update", "--protocol", "update", "--batch-size", "500")
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def virtuoso_pushed(dev_store, virtuoso):
    """The private Virtuoso with the dev store pushed to it (GSP, digest auth as dba)."""
    env = {USER_ENV: virtuoso.user, PASSWORD_ENV: virtuoso.password}
    result = _push_with_cli(dev_store, virtuoso.gsp_url, env=env)
    assert virtuoso.password not in result.stdout + result.stderr
    return virtuoso


# -- the same answers on the endpoints -------------------------------------------------------------------
@pytest.mark.parametrize("name, params", EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_gsp_push_gives_the_same_answers(name, params, gsp_server, store_target):
    assert_same_answers(store_target, gsp_server.query_url, name, params)


@pytest.mark.parametrize("name, params", EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_update_push_gives_the_same_answers(name, params, update_server, store_target):
    assert_same_answers(store_target, update_server.query_url, name, params)


@pytest.mark.parametrize("name, params", EXAMPLES + VIRTUOSO_EXTRA,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(EXAMPLES + VIRTUOSO_EXTRA)])
def test_virtuoso_gives_the_same_answers(name, params, virtuoso_pushed, store_target):
    assert_same_answers(store_target, virtuoso_pushed.query_url, name, params)


def test_pushed_quads_are_the_store_quads(gsp_server, update_server, dev_store):
    assert server_quads(gsp_server) == store_quads(dev_store)
    assert server_quads(update_server) == store_quads(dev_store)
    graphs = {line.rsplit(" ", 2)[-2] for line in store_quads(dev_store)}
    assert set(record_on(gsp_server)) == {g.strip("<>") for g in graphs}


def csv_rows(*args: str) -> list:
    """`coopkg query ... --format csv` as its header and its rows in an order-free form."""
    result = run_cli("query", *args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout)))
    return [table[0]] + sorted(tuple(frozenset(cell.split(" | ")) for cell in row) for row in table[1:])


def test_query_command_runs_on_the_pushed_endpoints(gsp_server, virtuoso_pushed, dev_store):
    for args in (["programmes"], ["programmes-in-place", "--param", "place=Honduras"]):
        on_store = csv_rows(*args, "--store", str(dev_store.path))
        assert csv_rows(*args, "--endpoint", gsp_server.query_url) == on_store
        assert csv_rows(*args, "--endpoint", virtuoso_pushed.query_url) == on_store


# -- idempotent, incremental, repairing ----------------------------------------------------------------
@pytest.mark.parametrize("protocol, path", [("gsp", "/store"), ("update", "/update")])
def test_pushing_twice_gives_the_same_content(protocol, path, server, dev_store):
    first = run_cli("push", "--endpoint", server.base + path, "--protocol", protocol, "--store", str(dev_store.path))
    assert first.returncode == 0, first.stderr
    count = quad_count_on(server.query_url)
    content = server_quads(server)
    second = run_cli("push", "--endpoint", server.base + path, "--protocol", protocol, "--store", str(dev_store.path))
    assert second.returncode == 0, second.stderr
    assert quad_count_on(server.query_url) == count
    assert server_quads(server) == content == store_quads(dev_store)
    if protocol == "gsp":  # the record says nothing changed, so nothing is sent
        assert second.stdout.startswith("0 graphs pushed (0 triples), ") and " 0 removed" in second.stdout


@pytest.mark.parametrize("protocol, path", [("gsp", "/store"), ("update", "/update")])
def test_a_changed_document_replaces_its_graph(protocol, path, server, own_store, corpus_copy, vocab, validator):
    push(own_store, server.base + path, protocol=protocol, retry=FAST)
    document = corpus_copy / "d08_eurojusticia_es.md"
    old = "# EUROJUSTICIA: Apoyo a la justicia en Honduras (2016-2021)"
    text = document.read_text(encoding="utf-8")
    assert old in text
    document.write_text(text.replace(old, "# EUROJUSTICIA: Apoyo renovado a la justicia en Honduras (2016-2021)"),
                        encoding="utf-8")
    result = build([corpus_copy], own_store, vocab=vocab, validator=validator)
    assert [p.name for p in result.loaded] == [document.name]
    done = push(own_store, server.base + path, protocol=protocol, retry=FAST)
    if protocol == "gsp":  # the document's graph and the build log
        assert len(done.send) == 2 and len(done.unchanged) == len(own_store.named_graphs()) - 2
    assert server_quads(server) == store_quads(own_store)
    titles = {r["title"].value for r in run_saved_query(EndpointTarget(server.query_url),
                                                        get_saved_query("programmes")).rows}
    assert "EUROJUSTICIA: Apoyo renovado a la justicia en Honduras" in titles
    assert "EUROJUSTICIA: Apoyo a la justicia en Honduras" not in titles


@pytest.mark.parametrize("protocol, path", [("gsp", "/store"), ("update", "/update")])
def test_a_pruned_document_loses_its_remote_graph(protocol, path, server, own_store, corpus_copy, vocab, validator):
    push(own_store, server.base + path, protocol=protocol, retry=FAST)
    gone = own_store.documents()["d07_mesoamerican_reef.md"].graph
    assert graph_count(server, gone) > 0
    (corpus_copy / "d07_mesoamerican_reef.md").unlink()
    assert build([corpus_copy], own_store, vocab=vocab, validator=validator, prune=True).pruned
    done = push(own_store, server.base + path, protocol=protocol, retry=FAST)
    if protocol == "gsp":
        assert done.remove == [gone]
    assert graph_count(server, gone) == 0
    assert server_quads(server) == store_quads(own_store)
    assert gone not in record_on(server)


class CutAfter(httpx.BaseTransport):
    """A real connection that breaks for good after `n` requests: a push killed half way."""

    def __init__(self, n: int):
        self.left = n
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.left -= 1
        if self.left < 0:
            raise httpx.ConnectError("cut", request=request)
        return self.inner.handle_request(request)


@pytest.mark.parametrize("protocol, path, cut", [("gsp", "/store", 4), ("update", "/update", 2)])
def test_pushing_again_repairs_a_push_cut_short(protocol, path, cut, server, own_store, corpus_copy, vocab, validator):
    push(own_store, server.base + path, protocol=protocol, retry=FAST)
    document = corpus_copy / "d03_eurosocial.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nBudget: EUR 1 million.\n", encoding="utf-8")
    assert build([corpus_copy], own_store, vocab=vocab, validator=validator).loaded
    # small batches, so that a graph takes several requests, and the connection cut in the middle of one: with
    # gsp the changed document's (after reading and trimming the record and sending the build log), with update
    # the first model graph
    with pytest.raises(PushError, match="ConnectError"):
        push(own_store, server.base + path, protocol=protocol, batch_size=100, retry=FAST, transport=CutAfter(cut))
    assert server_quads(server) != store_quads(own_store)  # partly written
    push(own_store, server.base + path, protocol=protocol, batch_size=100, retry=FAST)
    assert server_quads(server) == store_quads(own_store)


def test_no_model_leaves_the_model_graphs_out(server, dev_store):
    result = run_cli("push", "--endpoint", server.base + "/store", "--no-model", "--store", str(dev_store.path))
    assert result.returncode == 0, result.stderr
    assert server_quads(server) == store_quads(dev_store, model=False)
    assert not any(g.startswith(MODEL_GRAPH_BASE) for g in record_on(server))


# -- refusals, credentials, retries --------------------------------------------------------------------
def test_a_wrong_path_is_refused_in_one_line(server, dev_store):
    url = server.base + "/no-such-service"
    line = one_error_line(run_cli("push", "--endpoint", url, "--store", str(dev_store.path)))
    assert url in line and "HTTP 404" in line


def test_a_read_only_server_refuses_in_one_line(tmp_path, dev_store):
    location = tmp_path / "ro"
    GraphStore(location).flush()
    port = free_port()
    process = subprocess.Popen([str(oxigraph_binary()), "serve-read-only", "--bind", f"127.0.0.1:{port}",
                                "--location", str(location), "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/store"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        for protocol, path in (("gsp", "/store"), ("update", "/update")):
            url = f"http://127.0.0.1:{port}{path}"
            line = one_error_line(run_cli("push", "--endpoint", url, "--protocol", protocol,
                                          "--store", str(dev_store.path)))
            assert url in line and "HTTP 403" in line
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_failing_push_never_shows_the_password(server, dev_store):
    secret = "pw-Zq81-never-print-me"
    env = {USER_ENV: "alice", PASSWORD_ENV: secret}
    result = run_cli("push", "--endpoint", server.base + "/nope", "--store", str(dev_store.path), env=env)
    one_error_line(result)
    assert secret not in result.stdout + result.stderr


def test_virtuoso_refuses_a_wrong_password_without_showing_it(virtuoso, dev_store):
    secret = "pw-wrong-" + virtuoso.password[::-1]
    env = {USER_ENV: virtuoso.user, PASSWORD_ENV: secret}
    result = run_cli("push", "--endpoint", virtuoso.gsp_url, "--store", str(dev_store.path), "--force", env=env)
    line = one_error_line(result)
    assert "HTTP 401" in line and virtuoso.gsp_url in line and USER_ENV in line
    assert secret not in result.stdout + result.stderr and virtuoso.password not in result.stdout + result.stderr
    # and without credentials the write endpoint asks for them
    line = one_error_line(run_cli("push", "--endpoint", virtuoso.gsp_url, "--store", str(dev_store.path), "--force"))
    assert "HTTP 401" in line and PASSWORD_ENV in line


def test_virtuoso_takes_sparql_update_and_removes_stale_graphs(virtuoso, tmp_path, dev_store):
    """SPARQL Update through /sparql-auth (digest), on graphs of its own. Not the dev store: Virtuoso 7 refuses
    xsd:duration literals in INSERT DATA (SR553), which its Graph Store Protocol endpoint accepts."""
    try:
        check_update_on_virtuoso(virtuoso, tmp_path)
    finally:
        # an endpoint mirrors one store, so this push removed the dev store's graphs: put them back for the
        # other Virtuoso tests, whatever order they run in
        push(dev_store, virtuoso.gsp_url, credentials=(virtuoso.user, virtuoso.password), force=True)


def check_update_on_virtuoso(virtuoso, tmp_path) -> None:
    """Two graphs written by batches of two triples; then one of them gone from the store, so from Virtuoso."""
    store = GraphStore(tmp_path / "store")
    store.store.load(b"""
        <https://example.org/g/a> { <https://example.org/s> <https://example.org/p> "un", "deux"@fr, 3 . }
        <https://example.org/g/b> { <https://example.org/s> <https://example.org/q> <https://example.org/o> . }
        """, format=ox.RdfFormat.TRIG)
    credentials = (virtuoso.user, virtuoso.password)
    push(store, virtuoso.update_url, protocol="update", credentials=credentials, retry=FAST, batch_size=2)
    query = EndpointTarget(virtuoso.query_url)
    ask = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
           "FILTER (STRSTARTS(STR(?g), 'https://example.org/g/')) } GROUP BY ?g")
    assert {r["g"].value: r["n"].value for r in query.select(ask).rows} == {
        "https://example.org/g/a": "3", "https://example.org/g/b": "1"}
    store.drop_graph("https://example.org/g/b")
    push(store, virtuoso.update_url, protocol="update", credentials=credentials, retry=FAST)
    assert {r["g"].value: r["n"].value for r in query.select(ask).rows} == {"https://example.org/g/a": "3"}


def test_credentials_never_go_in_the_url(dev_store):
    url = "http://bob:hunter2-secret@127.0.0.1:9/store"
    result = run_cli("push", "--endpoint", url, "--store", str(dev_store.path))
    assert result.returncode == 2 and "hunter2-secret" not in result.stdout + result.stderr
    assert USER_ENV in result.stderr
    half = run_cli("push", "--endpoint", "http://127.0.0.1:9/store", "--store", str(dev_store.path),
                   env={USER_ENV: "bob"})
    assert half.returncode == 2 and PASSWORD_ENV in half.stderr


def test_help_names_the_credential_variables():
    result = run_cli("push", "--help")
    assert result.returncode == 0 and USER_ENV in result.stdout and PASSWORD_ENV in result.stdout
    assert "Example" in result.stdout


def test_dry_run_contacts_nothing(dev_store):
    url = f"http://127.0.0.1:{free_port()}/store"  # nothing listens there
    result = run_cli("push", "--endpoint", url, "--dry-run", "--store", str(dev_store.path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("replace <") == len(dev_store.named_graphs())
    assert result.stdout.rstrip().endswith("nothing sent")


def test_an_unreachable_endpoint_is_retried_then_reported(dev_store):
    url = f"http://127.0.0.1:{free_port()}/store"
    started = time.monotonic()
    with pytest.raises(PushError, match=r"after 3 attempts: ConnectError") as caught:
        push(dev_store, url, retry=FAST)
    assert url in str(caught.value) and "\n" not in str(caught.value)
    assert time.monotonic() - started < 5


def mock_endpoint(handler) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def test_5xx_answers_are_retried_with_backoff(dev_store):
    failures = Counter()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(404)
        graph = request.url.params["graph"]
        if failures[graph] < 2:  # every write fails twice before it succeeds
            failures[graph] += 1
            return httpx.Response(503, text="busy")
        return httpx.Response(201)

    done = push(dev_store, "http://example.invalid/store", retry=FAST, transport=mock_endpoint(handler))
    assert len(done.send) == len(dev_store.named_graphs()) and all(n == 2 for n in failures.values())


def test_retrying_is_bounded_in_time(dev_store):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404) if request.method == "GET" else httpx.Response(500, text="<h1>Internal</h1> oops")

    started = time.monotonic()
    with pytest.raises(PushError) as caught:
        push(dev_store, "http://example.invalid/store", transport=mock_endpoint(handler),
             retry=RetryPolicy(attempts=50, first_delay=0.05, max_total=0.5))
    assert time.monotonic() - started < 2
    assert "HTTP 500 Internal Server Error: Internal oops" in str(caught.value) and "attempts" in str(caught.value)


def test_basic_auth_is_sent_only_when_challenged(dev_store):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        if request.headers.get("authorization") != "Basic " + base64.b64encode(b"carol:s3").decode():
            return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="coopkg"'})
        return httpx.Response(404) if request.method == "GET" else httpx.Response(204)

    push(dev_store, "http://example.invalid/store", credentials=("carol", "s3"), retry=FAST,
         transport=mock_endpoint(handler))
    assert seen[0] is None and all(seen[1:])  # one unauthenticated try, then basic auth throughout


def test_credentials_come_from_the_environment():
    assert credentials_from_env({}) is None
    assert credentials_from_env({USER_ENV: "u", PASSWORD_ENV: "p"}) == ("u", "p")
    with pytest.raises(ValueError):
        credentials_from_env({PASSWORD_ENV: "p"})


def test_batches_are_bounded_and_keep_blank_nodes_together():
    lines = tuple(f"<http://e/s{i}> <http://e/p> \"{i}\" ." for i in range(10))
    blank = ("_:b1 <http://e/p> \"x\" .", "<http://e/s> <http://e/p> _:b1 .")
    literal = ('<http://e/s> <http://e/p> "not _:b2" .',)
    out = batches(lines + blank + literal, 4)
    assert [len(b) for b in out] == [4, 4, 4, 1]
    assert set(blank) <= set(out[0]) and literal[0] not in out[0]
    assert sorted(sum(out, [])) == sorted(lines + blank + literal)
