"""Store: the embedded Oxigraph store on disk, one named graph per document, plus the model's graphs.

Every write of a document's graph is atomic, so a crash never leaves half a document behind: a graph that
replaces an earlier one is one SPARQL update (DROP, then INSERT DATA); new graphs are written by
`GraphWriter` a batch at a time with Oxigraph's bulk loader, whose batch goes into RocksDB in one atomic
ingestion (all of its documents or none).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .namespaces import CK

DEFAULT_STORE = Path(".coopkg") / "store"
#: Named graphs of the model files; fixed IRIs so that any store holds them in the same place.
MODEL_GRAPH_BASE = "https://w3id.org/coopkg/graph/model/"
#: How the build log's graph IRI ends, under any base (see buildlog.build_log_graph).
BUILD_LOG_SUFFIX = "/graph/builds"


def default_store_path() -> Path:
    """`$COOPKG_STORE`, or `.coopkg/store` in the current folder."""
    return Path(os.environ.get("COOPKG_STORE") or DEFAULT_STORE)


@dataclass(frozen=True)
class StoredDocument:
    name: str
    sha256: str
    graph: str


def triples_to_ntriples(triples) -> bytes | None:
    """rdflib triples as N-Triples, written by Oxigraph (the terms Oxigraph reads back from what rdflib
    would write); None when a term cannot be written this way (a blank node, an IRI Oxigraph refuses)."""
    from rdflib import Literal as RLiteral, URIRef as RURIRef

    nodes: dict[str, ox.NamedNode] = {}

    def named(value: str) -> ox.NamedNode:
        node = nodes.get(value)
        if node is None:
            node = nodes[value] = ox.NamedNode(value)
        return node

    def term(t):
        if type(t) is RURIRef:
            return named(str(t))
        if type(t) is RLiteral:
            if t.language:
                return ox.Literal(str(t), language=t.language)
            if t.datatype is not None:
                return ox.Literal(str(t), datatype=named(str(t.datatype)))
            return ox.Literal(str(t))
        raise TypeError(type(t).__name__)

    try:
        out = [ox.Triple(term(s), term(p), term(o)) for s, p, o in triples]
        return ox.serialize(out, format=ox.RdfFormat.N_TRIPLES)
    except (TypeError, ValueError):
        return None


def ntriples(graph: Graph) -> str:
    """Sorted N-Triples of a graph: the same graph always gives the same text."""
    data = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return "\n".join(sorted(line for line in data.splitlines() if line.strip())) + "\n"


class StoreError(OSError):
    """A store that cannot be opened: missing, or locked by another process."""


class GraphStore:
    """A coopkg store: documents' named graphs, model graphs and a build log, in Oxigraph."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False):
        self.path = Path(path) if path is not None else default_store_path()
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"no coopkg store at {self.path} (run `coopkg build` first)")
        try:
            if read_only:
                self.store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(self.path))
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreError(f"{self.path}: the store is open in another process (a notebook or a server?); "
                                 "close it or open it read-only there") from None
            raise StoreError(f"{self.path}: cannot open the store: {err}") from None

    # -- documents ---------------------------------------------------------------------------
    def documents(self) -> dict[str, StoredDocument]:
        """The documents in the store, by file name."""
        rows = self.store.query(
            "SELECT ?g ?name ?sha WHERE { GRAPH ?g { ?d a ck:Document ; ck:fileName ?name ; ck:sha256 ?sha } }",
            prefixes={"ck": str(CK)})
        return {r["name"].value: StoredDocument(r["name"].value, r["sha"].value, r["g"].value) for r in rows}

    def document_hashes(self) -> dict[str, str]:
        """The SHA-256 of each stored document, by its graph's IRI: one index scan, about a third of the
        time `documents` takes, which every build pays before it knows whether anything changed."""
        out = {}
        for q in self.store.quads_for_pattern(None, ox.NamedNode(str(CK.sha256)), None, None):
            graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            if graph and not graph.startswith(MODEL_GRAPH_BASE) and not graph.endswith(BUILD_LOG_SUFFIX):
                out[graph] = q.object.value
        return out

    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        """Replace a named graph's contents in one transaction."""
        body = ntriples(graph)
        self.store.update(f"DROP SILENT GRAPH <{graph_iri}> ;\nINSERT DATA {{ GRAPH <{graph_iri}> {{\n{body}}} }}")

    def replace_graph_ntriples(self, graph_iri: str, body: str) -> None:
        """`replace_graph` with the graph already written as N-Triples (one transaction)."""
        self.store.update(f"DROP SILENT GRAPH <{graph_iri}> ;\nINSERT DATA {{ GRAPH <{graph_iri}> {{\n{body}}} }}")

    def drop_graph(self, graph_iri: str) -> None:
        self.store.update(f"DROP SILENT GRAPH <{graph_iri}>")

    # -- the model ---------------------------------------------------------------------------
    def sync_model(self, paths: list[Path]) -> list[Path]:
        """Load each model file into its own graph unless the stored copy has the same hash; returns those loaded."""
        loaded = []
        for path in paths:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            graph_iri = MODEL_GRAPH_BASE + path.stem
            node = ox.NamedNode(graph_iri)
            stored = list(self.store.quads_for_pattern(node, ox.NamedNode(str(CK.sha256)), None, node))
            if stored and stored[0].object.value == digest:
                continue
            model = Graph().parse(data=data, format="turtle")
            body = ntriples(model)
            self.store.update(
                f"DROP SILENT GRAPH <{graph_iri}> ;\nINSERT DATA {{ GRAPH <{graph_iri}> {{\n{body}"
                f"<{graph_iri}> <{CK.sha256}> \"{digest}\" .\n}} }}")
            loaded.append(path)
        return loaded

    # -- queries -----------------------------------------------------------------------------
    def query(self, sparql: str, substitutions: dict | None = None):
        return self.store.query(sparql, use_default_graph_as_union=True, substitutions=substitutions or None)

    def stats(self) -> dict:
        """Counts per class in the document graphs, the number of documents and when the last build ended."""
        rows = self.store.query(
            "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } "
            f"FILTER (!STRSTARTS(STR(?g), \"{MODEL_GRAPH_BASE}\") && !STRENDS(STR(?g), \"{BUILD_LOG_SUFFIX}\")) }} "
            "GROUP BY ?class")
        counts = {r["class"].value: int(r["n"].value) for r in rows}
        last = list(self.store.query(
            "SELECT (MAX(STR(?t)) AS ?last) WHERE { GRAPH ?g { ?b a <%s> ; <http://www.w3.org/ns/prov#endedAtTime> ?t } }"
            % (CK.Build,)))
        involved = list(self.store.query(
            "SELECT (COUNT(DISTINCT ?o) AS ?orgs) (COUNT(DISTINCT ?p) AS ?places) WHERE { "
            "{ ?r <%s> ?o } UNION { ?x <%s> ?p } }" % (CK.roleOf, CK.targetsPlace), use_default_graph_as_union=True))[0]
        return {"documents": len(self.documents()), "classes": dict(sorted(counts.items())),
                "organisations_in_roles": int(involved["orgs"].value), "places_targeted": int(involved["places"].value),
                "last_build": last[0]["last"].value if last and last[0]["last"] is not None else None,
                "quads": len(self.store)}

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def flush(self) -> None:
        if not self.read_only:  # a read-only store has nothing of its own to write
            self.store.flush()

    def optimize(self) -> None:
        """Compact the database (RocksDB), as after a large load: the files the bulk loader adds are merged, so
        queries read fewer of them (two to four times faster queries after a fresh build)."""
        self.store.optimize()



