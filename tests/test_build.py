"""The whole loader on real files: key facts of the seed documents, incremental builds, bad input, atomicity."""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from coopkg.build import build
from coopkg.query import get_saved_query, run_saved_query
from coopkg.store import GraphStore, graph_of

from conftest import DEV_CORPUS, SEEDS, coopkg_command, need_shared


def programmes(store: GraphStore) -> list[dict[str, str]]:
    table = run_saved_query(store, get_saved_query("programmes"))
    return [{v: r[v].value if v in r else "" for v in table.variables} for r in table.rows]


def cell(row: dict, column: str) -> set[str]:
    return {v.strip() for v in row[column].split("|") if v.strip()}


@pytest.fixture
def store(tmp_path):
    return GraphStore(tmp_path / "store")


def test_seed_documents_end_to_end(store, vocab, validator):
    result = build([need_shared(SEEDS)], store, vocab=vocab, validator=validator)
    assert result.ok and len(result.loaded) == 2
    rows = {r["sources"]: r for r in programmes(store)}
    first = rows["000_05ac38870da8c2a8.txt"]
    assert cell(first, "countries") == {"MX"} and cell(first, "subdivisions") == {"MX-OAX", "MX-SLP"}
    assert {"hrba", "gender", "information", "life-security", "justice", "participation", "escer"} <= cell(first, "hr_themes")
    assert first["start_date"] == "" and first["sdgs"] == ""
    second = rows["004_a8232bc22d1522f4.txt"]
    assert second["title"].startswith("EU Policy & Outreach Partnership Technical Assistance Programme")
    assert (second["start_date"], second["end_date"]) == ("2021-05-15", "2025-05-14")
    assert cell(second, "funders") == {"European Union"}
    assert cell(second, "implementers") == {"Organization of Ibero-American States for Education, Science and Culture"}
    assert cell(second, "sdgs") == {"17"} and cell(second, "countries") == {"MX"} and cell(second, "regions") == {"013"}


def test_same_programme_in_two_languages_is_one_row(store, vocab, validator):
    files = [need_shared(DEV_CORPUS) / "000_05ac38870da8c2a8.txt", DEV_CORPUS / "d05_lcs2_es.txt"]
    build(files, store, vocab=vocab, validator=validator)
    rows = programmes(store)
    assert len(rows) == 1
    row = rows[0]
    assert cell(row, "sources") == {"000_05ac38870da8c2a8.txt", "d05_lcs2_es.txt"}
    assert row["title"] == "Social Cohesion II Laboratory"  # the English title wins
    assert cell(row, "funders") == {"European Union", "Government of Mexico"}


def test_build_is_incremental_and_replaces_changed_documents(store, vocab, validator, write_doc):
    doc = write_doc("p.md", "# Water for Peru (2020-2022)\n\n**Date**: 2020-01-01\n\n## Executive Summary\n\n"
                            "Funded by the European Union in Peru. It contributes to SDG 6.\n")
    first = build([doc.parent], store, vocab=vocab, validator=validator)
    quads = len(list(store.store))
    again = build([doc.parent], store, vocab=vocab, validator=validator)
    assert (len(first.loaded), len(again.loaded), len(again.unchanged)) == (1, 0, 1)
    assert len(list(store.store)) > quads  # only the build log grew
    data_quads = len(list(store.store.quads_for_pattern(None, None, None, None)))
    doc.write_text(doc.read_text().replace("SDG 6", "SDG 7"), encoding="utf-8")
    changed = build([doc.parent], store, vocab=vocab, validator=validator)
    assert len(changed.loaded) == 1
    row = programmes(store)[0]
    assert row["sdgs"] == "7"
    assert data_quads > 0


def test_prune_removes_documents_that_are_gone(store, vocab, validator, write_doc):
    a = write_doc("a.md", "# Alpha Programme\n\n## Executive Summary\n\nFunded by the European Union in Chile.\n")
    b = write_doc("b.md", "# Beta Programme\n\n## Executive Summary\n\nFunded by the European Union in Peru.\n")
    build([a, b], store, vocab=vocab, validator=validator)
    b.unlink()
    result = build([a.parent], store, vocab=vocab, validator=validator, prune=True)
    assert result.pruned == ["b.md"]
    assert [r["title"] for r in programmes(store)] == ["Alpha Programme"]


GOOD = "# Good Programme\n\n## Executive Summary\n\nFunded by the European Union in Bolivia.\n"


