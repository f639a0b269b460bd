"""Export: write the store's graph to a file in a standard RDF format, atomically and deterministically.

Document graphs by default; the model's graphs and the build log only when asked for.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Dataset

from .namespaces import PREFIXES
from .resources import resource_dir
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
    if fmt == "json-ld":
        data = compact_json_ld(items)
        if output is None:
            return data
        output.write(data)
        return None
    prefixes = {k: str(v) for k, v in PREFIXES.items()} if fmt in ("turtle", "trig") else None
    return ox.serialize(items, output, format=rdf_format, prefixes=prefixes)


def jsonld_context() -> dict:
    """coopkg's JSON-LD context (ontology/context.jsonld): short keys for the terms of the model."""
    return json.loads((resource_dir("ontology") / "context.jsonld").read_text(encoding="utf-8"))["@context"]


def compact_json_ld(quads: list) -> bytes:
    """JSON-LD compacted with coopkg's context, one named graph per document, in a stable order."""
    dataset = Dataset()
    dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    document = json.loads(dataset.serialize(format="json-ld", context=jsonld_context(), auto_compact=True))
    return (json.dumps(_sorted(document), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _sorted(value):
    """Lists of nodes sorted by id and lists of values sorted, so that the same graph gives the same bytes."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def write_atomically(path: Path, write) -> None:
    """Write a file through a temporary file in the same folder, renamed into place when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; an export is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
