"""`coopkg serve` end to end: a real uvicorn server on 127.0.0.1, started by the tests on a store built from the
development corpus, asked over HTTP as clients would ask it.
"""
from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from conftest import DEV_CORPUS, coopkg_command
from servers import free_port, wait_until_answering

TIMEOUT = 2  # the server's --timeout, in seconds
MAX_ROWS = 100  # the server's --max-rows
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PROGRAMME = "https://w3id.org/coopkg/id/programme/lcs-ii"
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SELECT_TITLES = ("PREFIX ck: <https://w3id.org/coopkg/def#> PREFIX dct: <http://purl.org/dc/terms/>\n"
                 "SELECT ?programme ?title WHERE { ?programme a ck:Programme ; dct:title ?title } ORDER BY ?title")
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


# -- the server ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store_path(tmp_path_factory, vocab, validator) -> Path:
    """The development corpus built into a store that is then closed, as `coopkg build` leaves it."""
    if not DEV_CORPUS.exists():
        pytest.skip(f"{DEV_CORPUS} is not here (the shared test material sits beside the repository)")
    from coopkg.build import build
    from coopkg.store import GraphStore

    path = tmp_path_factory.mktemp("serve") / "store"
    store = GraphStore(path)
    result = build([DEV_CORPUS], store, vocab=vocab, validator=validator)
    assert not result.rejected, result.rejected
    store.flush()
    del store  # releases the write lock; the server opens the store read-only
    return path


class RunningServer:
    """`coopkg serve` in a child process on a free loopback port, stopped by stop()."""

    def __init__(self, store: Path, log: Path, extra: list[str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = open(log, "wb")
        self.process = subprocess.Popen(
            coopkg_command() + ["serve", "--store", str(store), "--port", str(self.port), "--timeout", str(TIMEOUT),
                                "--max-rows", str(MAX_ROWS)] + (extra or []),
            stdout=self._log, stderr=subprocess.STDOUT)
        self._wait(60)

    def _wait(self, limit: float) -> None:
        try:
            wait_until_answering(self.base + "/api/queries", self.process, "coopkg serve",
                                 lambda: self.log_path.read_text(errors="replace")[-3000:], limit)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="module")
def server(store_path, tmp_path_factory):
    running = RunningServer(store_path, tmp_path_factory.mktemp("serve-log") / "server.log")
    yield running
    running.stop()
    assert running.process.returncode is not None


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.base, timeout=30) as http:
        yield http


def quad_count(store_path: Path) -> int:
    """Quads in the store, counted through a read-only handle of the test's own."""
    store = ox.Store.read_only(str(store_path))
    return len(store)


def sparql_count(client: httpx.Client, query: str = COUNT_QUADS) -> int:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# -- HTML checks ---------------------------------------------------------------------------------
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ALLOWED_CHILDREN = {"ul": {"li"}, "ol": {"li"}, "dl": {"dt", "dd"}, "table": {"thead", "tbody", "tfoot", "tr", "caption"},
                    "thead": {"tr"}, "tbody": {"tr"}, "tr": {"td", "th"}, "html": {"head", "body"}}
NOT_IN_P = {"ul", "ol", "dl", "table", "div", "blockquote", "pre", "form", "h1", "h2", "h3", "h4", "h5", "h6", "p"}


