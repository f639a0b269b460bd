"""The four hand-written SKOS vocabularies: human-rights themes, role kinds, activity
kinds and target-group kinds (ontology/hr-themes.ttl, roles.ttl, activity-kinds.ttl,
target-groups.ttl).

The human-rights scheme must match the fixed table of notations and broader links in
the scheme specification, human-rights-themes.md (the `programmes` query and the
evaluation rely on those notations), so the table is copied here rather than read
from the files under test.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"

CK = Namespace("https://w3id.org/coopkg/def#")
VOC = "https://w3id.org/coopkg/voc/"
SDG_PREFIX = "http://metadata.un.org/sdg/"

# file -> (scheme IRI, class of its concepts)
SCHEMES: dict[str, tuple[URIRef, URIRef]] = {
    "hr-themes.ttl": (URIRef(VOC + "hr-theme"), CK.HumanRightsTheme),
    "roles.ttl": (URIRef(VOC + "role"), CK.RoleKind),
    "activity-kinds.ttl": (URIRef(VOC + "activity"), CK.ActivityKind),
    "target-groups.ttl": (URIRef(VOC + "target-group"), CK.TargetGroupKind),
}

#: The human-rights-theme table: notation -> broader notation (None for top concepts).
HR_THEMES: dict[str, str | None] = {
    "hrba": None,
    "civil-political": None,
    "life-security": "civil-political",
    "justice": "civil-political",
    "participation": "civil-political",
    "expression": "civil-political",
    "privacy": "civil-political",
    "information": "civil-political",
    "liberty-deprived": "civil-political",
    "escer": None,
    "health": "escer",
    "education": "escer",
    "work": "escer",
    "social-security": "escer",
    "food": "escer",
    "water-sanitation": "escer",
    "housing": "escer",
    "environment": "escer",
    "culture": "escer",
    "groups": None,
    "non-discrimination": "groups",
    "gender": "groups",
    "gbv": "gender",
    "children": "groups",
    "indigenous": "groups",
    "migrants": "groups",
    "disability": "groups",
    "development": None,
}

ROLE_CODES = {"funding", "accountable", "extending", "implementing",
              "coordinating", "partner", "beneficiary"}
IATI_CODES = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}

ACTIVITY_CODES = {
    "technical-assistance", "capacity-building", "grants", "dialogue", "exchange",
    "research", "awareness", "pilot", "policy-support", "infrastructure",
    "service-delivery", "legal-assistance", "conservation", "networking", "monitoring",
    "other",
}

TARGET_GROUP_CODES = {
    "public-institutions", "justice-sector", "civil-society", "private-sector",
    "women-and-girls", "children-and-youth", "indigenous-peoples",
    "migrants-and-refugees", "persons-with-disabilities", "local-communities",
    "farmers-and-fishers", "academia", "media", "decision-makers", "victims",
    "general-public",
}

EXPECTED_CODES = {
    "hr-themes.ttl": set(HR_THEMES),
    "roles.ttl": ROLE_CODES,
    "activity-kinds.ttl": ACTIVITY_CODES,
    "target-groups.ttl": TARGET_GROUP_CODES,
}

#: The 169 SDG targets: goal -> (number of numbered targets, lettered targets).
SDG_TARGETS: dict[int, tuple[int, str]] = {
    1: (5, "ab"), 2: (5, "abc"), 3: (9, "abcd"), 4: (7, "abc"), 5: (6, "abc"),
    6: (6, "ab"), 7: (3, "ab"), 8: (10, "ab"), 9: (5, "abc"), 10: (7, "abc"),
    11: (7, "abc"), 12: (8, "abc"), 13: (3, "ab"), 14: (7, "abc"), 15: (9, "abc"),
    16: (10, "ab"), 17: (19, ""),
}
REAL_TARGETS = {
    f"{goal}.{t}"
    for goal, (n, letters) in SDG_TARGETS.items()
    for t in [*map(str, range(1, n + 1)), *letters]
}
TARGET_IRI = re.compile(r"^http://metadata\.un\.org/sdg/(\d{1,2})\.(\d{1,2}|[a-d])$")

#: Sector or generic words that must never tag a human-rights theme on their own.
BARE_WORDS = {
    "health", "salud", "education", "educación", "water", "agua", "justice", "justicia",
    "security", "seguridad", "environment", "medio ambiente", "culture", "cultura",
    "work", "trabajo", "employment", "empleo", "housing", "vivienda", "food",
    "alimentación", "child", "niño", "women", "mujeres", "gender", "género",
    "governance", "gobernanza", "human rights", "derechos humanos", "rights",
    "derechos", "development", "desarrollo", "participation", "participación",
    "information", "información", "violence", "violencia", "migration", "migración",
    "social cohesion", "cohesión social", "roads", "carreteras",
}


def norm(text: str) -> str:
    """Lower-case and strip accents, as the extractor compares labels."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    loaded = {}
    for name in SCHEMES:
        graph = Graph()
        graph.parse(ONTOLOGY / name, format="turtle")
        loaded[name] = graph
    return loaded


def concepts(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, SKOS.Concept))


