"""ontology/sdgs.ttl against the UN's own SDG knowledge organisation system.

The UN file (../shared/vocab/un-sdg-kos.ttl) is a test fixture, never shipped: we only
check that every goal and target coopkg names exists there with the same type, notation
and parent, and that nothing the UN lists is missing from ours.

How the UN file states notations: every goal and target has TWO skos:notation values,
both typed literals -- a zero-padded one typed sdgo:SDGCode ("05", "01.0a", "16.10")
and the usual form typed sdgo:SDGCodeCompact ("5", "1.a", "16.10").  coopkg gives one
notation, the compact form, with the same datatype, so the two RDF terms are equal.
"""
from __future__ import annotations

import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

REPO = Path(__file__).resolve().parents[1]
SDGS_TTL = REPO / "ontology" / "sdgs.ttl"
SCRIPT = REPO / "scripts" / "build_sdg_vocab.py"
UN_TTL = REPO.parent / "shared" / "vocab" / "un-sdg-kos.ttl"

SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
SCHEME = URIRef("https://w3id.org/coopkg/voc/sdg")


@lru_cache(maxsize=None)
def _load(path: Path) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def ours() -> Graph:
    return _load(SDGS_TTL)


@pytest.fixture(scope="module")
def un() -> Graph:
    if not UN_TTL.is_file():
        pytest.skip(f"UN SDG KOS fixture not found at {UN_TTL} (see shared/vocab/README.md)")
    return _load(UN_TTL)


def _of_type(g: Graph, cls: URIRef) -> set[URIRef]:
    return set(g.subjects(RDF.type, cls))


def _code(iri: URIRef) -> str:
    return str(iri)[len(str(SDG)):]


def _compact_notation(g: Graph, iri: URIRef) -> Literal:
    values = [n for n in g.objects(iri, SKOS.notation) if n.datatype == SDGO.SDGCodeCompact]
    assert len(values) == 1, f"{iri}: expected one sdgo:SDGCodeCompact notation, got {values}"
    return values[0]


# --- counts ---------------------------------------------------------------------------

def test_17_goals_and_169_targets(ours):
    assert len(_of_type(ours, SDGO.Goal)) == 17
    assert len(_of_type(ours, SDGO.Target)) == 169
    assert _of_type(ours, SDGO.Goal) | _of_type(ours, SDGO.Target) <= _of_type(ours, SKOS.Concept)


def test_scheme(ours):
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in ours
    titles = {t.language for t in ours.objects(SCHEME, SKOS.prefLabel)} | {
        t.language for t in ours.objects(SCHEME, URIRef("http://purl.org/dc/terms/title"))}
    assert {"en", "es"} <= titles
    assert set(ours.objects(SCHEME, SKOS.hasTopConcept)) == _of_type(ours, SDGO.Goal)
    for concept in _of_type(ours, SKOS.Concept):
        assert (concept, SKOS.inScheme, SCHEME) in ours, concept
    for goal in _of_type(ours, SDGO.Goal):
        assert (goal, SKOS.topConceptOf, SCHEME) in ours, goal


# --- agreement with the UN file -------------------------------------------------------

@pytest.mark.parametrize("cls", [SDGO.Goal, SDGO.Target], ids=["goal", "target"])
def test_same_iris_and_types_as_un(ours, un, cls):
    mine, theirs = _of_type(ours, cls), _of_type(un, cls)
    assert not mine - theirs, f"not {cls} in the UN file: {sorted(mine - theirs)}"
    assert not theirs - mine, f"missing from sdgs.ttl: {sorted(theirs - mine)}"


def test_notations_match_un(ours, un):
    for concept in _of_type(ours, SDGO.Goal) | _of_type(ours, SDGO.Target):
        notations = list(ours.objects(concept, SKOS.notation))
        assert len(notations) == 1, f"{concept}: {notations}"
        assert notations[0] == _compact_notation(un, concept), concept
        # and the compact notation is simply the code in the IRI
        assert str(notations[0]) == _code(concept)


def test_target_parents(ours, un):
    for target in _of_type(ours, SDGO.Target):
        goal = SDG[_code(target).split(".")[0]]
        assert set(ours.objects(target, SKOS.broader)) == {goal}, target
        assert (goal, SKOS.narrower, target) in ours, target
        assert set(un.objects(target, SKOS.broader)) == {goal}, f"UN broader of {target}"
        assert set(un.objects(target, SDGO.isTargetOf)) == {goal}, f"UN isTargetOf of {target}"
    for goal in _of_type(ours, SDGO.Goal):
        assert set(ours.objects(goal, SKOS.broader)) == set(), goal
        assert set(ours.objects(goal, SKOS.narrower)) == set(un.objects(goal, SDGO.hasTarget)), goal


# --- labels -----------------------------------------------------------------------------

def test_goal_labels(ours):
    for goal in _of_type(ours, SDGO.Goal):
        n = _code(goal)
        pref = list(ours.objects(goal, SKOS.prefLabel))
        assert sorted(p.language for p in pref) == ["en", "es"], goal
        alts = set(ours.objects(goal, SKOS.altLabel))
        for label, lang in ((f"SDG {n}", "en"), (f"SDG{n}", "en"), (f"Goal {n}", "en"),
                            (f"ODS {n}", "es"), (f"ODS{n}", "es"), (f"Objetivo {n}", "es")):
            assert Literal(label, lang=lang) in alts, (goal, label)
        assert not alts & set(pref), f"{goal}: a label is both preferred and alternative"
        assert [d.language for d in ours.objects(goal, SKOS.definition)] == ["en"], goal


def test_target_labels(ours):
    for target in _of_type(ours, SDGO.Target):
        code = _code(target)
        pref = set(ours.objects(target, SKOS.prefLabel))
        assert pref == {Literal(f"Target {code}", lang="en"), Literal(f"Meta {code}", lang="es")}
        alts = set(ours.objects(target, SKOS.altLabel))
        assert {Literal(f"SDG target {code}", lang="en"),
                Literal(f"meta {code} de los ODS", lang="es")} <= alts


def test_no_un_target_text(ours, un):
    """Our definitions are our own words, never the UN's target or goal texts."""
    un_texts = {str(o).strip().lower() for o in un.objects(None, SKOS.prefLabel)}
    for s, d in ours.subject_objects(SKOS.definition):
        assert str(d).strip().lower() not in un_texts, s


# --- generation -------------------------------------------------------------------------

def test_generated_header():
    head = SDGS_TTL.read_text(encoding="utf-8").splitlines()[0:3]
    assert head[0].startswith("#") and "DO NOT EDIT" in head[0].upper()
    assert any("scripts/build_sdg_vocab.py" in line for line in head)


def test_script_reproduces_file(tmp_path):
    out = tmp_path / "sdgs.ttl"
    subprocess.run([sys.executable, str(SCRIPT), "--output", str(out)],
                   check=True, capture_output=True, cwd=tmp_path)
    assert out.read_bytes() == SDGS_TTL.read_bytes(), (
        "ontology/sdgs.ttl is stale or hand-edited: run python scripts/build_sdg_vocab.py")
