"""Checks of the organisation registry (ontology/organisations.ttl) and of the
organisation-type scheme (ontology/organisation-types.ttl) it classifies with."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
REGISTRY_FILE = ONTOLOGY / "organisations.ttl"
TYPES_FILE = ONTOLOGY / "organisation-types.ttl"

CK = Namespace("https://w3id.org/coopkg/def#")
ORG = "https://w3id.org/coopkg/id/org/"
ORG_TYPE = "https://w3id.org/coopkg/voc/organisation-type/"
SCHEME = URIRef("https://w3id.org/coopkg/voc/organisation-type")

TYPE_CODES = {
    "eu-institution", "eu-instrument", "national-development-agency", "national-government",
    "public-institution", "un-entity", "regional-organisation", "development-bank",
    "international-organisation", "civil-society-organisation", "foundation", "private-sector",
    "academic-institution", "network",
}
#: Kinds whose members belong to no single country, so they carry no ck:basedIn.
SUPRANATIONAL_TYPES = {"eu-institution", "eu-instrument", "un-entity", "regional-organisation",
                       "international-organisation"}
#: Kinds whose members always belong to one country, so they carry one ck:basedIn.
NATIONAL_TYPES = {"national-development-agency", "national-government", "public-institution"}

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WIKIDATA = re.compile(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*")
PLACE = re.compile(r"https://w3id\.org/coopkg/id/place/[A-Z]{2}")


def normalise(text: str) -> str:
    """Lower case, accents stripped, runs of white space collapsed: how labels are matched."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


@pytest.fixture(scope="module")
def registry() -> Graph:
    graph = Graph()
    graph.parse(REGISTRY_FILE, format="turtle")
    return graph


@pytest.fixture(scope="module")
def types() -> Graph:
    graph = Graph()
    graph.parse(TYPES_FILE, format="turtle")
    return graph


@pytest.fixture(scope="module")
def organisations(registry: Graph) -> list[URIRef]:
    return sorted(set(registry.subjects(RDF.type, CK.Organisation)))


def slug(org: URIRef) -> str:
    return str(org)[len(ORG):]


def labels(graph: Graph, org: URIRef) -> set[str]:
    """Every name of an organisation: preferred labels, alternative labels and acronyms."""
    found: set[str] = set()
    for prop in (SKOS.prefLabel, SKOS.altLabel, CK.acronym):
        found.update(str(value) for value in graph.objects(org, prop))
    return found