class PageChecker(HTMLParser):
    """Parses a page and notes what makes it invalid HTML5 for what coopkg writes: a missing doctype, charset
    or title, tags closed out of order or never, children a list or table cannot hold, duplicate ids."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.doctype = False
        self.charset = False
        self.title = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        parent = self.stack[-1] if self.stack else None
        if parent in ALLOWED_CHILDREN and tag not in ALLOWED_CHILDREN[parent]:
            self.problems.append(f"<{tag}> inside <{parent}>")
        if "p" in self.stack and tag in NOT_IN_P:
            self.problems.append(f"<{tag}> inside <p>")
        if tag == "meta" and attributes.get("charset", "").lower() == "utf-8":
            self.charset = True
        if "id" in attributes:
            if attributes["id"] in self.ids:
                self.problems.append(f"duplicate id {attributes['id']!r}")
            self.ids.add(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            self.problems.append(f"end tag of void element </{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "title":
            self.title += data


def check_page(text: str) -> PageChecker:
    checker = PageChecker()
    checker.feed(text)
    checker.close()
    problems = list(checker.problems)
    if not checker.doctype:
        problems.append("no <!DOCTYPE html>")
    if not checker.charset:
        problems.append('no <meta charset="utf-8">')
    if not checker.title.strip():
        problems.append("no title")
    if checker.stack:
        problems.append(f"never closed: {checker.stack}")
    assert not problems, problems
    return checker


# -- SPARQL protocol -----------------------------------------------------------------------------
def test_select_answers_in_every_results_format(client):
    expected = client.get("/sparql", params={"query": SELECT_TITLES}).json()  # JSON is the default
    rows = len(expected["results"]["bindings"])
    assert expected["head"]["vars"] == ["programme", "title"] and rows >= 7

    csv_response = client.get("/sparql", params={"query": SELECT_TITLES}, headers={"Accept": "text/csv"})
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert csv_response.text.split("\r\n")[0] == "programme,title"
    assert len(csv_response.text.strip().split("\r\n")) == rows + 1

    tsv = client.get("/sparql", params={"query": SELECT_TITLES}, headers={"Accept": "text/tab-separated-values"})
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    lines = tsv.text.strip().split("\n")
    assert lines[0] == "?programme\t?title" and len(lines) == rows + 1 and lines[1].startswith("<https://")

    xml = client.get("/sparql", params={"query": SELECT_TITLES}, headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(xml.content)
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["programme", "title"]
    results = root.findall("r:results/r:result", ns)
    assert len(results) == rows
    first = results[0]
    assert first.find("r:binding[@name='programme']/r:uri", ns).text == expected["results"]["bindings"][0]["programme"]["value"]
    literal = first.find("r:binding[@name='title']/r:literal", ns)
    assert literal.text == expected["results"]["bindings"][0]["title"]["value"]
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == expected["results"]["bindings"][0]["title"]["xml:lang"]

    page = client.get("/sparql", params={"query": SELECT_TITLES}, headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert check_page(page.text).title.startswith("SPARQL endpoint")
    for response in (csv_response, tsv, xml, page):
        assert "Accept" in response.headers["vary"]


def test_post_forms_of_the_protocol(client):
    via_get = client.get("/sparql", params={"query": SELECT_TITLES}).json()
    form = client.post("/sparql", data={"query": SELECT_TITLES})
    body = client.post("/sparql", content=SELECT_TITLES.encode(), headers={"Content-Type": "application/sparql-query"})
    assert form.status_code == body.status_code == 200
    assert form.json() == body.json() == via_get
    wrong = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert wrong.status_code == 415


def test_results_xml_escapes_and_types_literals(client):
    query = ('SELECT ?a ?b ?c ?d WHERE { BIND ("x < y & \\"z\\"" AS ?a) BIND (42 AS ?b) BIND (BNODE() AS ?c) '
             'BIND ("es"@es AS ?d) }')
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    result = ET.fromstring(response.content).find("r:results/r:result", ns)
    assert result.find("r:binding[@name='a']/r:literal", ns).text == 'x < y & "z"'
    assert result.find("r:binding[@name='b']/r:literal", ns).get("datatype") == "http://www.w3.org/2001/XMLSchema#integer"
    assert result.find("r:binding[@name='c']/r:bnode", ns) is not None
    assert result.find("r:binding[@name='d']/r:literal", ns).get("{http://www.w3.org/XML/1998/namespace}lang") == "es"


def test_ask_and_construct(client):
    ask = "ASK { ?p a <https://w3id.org/coopkg/def#Programme> }"
    assert client.get("/sparql", params={"query": ask}).json() == {"head": {}, "boolean": True}
    xml = client.get("/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(xml.content).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"

    construct = f"CONSTRUCT WHERE {{ <{PROGRAMME}> ?p ?o }}"
    turtle = client.get("/sparql", params={"query": construct})  # Turtle is the default for graphs
    assert turtle.headers["content-type"].startswith("text/turtle")
    triples = len(Graph().parse(data=turtle.text, format="turtle"))
    nt = client.get("/sparql", params={"query": construct}, headers={"Accept": "application/n-triples"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    jsonld = client.get("/sparql", params={"query": construct}, headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert triples == len(Graph().parse(data=nt.text, format="nt")) == len(Graph().parse(data=jsonld.text, format="json-ld"))
    assert triples > 20
    describe = client.get("/sparql", params={"query": f"DESCRIBE <{PROGRAMME}>"}, headers={"Accept": "application/n-triples"})
    assert describe.status_code == 200 and f"<{PROGRAMME}>" in describe.text


def test_unacceptable_and_malformed_requests(client):
    assert client.get("/sparql", params={"query": SELECT_TITLES}, headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/sparql", params={"query": SELECT_TITLES, "format": "pdf"}).status_code == 400
    malformed = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert malformed.status_code == 400 and "malformed" in malformed.text
    assert client.get("/sparql", headers={"Accept": "application/json"}).status_code == 400  # no query
    form = client.get("/sparql", headers={"Accept": "text/html"})
    assert form.status_code == 200 and "<textarea" in form.text
    twice = client.get("/sparql?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")]))
    assert twice.status_code == 400


def test_default_graph_is_the_union_and_can_be_narrowed(client):
    programme_triples = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{PROGRAMME}> ?p ?o }}"
    assert sparql_count(client, programme_triples) > 0  # no GRAPH clause needed
    one_graph = client.get("/sparql", params={"query": programme_triples,
                                              "default-graph-uri": "https://w3id.org/coopkg/graph/model/places"})
    assert one_graph.json()["results"]["bindings"][0]["n"]["value"] == "0"


# -- read-only -----------------------------------------------------------------------------------
UPDATES = [
    ("GET", {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, None),
    ("POST", {"update": "DROP ALL"}, "form"),
    ("POST", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
    ("GET", {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, None),
    ("POST", {"query": "PREFIX ex: <http://example.org/#x>\n# SELECT in a comment\nDELETE WHERE { ?s ?p ?o }"}, "form"),
    ("POST", "  clear  ALL", "application/sparql-query"),
    ("GET", {"query": "LOAD <http://example.org/data.ttl>"}, None),
]


@pytest.mark.parametrize("method, payload, kind", UPDATES)
def test_updates_are_refused(client, store_path, method, payload, kind):
    before = sparql_count(client)
    if method == "GET":
        response = client.get("/sparql", params=payload)
    elif kind == "form":
        response = client.post("/sparql", data=payload)
    else:
        response = client.post("/sparql", content=payload.encode(), headers={"Content-Type": kind})
    assert response.status_code == 403
    assert "read-only" in response.text
    assert sparql_count(client) == before == quad_count(store_path)


def test_federated_queries_are_refused(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert response.status_code == 403 and "SERVICE" in response.text
    # the word inside a string or an IRI is no call
    harmless = client.get("/sparql", params={"query": 'SELECT * WHERE { BIND ("SERVICE" AS ?x) BIND (<urn:SERVICE> AS ?y) }'})
    assert harmless.status_code == 200


# -- limits --------------------------------------------------------------------------------------
def test_runaway_query_is_stopped_and_the_server_goes_on(client):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    response = client.get("/sparql", params={"query": runaway})
    elapsed = time.monotonic() - started
    assert response.status_code in (503, 504)
    assert "time limit" in response.text
    assert elapsed < 10, elapsed
    # the killed worker was replaced: the server answers, and keeps answering
    for _ in range(4):
        started = time.monotonic()
        assert client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
        assert time.monotonic() - started < TIMEOUT + 1


def test_runaway_queries_at_once_do_not_starve_the_server(client):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: client.get("/sparql", params={"query": runaway}).status_code, range(4)))
    assert set(statuses) <= {503, 504}
    assert time.monotonic() - started < 20
    assert client.get("/api/queries/programmes").status_code == 200


def test_row_cap_truncates_and_says_so(client):
    everything = "SELECT * WHERE { ?s ?p ?o }"
    for accept in ("application/sparql-results+json", "text/csv"):
        response = client.get("/sparql", params={"query": everything}, headers={"Accept": accept})
        assert response.headers.get("x-coopkg-truncated") == "true"
    rows = client.get("/sparql", params={"query": everything}).json()["results"]["bindings"]
    assert len(rows) == MAX_ROWS
    graph = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"})
    assert graph.headers.get("x-coopkg-truncated") == "true"
    assert len([line for line in graph.text.splitlines() if line.strip()]) == MAX_ROWS
    small = client.get("/sparql", params={"query": SELECT_TITLES})
    assert "x-coopkg-truncated" not in small.headers


# -- dereferenceable IRIs ------------------------------------------------------------------------
@pytest.mark.parametrize("accept, extension, content_type", [
    ("text/html", "html", "text/html"), ("text/turtle", "ttl", "text/turtle"),
    ("application/n-triples", "nt", "application/n-triples"), ("application/ld+json", "jsonld", "application/ld+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html", "text/html"),
    ("text/turtle;q=0.5, application/ld+json", "jsonld", "application/ld+json"),
])
def test_resource_iris_redirect_by_accept(client, server, accept, extension, content_type):
    path = "/id/programme/lcs-ii"
    redirect = client.get(path, headers={"Accept": accept})
    assert redirect.status_code == 303
    assert redirect.headers["location"] == f"{server.base}{path}.{extension}"
    assert "Accept" in redirect.headers["vary"]
    described = client.get(redirect.headers["location"])
    assert described.status_code == 200
    assert described.headers["content-type"].startswith(content_type)
    assert "Accept" in described.headers["vary"]
    assert described.headers["content-location"] == f"{server.base}{path}.{extension}"


@pytest.mark.parametrize("extension, rdf_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_descriptions_hold_the_resource_and_labels_of_its_neighbours(client, extension, rdf_format):
    graph = Graph().parse(data=client.get(f"/id/programme/lcs-ii.{extension}").text, format=rdf_format)
    programme = URIRef(PROGRAMME)
    assert (programme, RDF_TYPE, URIRef("https://w3id.org/coopkg/def#Programme")) in graph
    assert (programme, DCT.title, Literal("Social Cohesion II Laboratory", lang="en")) in graph
    assert set(graph.predicates(programme)) >= {URIRef("https://w3id.org/coopkg/def#funder"),
                                                URIRef("https://w3id.org/coopkg/def#targetsPlace")}
    oaxaca = URIRef("https://w3id.org/coopkg/id/place/MX-OAX")
    assert (oaxaca, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("Oaxaca", lang="en")) in graph
    # only the resource's own statements, not everything about its neighbours
    assert not list(graph.triples((oaxaca, URIRef("https://schema.org/containedInPlace"), None)))


def test_hash_parts_come_with_their_resource(client):
    annotations = client.get("/sparql", params={"query": "SELECT ?a WHERE { ?a a <http://www.w3.org/ns/oa#Annotation> } LIMIT 1"})
    annotation = annotations.json()["results"]["bindings"][0]["a"]["value"]
    path = annotation.replace("https://w3id.org/coopkg", "")
    graph = Graph().parse(data=client.get(f"{path}.ttl").text, format="turtle")
    assert URIRef(annotation + "#quote") in set(graph.subjects())
    page = client.get(f"{path}.html")
    assert 'id="quote"' in page.text
    check_page(page.text)


def test_vocabulary_iris_dereference_too(client):
    assert client.get("/voc/hr-theme/gender", headers={"Accept": "text/turtle"}).status_code == 303
    graph = Graph().parse(data=client.get("/voc/hr-theme/gender.ttl").text, format="turtle")
    assert (URIRef("https://w3id.org/coopkg/voc/hr-theme/gender"), RDF_TYPE, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in graph


@pytest.mark.parametrize("path", ["/id/programme/nonesuch", "/id/programme/nonesuch.html", "/id/programme/nonesuch.ttl",
                                  "/voc/hr-theme/nonesuch.jsonld", "/id/", "/id/programme/%3Cscript%3E", "/sdg/99",
                                  "/sdg/x", "/nowhere", "/dumps/graph.rdf", "/api/queries/nonesuch"])
def test_unknown_things_are_404(client, path):
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "<script>" not in page.text  # what the request held comes back escaped


def test_404_page_for_people(client):
    response = client.get("/id/programme/nonesuch", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    check_page(response.text)


# -- the saved-query API -------------------------------------------------------------------------
def test_api_lists_every_saved_query(client):
    from coopkg.query import saved_queries

    listed = client.get("/api/queries").json()
    assert [q["name"] for q in listed] == list(saved_queries())
    by_name = {q["name"]: q for q in listed}
    assert by_name["programmes-by-funder"]["parameters"] == [
        {"name": "funder", "type": "iri", "required": True, "example": "EU"}]
    assert all(q["summary"] and "description" in q for q in listed)


def test_api_runs_every_query_with_its_example(client):
    for query in client.get("/api/queries").json():
        response = client.get(query["example"])
        assert response.status_code == 200, (query["name"], response.text)
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        assert "vars" in response.json()["head"]


def test_api_gives_csv_by_accept_or_format(client):
    by_accept = client.get("/api/queries/programmes-by-funder", params={"funder": "EU"}, headers={"Accept": "text/csv"})
    by_format = client.get("/api/queries/programmes-by-funder", params={"funder": "EU", "format": "csv"})
    assert by_accept.status_code == by_format.status_code == 200
    assert by_accept.headers["content-type"].startswith("text/csv")
    assert by_accept.text == by_format.text
    assert by_accept.text.startswith("programme,title,")
    as_json = client.get("/api/queries/programmes-by-funder", params={"funder": "EU"}).json()
    assert len(by_accept.text.strip().split("\r\n")) == len(as_json["results"]["bindings"]) + 1
    xml = client.get("/api/queries/programmes", params={"format": "xml"})
    assert ET.fromstring(xml.content).tag == "{http://www.w3.org/2005/sparql-results#}sparql"


@pytest.mark.parametrize("path, params", [
    ("/api/queries/programmes-by-funder", {}),                                  # required parameter missing
    ("/api/queries/programmes-by-funder", {"funder": "Atlantis"}),              # names nothing
    ("/api/queries/programmes-by-funder", {"funder": "EU", "colour": "red"}),   # unknown parameter
    ("/api/queries/organisation-pairs", {"minWeight": "two"}),                  # not an integer
    ("/api/queries/programmes-active", {"date": "2022-02-30"}),                 # not a date
    ("/api/queries/programmes-active", {"year": "20222"}),                      # not a year
    ("/api/queries/programmes", {"format": "pdf"}),                             # unknown format
])
def test_api_bad_parameters_are_400_with_a_json_error(client, path, params):
    response = client.get(path, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]


def test_api_repeated_parameter_is_400(client):
    response = client.get("/api/queries/programmes-by-funder?funder=EU&funder=AECID")
    assert response.status_code == 400 and "more than once" in response.json()["error"]


INJECTIONS = ['"', "'", '"} ; DROP ALL #', "} INSERT DATA { <urn:a> <urn:b> <urn:c> } #", "{", "}", "#", "EU\n} #",
              "\n", "EU\r\nDELETE WHERE { ?s ?p ?o }", "> . ?s ?p ?o . <", "<https://w3id.org/coopkg/id/org/fiiapp>",
              "https://w3id.org/coopkg/id/org/x> } ; DROP ALL ; SELECT * { <urn:x", '\\" ) } #', "1 ; DROP ALL",
              "<script>alert(1)</script>", "%00", "\x00", "'''", '"""', "?s", "$s", "*", "EU' OR '1'='1"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_through_the_api_never_breaks_or_changes_anything(client, store_path, value):
    before = quad_count(store_path)
    for path, name in [("/api/queries/programmes-by-funder", "funder"), ("/api/queries/organisation-pairs", "minWeight"),
                       ("/api/queries/programmes-with-gaps", "gap"), ("/api/queries/programmes-active", "date"),
                       ("/api/queries/programmes-by-sdg", "includeInferred")]:
        params = {name: value}
        if path.endswith("programmes-by-sdg"):
            params["sdg"] = "16"
        response = client.get(path, params=params)
        assert response.status_code in (200, 400), (path, value, response.status_code, response.text)
        body = response.json()
        assert ("error" in body) if response.status_code == 400 else ("results" in body)
    assert quad_count(store_path) == before
    assert sparql_count(client) == before


