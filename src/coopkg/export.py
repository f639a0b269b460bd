"""Export: write the store's graph to a file in a standard RDF format, atomically and deterministically.

Document graphs by default; the model's graphs and the build log only when asked for.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .namespaces import PREFIXES
from .store import MODEL_GRAPH_BASE, GraphStore

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False, ".ttl"),
    "trig": (ox.RdfFormat.TRIG, True, ".trig"),
    "nt": (ox.RdfFormat.N_TRIPLES, False, ".nt"),
    "nq": (ox.RdfFormat.N_QUADS, True, ".nq"),
    "json-ld": (ox.RdfFormat.JSON_LD, True, ".jsonld"),
}


def selected_graphs(store: GraphStore, *, model: bool = False, build_log: bool = False) -> list[ox.NamedNode]:
    out = []
    for iri in store.named_graphs():
        is_model = iri.startswith(MODEL_GRAPH_BASE)
        is_log = iri.endswith("/graph/builds")
        if (is_model and not model) or (is_log and not build_log):
            continue
        out.append(ox.NamedNode(iri))
    return out


def export_quads(store: GraphStore, graphs: list[ox.NamedNode], keep_graphs: bool) -> list:
    """The quads of the chosen graphs in a stable order (or triples, merged, for triple formats)."""
    quads = []
    for g in graphs:
        for q in store.store.quads_for_pattern(None, None, None, g):
            quads.append(q if keep_graphs else ox.Triple(q.subject, q.predicate, q.object))
    unique = {str(q): q for q in quads}
    return [unique[k] for k in sorted(unique)]


def export(store: GraphStore, fmt: str, output: IO[bytes] | None = None, *, model: bool = False,
           build_log: bool = False) -> bytes | None:
    """Serialise the store; returns bytes when no output stream is given."""
    rdf_format, keeps_graphs, _ = FORMATS[fmt]
    items = export_quads(store, selected_graphs(store, model=model, build_log=build_log), keeps_graphs)
    prefixes = {k: str(v) for k, v in PREFIXES.items()} if fmt in ("turtle", "trig") else None
    return ox.serialize(items, output, format=rdf_format, prefixes=prefixes)


def write_atomically(path: Path, write) -> None:
    """Write a file through a temporary file in the same folder, renamed into place when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
