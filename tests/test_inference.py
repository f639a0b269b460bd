"""Inferred SDGs and human-rights themes in the graph: every programme gets the tagger's inferences from its
documents' whole text, with their own properties, a confidence and cue phrases as evidence, never mixed
with the stated links; the saved queries show them apart."""
from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest

from coopkg.query import get_saved_query, run_saved_query
from coopkg.read import read_document
from endpoint import DEV_CORPUS, dev_store, plain_rows, store_target  # noqa: F401  (fixtures)

from conftest import coopkg_command

ID = "https://w3id.org/coopkg/id/"
LCS = ID + "programme/lcs-ii"
PREFIXES = """PREFIX ck: <https://w3id.org/coopkg/def#> PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> """


def select(store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT on the store's union graph, as {variable: value} (unbound variables left out)."""
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def code(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def cell(row: dict, column: str) -> set[str]:
    return {v for v in row.get(column, "").split(" | ") if v}


def saved(store_target, name: str, **params) -> list[dict[str, str]]:
    return plain_rows(run_saved_query(store_target, get_saved_query(name), params))


def test_social_cohesion_laboratory_ii_gets_inferred_goals(dev_store):
    """Both LCS II pages (English and Spanish) describe health, gender and justice work without naming an SDG."""
    rows = select(dev_store, f"SELECT ?sdg ?doc WHERE {{ <{LCS}> ck:inferredSdg ?sdg . ?sdg a sdgo:Goal . "
                             f"?i a ck:Inference ; rdf:subject <{LCS}> ; rdf:object ?sdg ; prov:wasDerivedFrom ?doc }}")
    assert {"3", "5", "16"} <= {code(r["sdg"]) for r in rows}
    assert not select(dev_store, f"SELECT ?sdg WHERE {{ <{LCS}> ck:statedSdg ?sdg }}")  # the documents state none
    by_doc = {(code(r["doc"]), code(r["sdg"])) for r in rows}
    for doc in ("000-05ac38870da8c2a8-txt", "d05-lcs2-es-txt"):  # each document's own tagger run
        assert {(doc, g) for g in ("3", "5", "16")} <= by_doc


def test_every_inference_has_one_confidence_between_0_and_1(dev_store):
    rows = select(dev_store, "SELECT ?i (COUNT(?c) AS ?n) (SAMPLE(?c) AS ?confidence) "
                             "WHERE { ?i a ck:Inference OPTIONAL { ?i ck:confidence ?c } } GROUP BY ?i")
    assert len(rows) > 50
    for r in rows:
        assert r["n"] == "1", r
        assert Decimal("0") < Decimal(r["confidence"]) < Decimal("1"), r


def test_every_cue_points_at_its_phrase_in_the_document(dev_store):
    rows = select(dev_store, """SELECT ?file ?exact ?start ?end ?weight WHERE {
        ?i a ck:Inference . ?a oa:hasBody ?i ; oa:hasTarget ?t ; ck:extractionRule "tagger:cue" ; ck:cueWeight ?weight ;
           oa:motivatedBy oa:classifying .
        ?t oa:hasSource ?doc . ?doc ck:fileName ?file .
        ?t oa:hasSelector ?q , ?p . ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }""")
    assert len(rows) > 100
    texts = {f: read_document(DEV_CORPUS / f).text for f in {r["file"] for r in rows}}
    for r in rows:
        assert texts[r["file"]][int(r["start"]):int(r["end"])] == r["exact"], r
        assert Decimal(r["weight"]) > 0
    # and every inference has at least one cue
    assert not select(dev_store, "SELECT ?i WHERE { ?i a ck:Inference FILTER NOT EXISTS { ?a oa:hasBody ?i } }")


def test_inferred_links_are_never_stated_links(dev_store):
    # an inference only ever links with the inferred properties ...
    predicates = {r["p"] for r in select(dev_store, "SELECT DISTINCT ?p WHERE { ?i a ck:Inference ; rdf:predicate ?p }")}
    assert predicates == {"https://w3id.org/coopkg/def#inferredSdg", "https://w3id.org/coopkg/def#inferredHrTheme"}
    # ... a stated link is never backed by the tagger's cues ...
    assert not select(dev_store, """SELECT ?f WHERE { ?a oa:hasBody ?f ; ck:extractionRule "tagger:cue" .
                                     ?f rdf:predicate ?p FILTER (?p IN (ck:statedSdg, ck:hrTheme)) }""")
    # ... and every stated link has evidence of its own, read by a rule that is not the tagger's
    unbacked = select(dev_store, """SELECT ?s ?p ?o WHERE {
        VALUES ?p { ck:statedSdg ck:hrTheme } ?s ?p ?o .
        FILTER NOT EXISTS { ?f a ck:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                            FILTER NOT EXISTS { ?f a ck:Inference }
                            ?a oa:hasBody ?f ; ck:extractionRule ?rule FILTER (?rule != "tagger:cue") } }""")
    assert unbacked == []


def test_programmes_query_shows_inferred_columns_apart(store_target):
    rows = {code(r["programme"]): r for r in saved(store_target, "programmes")}
    lcs = rows["lcs-ii"]
    assert cell(lcs, "sdgs") == set() and cell(lcs, "sdg_targets") == set()  # stated only, and LCS II states none
    assert {"3", "5", "16"} <= cell(lcs, "sdgs_inferred")
    for row in rows.values():
        # a goal of an inferred target is an inferred goal
        assert {t.split(".")[0] for t in cell(row, "targets_inferred")} <= cell(row, "sdgs_inferred")
    assert any(cell(r, "hr_themes_inferred") for r in rows.values())
    header = run_saved_query(store_target, get_saved_query("programmes")).variables
    assert header[:12] == ["programme", "title", "start_date", "end_date", "funders", "implementers", "countries",
                           "subdivisions", "regions", "sdgs", "hr_themes", "sources"]  # the contract, unchanged
    assert {"sdgs_inferred", "targets_inferred", "hr_themes_inferred"} <= set(header)


def test_programmes_by_sdg_can_leave_inferred_only_programmes_out(store_target):
    both = {code(r["programme"]): r for r in saved(store_target, "programmes-by-sdg", sdg="3")}
    assert "lcs-ii" in both and both["lcs-ii"].get("stated_sdgs", "") == "" and "3" in cell(both["lcs-ii"], "inferred_sdgs")
    stated = {code(r["programme"]) for r in saved(store_target, "programmes-by-sdg", sdg="3", includeInferred="false")}
    assert "lcs-ii" not in stated
    assert stated == {p for p, r in both.items() if r.get("stated_sdgs")}


def test_evidence_query_gives_confidence_and_cue_weights(store_target):
    rows = [r for r in saved(store_target, "evidence", resource="LCS II") if r["rule"] == "tagger:cue"]
    assert rows and all(r["predicate"].endswith(("#inferredSdg", "#inferredHrTheme")) for r in rows)
    assert all(0 < float(r["confidence"]) < 1 and float(r["weight"]) > 0 for r in rows)
    stated = [r for r in saved(store_target, "evidence", resource="LCS II") if r["rule"] != "tagger:cue"]
    assert stated and all("confidence" not in r and "weight" not in r for r in stated)


def test_the_tagger_is_built_once_per_vocabulary(vocab):
    assert vocab.tagger is vocab.tagger


def test_same_documents_same_nquads(tmp_path):
    """Inferences included, two builds of the dev corpus export the same bytes."""
    if not DEV_CORPUS.exists():
        pytest.skip(f"{DEV_CORPUS} is not here")
    dumps = []
    for n in (1, 2):
        store = tmp_path / f"store{n}"
        subprocess.run([*coopkg_command(), "build", str(DEV_CORPUS), "--store", str(store), "--quiet"], check=True)
        dumps.append(subprocess.run([*coopkg_command(), "export", "--format", "nq", "--store", str(store)],
                                    check=True, capture_output=True).stdout)
    assert dumps[0] == dumps[1] and b"#inferredSdg>" in dumps[0] and b"#confidence>" in dumps[0]