# -- OpenAPI -------------------------------------------------------------------------------------
def test_openapi_describes_every_saved_query(client, server):
    from coopkg.query import saved_queries

    spec = client.get("/api/openapi.json").json()
    assert re.fullmatch(r"3\.\d+\.\d+", spec["openapi"])
    assert spec["info"]["title"] and spec["info"]["version"]
    assert spec["servers"][0]["url"] == server.base
    operation_ids = set()
    for name, query in saved_queries().items():
        operation = spec["paths"][f"/api/queries/{name}"]["get"]
        assert operation["operationId"] not in operation_ids
        operation_ids.add(operation["operationId"])
        assert operation["summary"] == query.summary
        assert "200" in operation["responses"] and "400" in operation["responses"]
        described = {p["name"]: p for p in operation["parameters"]}
        for parameter in query.parameters:
            entry = described[parameter.name]
            assert entry["in"] == "query" and entry["required"] is parameter.required
            assert entry["schema"]["type"] in ("string", "integer", "number")
            if parameter.name in query.examples:
                assert "example" in entry
        assert all(set(p) >= {"name", "in", "schema"} for p in operation["parameters"])
    # every $ref points at a schema that is there
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(spec))
    assert refs and all(ref in spec["components"]["schemas"] for ref in refs)


# -- VoID, DCAT and dumps ------------------------------------------------------------------------
def test_void_and_dcat_describe_the_dataset(client, server, store_path):
    response = client.get("/.well-known/void")
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    dataset = next(graph.subjects(RDF_TYPE, VOID.Dataset))
    assert (dataset, RDF_TYPE, DCAT.Dataset) in graph
    triples = int(graph.value(dataset, VOID.triples))
    assert triples == sparql_count(client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    vocabularies = {str(v) for v in graph.objects(dataset, VOID.vocabulary)}
    assert vocabularies >= {"https://w3id.org/coopkg/def#", "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#",
                            "http://www.w3.org/ns/oa#", "https://schema.org/", "http://data.europa.eu/s66#",
                            "http://www.w3.org/ns/org#", "http://purl.org/dc/terms/"}
    assert str(graph.value(dataset, VOID.sparqlEndpoint)) == server.base + "/sparql"
    entities = {str(graph.value(p, VOID["class"])): int(graph.value(p, VOID.entities))
                for p in graph.objects(dataset, VOID.classPartition)}
    assert entities["https://w3id.org/coopkg/def#Document"] == 8
    assert entities["https://w3id.org/coopkg/def#Programme"] == 7
    assert entities["https://w3id.org/coopkg/def#Organisation"] > 0
    assert graph.value(dataset, DCT.title) and graph.value(dataset, DCT.description)
    assert str(graph.value(dataset, DCT.license)).startswith("https://creativecommons.org/")
    downloads = {str(graph.value(d, DCAT.downloadURL)) for d in graph.objects(dataset, DCAT.distribution)} - {"None"}
    assert downloads == {str(d) for d in graph.objects(dataset, VOID.dataDump)} == {
        server.base + "/dumps/graph.nq", server.base + "/dumps/graph.ttl"}
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)