def notation_map(graph: Graph) -> dict[str, URIRef]:
    result = {}
    for concept in concepts(graph):
        notations = [str(n) for n in graph.objects(concept, SKOS.notation)]
        assert len(notations) == 1, f"{concept} has notations {notations}"
        result[notations[0]] = concept
    return result


def lang_literals(graph: Graph, subject, predicate, lang: str) -> list[Literal]:
    return [o for o in graph.objects(subject, predicate)
            if isinstance(o, Literal) and o.language == lang]


# ---------------------------------------------------------------------------
# Schemes, notations and IRIs
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", SCHEMES)
def test_scheme_header(graphs, name):
    graph = graphs[name]
    scheme, _ = SCHEMES[name]
    assert set(graph.subjects(RDF.type, SKOS.ConceptScheme)) == {scheme}
    for lang in ("en", "es"):
        assert len(lang_literals(graph, scheme, DCTERMS.title, lang)) == 1, lang
    assert lang_literals(graph, scheme, SKOS.definition, "en")


@pytest.mark.parametrize("name", SCHEMES)
def test_codes_and_iris(graphs, name):
    graph = graphs[name]
    scheme, cls = SCHEMES[name]
    codes = notation_map(graph)
    assert set(codes) == EXPECTED_CODES[name]
    for code, concept in codes.items():
        assert concept == URIRef(f"{scheme}/{code}")
        assert (concept, RDF.type, cls) in graph
    assert set(graph.subjects(RDF.type, cls)) == concepts(graph)


def test_hr_themes_match_the_spec_table(graphs):
    graph = graphs["hr-themes.ttl"]
    codes = notation_map(graph)
    assert len(codes) == 28
    by_iri = {iri: code for code, iri in codes.items()}
    for code, broader in HR_THEMES.items():
        actual = {by_iri[b] for b in graph.objects(codes[code], SKOS.broader)}
        assert actual == ({broader} if broader else set()), code
    # every skos:broader triple is one from the table
    broader_pairs = {(by_iri[s], by_iri[o]) for s, o in graph.subject_objects(SKOS.broader)}
    assert broader_pairs == {(c, b) for c, b in HR_THEMES.items() if b}


def test_hr_themes_name_their_grounding_instrument(graphs):
    graph = graphs["hr-themes.ttl"]
    for code, concept in notation_map(graph).items():
        sources = list(graph.objects(concept, DCTERMS.source))
        assert len(sources) == 1 and isinstance(sources[0], Literal), code
        assert str(sources[0]).strip(), code


@pytest.mark.parametrize("name", SCHEMES)
def test_hierarchy_is_consistent(graphs, name):
    graph = graphs[name]
    scheme, _ = SCHEMES[name]
    broader = set(graph.subject_objects(SKOS.broader))
    narrower = {(o, s) for s, o in graph.subject_objects(SKOS.narrower)}
    assert broader == narrower, "skos:broader and skos:narrower must mirror each other"
    tops = {c for c in concepts(graph) if not list(graph.objects(c, SKOS.broader))}
    assert set(graph.subjects(SKOS.topConceptOf, scheme)) == tops
    assert set(graph.objects(scheme, SKOS.hasTopConcept)) == tops


# ---------------------------------------------------------------------------
# Labels and definitions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", SCHEMES)
def test_every_concept_is_labelled_defined_and_in_scheme(graphs, name):
    graph = graphs[name]
    scheme, _ = SCHEMES[name]
    assert concepts(graph)
    for concept in concepts(graph):
        assert set(graph.objects(concept, SKOS.inScheme)) == {scheme}, concept
        for lang in ("en", "es"):
            assert len(lang_literals(graph, concept, SKOS.prefLabel, lang)) == 1, (concept, lang)
        assert len(list(graph.objects(concept, SKOS.prefLabel))) == 2, concept
        assert len(lang_literals(graph, concept, SKOS.definition, "en")) == 1, concept


@pytest.mark.parametrize("name", SCHEMES)
def test_alt_labels_are_clean(graphs, name):
    graph = graphs[name]
    for concept in concepts(graph):
        prefs = set(graph.objects(concept, SKOS.prefLabel))
        for alt in graph.objects(concept, SKOS.altLabel):
            assert isinstance(alt, Literal) and alt.language in {"en", "es"}, (concept, alt)
            assert str(alt) == str(alt).strip() and "  " not in str(alt), (concept, alt)
            assert alt not in prefs, f"{alt!r} is both pref- and altLabel of {concept}"


@pytest.mark.parametrize("name", SCHEMES)
def test_no_alt_label_is_shared_within_a_scheme(graphs, name):
    graph = graphs[name]
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for concept, alt in graph.subject_objects(SKOS.altLabel):
        owners[norm(str(alt))].add(concept)
    shared = {label: sorted(c.split("/")[-1] for c in cs)
              for label, cs in owners.items() if len(cs) > 1}
    assert not shared, shared
    # nor may an altLabel of one concept be another concept's prefLabel
    for concept, pref in graph.subject_objects(SKOS.prefLabel):
        others = owners.get(norm(str(pref)), set()) - {concept}
        assert not others, (pref, others)


