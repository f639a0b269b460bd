"""Tests for the places vocabulary (ontology/places.ttl, built by scripts/build_places.py)."""
from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pycountry
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

ROOT = Path(__file__).resolve().parents[1]
PLACES_TTL = ROOT / "ontology" / "places.ttl"
SCRIPT = ROOT / "scripts" / "build_places.py"

CK = Namespace("https://w3id.org/coopkg/def#")
PLACE = Namespace("https://w3id.org/coopkg/id/place/")
SCHEMA = Namespace("https://schema.org/")
SCHEME = URIRef("https://w3id.org/coopkg/voc/places")

#: The 33 countries of UN M49 region 419 (Latin America and the Caribbean).
LAC = [
    "AG", "AR", "BS", "BB", "BZ", "BO", "BR", "CL", "CO", "CR", "CU", "DM", "DO", "EC", "SV",
    "GD", "GT", "GY", "HT", "HN", "JM", "MX", "NI", "PA", "PY", "PE", "KN", "LC", "VC", "SR",
    "TT", "UY", "VE",
]
SUBREGIONS = {PLACE["m49-013"], PLACE["m49-005"], PLACE["m49-029"]}


@pytest.fixture(scope="module")
def g() -> Graph:
    graph = Graph()
    graph.parse(PLACES_TTL, format="turtle")
    return graph


def labels(g: Graph, node, prop=SKOS.prefLabel, lang: str | None = None) -> list[str]:
    return [str(o) for o in g.objects(node, prop)
            if isinstance(o, Literal) and (lang is None or o.language == lang)]


def ancestors(g: Graph, node) -> set:
    seen: set = set()
    todo = [node]
    while todo:
        for parent in g.objects(todo.pop(), SCHEMA.containedInPlace):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_lac_list_is_33():
    assert len(LAC) == len(set(LAC)) == 33


def test_every_iso_country(g):
    assert len(pycountry.countries) > 240
    for c in pycountry.countries:
        node = PLACE[c.alpha_2]
        assert (node, RDF.type, CK.Country) in g, c.alpha_2
        assert (node, SKOS.notation, Literal(c.alpha_2)) in g
        assert (node, CK.isoAlpha3, Literal(c.alpha_3)) in g
        assert (node, CK.m49Code, Literal(c.numeric)) in g
        assert len(labels(g, node, lang="en")) == 1, c.alpha_2
        assert len(labels(g, node, lang="es")) == 1, c.alpha_2
        assert (node, SKOS.inScheme, SCHEME) in g


def test_short_country_names(g):
    assert labels(g, PLACE.BO, lang="en") == ["Bolivia"]
    assert labels(g, PLACE.VE, lang="es") == ["Venezuela"]
    assert labels(g, PLACE.MX, lang="es") == ["México"]
    assert labels(g, PLACE.DO, lang="es") == ["República Dominicana"]
    assert labels(g, PLACE.BR, lang="es") == ["Brasil"]
    assert labels(g, PLACE.ES, lang="es") == ["España"]
    assert labels(g, PLACE.DE, lang="es") == ["Alemania"]
    assert labels(g, PLACE.US, lang="es") == ["Estados Unidos"]
    assert "Bolivia, Plurinational State of" in labels(g, PLACE.BO, SKOS.altLabel, "en")


def test_lac_subdivisions_complete(g):
    total = 0
    for country in LAC:
        firsts = [s for s in pycountry.subdivisions.get(country_code=country) or []
                  if s.parent_code is None]
        assert firsts, country
        for s in firsts:
            node = PLACE[s.code]
            assert (node, RDF.type, CK.Subdivision) in g, s.code
            assert (node, SKOS.notation, Literal(s.code)) in g
            assert (node, SCHEMA.containedInPlace, PLACE[country]) in g, s.code
            assert len(labels(g, node, lang="en")) == 1, s.code
            assert len(labels(g, node, lang="es")) == 1, s.code
            types = {o.language for o in g.objects(node, CK.subdivisionType)}
            assert types == {"en", "es"}, s.code
            total += 1
    assert total > 500