def test_dumps_stream_the_whole_store(client, store_path):
    with client.stream("GET", "/dumps/graph.nq") as response:
        assert response.status_code == 200 and response.headers["content-type"] == "application/n-quads"
        assert "content-length" not in response.headers  # streamed as it is written
        data = b"".join(response.iter_bytes())
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert len(set(quads)) == quad_count(store_path)
    turtle = client.get("/dumps/graph.ttl")
    assert turtle.headers["content-type"].startswith("text/turtle")
    distinct = sparql_count(client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert len(list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))) == distinct


# -- HTML pages ----------------------------------------------------------------------------------
def crawl(base: str, start: str = "/") -> dict[str, httpx.Response]:
    """Every page reachable from `start` by internal links, fetched as a browser would, four at a time."""
    seen, frontier, fetched = {start}, [start], {}
    with httpx.Client(base_url=base, timeout=60, headers={"Accept": BROWSER_ACCEPT}) as http, ThreadPoolExecutor(4) as pool:
        while frontier:
            responses = list(pool.map(http.get, frontier))
            frontier = []
            for url, response in zip([str(r.request.url) for r in responses], responses):
                path = url[len(base):]
                fetched[path] = response
                if response.status_code != 200 or not response.headers["content-type"].startswith("text/html"):
                    continue
                for link in check_page(response.text).links:
                    absolute = urllib.parse.urljoin(url, link)
                    if not absolute.startswith(base + "/"):
                        continue  # the UN's and Wikidata's pages are not ours to check
                    target = absolute[len(base):].split("#", 1)[0]
                    if target not in seen:
                        seen.add(target)
                        frontier.append(target)
    return fetched


