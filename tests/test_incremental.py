"""Incremental builds: rejected documents remembered in the build log, programmes looked up by name."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from coopkg import build as build_module
from coopkg.build import ProgrammeResolver, build, stored_programme_names
from coopkg.buildlog import pipeline_fingerprint
from coopkg.map import Minter
from coopkg.store import GraphStore
from coopkg.text import normal_key
from coopkg.vocabulary import Vocabulary

from conftest import DEV_CORPUS, coopkg_command, need_shared, quads_without_build_log

GOOD = "# Good Programme\n\n## Executive Summary\n\nFunded by the European Union in Bolivia.\n"
BACKWARDS = ("# Backwards Programme (BWP)\n\n## Executive Summary\n\nIt runs from 2024 to 2025.\n\n## Characteristics\n\n"
             "- **Project Duration**: From March 1, 2024 to February 28, 2022.\n")


def lines(result) -> list[str]:
    return [line for r in result.rejected for line in r.lines()] + result.warnings


@pytest.fixture
def store(tmp_path):
    return GraphStore(tmp_path / "store")


def test_an_unchanged_rejected_document_is_reported_again_without_being_read(store, vocab, validator, write_doc):
    good = write_doc("good.md", GOOD)
    backwards = write_doc("backwards.md", BACKWARDS)
    empty = write_doc("empty.md", "  \n")
    first = build([good.parent], store, vocab=vocab, validator=validator)
    assert [r.path for r in first.rejected] == [backwards, empty] and first.remembered == []
    again = build([good.parent], store, vocab=vocab, validator=validator)
    assert lines(again) == lines(first)  # the same messages, from the build log
    assert again.remembered == [backwards, empty] and again.unchanged == [good]
    assert "extract" not in again.timings and "validate" not in again.timings  # nothing was read


def test_a_rejected_document_is_read_again_once_it_changes(store, vocab, validator, write_doc):
    backwards = write_doc("backwards.md", BACKWARDS)
    assert not build([backwards], store, vocab=vocab, validator=validator).ok
    backwards.write_text(BACKWARDS.replace("February 28, 2022", "February 28, 2026"), encoding="utf-8")
    fixed = build([backwards], store, vocab=vocab, validator=validator)
    assert fixed.ok and fixed.loaded == [backwards] and fixed.remembered == []
    backwards.write_text(BACKWARDS, encoding="utf-8")  # broken again: rejected, the stored version kept
    broken = build([backwards], store, vocab=vocab, validator=validator)
    assert broken.remembered == [] and "is before the start date" in lines(broken)[0]
    assert store.documents()["backwards.md"].sha256 != ""


def test_a_rejection_is_forgotten_when_its_file_is_no_longer_given(store, vocab, validator, write_doc):
    good = write_doc("good.md", GOOD)
    backwards = write_doc("backwards.md", BACKWARDS)
    build([good, backwards], store, vocab=vocab, validator=validator)
    assert build([good], store, vocab=vocab, validator=validator).ok
    assert build([good, backwards], store, vocab=vocab, validator=validator).remembered == []


def test_an_internal_error_is_not_remembered(store, vocab, validator, write_doc, monkeypatch):
    good = write_doc("good.md", GOOD)

    def broken_extract(doc, vocab):
        raise RuntimeError("a bug")

    monkeypatch.setattr(build_module, "extract", broken_extract)
    assert "internal error" in lines(build([good], store, vocab=vocab, validator=validator, workers=1))[0]
    monkeypatch.undo()
    assert build([good], store, vocab=vocab, validator=validator).loaded == [good]


def test_rejections_are_remembered_only_for_the_same_pipeline(store, vocab, validator, write_doc):
    backwards = write_doc("backwards.md", BACKWARDS)
    build([backwards], store, vocab=vocab, validator=validator)
    other_base = "https://example.org/kg/"
    assert pipeline_fingerprint(other_base, vocab, validator) != pipeline_fingerprint(build_module.DEFAULT_BASE, vocab, validator)
    elsewhere = build([backwards], store, base=other_base, vocab=vocab, validator=validator)
    assert elsewhere.remembered == [] and not elsewhere.ok
    # a vocabulary that is not made of files cannot be fingerprinted: nothing is remembered
    in_memory = Vocabulary(vocab.graph)
    assert pipeline_fingerprint(build_module.DEFAULT_BASE, in_memory) is None
    assert build([backwards], store, vocab=in_memory, validator=validator).remembered == []


def readme_rejections_query() -> str:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    return text.split("Rejections are remembered.", 1)[1].split("```sparql\n", 1)[1].split("```", 1)[0]


def test_the_build_log_lists_what_the_last_build_rejected_and_why(store, vocab, validator, write_doc):
    """With the README's query: after two builds (the second remembering), the rejection is listed once."""
    write_doc("good.md", GOOD)
    backwards = write_doc("backwards.md", BACKWARDS)
    build([backwards.parent], store, vocab=vocab, validator=validator)
    build([backwards.parent], store, vocab=vocab, validator=validator)
    rows = list(store.query(readme_rejections_query()))
    assert [(r["file"].value, "is before the start date" in r["reason"].value) for r in rows] == [("backwards.md", True)]
    backwards.unlink()
    build([store.path.parent / "docs"], store, vocab=vocab, validator=validator)
    assert list(store.query(readme_rejections_query())) == []