@pytest.mark.parametrize("name, content, reason", [
    ("empty.md", "", "file is empty"),
    ("binary.md", b"\x00\x01\x02binary", "binary data"),
    ("latin1.md", "# Año\n\n## Resumen\n\nNiños".encode("latin-1"), "not valid UTF-8"),
    ("notitle.txt", "Category: X\n\n\n This text says that things happen, without naming anything.\n", "no programme title"),
    ("backwards.md", "# Backwards Programme\n\n## Executive Summary\n\nIt runs from 2024 to 2025.\n\n## Characteristics\n\n"
                     "- **Project Duration**: From March 1, 2024 to February 28, 2022.\n", "is before the start date"),
    ("ragged.md", "# Ragged Table Programme\n\n## Executive Summary\n\nFunded by the European Union.\n\n## Actors\n\n"
                  "| Category | Actor |\n| --- | --- |\n| Implementing Partners |\n| | GIZ |\n", None),
])
def test_bad_input_is_named_and_the_rest_loads(store, vocab, validator, write_doc, name, content, reason):
    good = write_doc("good.md", GOOD)
    bad = write_doc(name, content)
    result = build([good.parent], store, vocab=vocab, validator=validator)
    assert good in result.loaded
    if reason is None:  # a table with missing cells is not an error: the document loads
        assert bad in result.loaded and result.ok
        return
    [rejection] = result.rejected
    assert rejection.path == bad and any(reason in line for line in rejection.lines())
    assert all(line.startswith(str(bad)) and "\n" not in line for line in rejection.lines())
    assert {r["title"] for r in programmes(store)} == {"Good Programme"}


def test_a_file_that_disappears_during_the_build(store, vocab, validator, write_doc):
    first = write_doc("a.md", GOOD)
    doomed = write_doc("b.md", GOOD.replace("Good", "Doomed"))

    def delete_the_next(path: Path) -> None:
        if path == first:
            doomed.unlink()

    result = build([first.parent], store, vocab=vocab, validator=validator, progress=delete_the_next)
    assert result.loaded == [first]
    assert "disappeared" in result.rejected[0].lines()[0]


def test_contradicting_dates_are_both_kept_with_their_evidence(store, vocab, validator, write_doc):
    a = write_doc("a.md", "# Andes Water Facility (AWF)\n\n## Executive Summary\n\nIt runs from May 2019 to May 2023.\n")
    write_doc("b.md", "# Andes Water Facility (AWF)\n\n## Executive Summary\n\nIt runs from June 2019 to May 2023.\n")
    build([a.parent], store, vocab=vocab, validator=validator)
    rows = list(store.query("""
        PREFIX ck: <https://w3id.org/coopkg/def#> PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?date ?file WHERE { ?p ck:startDate ?date .
          ?fact rdf:subject ?p ; rdf:predicate ck:startDate ; rdf:object ?date .
          ?ann oa:hasBody ?fact ; oa:hasTarget/oa:hasSource/ck:fileName ?file }"""))
    assert sorted((r["date"].value, r["file"].value) for r in rows) == [("2019-05", "a.md"), ("2019-06", "b.md")]
    assert len(programmes(store)) == 1


def test_killed_build_leaves_only_whole_documents(tmp_path, vocab, validator):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(4000):
        (folder / f"doc{i:03d}.md").write_text(
            f"# Programme Number {i}\n\n## Executive Summary\n\nFunded by the European Union and implemented by "
            f"GIZ in Peru and Chile from January 2020 to December 2022. It serves SDG {i % 17 + 1}.\n", encoding="utf-8")
    store_path = tmp_path / "store"
    proc = subprocess.Popen([*coopkg_command(), "build", str(folder), "--store", str(store_path), "--quiet"])
    deadline = time.monotonic() + 120
    while not store_path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(5)  # start-up is about a second; then documents load at several per second
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = GraphStore(store_path)
    documents = store.documents()
    assert 0 < len(documents) < 4000, "the build should have been stopped part-way; raise the document count"
    for name, doc in sorted(documents.items())[:25]:  # SHACL on a sample; the whole-graph checks below on all
        graph = graph_of(store, doc.graph)
        assert validator.validate(graph).conforms, name
        assert len(graph) > 50
    whole = store.query("""PREFIX ck: <https://w3id.org/coopkg/def#> PREFIX dct: <http://purl.org/dc/terms/>
        SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?d a ck:Document ; ck:sha256 ?h .
          ?p a ck:Programme ; dct:title ?t ; ck:statedSdg ?s } }""")
    assert int(next(iter(whole))["n"].value) == len(documents)


def test_cli_exit_codes_and_messages(tmp_path, write_doc):
    good = write_doc("good.md", GOOD)
    write_doc("empty.txt", "")
    store = str(tmp_path / "store")
    run = subprocess.run([*coopkg_command(), "build", str(good.parent), "--store", store], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [f"{good.parent / 'empty.txt'}: file is empty"]
    assert "1 loaded" in run.stdout
    query = subprocess.run([*coopkg_command(), "query", "programmes", "--store", store, "--format", "csv"],
                           capture_output=True, text=True)
    assert query.returncode == 0 and query.stdout.startswith("programme,title,start_date,end_date,funders")
    usage = subprocess.run([*coopkg_command(), "query", "no-such-query", "--store", store], capture_output=True, text=True)
    assert usage.returncode == 2 and "no saved query named 'no-such-query'" in usage.stderr
    assert subprocess.run([*coopkg_command(), "validate", "--store", store], capture_output=True).returncode == 0


def test_stats_count_what_was_built(store, vocab, validator):
    build([need_shared(SEEDS)], store, vocab=vocab, validator=validator)
    info = store.stats()
    assert info["documents"] == 2 and info["last_build"]
    assert info["classes"]["https://w3id.org/coopkg/def#Programme"] == 2
    assert info["organisations_in_roles"] == 2 and info["places_targeted"] == 4  # MX, MX-OAX, MX-SLP, 013