class GraphWriter:
    """Writes document graphs for a build, a batch at a time.

    A graph the store does not have yet waits in a batch of new graphs, bulk-loaded as N-Quads in one atomic
    ingestion when the batch is full (or at `close`); a graph that replaces one already in the store (or one
    written earlier in this batch) is a DROP + INSERT DATA update of its own, after the batch is written. The
    store ends up as if each graph had been replaced in turn."""

    BATCH_BYTES = 24_000_000  # well under the bulk loader's own batch of 1,000,000 quads
    BATCH_GRAPHS = 64  # so that a build that is stopped keeps most of what it had done

    def __init__(self, store: GraphStore):
        self.store = store
        self.existing = set(store.named_graphs())
        self._batch: list[bytes] = []
        self._size = 0
        self.bulk_loads = 0
        self.bulk_graphs = 0
        self.updates = 0

    def put(self, graph_iri: str, body: bytes) -> None:
        """Write (or replace) a named graph given as N-Triples bytes (`triples_to_ntriples`)."""
        if graph_iri in self.existing:
            self.flush()
            self.store.replace_graph_ntriples(graph_iri, body.decode("utf-8"))
            self.updates += 1
            return
        self.existing.add(graph_iri)
        ox.NamedNode(graph_iri)  # refuse a bad graph IRI here, not inside the batch
        self._batch.append(body.replace(b" .\n", f" <{graph_iri}> .\n".encode("utf-8")))
        self._size += len(body)
        if self._size >= self.BATCH_BYTES or len(self._batch) >= self.BATCH_GRAPHS:
            self.flush()

    def put_graph(self, graph_iri: str, triples) -> None:
        """Write a graph whose triples Oxigraph cannot take directly (rdflib serialises it, as before)."""
        from .map import triples_graph

        self.flush()
        self.store.replace_graph(graph_iri, triples_graph(triples))
        self.existing.add(graph_iri)
        self.updates += 1

    def flush(self) -> None:
        if self._batch:
            self.store.store.bulk_load(b"".join(self._batch), format=ox.RdfFormat.N_QUADS)
            self.bulk_loads += 1
            self.bulk_graphs += len(self._batch)
            self._batch = []
            self._size = 0

    def close(self) -> None:
        self.flush()