def label_index(graph: Graph, orgs: list[URIRef]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for org in orgs:
        for name in labels(graph, org):
            index[normalise(name)].add(slug(org))
    return index


# ------------------------------------------------------------------ the type scheme

def test_type_scheme_has_exactly_the_agreed_codes(types: Graph) -> None:
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in types
    titles = {value.language for value in types.objects(SCHEME, URIRef("http://purl.org/dc/terms/title"))}
    assert {"en", "es"} <= titles
    assert any(value.language == "en" for value in types.objects(SCHEME, SKOS.definition))
    concepts = set(types.subjects(SKOS.inScheme, SCHEME))
    assert {str(c)[len(ORG_TYPE):] for c in concepts} == TYPE_CODES
    assert all(str(c).startswith(ORG_TYPE) for c in concepts)


@pytest.mark.parametrize("code", sorted(TYPE_CODES))
def test_type_concept_is_complete(types: Graph, code: str) -> None:
    concept = URIRef(ORG_TYPE + code)
    assert (concept, RDF.type, SKOS.Concept) in types
    assert (concept, RDF.type, CK.OrganisationType) in types
    assert ((concept, SKOS.topConceptOf, SCHEME) in types
            or any(True for _ in types.objects(concept, SKOS.broader)))
    assert [str(n) for n in types.objects(concept, SKOS.notation)] == [code]
    pref = Counter(value.language for value in types.objects(concept, SKOS.prefLabel))
    assert pref == Counter({"en": 1, "es": 1})
    assert any(value.language == "en" for value in types.objects(concept, SKOS.definition))


# ------------------------------------------------------------------ the registry

def test_registry_is_large_enough(organisations: list[URIRef]) -> None:
    assert len(organisations) >= 100


def test_slugs_are_kebab_case_and_unique(organisations: list[URIRef]) -> None:
    for org in organisations:
        assert str(org).startswith(ORG), org
        assert SLUG.fullmatch(slug(org)), org
    # Two blocks with the same IRI would silently merge in the graph: look at the text too.
    declared = re.findall(r"^agent:(\S+) a ck:Organisation\b", REGISTRY_FILE.read_text("utf-8"), re.M)
    duplicates = [s for s, n in Counter(declared).items() if n > 1]
    assert not duplicates, f"organisations declared twice: {duplicates}"
    assert sorted(declared) == sorted(slug(o) for o in organisations)


def test_every_organisation_has_one_english_and_one_spanish_preferred_label(
        registry: Graph, organisations: list[URIRef]) -> None:
    bad = {}
    for org in organisations:
        languages = Counter(value.language for value in registry.objects(org, SKOS.prefLabel))
        if languages != Counter({"en": 1, "es": 1}):
            bad[slug(org)] = dict(languages)
    assert not bad


def test_every_organisation_has_one_english_definition(registry: Graph, organisations: list[URIRef]) -> None:
    bad = [slug(org) for org in organisations
           if [v.language for v in registry.objects(org, SKOS.definition)] != ["en"]]
    assert not bad


def test_labels_are_clean_literals(registry: Graph, organisations: list[URIRef]) -> None:
    for org in organisations:
        for prop in (SKOS.prefLabel, SKOS.altLabel, CK.acronym):
            for value in registry.objects(org, prop):
                assert isinstance(value, Literal), (org, prop, value)
                assert str(value) == str(value).strip() and str(value), (org, value)
                assert "  " not in str(value), (org, value)


def test_every_organisation_type_is_a_concept_of_the_scheme(
        registry: Graph, types: Graph, organisations: list[URIRef]) -> None:
    concepts = set(types.subjects(SKOS.inScheme, SCHEME))
    for org in organisations:
        kinds = list(registry.objects(org, CK.organisationType))
        assert len(kinds) == 1, (slug(org), kinds)
        assert kinds[0] in concepts, (slug(org), kinds[0])
        assert (kinds[0], RDF.type, CK.OrganisationType) in types


def test_same_as_links_are_wikidata_items(registry: Graph, organisations: list[URIRef]) -> None:
    seen: dict[str, str] = {}
    for org in organisations:
        for target in registry.objects(org, OWL.sameAs):
            assert isinstance(target, URIRef) and WIKIDATA.fullmatch(str(target)), (slug(org), target)
            assert str(target) not in seen, f"{target} linked from {seen.get(str(target))} and {slug(org)}"
            seen[str(target)] = slug(org)


def test_based_in_is_a_country_place(registry: Graph, types: Graph, organisations: list[URIRef]) -> None:
    for org in organisations:
        places = list(registry.objects(org, CK.basedIn))
        assert len(places) <= 1, (slug(org), places)
        for place in places:
            assert isinstance(place, URIRef) and PLACE.fullmatch(str(place)), (slug(org), place)
        kind = str(registry.value(org, CK.organisationType))[len(ORG_TYPE):]
        if kind in SUPRANATIONAL_TYPES:
            assert not places, f"{slug(org)} is {kind} and should have no ck:basedIn"
        if kind in NATIONAL_TYPES:
            assert places, f"{slug(org)} is {kind} and should have a ck:basedIn"


def test_no_two_organisations_share_a_name(registry: Graph, organisations: list[URIRef]) -> None:
    clashes = {name: sorted(slugs)
               for name, slugs in label_index(registry, organisations).items() if len(slugs) > 1}
    assert not clashes, f"names shared by several organisations: {clashes}"


REQUIRED = [
    "european-union", "european-commission", "dg-intpa", "dg-echo", "eeas", "eu-delegation-mexico",
    "european-investment-bank", "european-parliament", "euipo", "global-gateway", "team-europe",
    "aecid", "afd", "giz", "kfw", "bmz", "expertise-france", "fiiapp", "camoes", "aics", "enabel",
    "luxdev", "sida", "denmark-mfa", "irish-aid", "finland-mfa", "netherlands-mfa",
    "austrian-development-agency", "czech-development-agency", "polish-aid", "maeci", "meae", "maec",
    "undp", "unicef", "un-women", "unfpa", "unhcr", "iom", "ohchr", "unodc", "unesco", "fao", "wfp",
    "ilo", "who", "paho", "unep", "un-habitat", "unops", "ifad", "eclac", "unido", "itc",
    "oei", "sica", "sieca", "iila", "cabei", "idb", "caf", "oas", "celac", "eu-lac-foundation",
    "comjib", "andean-community", "mercosur", "caricom", "cariforum", "pacific-alliance", "segib",
    "iica", "redclara", "iacthr", "iachr",
    "government-of-mexico", "amexcid", "sre", "inai", "comar", "cndh", "inmujeres", "segob", "shcp",
    "conagua", "semarnat", "fgr", "pjf",
    "poder-judicial-honduras", "ministerio-publico-honduras", "government-of-guatemala",
    "apc-colombia", "agcid", "abc-brazil",
    "wwf", "mar-fund", "oxfam", "save-the-children", "plan-international",
    "transparency-international", "amnesty-international", "fundacion-avina",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_required_organisation_is_registered(organisations: list[URIRef], name: str) -> None:
    assert URIRef(ORG + name) in organisations


#: Names as documents write them, and the entry each must be recognised as.
RECOGNISED = [
    ("European Union", "european-union"), ("Unión Europea", "european-union"), ("UE", "european-union"),
    ("Organisation of Ibero-American States", "oei"), ("Organization of Ibero-American States", "oei"),
    ("Organización de Estados Iberoamericanos", "oei"),
    ("Organization of Ibero-American States for Education, Science and Culture", "oei"),
    ("Deutsche Gesellschaft fur Internationale Zusammenarbeit", "giz"),
    ("Deutsche Gesellschaft für Internationale Zusammenarbeit", "giz"),
    ("German Agency for International Cooperation", "giz"),
    ("European Union Intellectual Property Office", "euipo"),
    ("Economic Commission for Latin America and the Caribbean", "eclac"),
    ("Comisión Económica para América Latina y el Caribe", "eclac"), ("CEPAL", "eclac"),
    ("Latin American Cooperation of Advanced Networks", "redclara"),
    ("Cooperación Latino Americana de Redes Avanzadas", "redclara"), ("RedCLARA", "redclara"),
    ("Italo-Latin American International Organisation", "iila"),
    ("Italo-Latin American International Organization", "iila"),
    ("International and Ibero-American Foundation for Administration and Public Policies", "fiiapp"),
    ("Fundación Internacional y para Iberoamérica de Administración y Políticas Públicas", "fiiapp"),
    ("Mexican Agency for International Development Cooperation", "amexcid"),
    ("Agencia Mexicana de Cooperación Internacional para el Desarrollo", "amexcid"),
    ("Government of Mexico", "government-of-mexico"), ("Gobierno de México", "government-of-mexico"),
    ("Mexican Government", "government-of-mexico"), ("Gobierno Mexicano", "government-of-mexico"),
    ("Mesoamerican Reef Fund", "mar-fund"), ("MAR Fund", "mar-fund"),
    ("World Wide Fund for Nature", "wwf"), ("Expertise France", "expertise-france"),
    ("Poder Judicial de Honduras", "poder-judicial-honduras"), ("Judiciary of Honduras", "poder-judicial-honduras"),
    ("Ministerio Público de Honduras", "ministerio-publico-honduras"),
    ("Public Prosecutor's Office of Honduras", "ministerio-publico-honduras"),
    ("Camões, I.P.", "camoes"), ("Team Europe", "team-europe"), ("Global Gateway", "global-gateway"),
]


@pytest.mark.parametrize(("name", "expected"), RECOGNISED)
def test_document_names_are_recognised(registry: Graph, organisations: list[URIRef],
                                       name: str, expected: str) -> None:
    assert label_index(registry, organisations).get(normalise(name)) == {expected}


def test_normalise_ignores_case_and_accents() -> None:
    assert normalise("Camões,  I.P.") == "camoes, i.p."
    assert normalise("Deutsche Gesellschaft für") == normalise("DEUTSCHE GESELLSCHAFT FUR")
