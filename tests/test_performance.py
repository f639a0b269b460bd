"""The performance work changes nothing observable: the fast conformance check agrees with pyshacl, a build
with worker processes stores what a build in one process stores, and whole-store validation is the
validation of each graph."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

import coopkg.build as build_module
import coopkg.export as export_module
from coopkg.build import ProgrammeResolver, build
from coopkg.extract import extract
from coopkg.map import Minter, map_document, map_document_triples, triples_graph
from coopkg.read import iter_document_paths, read_document
from coopkg.store import GraphStore, graph_of, triples_of
from coopkg.validate import validate_store

from conftest import quads_without_build_log

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(REPO / "benchmarks"))


def document_triples(vocab, folders):
    mint = Minter()
    resolver = ProgrammeResolver(mint)
    out = []
    for path in iter_document_paths(folders):
        doc = read_document(path)
        facts = extract(doc, vocab)
        out.append(map_document_triples(doc, facts, resolver.resolve(facts), mint))
    return out


def test_map_document_is_its_triples(vocab):
    path = REPO / "data" / "documents" / "bella_en.md"
    doc = read_document(path)
    facts = extract(doc, vocab)
    iri = URIRef("https://w3id.org/coopkg/id/programme/bella")
    graph = map_document(doc, facts, iri, Minter())
    triples = map_document_triples(doc, facts, iri, Minter())
    assert len(triples) == len(set(triples)) == len(graph) and set(graph) == set(triples)


def test_fast_check_agrees_with_pyshacl_on_documents_and_faulty_graphs(vocab, validator):
    graphs = [triples_graph(t) for t in document_triples(vocab, [REPO / "data" / "documents"])]
    graphs += [Graph().parse(p) for p in sorted((FIXTURES / "faulty").glob("*.ttl"))]
    graphs.append(Graph().parse(FIXTURES / "conforming.ttl"))
    check = validator.conformance_check()
    assert check is not None, "the shapes should compile for the fast check"
    for graph in graphs:
        fast = validator.validate(graph)
        slow = validator.validate_with_pyshacl(graph)
        assert (fast.conforms, fast.violations) == (slow.conforms, slow.violations)
    assert validator.fast_hits >= len(list((REPO / "data" / "documents").iterdir()))


def test_fast_check_never_passes_a_graph_pyshacl_fails(vocab, validator):
    """Random damage to real document graphs: whenever the fast check says "conforms", pyshacl agrees."""
    docs = document_triples(vocab, [REPO / "data" / "documents"])
    objects = [t[2] for d in docs for t in d]
    predicates = sorted({t[1] for d in docs for t in d})
    places = [URIRef(iri) for iri in list(vocab.places)[:20]] + [URIRef(iri) for iri in list(vocab.organisations)[:20]]
    rng = random.Random(7)
    check = validator.conformance_check()
    agreed = 0
    for _ in range(60):
        triples = list(rng.choice(docs))
        for _ in range(rng.choice((1, 2))):
            i = rng.randrange(len(triples))
            s, p, o = triples[i]
            kind = rng.randrange(7)
            if kind == 0:
                del triples[i]
            elif kind == 1:
                triples[i] = (s, p, rng.choice(objects))
            elif kind == 2 and isinstance(o, Literal):
                triples[i] = (s, p, Literal(str(o), datatype=rng.choice([None, XSD.string, XSD.integer, XSD.gYear])))
            elif kind == 3 and isinstance(o, Literal):
                triples[i] = (s, p, Literal(str(o), lang=rng.choice(["en", "fr", None])))
            elif kind == 4:
                triples.append((s, p, rng.choice(objects)))
            elif kind == 5:
                triples[i] = (s, rng.choice(predicates), o)
            else:
                triples[i] = (s, p, rng.choice(places + [BNode()]))
        fast = check.conforms(triples, validator.context_index(), validator._schema)
        if fast:
            assert validator.validate_with_pyshacl(triples_graph(triples)).conforms
            agreed += 1
    assert agreed > 0


def outcome(result) -> dict:
    return {"loaded": [p.name for p in result.loaded], "unchanged": [p.name for p in result.unchanged],
            "rejected": [line for r in result.rejected for line in r.lines()], "warnings": result.warnings,
            "pruned": result.pruned}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Generated documents, real ones, broken ones, and a programme described twice under two acronyms
    (the second document's IRI is not the one a worker guesses: the build maps it again)."""
    from generate import generate

    folder = tmp_path_factory.mktemp("corpus")
    generate(40, folder / "generated", seed=3)
    for path in sorted((REPO / "data" / "documents").iterdir())[:6]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "a_first.md").write_text("# Andean Water Facility\n\n## Executive Summary\n\nThe Andean Water "
                                       "Facility (AWF) is funded by the European Union in Peru.\n", encoding="utf-8")
    (folder / "b_second.md").write_text("# Andean Water Facility\n\n## Executive Summary\n\nIt is funded by the "
                                        "European Union in Bolivia.\n", encoding="utf-8")
    (folder / "empty.md").write_text("", encoding="utf-8")
    (folder / "backwards.md").write_text(
        "# Backwards Programme\n\n## Executive Summary\n\nIt runs from 2024 to 2025.\n\n## Characteristics\n\n"
        "- **Project Duration**: From March 1, 2024 to February 28, 2022.\n", encoding="utf-8")
    return folder


