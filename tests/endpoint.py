"""Test helpers shared by the saved-query tests: the development corpus built once into a store, and a real
SPARQL 1.1 endpoint (the `oxigraph` server next to this interpreter) holding the same quads.

Import the fixtures into a test module (`from endpoint import dev_store, sparql_endpoint, ...`). pytest
registers them once per importing module, so the expensive things (the built store, the running server) are
kept here, made once per session whichever module asks first, and stopped when the session ends.
"""
from __future__ import annotations

import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from servers import free_port, wait_until_answering

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV_CORPUS = SHARED / "corpus" / "dev"

_made: dict[str, object] = {}


def oxigraph_binary() -> Path | None:
    """The `oxigraph` server installed beside this Python (the PyPI `oxigraph` package), if any."""
    for name in ("oxigraph", "oxigraph.exe"):
        path = Path(sys.executable).with_name(name)
        if path.exists():
            return path
    return None


class OxigraphServer:
    """`oxigraph serve` on a free local port, its default graph the union of the named graphs."""

    def __init__(self, location: Path, start_timeout: float = 30.0):
        binary = oxigraph_binary()
        if binary is None:
            # the test extra installs it; a missing server is a broken install, not a reason to skip
            pytest.fail(f"no oxigraph server binary next to {sys.executable} (pip install oxigraph)")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = location.with_suffix(".log")
        self._log = open(self.log, "wb")
        self.process = subprocess.Popen(
            [str(binary), "serve", "--bind", f"127.0.0.1:{self.port}", "--location", str(location),
             "--union-default-graph"],
            stdout=self._log, stderr=subprocess.STDOUT)
        self._wait(start_timeout)

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    def _wait(self, timeout: float) -> None:
        probe = self.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        try:
            wait_until_answering(probe, self.process, "oxigraph serve",
                                 lambda: self.log.read_text(errors="replace")[-2000:], timeout, interval=0.1)
        except RuntimeError:
            self.stop()
            raise

    def load_nquads(self, data: bytes) -> None:
        """POST quads to the Graph Store Protocol endpoint (named graphs kept)."""
        request = urllib.request.Request(self.base + "/store", data=data, method="POST",
                                         headers={"Content-Type": "application/n-quads"})
        with urllib.request.urlopen(request, timeout=120) as response:
            if response.status not in (200, 201, 204):
                raise RuntimeError(f"loading the endpoint answered {response.status}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


def quad_count_on(query_url: str) -> int:
    """How many quads an endpoint holds, in all its graphs."""
    body = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).encode()
    request = urllib.request.Request(query_url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    import json

    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.load(response)
    return int(data["results"]["bindings"][0]["n"]["value"])


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def dev_store(tmp_path_factory, vocab, validator):
    """The development corpus built into an embedded store, once per session (skipped without the corpus)."""
    if not DEV_CORPUS.exists():
        pytest.skip(f"{DEV_CORPUS} is not here (the shared test material sits beside the repository)")
    if "dev_store" not in _made:
        from coopkg.build import build
        from coopkg.store import GraphStore

        store = GraphStore(tmp_path_factory.mktemp("dev-store") / "store")
        result = build([DEV_CORPUS], store, vocab=vocab, validator=validator)
        assert not result.rejected, result.rejected
        _made["dev_store"] = store
    return _made["dev_store"]


@pytest.fixture(scope="session")
def store_target(dev_store):
    from coopkg.query import StoreTarget

    return StoreTarget(dev_store)


@pytest.fixture(scope="session")
def sparql_endpoint(dev_store, tmp_path_factory):
    """The query URL of a running Oxigraph server holding every quad of the dev store (model graphs and
    build log included); stopped at the end of the session."""
    if "endpoint" not in _made:
        server = OxigraphServer(tmp_path_factory.mktemp("endpoint") / "db")
        try:
            server.load_nquads(dev_store.store.dump(format=ox.RdfFormat.N_QUADS))
        except Exception:
            server.stop()
            raise
        _made["endpoint"] = server
    server = _made["endpoint"]
    yield server.query_url
    server.stop()  # at session end; a second importing module's teardown finds it stopped already


@pytest.fixture(scope="session")
def endpoint_target(sparql_endpoint):
    from coopkg.query import EndpointTarget

    return EndpointTarget(sparql_endpoint)


# -- comparing answers ---------------------------------------------------------------------------
def plain_rows(table) -> list[dict[str, str]]:
    """Rows as {variable: value} dicts of strings (unbound variables left out)."""
    return [{k: v.value for k, v in row.items()} for row in table.rows]


def comparable(table, typed: bool = False) -> list[tuple]:
    """Rows in an order-free form: cells holding " | "-separated lists become sets (GROUP_CONCAT order may
    differ between engines and runs), rows are sorted. `typed` keeps each term's kind, datatype and language."""
    out = []
    for row in table.rows:
        cells = []
        for key in sorted(row):
            term = row[key]
            value = frozenset(term.value.split(" | ")) if " | " in term.value else term.value
            cells.append((key, value, term.kind, term.datatype, term.lang) if typed else (key, value))
        out.append(tuple(cells))
    return sorted(out, key=repr)
