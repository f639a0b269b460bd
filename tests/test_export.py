"""Exports: every format parses back to the same graph, and the same input gives the same bytes."""
from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from coopkg.build import build
from coopkg.export import FORMATS, export, write_atomically
from coopkg.store import GraphStore

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