def test_lac_country_in_exactly_one_subregion(g):
    for country in LAC:
        parents = set(g.objects(PLACE[country], SCHEMA.containedInPlace)) & SUBREGIONS
        assert len(parents) == 1, (country, parents)
    assert (PLACE.MX, SCHEMA.containedInPlace, PLACE["m49-013"]) in g
    assert (PLACE.BR, SCHEMA.containedInPlace, PLACE["m49-005"]) in g
    assert (PLACE.CU, SCHEMA.containedInPlace, PLACE["m49-029"]) in g


def test_containment_reaches_latin_america(g):
    lac = PLACE["m49-419"]
    for country in LAC:
        assert lac in ancestors(g, PLACE[country]), country
    for sub in g.subjects(RDF.type, CK.Subdivision):
        assert lac in ancestors(g, sub), sub
    assert PLACE["m49-001"] in ancestors(g, lac)


def test_regions(g):
    for code in ("001", "019", "419", "013", "005", "029", "021", "150"):
        node = PLACE["m49-" + code]
        assert (node, RDF.type, CK.Region) in g
        assert (node, SKOS.notation, Literal(code)) in g
        assert (node, CK.m49Code, Literal(code)) in g
    eu = PLACE.EU
    assert (eu, RDF.type, CK.Region) in g
    assert (eu, SCHEMA.containedInPlace, PLACE["m49-150"]) in g
    assert not {"EU", "UE"} & set(labels(g, eu, SKOS.altLabel))
    for member in ("ES", "DE", "FR", "IT", "PT", "CY", "SE"):
        assert (PLACE[member], SCHEMA.containedInPlace, eu) in g
    assert (PLACE.US, SCHEMA.containedInPlace, PLACE["m49-021"]) in g
    assert (PLACE.CA, SCHEMA.containedInPlace, PLACE["m49-021"]) in g
    assert (PLACE.ES, SCHEMA.containedInPlace, PLACE["m49-150"]) in g
    assert "Latin America" in labels(g, PLACE["m49-419"], SKOS.altLabel, "en")


def test_wikidata_links(g):
    wd = Namespace("http://www.wikidata.org/entity/")
    assert (PLACE.MX, OWL.sameAs, wd.Q96) in g
    assert (PLACE.HN, OWL.sameAs, wd.Q783) in g
    assert (PLACE.ES, OWL.sameAs, wd.Q29) in g
    for country in LAC:
        assert list(g.objects(PLACE[country], OWL.sameAs)), country


def test_one_preflabel_per_language(g):
    per: dict = defaultdict(list)
    for s, o in g.subject_objects(SKOS.prefLabel):
        per[(s, o.language)].append(str(o))
    bad = {k: v for k, v in per.items() if len(v) > 1}
    assert not bad


def test_every_place_in_scheme(g):
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in g
    for cls in (CK.Country, CK.Subdivision, CK.Region):
        for s in g.subjects(RDF.type, cls):
            assert (s, SKOS.inScheme, SCHEME) in g, s


def test_spot_checks(g):
    assert labels(g, PLACE["MX-OAX"], lang="es") == ["Oaxaca"]
    assert any("San Luis Potos" in x for x in labels(g, PLACE["MX-SLP"]))
    assert labels(g, PLACE["MX-ROO"], lang="es") == ["Quintana Roo"]
    assert labels(g, PLACE["MX-VER"], lang="es") == ["Veracruz"]
    assert "Veracruz de Ignacio de la Llave" in labels(g, PLACE["MX-VER"], SKOS.altLabel)
    assert labels(g, PLACE["MX-CMX"], lang="en") == ["Mexico City"]
    assert labels(g, PLACE["HN-IB"], lang="en") == ["Bay Islands"]
    assert labels(g, PLACE["HN-IB"], lang="es") == ["Islas de la Bahía"]
    assert labels(g, PLACE["HN-FM"], lang="es") == ["Francisco Morazán"]
    assert labels(g, PLACE["HN-CR"], lang="es") == ["Cortés"]
    types = {str(o) for o in g.objects(PLACE["MX-OAX"], CK.subdivisionType)}
    assert types == {"State", "Estado"}


def test_regeneration_is_byte_identical(tmp_path):
    out = tmp_path / "places.ttl"
    subprocess.run([sys.executable, str(SCRIPT), "--output", str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == PLACES_TTL.read_bytes()
