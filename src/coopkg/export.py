"""Export: write the store's graph to a file in a standard RDF format, atomically and deterministically.

Document graphs by default; the model's graphs and the build log only when asked for.

Exports stream, in an order that depends only on the quads stored (not on the order they were loaded in).
Quad formats (N-Quads, TriG) write graph after graph in the order of their IRIs, each graph's quads in the
order of the store's index for that graph (nothing is sorted in Python: the store's keys are already in a
stable order, that of the pyoxigraph version in use). JSON-LD is built one named graph at a time (a
graph's JSON-LD object depends on that graph alone), in the same order of graphs. Triple formats (Turtle,
N-Triples) merge the graphs and write each triple once: the triples are sorted by their N-Triples form by
an external merge sort that keeps at most a chunk of them in memory and spills the rest to temporary files.
"""
from __future__ import annotations

import heapq
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Dataset

from .namespaces import PREFIXES
from .resources import resource_dir
from .store import BUILD_LOG_SUFFIX, MODEL_GRAPH_BASE, GraphStore, map_in_readers, readers_pay

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False, ".ttl"),
    "trig": (ox.RdfFormat.TRIG, True, ".trig"),
    "nt": (ox.RdfFormat.N_TRIPLES, False, ".nt"),
    "nq": (ox.RdfFormat.N_QUADS, True, ".nq"),
    "json-ld": (ox.RdfFormat.JSON_LD, True, ".jsonld"),
}

#: Sort keys kept in memory before a sorted run is spilled to a temporary file.
CHUNK_KEYS = 400_000
#: Triples parsed back from the merged runs at a time.
PARSE_BLOCK = 20_000


def selected_graphs(store: GraphStore, *, model: bool = False, build_log: bool = False) -> list[ox.NamedNode]:
    """The named graphs an export writes, in the order of their IRIs."""
    out = []
    for iri in store.named_graphs():
        is_model = iri.startswith(MODEL_GRAPH_BASE)
        is_log = iri.endswith(BUILD_LOG_SUFFIX)
        if (is_model and not model) or (is_log and not build_log):
            continue
        out.append(ox.NamedNode(iri))
    return out


def iter_export_quads(store: GraphStore, graphs: list[ox.NamedNode], keep_graphs: bool,
                      chunk: int | None = None) -> Iterator:
    """The quads of the chosen graphs, graph after graph; or, for triple formats, their distinct triples
    sorted by N-Triples form (at most `chunk` of them in memory, CHUNK_KEYS by default)."""
    chunk = chunk or CHUNK_KEYS
    if keep_graphs:
        for g in graphs:
            yield from store.store.quads_for_pattern(None, None, None, g)
        return
    first: dict = {}
    source = (q.triple for g in graphs for q in store.store.quads_for_pattern(None, None, None, g))
    for triple in source:  # the common case: everything fits in one chunk, no temporary files
        first[str(triple)] = triple
        if len(first) >= chunk:
            break
    else:
        for key in sorted(first):
            yield first[key]
        return
    # More than a chunk: sorted runs on disk, merged, parsed back (N-Triples form round-trips exactly).
    keys = _chain(first.keys(), (str(triple) for triple in source))
    del first
    block: list[str] = []
    for key in _external_sort(keys, chunk):
        block.append(key)
        if len(block) >= PARSE_BLOCK:
            yield from _parse_triples(block)
            block = []
    if block:
        yield from _parse_triples(block)


def _parse_triples(block: list[str]) -> Iterator[ox.Triple]:
    return (q.triple for q in ox.parse((" .\n".join(block) + " .\n").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))


def _chain(*iterables: Iterable[str]) -> Iterator[str]:
    for it in iterables:
        yield from it


def _external_sort(keys: Iterable[str], chunk: int) -> Iterator[str]:
    """The distinct keys (one-line strings) in sorted order, sorting runs of `chunk` keys in memory and
    merging the runs from temporary files."""
    with tempfile.TemporaryDirectory(prefix="coopkg-export-") as tmp:
        runs: list[Path] = []
        buffer: set[str] = set()
        for key in keys:
            if key not in buffer:
                buffer.add(key)
                if len(buffer) >= chunk:
                    runs.append(_write_run(Path(tmp), len(runs), buffer))
                    buffer = set()
        if not runs:
            yield from sorted(buffer)
            return
        if buffer:
            runs.append(_write_run(Path(tmp), len(runs), buffer))
        del buffer
        handles = [open(p, encoding="utf-8", newline="\n") for p in runs]
        try:
            previous = None
            for line in heapq.merge(*handles):
                key = line[:-1]
                if key != previous:
                    yield key
                    previous = key
        finally:
            for h in handles:
                h.close()


