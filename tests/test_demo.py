"""The sample corpus `make demo` builds from (data/documents/): every document loads, conforms, and together
they show both shapes, both languages and one programme merged from two documents."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from coopkg.build import build
from coopkg.query import get_saved_query, run_saved_query
from coopkg.read import SUMMARY, WEBPAGE, iter_document_paths, read_document
from coopkg.store import GraphStore
from coopkg.validate import validate_store

DOCUMENTS = Path(__file__).resolve().parents[1] / "data" / "documents"
#: The programme described twice: an English summary and a Spanish web page.
MERGED = {"euroclima_plus_en.md", "euroclima_plus_es.txt"}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, vocab, validator):
    store = GraphStore(tmp_path_factory.mktemp("demo") / "store")
    result = build([DOCUMENTS], store, vocab=vocab, validator=validator)
    return store, result


def programme_rows(store: GraphStore) -> list[dict[str, str]]:
    table = run_saved_query(store, get_saved_query("programmes"))
    return [{v: r[v].value if v in r else "" for v in table.variables} for r in table.rows]


def cell(row: dict, column: str) -> set[str]:
    return {v.strip() for v in row[column].split("|") if v.strip()}


def test_corpus_has_both_shapes_and_both_languages():
    paths = iter_document_paths([DOCUMENTS])
    assert len(paths) >= 14
    docs = [read_document(p) for p in paths]
    shapes = Counter(d.shape for d in docs)
    languages = Counter(d.language for d in docs)
    assert shapes[SUMMARY] >= 3 and shapes[WEBPAGE] >= 3, shapes
    assert languages["en"] >= 3 and languages["es"] >= 3, languages
    # every combination of shape and language occurs
    assert {(d.shape, d.language) for d in docs} == {(s, lang) for s in (SUMMARY, WEBPAGE) for lang in ("en", "es")}
    # the file name says the language; keep it honest
    for d in docs:
        suffix = d.path.stem.rsplit("_", 1)[-1]
        assert suffix == d.language, f"{d.name} reads as {d.language}"


def test_every_document_builds_without_rejections(demo_store):
    store, result = demo_store
    assert [line for r in result.rejected for line in r.lines()] == []
    assert len(result.loaded) == len(iter_document_paths([DOCUMENTS]))


def test_every_document_graph_conforms(demo_store, validator):
    store, _ = demo_store
    reports = validate_store(store, validator)
    assert len(reports) == len(iter_document_paths([DOCUMENTS]))
    failing = {name: [v.line() for v in r.violations] for name, r in reports.items() if not r.conforms}
    assert failing == {}


def test_programme_described_twice_is_one_row_with_two_sources(demo_store):
    store, _ = demo_store
    rows = programme_rows(store)
    merged = [r for r in rows if cell(r, "sources") & MERGED]
    assert len(merged) == 1
    row = merged[0]
    assert cell(row, "sources") == MERGED
    assert row["title"].startswith("EUROCLIMA+")  # the English title wins
    assert "European Union" in cell(row, "funders")
    assert "13" in cell(row, "sdgs")
    # one row per programme: 15 documents, 14 programmes
    assert len(rows) == len(iter_document_paths([DOCUMENTS])) - 1


def test_corpus_spans_actors_places_sdgs_and_rights(demo_store):
    store, _ = demo_store
    rows = programme_rows(store)
    union = lambda column: set().union(*(cell(r, column) for r in rows))  # noqa: E731
    assert len(union("implementers")) >= 10
    assert {"MX", "CO"} <= union("countries")
    assert {"MX-OAX", "CO-NSA"} <= union("subdivisions")
    assert {"419", "013"} <= union("regions")
    assert len(union("sdgs")) >= 8
    assert {"gender", "migrants", "gbv"} <= union("hr_themes")
    assert all(r["funders"] for r in rows), [r["title"] for r in rows if not r["funders"]]