def test_build_with_workers_stores_the_same(corpus, tmp_path, vocab, validator, monkeypatch):
    serial = GraphStore(tmp_path / "serial")
    first = build([corpus], serial, vocab=vocab, validator=validator, workers=1)
    monkeypatch.setattr(build_module, "PARALLEL_AFTER", 0)
    parallel = GraphStore(tmp_path / "parallel")
    second = build([corpus], parallel, vocab=vocab, validator=validator, workers=2)
    assert second.timings["workers"] == 2
    assert outcome(first) == outcome(second)
    assert quads_without_build_log(serial) == quads_without_build_log(parallel)
    assert any("does not conform" in line for line in outcome(second)["rejected"])
    # the programme named twice is one programme, with the IRI of its first document
    rows = list(parallel.query("SELECT DISTINCT ?p WHERE { ?p <http://purl.org/dc/terms/title> ?t "
                               "FILTER (STRSTARTS(STR(?t), 'Andean Water')) }"))
    assert [r["p"].value for r in rows] == ["https://w3id.org/coopkg/id/programme/awf"]
    # and incrementally: one changed document, the rest unchanged, the same either way
    changed = next((corpus / "generated").rglob("*.md"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nIt also contributes to SDG 4.\n", encoding="utf-8")
    again_serial = build([corpus], serial, vocab=vocab, validator=validator, workers=1)
    again_parallel = build([corpus], parallel, vocab=vocab, validator=validator, workers=2)
    assert outcome(again_serial) == outcome(again_parallel)
    assert [p.name for p in again_parallel.loaded] == [changed.name]
    assert quads_without_build_log(serial) == quads_without_build_log(parallel)


@pytest.fixture(scope="module")
def small_store(tmp_path_factory, vocab, validator):
    store = GraphStore(tmp_path_factory.mktemp("exports") / "store")
    build([REPO / "data" / "documents"], store, vocab=vocab, validator=validator)
    return store


def test_json_ld_of_one_graph_and_of_none(tmp_path, vocab, validator):
    store = GraphStore(tmp_path / "one")
    build([REPO / "data" / "documents" / "bella_en.md"], store, vocab=vocab, validator=validator)
    graphs = export_module.selected_graphs(store)
    quads = [q for g in graphs for q in store.store.quads_for_pattern(None, None, None, g)]
    assert export_module.export(store, "json-ld") == export_module.compact_json_ld(quads)
    document = json.loads(export_module.export(store, "json-ld"))
    assert "graph" in document
    empty = GraphStore(tmp_path / "empty")
    assert json.loads(export_module.export(empty, "json-ld")) == json.loads(export_module.compact_json_ld([]))


def test_validate_store_is_validate_of_each_graph(small_store, validator):
    reports = validate_store(small_store, validator)
    for name, doc in small_store.documents().items():
        graph = graph_of(small_store, doc.graph)
        assert set(graph) == set(triples_of(small_store, doc.graph))
        expected = validator.validate_with_pyshacl(graph)
        assert (reports[name].conforms, reports[name].violations) == (expected.conforms, expected.violations)


def test_validate_store_in_workers_is_validate_in_one_process(tmp_path, vocab, validator, monkeypatch):
    import coopkg.store as store_module

    store = GraphStore(tmp_path / "store")
    build([REPO / "data" / "documents"], store, vocab=vocab, validator=validator)
    docs = store.documents()
    # one stored graph made non-conforming behind the build's back: its programme loses its title
    broken = sorted(docs)[0]
    triples = [t for t in triples_of(store, docs[broken].graph)
               if not (str(t[1]) == "http://purl.org/dc/terms/title" and "/programme/" in str(t[0]))]
    store.replace_graph(docs[broken].graph, triples_graph(triples))
    monkeypatch.setattr(store_module, "READERS_FROM", 2)  # the sample documents are fewer than the default
    in_workers = []
    real = store_module.map_in_readers

    def spy(*args, **kwargs):
        in_workers.append(dict(real(*args, **kwargs)))
        return iter(in_workers[-1].items())

    monkeypatch.setattr(store_module, "map_in_readers", spy)
    serial = validate_store(store, validator, workers=1)
    parallel = validate_store(store, validator, workers=2)
    assert list(parallel) == list(serial) == sorted(docs)
    assert {n: (r.conforms, r.violations) for n, r in parallel.items()} == \
        {n: (r.conforms, r.violations) for n, r in serial.items()}
    assert [n for n, r in parallel.items() if not r.conforms] == [broken]
    assert len(parallel[broken].graph) > 0
    assert len(in_workers) == 1 and in_workers[0][broken] is False and sum(in_workers[0].values()) == len(docs) - 1