def test_every_page_parses_and_every_internal_link_answers(server):
    fetched = crawl(server.base)
    broken = {path: r.status_code for path, r in fetched.items() if r.status_code != 200}
    assert not broken, broken
    kinds = {re.sub(r"^/(id|voc)/([^/.]+).*", r"/\1/\2", p) if p.startswith(("/id/", "/voc/")) else p.split("?")[0]
             for p in fetched}
    # the crawl reached every kind of page from the index
    assert kinds >= {"/", "/sparql", "/api/queries", "/api/openapi.json", "/.well-known/void", "/dumps/graph.nq",
                     "/id/programme", "/id/org", "/id/place", "/id/document", "/voc/hr-theme"}
    assert any(p.startswith("/sdg/") for p in fetched)
    assert len(fetched) > 100


def test_programme_page_shows_facts_with_their_evidence(client):
    page = client.get("/id/programme/eurojusticia.html")
    checker = check_page(page.text)
    text = page.text
    assert "EUROJUSTICIA" in checker.title
    for heading in ("Dates", "Organisations", "Places", "SDGs stated", "Human-rights themes", "Activities", "Sources"):
        assert f"<h2>{heading}" in text, heading
    assert "2016-11-01" in text and "2021-10-31" in text
    links = set(checker.links)
    assert "/id/org/european-union.html" in links
    assert "/id/place/HN.html" in links
    assert any(link.startswith("/sdg/") for link in links)
    assert any(link.startswith("/voc/hr-theme/") for link in links)
    assert "/id/document/d08-eurojusticia-es-md.html" in links
    # each fact is followed by the sentence it was read from, linked to its document
    evidence = re.findall(r'<li><q>([^<]+)</q> — <a href="(/id/document/[^"]+)"', text)
    assert len(evidence) > 10
    assert {href for _, href in evidence} == {"/id/document/d08-eurojusticia-es-md.html"}