# -- reading in worker processes ---------------------------------------------------------------

#: Fewer items than this are worked on in this process (starting reader processes costs more).
READERS_FROM = 64


def readers_pay(items: int, workers: int) -> bool:
    """Whether `map_in_readers` is worth it for this many items: more than one worker, enough items, and a
    platform that forks (the readers inherit what this process has loaded)."""
    import multiprocessing

    return workers > 1 and items >= READERS_FROM and "fork" in multiprocessing.get_all_start_methods()


def map_in_readers(store: GraphStore, function: Callable, state, items: Iterable, workers: int, *,
                   ordered: bool = True, chunksize: int = 16) -> Iterator:
    """`function(reader, state, item)` for each item, computed in `workers` forked processes that each open
    the store read-only as `reader`; in the items' order, or as they come when not `ordered`.

    `function` must be a module-level function; it and `state` are inherited, not pickled. Only results
    travel back. Call only where `readers_pay`."""
    import multiprocessing
    import warnings

    store.flush()  # what this process wrote, visible to the readers
    with warnings.catch_warnings():
        # Python >= 3.12 warns about forking a process with threads (the store's); the readers open their own
        warnings.simplefilter("ignore", DeprecationWarning)
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_open_reader,
                                                        initargs=(str(store.path), function, state))
    try:
        yield from (pool.imap if ordered else pool.imap_unordered)(_read_in_worker, items, chunksize=chunksize)
    finally:
        pool.terminate()
        pool.join()


# In a reader process of map_in_readers: its read-only store, the function and its state.
_READER: tuple | None = None


def _open_reader(path: str, function: Callable, state) -> None:
    global _READER
    _READER = (GraphStore(path, read_only=True), function, state)


def _read_in_worker(item):
    reader, function, state = _READER
    return function(reader, state, item)


def graph_of(store: GraphStore, graph_iri: str) -> Graph:
    """One named graph of the store as an rdflib Graph (for validation and notebooks)."""
    graph = Graph()
    add = graph.add
    for triple in triples_of(store, graph_iri):
        add(triple)
    return graph


def triples_of(store: GraphStore, graph_iri: str) -> list[tuple]:
    """The triples of one named graph as rdflib terms: what reading its N-Triples with rdflib gives."""
    to_rdflib = RdflibTerms()
    return [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
            for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))]


class RdflibTerms:
    """Oxigraph terms as the rdflib terms rdflib's N-Triples/N-Quads parsers make of Oxigraph's output:
    a simple (xsd:string) literal without datatype, a language-tagged one with its tag, any other with its
    datatype; blank nodes keep their labels within one converter."""

    _XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
    _LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

    def __init__(self):
        from rdflib import BNode, Literal, URIRef

        self._uri, self._literal, self._bnode = URIRef, Literal, BNode
        self._named: dict[str, object] = {}
        self._blank: dict[str, object] = {}

    def __call__(self, term):
        kind = type(term)
        if kind is ox.NamedNode:
            value = term.value
            node = self._named.get(value)
            if node is None:
                node = self._named[value] = self._uri(value)
            return node
        if kind is ox.Literal:
            datatype = term.datatype.value
            if term.language:
                return self._literal(term.value, lang=term.language)
            if datatype == self._XSD_STRING:
                return self._literal(term.value)
            return self._literal(term.value, datatype=self(term.datatype))
        if kind is ox.BlankNode:
            node = self._blank.get(term.value)
            if node is None:
                node = self._blank[term.value] = self._bnode()
            return node
        raise TypeError(f"cannot convert {term!r}")
