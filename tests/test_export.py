"""Exports: every format parses back to the same graph, each triple or quad once, and the same quads give
the same bytes whatever order they were stored in."""
from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
import pyoxigraph as ox
import random

from coopkg.build import build
from coopkg.export import FORMATS, export, selected_graphs, write_atomically
from coopkg.store import BUILD_LOG_SUFFIX, MODEL_GRAPH_BASE, GraphStore

from conftest import DEV_CORPUS, need_shared


@pytest.fixture(scope="module")
def built(tmp_path_factory, vocab, validator):
    store = GraphStore(tmp_path_factory.mktemp("export") / "store")
    build([need_shared(DEV_CORPUS)], store, vocab=vocab, validator=validator)
    return store


def test_same_input_same_bytes(tmp_path, built, vocab, validator):
    again = GraphStore(tmp_path / "again")
    build([DEV_CORPUS], again, vocab=vocab, validator=validator)
    for fmt in FORMATS:
        assert export(built, fmt) == export(again, fmt), fmt


def test_the_same_quads_stored_in_another_order_give_the_same_bytes(tmp_path, built):
    quads = list(built.store)
    for name, order in (("reversed", quads[::-1]), ("shuffled", random.Random(3).sample(quads, len(quads)))):
        other = GraphStore(tmp_path / name)
        for start in range(0, len(order), 5000):  # several loads, as a build makes them
            other.store.bulk_extend(order[start:start + 5000])
        for fmt in FORMATS:
            assert export(other, fmt) == export(built, fmt), (name, fmt)


def test_each_triple_and_each_quad_is_written_once(built):
    graphs = selected_graphs(built)
    stored = {q for g in graphs for q in built.store.quads_for_pattern(None, None, None, g)}
    nq_lines = export(built, "nq").decode().splitlines()
    assert len(nq_lines) == len(set(nq_lines)) == len(stored)
    assert set(ox.parse(export(built, "nq"), format=ox.RdfFormat.N_QUADS)) == stored
    nt_lines = export(built, "nt").decode().splitlines()
    assert len(nt_lines) == len(set(nt_lines)) == len({q.triple for q in stored})
    assert len({q.triple for q in stored}) < len(stored)  # triples repeated across graphs, written once


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_triple_formats_spilled_to_disk_are_the_same_bytes(built, fmt, monkeypatch):
    import coopkg.export as export_module

    in_memory = export(built, fmt)
    monkeypatch.setattr(export_module, "CHUNK_KEYS", 500)  # about 20 sorted runs, merged
    assert export(built, fmt) == in_memory


def test_json_ld_compacted_in_workers_is_the_same_bytes(built, monkeypatch):
    import coopkg.store as store_module

    one_process = export(built, "json-ld")
    monkeypatch.setattr(store_module, "READERS_FROM", 2)  # the dev corpus has fewer graphs than the default
    assert export(built, "json-ld", workers=2) == one_process


def test_quad_formats_write_graph_after_graph_in_iri_order(built):
    order = [q.graph_name.value for q in ox.parse(export(built, "nq"), format=ox.RdfFormat.N_QUADS)]
    runs = [g for i, g in enumerate(order) if i == 0 or g != order[i - 1]]
    assert runs == sorted(set(order)) == [g.value for g in selected_graphs(built)]


def test_model_and_build_log_only_when_asked_for(built):
    def graphs(**kwargs):
        return {q.graph_name.value for q in ox.parse(export(built, "nq", **kwargs), format=ox.RdfFormat.N_QUADS)}

    documents = graphs()
    everything = graphs(model=True, build_log=True)
    assert documents < everything
    assert not any(g.startswith(MODEL_GRAPH_BASE) or g.endswith(BUILD_LOG_SUFFIX) for g in documents)
    assert any(g.endswith(BUILD_LOG_SUFFIX) for g in everything - documents)
    assert any(g.startswith(MODEL_GRAPH_BASE) for g in everything - documents)


def test_triple_formats_parse_back_to_the_same_graph(built):
    turtle = Graph().parse(data=export(built, "turtle").decode(), format="turtle")
    ntriples = Graph().parse(data=export(built, "nt").decode(), format="nt")
    assert len(turtle) > 1000 and isomorphic(turtle, ntriples)


def test_quad_formats_keep_one_graph_per_document(built):
    trig, nquads = Dataset(), Dataset()
    trig.parse(data=export(built, "trig").decode(), format="trig")
    nquads.parse(data=export(built, "nq").decode(), format="nquads")
    names = {str(g.identifier) for g in nquads.graphs() if len(g)}
    assert sum("/graph/" in n for n in names) == 8
    assert len(trig) == len(nquads)


def test_atomic_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out.ttl"

    def fail_half_way(handle):
        handle.write(b"@prefix x: <http://example.org/> .\n")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, fail_half_way)
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_json_ld_is_compact_and_expands_to_the_same_graph(built):
    import json

    from pyld import jsonld

    document = json.loads(export(built, "json-ld"))
    assert "graph" in document and document["@context"]["title"]["@id"] == "dct:title"
    programmes = [n for g in document["graph"] for n in g["graph"] if n.get("type") == "Programme"]
    assert programmes and all("title" in p for p in programmes)
    # pyld and rdflib both read it back to the same quads as the N-Quads export
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    from_pyld, from_nq = Dataset(), Dataset()
    from_pyld.parse(data=nquads, format="nquads")
    from_nq.parse(data=export(built, "nq").decode(), format="nquads")
    assert len(from_pyld) == len(from_nq)
    for graph in from_nq.graphs():
        if len(graph):
            assert isomorphic(graph, from_pyld.graph(graph.identifier)), graph.identifier
    from_rdflib = Dataset()
    from_rdflib.parse(data=export(built, "json-ld").decode(), format="json-ld")
    assert len(from_rdflib) == len(from_nq)