def _write_run(folder: Path, n: int, keys: set[str]) -> Path:
    path = folder / f"run-{n:05d}"
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for key in sorted(keys):
            out.write(key)
            out.write("\n")
    return path


def export(store: GraphStore, fmt: str, output: IO[bytes] | None = None, *, model: bool = False,
           build_log: bool = False, workers: int = 1) -> bytes | None:
    """Serialise the store; returns bytes when no output stream is given. JSON-LD, whose graphs are
    compacted one at a time, uses `workers` processes where the platform forks (the same bytes)."""
    rdf_format, keeps_graphs, _ = FORMATS[fmt]
    graphs = selected_graphs(store, model=model, build_log=build_log)
    if fmt == "json-ld":
        if output is None:
            import io

            buffer = io.BytesIO()
            write_json_ld(store, graphs, buffer, workers)
            return buffer.getvalue()
        write_json_ld(store, graphs, output, workers)
        return None
    items = iter_export_quads(store, graphs, keeps_graphs)
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


def write_json_ld(store: GraphStore, graphs: list[ox.NamedNode], output: IO[bytes], workers: int = 1) -> None:
    """The graphs compacted with coopkg's context, written as a stream, one graph's object at a time.

    With two graphs or more, rdflib's compaction gives {"@context": ..., graph-key: [one object per graph]},
    each graph's object the same as when that graph is compacted alone (without its "@context"); they are
    written in the order of the graphs' IRIs. With fewer, the document has another shape and is made at once
    by `compact_json_ld` (it is small)."""
    nonempty = [g for g in graphs if next(iter(store.store.quads_for_pattern(None, None, None, g)), None) is not None]
    if len(nonempty) < 2:
        output.write(compact_json_ld(list(iter_export_quads(store, nonempty, True))))
        return
    from rdflib.plugins.shared.jsonld.context import Context
    from rdflib.plugins.shared.jsonld.keys import GRAPH

    context = jsonld_context()
    graph_key = Context(context).get_key(GRAPH)

    top = {"@context": _sorted(context), graph_key: None}
    keys = sorted(top)
    write = output.write
    write(b"{\n")
    for i, key in enumerate(keys):
        write(b" " + json.dumps(key, ensure_ascii=False).encode("utf-8") + b": ")
        if key == graph_key:
            write(b"[\n")
            first = True
            iris = [g.value for g in nonempty]
            if readers_pay(len(iris), workers):
                objects = map_in_readers(store, _graph_object_json, context, iris, workers)
            else:
                objects = (_graph_object_json(store, context, iri) for iri in iris)
            for obj in objects:
                if not first:
                    write(b",\n")
                first = False
                write(obj)
            write(b"\n ]")
        else:
            write(_indented(top[key], 1))
        write(b",\n" if i + 1 < len(keys) else b"\n")
    write(b"}\n")


def _graph_object_json(store: GraphStore, context: dict, graph_iri: str) -> bytes:
    """One graph's object as it is written in the document's list of graphs."""
    quads = store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))
    return b"  " + _indented(_graph_object(quads, context), 2)


def _graph_object(quads: Iterable, context: dict) -> dict:
    """One named graph's object in `compact_json_ld`'s document, made the way it makes it: the quads as rdflib
    reads them back from N-Quads, compacted by rdflib's JSON-LD serialiser (from_rdf, with the arguments its
    serialize() passes), then `_sorted` (the JSON text round trip in between changes nothing)."""
    from rdflib import URIRef
    from rdflib.plugins.serializers.jsonld import from_rdf

    from .store import RdflibTerms

    to_rdflib = RdflibTerms()
    dataset = Dataset()
    graphs: dict = {}
    for q in quads:
        name = q.graph_name.value
        graph = graphs.get(name)
        if graph is None:
            graph = graphs[name] = dataset.graph(URIRef(name))
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    document = from_rdf(dataset, context, None, (False,), False, auto_compact=True)
    document.pop("@context")
    return _sorted(document)


def _indented(value, depth: int) -> bytes:
    """`value` as json.dumps(indent=1, sort_keys=True) writes it `depth` levels down (first line not indented)."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    pad = " " * depth
    return ("\n" + pad).join(text.split("\n")).encode("utf-8") if depth else text.encode("utf-8")


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