def test_hr_alt_labels_are_never_bare_sector_words(graphs):
    graph = graphs["hr-themes.ttl"]
    bare = {norm(w) for w in BARE_WORDS}
    offending = [(c.split("/")[-1], str(a)) for c, a in graph.subject_objects(SKOS.altLabel)
                 if norm(str(a)) in bare]
    assert not offending, offending


# ---------------------------------------------------------------------------
# Links: SDG targets and IATI codes
# ---------------------------------------------------------------------------

def test_related_matches_are_real_sdg_targets(graphs):
    for name, graph in graphs.items():
        for concept, target in graph.subject_objects(SKOS.relatedMatch):
            assert isinstance(target, URIRef), (concept, target)
            match = TARGET_IRI.match(str(target))
            assert match, f"{concept} -> {target} is not an SDG target IRI"
            assert str(target)[len(SDG_PREFIX):] in REAL_TARGETS, f"{target} is no SDG target"


def test_hr_themes_link_to_expected_sdg_targets(graphs):
    graph = graphs["hr-themes.ttl"]
    codes = notation_map(graph)
    expected = {
        "information": {"16.10"}, "gbv": {"5.2"}, "water-sanitation": {"6.1", "6.2"},
        "health": {"3.1", "3.2", "3.8"}, "education": {"4.1", "4.5"},
        "work": {"8.5", "8.7", "8.8"}, "social-security": {"1.3", "5.4"},
        "food": {"2.1", "2.2"}, "housing": {"11.1"}, "justice": {"16.3"},
        "life-security": {"16.1"}, "participation": {"16.7"}, "expression": {"16.10"},
        "liberty-deprived": {"16.3"}, "non-discrimination": {"10.2", "10.3", "16.b"},
        "gender": {"5.1", "5.5"}, "children": {"16.2", "8.7"}, "migrants": {"10.7"},
        "disability": {"4.5", "10.2"}, "culture": {"11.4"},
    }
    for code, targets in expected.items():
        actual = {str(t)[len(SDG_PREFIX):] for t in graph.objects(codes[code], SKOS.relatedMatch)}
        assert targets <= actual, (code, targets - actual)


def test_roles_carry_iati_codes(graphs):
    graph = graphs["roles.ttl"]
    codes = notation_map(graph)
    for code, concept in codes.items():
        iati = [str(v) for v in graph.objects(concept, CK.iatiCode)]
        assert iati == ([IATI_CODES[code]] if code in IATI_CODES else []), code


# ---------------------------------------------------------------------------
# The altLabels do the job they are for: whole-word, case- and accent-blind matching
# ---------------------------------------------------------------------------

def tag(graph: Graph, text: str) -> set[str]:
    """A minimal stand-in for the extractor: notations whose altLabels occur as whole words.

    Overlapping matches are resolved longest first, so that a phrase names the theme it
    spells out in full and not one hidden inside it ("economic, social, cultural and
    environmental rights" is escer, not environment; "derecho a la seguridad social" is
    social-security, not life-security).
    """
    haystack = norm(text)
    spans = []
    for concept, alt in graph.subject_objects(SKOS.altLabel):
        needle = re.escape(norm(str(alt)))
        code = str(graph.value(concept, SKOS.notation))
        for m in re.finditer(rf"(?<!\w){needle}(?!\w)", haystack):
            spans.append((m.start(), m.end(), code))
    spans.sort(key=lambda s: (s[0] - s[1], s[0]))
    taken: list[tuple[int, int]] = []
    found = set()
    for start, end, code in spans:
        if all(end <= a or start >= b for a, b in taken):
            taken.append((start, end))
            found.add(code)
    return found


@pytest.mark.parametrize(("text", "expected"), [
    ("A helpline and shelters to stop Femicide.", {"gbv"}),
    ("Clinics for maternal and child health in rural areas.", {"health"}),
    ("Brigadas de salud materno-infantil en zonas rurales.", {"health"}),
    ("Legal assistance to migrants in transit.", {"migrants"}),
    ("Grants to state bodies working on gender equality and on transparency.",
     {"gender", "information"}),
    ("El programa aplica un enfoque de derechos humanos para no dejar a nadie atrás.",
     {"hrba", "non-discrimination"}),
    ("Reforzar el ACCESO A LA JUSTICIA y la lucha contra la impunidad.", {"justice"}),
    ("Fishing villages claim their right to a healthy environment.", {"environment"}),
    ("Online platforms must respect privacy and freedom of expression.",
     {"privacy", "expression"}),
    ("Everyone should enjoy economic, social, cultural and environmental rights.",
     {"escer"}),
    ("Ampliar el derecho a la seguridad social de las trabajadoras del hogar.",
     {"social-security"}),
    ("Programas de seguridad ciudadana y derecho a la seguridad.", {"life-security"}),
    ("Construction of a rural road and a business fair.", set()),
])
def test_hr_alt_labels_tag_what_they_should(graphs, text, expected):
    assert tag(graphs["hr-themes.ttl"], text) == expected
