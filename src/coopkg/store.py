"""Store: the embedded Oxigraph store on disk, one named graph per document, plus the model's graphs.

Every write of a document's graph is one SPARQL update, so a crash never leaves half a document behind.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .namespaces import CK

DEFAULT_STORE = Path(".coopkg") / "store"
#: Named graphs of the model files; fixed IRIs so that any store holds them in the same place.
MODEL_GRAPH_BASE = "https://w3id.org/coopkg/graph/model/"


def default_store_path() -> Path:
    """`$COOPKG_STORE`, or `.coopkg/store` in the current folder."""
    return Path(os.environ.get("COOPKG_STORE") or DEFAULT_STORE)


@dataclass(frozen=True)
class StoredDocument:
    name: str
    sha256: str
    graph: str


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

    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        """Replace a named graph's contents in one transaction."""
        body = ntriples(graph)
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
            f"FILTER (!STRSTARTS(STR(?g), \"{MODEL_GRAPH_BASE}\") && !STRENDS(STR(?g), \"/graph/builds\")) }} "
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
        self.store.flush()



def graph_of(store: GraphStore, graph_iri: str) -> Graph:
    """One named graph of the store as an rdflib Graph (for validation and notebooks)."""
    triples = (ox.Triple(q.subject, q.predicate, q.object)
               for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data.decode("utf-8"), format="nt")