def test_the_cli_reports_remembered_rejections_and_fails_again(tmp_path, write_doc):
    write_doc("good.md", GOOD)
    backwards = write_doc("backwards.md", BACKWARDS)
    command = [*coopkg_command(), "build", str(backwards.parent), "--store", str(tmp_path / "store")]
    first = subprocess.run(command, capture_output=True, text=True)
    again = subprocess.run(command, capture_output=True, text=True)
    assert first.returncode == again.returncode == 1
    assert first.stderr == again.stderr and "is before the start date" in again.stderr
    assert "0 loaded, 1 unchanged, 1 rejected" in again.stdout


def test_a_rejected_document_names_no_programme_for_the_next(store, vocab, validator, write_doc):
    """A document kept out of the store leaves the others as they would be without it, so that a build
    that remembers its rejection (and does not read it) stores the same as one that reads it."""
    write_doc("a.md", BACKWARDS)
    write_doc("b.md", "# Backwards Programme\n\n## Executive Summary\n\nFunded by the European Union in Chile.\n")
    result = build([store.path.parent / "docs"], store, vocab=vocab, validator=validator)
    assert len(result.rejected) == 1
    [row] = store.query("SELECT ?p WHERE { ?p a <https://w3id.org/coopkg/def#Programme> }")
    assert row["p"].value == "https://w3id.org/coopkg/id/programme/backwards-programme"  # not a.md's "bwp"
    alone = GraphStore(store.path.parent / "alone")
    build([store.path.parent / "docs" / "b.md"], alone, vocab=vocab, validator=validator)
    assert quads_without_build_log(alone) == quads_without_build_log(store)


TRICKY_NAMES = ["Camões, I.P. Partnership", "EUROsociAL+", "Ñandú – Río Programme", "Women's Rights Facility",
                "ALIANZA_DIGITAL", "Programa 2030: Agua y Saneamiento", "Ärzte ohne Grenzen Support"]


def test_programmes_are_looked_up_by_key_as_if_every_name_were_read(store, vocab, validator, write_doc):
    for i, name in enumerate(TRICKY_NAMES):
        write_doc(f"{i}.md", f"# {name}\n\n## Executive Summary\n\nFunded by the European Union in Peru.\n")
    build([store.path.parent / "docs"], store, vocab=vocab, validator=validator)
    everything = stored_programme_names(store)
    assert len(set(everything.values())) == len(TRICKY_NAMES)
    for key, iri in everything.items():
        assert stored_programme_names(store, [key, "no such programme"]) == {key: iri}
    # names written differently, with the same key, are found by it
    for variant in ["CAMOES, I. P. partnership", "EUROSOCIAL+", "nandu rio programme", "WOMEN S rights facility",
                    "arzte-ohne-grenzen support"]:
        key = normal_key(variant)
        assert key in everything and stored_programme_names(store, [key]) == {key: everything[key]}


def test_lookups_and_loading_every_name_give_the_same_store(tmp_path, vocab, validator, monkeypatch):
    """Half the development corpus first, then all of it: the second build's programmes are found in the
    store by lookups (few documents) or by reading every name (many); the IRIs must not depend on which."""
    files = sorted(p for p in need_shared(DEV_CORPUS).iterdir() if p.suffix in (".md", ".txt"))
    stores = []
    for lookups in (ProgrammeResolver.LOOKUPS_BEFORE_LOADING, 0):
        monkeypatch.setattr(ProgrammeResolver, "LOOKUPS_BEFORE_LOADING", lookups)
        store = GraphStore(tmp_path / f"store-{lookups}")
        build(files[::2], store, vocab=vocab, validator=validator, workers=1)
        build(files, store, vocab=vocab, validator=validator, workers=1)
        stores.append(store)
    assert quads_without_build_log(stores[0]) == quads_without_build_log(stores[1])
    resolver = ProgrammeResolver.from_store(stores[0], Minter())
    assert resolver.lookup(["social cohesion ii laboratory"], "unused") == \
        resolver.lookup(["social cohesion ii laboratory"], "other")  # found in the store, not minted


def test_workers_that_cannot_load_the_model_fail_the_build_instead_of_hanging(store, write_doc, monkeypatch):
    """Forked workers make their pipelines themselves, as the build starts; an error there reaches the build."""
    good = write_doc("good.md", GOOD)

    def broken_load(cls, paths=None):
        raise ValueError("ontology/coopkg.ttl: not valid Turtle: a test")

    monkeypatch.setattr(Vocabulary, "load", classmethod(broken_load))
    with pytest.raises(ValueError, match="not valid Turtle"):
        build([good], store, workers=2)