def test_document_organisation_place_sdg_and_theme_pages_link_back(client):
    programme = "/id/programme/eurojusticia.html"
    for path in ("/id/document/d08-eurojusticia-es-md.html", "/id/org/european-union.html", "/id/place/HN.html",
                 "/voc/hr-theme/justice.html", "/sdg/16"):
        response = client.get(path)
        assert response.status_code == 200, path
        checker = check_page(response.text)
        assert programme in checker.links, path
    document = client.get("/id/document/d08-eurojusticia-es-md.html").text
    assert "d08_eurojusticia_es.md" in document and "<q>" in document


def test_pages_escape_what_the_data_and_the_request_hold(client):
    query = 'SELECT ?x WHERE { BIND ("<script>alert(1)</script> & \\"quotes\\"" AS ?x) }'
    page = client.get("/sparql", params={"query": query}, headers={"Accept": "text/html"})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in page.text
    check_page(page.text)
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


# -- behind a proxy ------------------------------------------------------------------------------
def test_base_url_with_a_path_is_used_for_redirects_and_links(store_path, tmp_path):
    proxied = RunningServer(store_path, tmp_path / "proxied.log", ["--base-url", "https://example.org/kg/", "--workers", "1"])
    try:
        with httpx.Client(base_url=proxied.base, timeout=30) as http:
            redirect = http.get("/id/programme/lcs-ii", headers={"Accept": "text/turtle"})
            assert redirect.status_code == 303
            assert redirect.headers["location"] == "https://example.org/kg/id/programme/lcs-ii.ttl"
            page = http.get("/id/programme/lcs-ii.html")
            assert page.headers["content-location"] == "https://example.org/kg/id/programme/lcs-ii.html"
            assert 'href="/kg/id/org/european-union.html"' in page.text
            void = Graph().parse(data=http.get("/.well-known/void").text, format="turtle")
            assert str(next(void.objects(None, VOID.sparqlEndpoint))) == "https://example.org/kg/sparql"
            # the data keep their w3id IRIs
            assert "<https://w3id.org/coopkg/id/programme/lcs-ii>" in http.get("/id/programme/lcs-ii.nt").text
    finally:
        proxied.stop()
