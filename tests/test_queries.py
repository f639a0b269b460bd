"""The saved queries: their grlc-style headers, their known answers on the development corpus, and the same
answers from the embedded store and from a real SPARQL endpoint (an Oxigraph server)."""
from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from coopkg.query import QueryError, get_saved_query, run_saved_query, saved_queries, with_values
from endpoint import (  # noqa: F401  (fixtures)
    comparable, dev_store, endpoint_target, plain_rows, sparql_endpoint, store_target,
)

ID = "https://w3id.org/coopkg/id/"
EU = ID + "org/european-union"
EU_POLICY = "eu-policy-outreach-partnership-technical-assistance-programme-in-mexico-central"
ALL_PROGRAMMES = {"al-invest-verde", EU_POLICY, "eu-lac-digital-alliance", "eurojusticia", "eurosocial-plus",
                  "mesoamerican-reef-conservation-partnership", "lcs-ii"}
REQUIRED_QUERIES = {
    "programmes", "programmes-by-funder", "programmes-by-implementer", "programmes-in-place", "programmes-by-sdg",
    "programmes-by-hr-theme", "programmes-active", "organisations-in-several-programmes", "organisation-pairs",
    "sdg-coverage-by-country", "themes-by-region", "programmes-with-gaps", "evidence",
}


def run(target, name: str, **params) -> list[dict[str, str]]:
    return plain_rows(run_saved_query(target, get_saved_query(name), {k: str(v) for k, v in params.items()}))


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def programmes(rows) -> set[str]:
    return {local(r["programme"]) for r in rows}


def cell(row: dict, column: str) -> set[str]:
    return {v for v in row.get(column, "").split(" | ") if v}


def by_programme(rows) -> dict[str, dict]:
    return {local(r["programme"]): r for r in rows}


# -- headers -------------------------------------------------------------------------------------
def test_the_saved_queries_are_all_there():
    names = set(saved_queries())
    assert REQUIRED_QUERIES <= names
    assert len(names) >= 13


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_header_is_grlc_style(name):
    query = get_saved_query(name)
    text = query.text
    for key in ("summary", "description", "tags", "defaults", "example"):
        assert re.search(rf"^#\+ {key}:", text, re.M), f"{name}: no `#+ {key}:` line"
    assert query.summary and query.description and query.tags
    for p in query.parameters:
        assert re.fullmatch(r"[a-z][A-Za-z0-9]*", p.name), f"{name}: parameter {p.name} is not camelCase"
        assert p.kind in ("iri", "string", "integer", "date", "year", "decimal")
    names = {p.name for p in query.parameters}
    assert set(query.examples) <= names, f"{name}: example names unknown parameters"
    assert set(query.defaults) <= names, f"{name}: defaults name unknown parameters"
    assert {p.name for p in query.parameters if p.required} <= set(query.examples), f"{name}: example lacks a required parameter"
    assert all(not p.required for p in query.parameters if p.name in query.defaults)


def test_parameter_kinds():
    params = {q.name: {p.name: (p.kind, p.required) for p in q.parameters} for q in saved_queries().values()}
    assert params["programmes"] == {}
    assert params["programmes-by-funder"] == {"funder": ("iri", True)}
    assert params["programmes-in-place"] == {"place": ("iri", True)}
    assert params["programmes-by-sdg"] == {"sdg": ("iri", True), "includeInferred": ("string", False)}
    assert params["programmes-active"] == {"date": ("date", False), "year": ("year", False)}
    assert params["evidence"] == {"resource": ("iri", True)}
    assert params["funders-by-theme-and-place"] == {"theme": ("iri", True), "place": ("iri", True),
                                                    "includeInferred": ("string", False)}
    # every query over SDGs or human-rights themes can leave inferred links out, and by default keeps them
    for name in ("programmes-by-sdg", "programmes-by-hr-theme", "sdg-coverage-by-country", "themes-by-region",
                 "funders-by-theme-and-place"):
        assert params[name]["includeInferred"] == ("string", False), name
        assert get_saved_query(name).defaults == {"includeInferred": "true"}, name


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_example_runs_and_answers(name, store_target):
    query = get_saved_query(name)
    table = run_saved_query(store_target, query, query.examples)
    assert table.rows, f"{name} with its example {query.examples} answers nothing on the dev corpus"
    assert len(set(table.variables)) == len(table.variables)


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_plain_sparql_11(name):
    """Nothing engine-specific: standard functions only, and the parameters are bound in the outermost
    WHERE (never inside a subquery, where a VALUES block at the top would not reach)."""
    text = get_saved_query(name).text
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for word in ("ofn:", "spif:", "afn:", "bif:", "fn:", "apf:", "SERVICE", "ADJUST", "TRIPLE("):
        assert word not in body, f"{name} uses {word}"
    for m in re.finditer(r"\?__?[A-Za-z][A-Za-z0-9]*\b", body):
        assert not _inside_subquery(body, m.start()), f"{name}: parameter {m.group()} is used inside a subquery"


def _inside_subquery(body: str, at: int) -> bool:
    """Whether position `at` lies in a nested SELECT (its projection or its WHERE block)."""
    stack: list[bool] = []  # per open brace: is it a subquery's body?
    pending = False  # a nested SELECT seen, its WHERE brace not yet open
    selects = 0
    for token in re.finditer(r"\{|\}|\bSELECT\b", body[:at]):
        if token.group() == "SELECT":
            selects += 1
            pending = selects > 1
        elif token.group() == "{":
            stack.append(pending)
            pending = False
        elif stack:
            stack.pop()
    return pending or any(stack)


def test_subquery_check_itself():
    text = "SELECT ?a WHERE { ?a ?b ?_x . { SELECT ?a WHERE { ?a ?c ?_y } } FILTER (?_z) }"
    assert [_inside_subquery(text, text.index(v)) for v in ("?_x", "?_y", "?_z")] == [False, True, False]


# -- known answers on the development corpus ----------------------------------------------------
def test_programmes(store_target):
    rows = by_programme(run(store_target, "programmes"))
    assert set(rows) == ALL_PROGRAMMES
    assert cell(rows["lcs-ii"], "sources") == {"d05_lcs2_es.txt", "000_05ac38870da8c2a8.txt"}
    assert rows["lcs-ii"]["title"] == "Social Cohesion II Laboratory"
    assert cell(rows["eurojusticia"], "subdivisions") == {"HN-CR", "HN-FM"}


@pytest.mark.parametrize("funder", ["EU", "UE", "European Union", "Unión Europea", "european union",
                                    "union europea", EU])
def test_programmes_by_funder_all_forms(store_target, funder):
    assert programmes(run(store_target, "programmes-by-funder", funder=funder)) == ALL_PROGRAMMES


def test_programmes_by_funder(store_target):
    assert run(store_target, "programmes-by-funder", funder="AECID") == []
    assert run(store_target, "programmes-by-funder",
               funder="Agencia Española de Cooperación Internacional para el Desarrollo") == []
    rows = run(store_target, "programmes-by-funder", funder="Gobierno de México")
    assert programmes(rows) == {"lcs-ii"}
    assert cell(rows[0], "funders") == {"Government of Mexico", "European Union"}
    assert rows[0]["implementers"] == "Mexican Agency for International Development Cooperation"
    eu = by_programme(run(store_target, "programmes-by-funder", funder="EU"))
    assert eu["eurojusticia"]["start_date"] == "2016-11-01" and eu["al-invest-verde"]["end_date"] == "2025-12"
    assert "end_date" not in eu["eu-lac-digital-alliance"]
    with pytest.raises(QueryError, match="names nothing"):
        run(store_target, "programmes-by-funder", funder="Ministry of Silly Walks")
    with pytest.raises(QueryError, match="needs the parameter"):
        run(store_target, "programmes-by-funder")
    with pytest.raises(QueryError, match="has no parameter"):
        run(store_target, "programmes-by-funder", funder="EU", sponsor="EU")


def test_programmes_by_implementer(store_target):
    rows = by_programme(run(store_target, "programmes-by-implementer", implementer="FIIAPP"))
    assert set(rows) == {"eurojusticia", "eurosocial-plus"}
    assert cell(rows["eurosocial-plus"], "roles") == {"coordinating", "implementing"}
    assert cell(rows["eurojusticia"], "roles") == {"implementing"}
    for form in ("GIZ", "Deutsche Gesellschaft für Internationale Zusammenarbeit", ID + "org/giz"):
        assert programmes(run(store_target, "programmes-by-implementer", implementer=form)) == {"al-invest-verde"}
    for form in ("CEPAL", "ECLAC", "Comisión Económica para América Latina y el Caribe"):
        assert programmes(run(store_target, "programmes-by-implementer", implementer=form)) == {"eu-lac-digital-alliance"}
    rows = run(store_target, "programmes-by-implementer", implementer="AMEXCID")
    assert programmes(rows) == {"lcs-ii"} and cell(rows[0], "roles") == {"coordinating"}
    assert run(store_target, "programmes-by-implementer", implementer="EU") == []  # it funds, never implements


@pytest.mark.parametrize("place", ["Honduras", "HN", "República de Honduras", ID + "place/HN"])
def test_programmes_in_place_country(store_target, place):
    rows = by_programme(run(store_target, "programmes-in-place", place=place))
    assert set(rows) == {"eurojusticia", "eurosocial-plus", "mesoamerican-reef-conservation-partnership"}
    assert cell(rows["eurojusticia"], "places") == {"HN", "HN-CR", "HN-FM"}  # subdivisions included
    assert cell(rows["mesoamerican-reef-conservation-partnership"], "places") == {"HN", "HN-IB"}
    assert "Bay Islands" in cell(rows["mesoamerican-reef-conservation-partnership"], "place_names")


def test_programmes_in_place(store_target):
    for form in ("MX-OAX", "Oaxaca", ID + "place/MX-OAX"):
        assert programmes(run(store_target, "programmes-in-place", place=form)) == {"lcs-ii"}
    mexico = {"al-invest-verde", EU_POLICY, "eurosocial-plus", "mesoamerican-reef-conservation-partnership", "lcs-ii"}
    for form in ("México", "Mexico", "MX", "Estados Unidos Mexicanos"):
        assert programmes(run(store_target, "programmes-in-place", place=form)) == mexico
    central_america = mexico | {"eurojusticia"}  # in MX, GT, HN, BZ, CR, or the region itself
    for form in ("013", "Central America", "Centroamérica", ID + "place/m49-013"):
        rows = by_programme(run(store_target, "programmes-in-place", place=form))
        assert set(rows) == central_america
    assert cell(rows[EU_POLICY], "places") == {"013", "MX"}
    assert cell(rows["lcs-ii"], "places") == {"MX", "MX-OAX", "MX-SLP"}
    # Latin America holds them all; a programme only for Latin America is not one in Honduras
    assert programmes(run(store_target, "programmes-in-place", place="419")) == ALL_PROGRAMMES
    assert programmes(run(store_target, "programmes-in-place", place="América Latina y el Caribe")) == ALL_PROGRAMMES
    assert programmes(run(store_target, "programmes-in-place", place="Belize")) == {"mesoamerican-reef-conservation-partnership"}
    assert programmes(run(store_target, "programmes-in-place", place="Peru")) == {"al-invest-verde"}
    assert run(store_target, "programmes-in-place", place="Argentina") == []
    # a country and one of its subdivisions of the same name: the country is meant
    assert programmes(run(store_target, "programmes-in-place", place="Guatemala")) == {
        "eurosocial-plus", "mesoamerican-reef-conservation-partnership"}
    assert run(store_target, "programmes-in-place", place="MX-CHP") == []


@pytest.mark.parametrize("sdg", ["16", "SDG 16", "ODS 16", "Peace, justice and strong institutions",
                                 "Paz, justicia e instituciones sólidas", "http://metadata.un.org/sdg/16"])
def test_programmes_by_sdg(store_target, sdg):
    rows = by_programme(run(store_target, "programmes-by-sdg", sdg=sdg, includeInferred="false"))
    assert set(rows) == {"eurosocial-plus", "eurojusticia"}
    assert all(r["stated_sdgs"] == "16" and r.get("inferred_sdgs", "") == "" for r in rows.values())
    # with inferred links (the default) the stated ones are all still there, and kept apart
    both = by_programme(run(store_target, "programmes-by-sdg", sdg=sdg))
    assert set(rows) <= set(both)
    assert all(both[p]["stated_sdgs"] == "16" for p in rows)
    assert all(r.get("stated_sdgs", "") == "" for p, r in both.items() if p not in rows)


def test_programmes_by_sdg_more(store_target):
    stated = {"includeInferred": "false"}
    assert programmes(run(store_target, "programmes-by-sdg", sdg="17", **stated)) == {EU_POLICY, "eu-lac-digital-alliance"}
    assert programmes(run(store_target, "programmes-by-sdg", sdg="5", **stated)) == {"eurosocial-plus"}
    assert run(store_target, "programmes-by-sdg", sdg="1", **stated) == []
    assert run(store_target, "programmes-by-sdg", sdg="16.10", **stated) == []  # no document states the target itself


@pytest.mark.parametrize("theme", ["groups", "Equality, non-discrimination and rights of specific groups",
                                   "Igualdad, no discriminación y derechos de grupos específicos",
                                   "https://w3id.org/coopkg/voc/hr-theme/groups"])
def test_programmes_by_hr_theme_includes_narrower_themes(store_target, theme):
    rows = by_programme(run(store_target, "programmes-by-hr-theme", theme=theme, includeInferred="false"))
    gender = programmes(run(store_target, "programmes-by-hr-theme", theme="gender", includeInferred="false"))
    assert gender == {"eurosocial-plus", "lcs-ii"}
    assert gender <= set(rows)
    assert set(rows) == {"eurosocial-plus", "lcs-ii"}
    assert cell(rows["lcs-ii"], "stated_themes") == {"gender", "non-discrimination"}


def test_programmes_by_hr_theme(store_target):
    for form in ("gender", "Gender equality", "igualdad de género", "CEDAW"):
        assert programmes(run(store_target, "programmes-by-hr-theme", theme=form, includeInferred="false")) == {"eurosocial-plus", "lcs-ii"}
    assert run(store_target, "programmes-by-hr-theme", theme="gbv", includeInferred="false") == []
    assert programmes(run(store_target, "programmes-by-hr-theme", theme="justice", includeInferred="false")) == {
        "eurojusticia", "eurosocial-plus", "lcs-ii"}
    civil = by_programme(run(store_target, "programmes-by-hr-theme", theme="civil-political", includeInferred="false"))
    assert set(civil) == {EU_POLICY, "eu-lac-digital-alliance", "eurojusticia", "eurosocial-plus", "lcs-ii"}
    assert cell(civil["eu-lac-digital-alliance"], "stated_themes") == {"privacy", "expression"}
    assert programmes(run(store_target, "programmes-by-hr-theme", theme="escer", includeInferred="false")) == {
        "al-invest-verde", "mesoamerican-reef-conservation-partnership", "eurosocial-plus", "lcs-ii"}


@pytest.mark.parametrize("params, expected", [
    ({"date": "2022-06-01"}, {"al-invest-verde", EU_POLICY, "mesoamerican-reef-conservation-partnership"}),
    ({"date": "2022-01-15"}, {"al-invest-verde", EU_POLICY, "eurosocial-plus",
                              "mesoamerican-reef-conservation-partnership"}),  # 2022-01 compared by month
    ({"date": "2025-12-31"}, {"al-invest-verde", "eu-lac-digital-alliance"}),  # no end date: still running
    ({"date": "2016-10-31"}, set()),
    ({"date": "2016-11-01"}, {"eurojusticia"}),
    ({"year": "2022"}, {"al-invest-verde", EU_POLICY, "eurosocial-plus", "mesoamerican-reef-conservation-partnership"}),
    ({"year": "2016"}, {"eurojusticia"}),
    ({"year": "2024"}, {"al-invest-verde", EU_POLICY, "eu-lac-digital-alliance"}),
    ({"year": "2040"}, {"eu-lac-digital-alliance"}),
    ({"year": "2022", "date": "2022-06-01"}, {"al-invest-verde", EU_POLICY, "mesoamerican-reef-conservation-partnership"}),
    ({"year": "2023", "date": "2022-06-01"}, {"al-invest-verde", EU_POLICY, "mesoamerican-reef-conservation-partnership"}),
    ({"year": "2026", "date": "2022-06-01"}, set()),
])
def test_programmes_active(store_target, params, expected):
    rows = run(store_target, "programmes-active", **params)
    assert programmes(rows) == expected
    assert "lcs-ii" not in programmes(rows)  # no dates: never listed


def test_programmes_active_today_and_bad_values(store_target):
    rows = run(store_target, "programmes-active")
    assert "eu-lac-digital-alliance" in programmes(rows)  # open-ended, started 2023-03
    assert "eurojusticia" not in programmes(rows)  # ended 2021
    for bad in ({"date": "2022-13-01"}, {"date": "2022-02-30"}, {"date": "22-06-01"}, {"year": "22"},
                {"year": "2022-06"}, {"date": "٢٠٢٢-٠٦-٠١"}):
        with pytest.raises(QueryError, match="not a valid"):
            run(store_target, "programmes-active", **bad)


def test_organisations_in_several_programmes(store_target):
    rows = {local(r["organisation"]): r for r in run(store_target, "organisations-in-several-programmes")}
    assert set(rows) == {"european-union", "fiiapp"}
    assert rows["european-union"]["programme_count"] == "7" and rows["european-union"]["label"] == "European Union"
    assert rows["fiiapp"]["programme_count"] == "2"
    assert cell(rows["fiiapp"], "roles") == {"coordinating", "implementing"}
    assert cell(rows["fiiapp"], "programmes") == {"EUROJUSTICIA: Apoyo a la justicia en Honduras",
                                                  "EUROsociAL+: EU Programme for Social Cohesion in Latin America"}
    assert {local(r["organisation"]) for r in run(store_target, "organisations-in-several-programmes",
                                                  minProgrammes=3)} == {"european-union"}
    assert len(run(store_target, "organisations-in-several-programmes", minProgrammes=1)) == 16
    assert run(store_target, "organisations-in-several-programmes", minProgrammes=8) == []


def test_organisation_pairs(store_target):
    rows = run(store_target, "organisation-pairs")
    assert rows and list(rows[0])[:3] == ["source", "target", "weight"]
    pairs = {(r["source"], r["target"]): r for r in rows}
    assert len(pairs) == len(rows) == 27
    for source, target in pairs:
        assert source < target and (target, source) not in pairs  # each pair once
    top = pairs[(EU, ID + "org/fiiapp")]
    assert top["weight"] == "2" and top["source_label"] == "European Union"
    assert top["target_label"] == "International and Ibero-American Foundation for Administration and Public Policies"
    assert sorted(int(r["weight"]) for r in rows) == [1] * 26 + [2]
    assert pairs[(ID + "org/mar-fund", ID + "org/wwf")]["programmes"] == "Mesoamerican Reef Conservation Partnership"
    heavy = run(store_target, "organisation-pairs", minWeight=2)
    assert [(r["source"], r["target"]) for r in heavy] == [(EU, ID + "org/fiiapp")]


def test_sdg_coverage_by_country(store_target):
    rows = run(store_target, "sdg-coverage-by-country", includeInferred="false")
    table = {(r["country_code"], r["sdg"]): r for r in rows}
    assert len(table) == len(rows)
    assert table[("HN", "16")]["stated_programmes"] == "2"  # EUROJUSTICIA, EUROsociAL+
    assert table[("HN", "14")]["stated_programmes"] == "1"
    assert table[("MX", "12")]["stated_programmes"] == "1"
    assert all(r["inferred_programmes"] == "0" for r in rows)
    assert {c for c, _ in table} == {"CO", "CR", "GT", "HN", "MX", "PE", "BZ"}
    assert table[("HN", "16")]["country_label"] == "Honduras"
    assert table[("HN", "16")]["sdg_label"] == "Peace, justice and strong institutions"
    for form in ("MX", "Mexico", "México", ID + "place/MX"):
        mx = run(store_target, "sdg-coverage-by-country", country=form, includeInferred="no")
        assert {r["sdg"] for r in mx} == {"5", "8", "10", "12", "13", "14", "16", "17"}
        assert {r["country_code"] for r in mx} == {"MX"}
    # with inferred links (the default): the same stated counts, and inferred ones beside them
    both = {(r["country_code"], r["sdg"]): r for r in run(store_target, "sdg-coverage-by-country")}
    assert set(table) <= set(both)
    assert all(both[key]["stated_programmes"] == r["stated_programmes"] for key, r in table.items())
    assert all(r["stated_programmes"] == "0" for key, r in both.items() if key not in table)
    assert any(r["inferred_programmes"] != "0" for r in both.values())


def test_themes_by_region(store_target):
    rows = run(store_target, "themes-by-region", region="013", includeInferred="false")
    table = {r["theme_code"]: r for r in rows}
    assert {r["region_code"] for r in rows} == {"013"}
    assert table["gender"]["programme_count"] == "2" and table["gender"]["direct_count"] == "2"
    assert table["groups"]["programme_count"] == "2" and table["groups"]["direct_count"] == "0"
    assert table["justice"]["programme_count"] == "3"
    assert cell(table["environment"], "programmes") == {"Mesoamerican Reef Conservation Partnership"}
    assert "privacy" not in table  # EU-LAC Digital Alliance targets Latin America, not Central America
    assert table["gender"]["region_label"] == "Central America"
    everywhere = run(store_target, "themes-by-region", includeInferred="false")
    latam = {r["theme_code"]: r for r in everywhere if r["region_code"] == "419"}
    assert latam["privacy"]["programme_count"] == "1"
    assert latam["civil-political"]["programme_count"] == "5"
    assert {r["region_code"] for r in everywhere} >= {"013", "419", "005"}
    assert {r["theme_code"] for r in run(store_target, "themes-by-region", region="Centroamérica",
                                         includeInferred="false")} == set(table)
    assert all(r["stated_count"] == r["programme_count"] and r["inferred_count"] == "0" for r in everywhere)


def test_programmes_with_gaps(store_target):
    rows = by_programme(run(store_target, "programmes-with-gaps"))
    assert set(rows) == {"lcs-ii"}
    gaps = rows["lcs-ii"]
    assert (gaps["missing_dates"], gaps["missing_start_date"], gaps["missing_end_date"]) == ("true", "true", "true")
    assert (gaps["missing_funder"], gaps["missing_place"]) == ("false", "false")
    assert cell(gaps, "sources") == {"d05_lcs2_es.txt", "000_05ac38870da8c2a8.txt"}
    assert programmes(run(store_target, "programmes-with-gaps", gap="end")) == {"lcs-ii", "eu-lac-digital-alliance"}
    assert programmes(run(store_target, "programmes-with-gaps", gap="DATES")) == {"lcs-ii"}
    assert run(store_target, "programmes-with-gaps", gap="funder") == []
    assert run(store_target, "programmes-with-gaps", gap="place") == []
    assert run(store_target, "programmes-with-gaps", gap="no such gap") == []


def test_evidence(store_target, dev_store):
    from endpoint import DEV_CORPUS

    rows = run(store_target, "evidence", resource="EUROJUSTICIA")
    assert rows and {r["document"] for r in rows} == {"d08_eurojusticia_es.md"}
    assert all(r["subject"] == ID + "programme/eurojusticia" for r in rows)
    sdg = [r for r in rows if r["predicate"].endswith("#statedSdg")]
    assert len(sdg) == 1 and sdg[0]["object"] == "http://metadata.un.org/sdg/16"
    assert "ODS 16" in sdg[0]["quote"] and sdg[0]["rule"] == "sdg:numbered"
    dates = {r["predicate"].rsplit("#", 1)[-1]: r["object"] for r in rows if r["predicate"].endswith("Date")}
    assert dates == {"startDate": "2016-11-01", "endDate": "2021-10-31"}
    # an organisation's evidence is the role facts naming it, in every document that names it
    eu = run(store_target, "evidence", resource=EU)
    assert {r["predicate"] for r in eu} == {"https://w3id.org/coopkg/def#hasRole"}
    assert len({r["document"] for r in eu}) == 7  # the second LCS II page names no funder
    assert {r["rule"] for r in eu} == {"sentence:funding"}
    assert {local(r["subject"]) for r in eu} == ALL_PROGRAMMES
    oaxaca = run(store_target, "evidence", resource="MX-OAX")
    assert {r["document"] for r in oaxaca} == {"d05_lcs2_es.txt", "000_05ac38870da8c2a8.txt"}
    assert all("Oaxaca" in r["quote"] for r in oaxaca)
    # the offsets point at the quote in the document's text
    for r in rows + eu + oaxaca:
        text = (DEV_CORPUS / r["document"]).read_text(encoding="utf-8")
        assert text[int(r["start"]):int(r["end"])] == r["quote"]
    assert run(store_target, "evidence", resource="http://example.org/nothing") == []
    with pytest.raises(QueryError, match="ambiguous"):  # the EU as an organisation and as a region
        run(store_target, "evidence", resource="European Union")


def test_funders_by_theme_and_place(store_target):
    rows = run(store_target, "funders-by-theme-and-place", theme="gender", place="Oaxaca", includeInferred="false")
    assert {r["funder_label"] for r in rows} == {"European Union", "Government of Mexico"}
    assert all(r["programmes"] == "Social Cohesion II Laboratory" for r in rows)
    rows = run(store_target, "funders-by-theme-and-place", theme="igualdad de género", place="Honduras", includeInferred="false")
    assert [(r["funder"], r["programmes"]) for r in rows] == [
        (EU, "EUROsociAL+: EU Programme for Social Cohesion in Latin America")]
    rows = run(store_target, "funders-by-theme-and-place", theme="justice", place="Central America", includeInferred="false")
    assert [(r["funder"], r["programme_count"]) for r in rows] == [(EU, "3"), (ID + "org/government-of-mexico", "1")]
    assert run(store_target, "funders-by-theme-and-place", theme="gbv", place="Mexico", includeInferred="false") == []
    assert run(store_target, "funders-by-theme-and-place", theme="gender", place="Belize", includeInferred="false") == []
    assert all(r["stated_count"] == r["programme_count"] and r["inferred_count"] == "0" for r in rows)


def test_organisations(store_target):
    rows = {local(r["organisation"]): r for r in run(store_target, "organisations")}
    assert len(rows) == 16
    eu = rows["european-union"]
    assert eu["programme_count"] == "7" and cell(eu, "acronyms") == {"EU", "UE"} and eu["roles"] == "funding"
    assert rows["fiiapp"]["based_in"] == "ES" and rows["giz"]["based_in"] == "DE"
    for form in ("EUROsociAL+", "EUROsociAL+: EU Programme for Social Cohesion in Latin America", ID + "programme/eurosocial-plus"):
        one = {local(r["organisation"]): r for r in run(store_target, "organisations", programme=form)}
        assert set(one) == {"european-union", "fiiapp", "expertise-france", "iila"}
        assert all(r["programme_count"] == "1" for r in one.values())
    assert cell(one["iila"], "roles") == {"coordinating", "implementing"}
    lcs = {local(r["organisation"]) for r in run(store_target, "organisations", programme="LCS II")}
    assert lcs == {"european-union", "government-of-mexico", "amexcid"}


def test_places(store_target):
    rows = {r["code"]: r for r in run(store_target, "places", place="MX")}
    assert set(rows) == {"MX", "MX-OAX", "MX-ROO", "MX-SLP"}
    assert rows["MX"]["programme_count"] == "5" and rows["MX"]["kind"] == "Country" and rows["MX"]["within"] == "013"
    assert rows["MX-OAX"]["label"] == "Oaxaca" and rows["MX-OAX"]["kind"] == "Subdivision"
    every = {r["code"]: r for r in run(store_target, "places")}
    assert {"419", "013", "HN", "HN-IB", "BZ", "PE"} <= set(every)
    assert every["419"]["kind"] == "Region" and every["419"]["programme_count"] == "3"


def test_documents(store_target):
    rows = {r["file"]: r for r in run(store_target, "documents")}
    assert len(rows) == 8
    assert local(rows["d05_lcs2_es.txt"]["programme"]) == "lcs-ii" and rows["d05_lcs2_es.txt"]["language"] == "es"
    assert rows["d03_eurosocial.md"]["shape"] == "summary" and int(rows["d03_eurosocial.md"]["facts"]) > 10


# -- the same answers on a real SPARQL endpoint ------------------------------------------------
PARITY = [
    ("programmes", {}),
    ("programmes-by-funder", {"funder": "EU"}),
    ("programmes-by-funder", {"funder": "Unión Europea"}),
    ("programmes-by-funder", {"funder": "AECID"}),
    ("programmes-by-funder", {"funder": EU}),
    ("programmes-by-implementer", {"implementer": "FIIAPP"}),
    ("programmes-by-implementer", {"implementer": "CEPAL"}),
    ("programmes-in-place", {"place": "Honduras"}),
    ("programmes-in-place", {"place": "MX-OAX"}),
    ("programmes-in-place", {"place": "013"}),
    ("programmes-in-place", {"place": "Centroamérica"}),
    ("programmes-by-sdg", {"sdg": "16"}),
    ("programmes-by-sdg", {"sdg": "ODS 5", "includeInferred": "false"}),
    ("programmes-by-sdg", {"sdg": "http://metadata.un.org/sdg/17"}),
    ("programmes-by-hr-theme", {"theme": "groups"}),
    ("programmes-by-hr-theme", {"theme": "igualdad de género", "includeInferred": "no"}),
    ("programmes-active", {"date": "2022-06-01"}),
    ("programmes-active", {"year": "2022"}),
    ("programmes-active", {"year": "2024", "date": "2024-02-29"}),
    ("programmes-active", {}),
    ("organisations-in-several-programmes", {}),
    ("organisations-in-several-programmes", {"minProgrammes": "1"}),
    ("organisation-pairs", {}),
    ("organisation-pairs", {"minWeight": "2"}),
    ("sdg-coverage-by-country", {}),
    ("sdg-coverage-by-country", {"country": "Honduras"}),
    ("themes-by-region", {}),
    ("themes-by-region", {"region": "013"}),
    ("programmes-with-gaps", {}),
    ("programmes-with-gaps", {"gap": "end"}),
    ("evidence", {"resource": "EUROJUSTICIA"}),
    ("evidence", {"resource": EU}),
    ("evidence", {"resource": "MX-OAX"}),
    ("funders-by-theme-and-place", {"theme": "gender", "place": "Oaxaca"}),
    ("funders-by-theme-and-place", {"theme": "justice", "place": "419"}),
    ("organisations", {}),
    ("organisations", {"programme": "LCS II"}),
    ("places", {}),
    ("places", {"place": "MX"}),
    ("documents", {}),
]


def test_parity_covers_every_saved_query():
    assert {name for name, _ in PARITY} == set(saved_queries())


@pytest.mark.parametrize("name, params", PARITY, ids=[f"{n}-{i}" for i, (n, _) in enumerate(PARITY)])
def test_endpoint_gives_the_same_answers(name, params, store_target, endpoint_target):
    query = get_saved_query(name)
    on_store = run_saved_query(store_target, query, params)
    on_endpoint = run_saved_query(endpoint_target, query, params)
    assert on_endpoint.variables == on_store.variables
    assert comparable(on_endpoint) == comparable(on_store)
    # the same terms, kinds, datatypes and languages included, so every output format prints the same
    assert comparable(on_endpoint, typed=True) == comparable(on_store, typed=True)


def test_endpoint_known_answers(endpoint_target):
    assert programmes(run(endpoint_target, "programmes-by-funder", funder="european union")) == ALL_PROGRAMMES
    assert programmes(run(endpoint_target, "programmes-in-place", place="Honduras")) == {
        "eurojusticia", "eurosocial-plus", "mesoamerican-reef-conservation-partnership"}
    with pytest.raises(QueryError, match="names nothing"):
        run(endpoint_target, "programmes-by-funder", funder="Ministry of Silly Walks")


# -- binding ---------------------------------------------------------------------------------------
def test_values_block_opens_the_outermost_where():
    text = "# WHERE { in a comment\nPREFIX ex: <http://example.org/>\nSELECT ?a\nWHERE\n{\n  { SELECT ?a WHERE { ?a ?b ?c } }\n}"
    bound = with_values(text, {"x": ox.Literal("1")})
    assert bound.startswith("# WHERE { in a comment\n")
    assert re.search(r"WHERE\n\{\n  VALUES \(\?x\) \{ \(\"1\"\) \}\n", bound)
    with pytest.raises(QueryError):
        with_values("SELECT ?a { ?a ?b ?c }", {"x": ox.Literal("1")})
    assert with_values("SELECT ?a { ?a ?b ?c }", {}) == "SELECT ?a { ?a ?b ?c }"


# -- what the dev corpus does not show: chosen inferred links, coarse dates, missing funders and places ----
SYNTHETIC = """
@prefix ck:    <https://w3id.org/coopkg/def#> .
@prefix dct:   <http://purl.org/dc/terms/> .
@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .
@prefix sdg:   <http://metadata.un.org/sdg/> .
@prefix hr:    <https://w3id.org/coopkg/voc/hr-theme/> .
@prefix place: <https://w3id.org/coopkg/id/place/> .
@prefix role:  <https://w3id.org/coopkg/voc/role/> .
@prefix ex:    <https://example.org/> .

ex:graph {
  ex:synth-a a ck:Programme ;
      dct:title "Synthetic Programme A"@en , "Programa sintético A"@es ;
      ck:startDate "2021"^^xsd:gYear ;
      ck:endDate "2023"^^xsd:gYear ;
      ck:statedSdg sdg:16.10 ;
      ck:inferredSdg sdg:5 ;
      ck:inferredHrTheme hr:gbv .
  ex:synth-b a ck:Programme ;
      dct:title "Programa sintético B"@es ;
      ck:startDate "2020-03"^^xsd:gYearMonth ;
      ck:targetsPlace place:GT-01 ;
      ck:inferredSdg sdg:6.1 ;
      ck:hrTheme hr:gbv ;
      ck:hasRole ex:synth-b-funding ;
      ck:funder <https://w3id.org/coopkg/id/org/aecid> .
  ex:synth-b-funding a ck:OrganisationRole ;
      ck:roleKind role:funding ;
      ck:roleOf <https://w3id.org/coopkg/id/org/aecid> .
}
"""


@pytest.fixture(scope="module")
def synthetic(dev_store, tmp_path_factory):
    """The dev corpus without the tagger's inferred links (they move as the tagger improves) plus two made-up
    programmes with inferred links of their own, in a store of their own."""
    from coopkg.query import StoreTarget
    from coopkg.store import GraphStore

    store = GraphStore(tmp_path_factory.mktemp("synthetic") / "store")
    store.store.load(dev_store.store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    store.store.update("PREFIX ck: <https://w3id.org/coopkg/def#> "
                       "DELETE WHERE { GRAPH ?g { ?p ck:inferredSdg ?o } } ; "
                       "DELETE WHERE { GRAPH ?g { ?p ck:inferredHrTheme ?o } }")
    store.store.load(SYNTHETIC.encode(), format=ox.RdfFormat.TRIG)
    return StoreTarget(store)


@pytest.mark.parametrize("params, active", [
    ({"year": "2022"}, True), ({"year": "2021"}, True), ({"year": "2023"}, True),
    ({"year": "2020"}, False), ({"year": "2024"}, False),
    ({"date": "2022-06-01"}, True), ({"date": "2021-01-01"}, True), ({"date": "2023-12-31"}, True),
    ({"date": "2020-12-31"}, False), ({"date": "2024-01-01"}, False),
])
def test_dates_are_compared_at_their_precision(synthetic, params, active):
    assert ("synth-a" in programmes(run(synthetic, "programmes-active", **params))) is active


def test_month_precision_and_open_end(synthetic):
    assert "synth-b" in programmes(run(synthetic, "programmes-active", date="2020-03-01"))
    assert "synth-b" not in programmes(run(synthetic, "programmes-active", date="2020-02-29"))
    assert "synth-b" in programmes(run(synthetic, "programmes-active", year="2020"))
    assert "synth-b" in programmes(run(synthetic, "programmes-active", year="2031"))


def test_sdg_goal_includes_targets_and_inferred_links_stay_apart(synthetic):
    rows = by_programme(run(synthetic, "programmes-by-sdg", sdg="16"))
    assert set(rows) == {"eurojusticia", "eurosocial-plus", "synth-a"}
    assert rows["synth-a"]["stated_sdgs"] == "16.10"
    assert programmes(run(synthetic, "programmes-by-sdg", sdg="16.10")) == {"synth-a"}
    assert programmes(run(synthetic, "programmes-by-sdg", sdg="Meta 16.10")) == {"synth-a"}
    rows = by_programme(run(synthetic, "programmes-by-sdg", sdg="5"))
    assert set(rows) == {"eurosocial-plus", "synth-a"}
    assert (rows["eurosocial-plus"]["stated_sdgs"], rows["eurosocial-plus"].get("inferred_sdgs", "")) == ("5", "")
    assert (rows["synth-a"].get("stated_sdgs", ""), rows["synth-a"]["inferred_sdgs"]) == ("", "5")
    assert by_programme(run(synthetic, "programmes-by-sdg", sdg="6"))["synth-b"]["inferred_sdgs"] == "6.1"
    for no in ("false", "FALSE", "no", "0", "off"):
        assert programmes(run(synthetic, "programmes-by-sdg", sdg="5", includeInferred=no)) == {"eurosocial-plus"}
        assert run(synthetic, "programmes-by-sdg", sdg="6", includeInferred=no) == []
    for yes in ("true", "yes", "1", "TRUE"):
        assert programmes(run(synthetic, "programmes-by-sdg", sdg="5", includeInferred=yes)) == {"eurosocial-plus", "synth-a"}


def test_inferred_hr_themes_stay_apart(synthetic):
    rows = by_programme(run(synthetic, "programmes-by-hr-theme", theme="gender"))
    assert set(rows) == {"eurosocial-plus", "lcs-ii", "synth-a", "synth-b"}
    assert rows["synth-a"]["inferred_themes"] == "gbv" and rows["synth-a"].get("stated_themes", "") == ""
    assert rows["synth-b"]["stated_themes"] == "gbv"
    assert programmes(run(synthetic, "programmes-by-hr-theme", theme="gender", includeInferred="false")) == {
        "eurosocial-plus", "lcs-ii", "synth-b"}


def test_coverage_counts_inferred_links_apart(synthetic):
    rows = {r["sdg"]: r for r in run(synthetic, "sdg-coverage-by-country", country="Guatemala")}
    assert (rows["6"]["stated_programmes"], rows["6"]["inferred_programmes"]) == ("0", "1")  # through GT-01
    assert (rows["16"]["stated_programmes"], rows["16"]["inferred_programmes"]) == ("1", "0")


def test_gaps_and_funders_on_synthetic_programmes(synthetic):
    rows = by_programme(run(synthetic, "programmes-with-gaps"))
    assert set(rows) == {"lcs-ii", "synth-a"}
    a = rows["synth-a"]
    assert (a["missing_dates"], a["missing_funder"], a["missing_place"], a["missing_implementer"]) == (
        "false", "true", "true", "true")
    assert "sources" not in a
    assert programmes(run(synthetic, "programmes-with-gaps", gap="place")) == {"synth-a"}
    assert programmes(run(synthetic, "programmes-with-gaps", gap="end")) == {"lcs-ii", "eu-lac-digital-alliance", "synth-b"}
    rows = run(synthetic, "funders-by-theme-and-place", theme="gender", place="Guatemala")
    assert {local(r["funder"]): r["programmes"] for r in rows} == {
        "european-union": "EUROsociAL+: EU Programme for Social Cohesion in Latin America",
        "aecid": "Programa sintético B"}
    assert programmes(run(synthetic, "programmes-by-funder", funder="AECID")) == {"synth-b"}
    titles = {local(r["programme"]): r["title"] for r in run(synthetic, "programmes-active", year="2022")}
    assert titles["synth-a"] == "Synthetic Programme A"  # English preferred over Spanish


def test_names_resolve_the_same_on_the_store_and_on_an_endpoint(store_target, endpoint_target):
    """The store picks candidate names with a regular expression, an endpoint sends every name: every
    name in the corpus, as stored, upper-cased and with its accents stripped, resolves the same way."""
    from coopkg.query import _CLASS_HINTS, _NAMES_QUERY, resolve_resource
    from coopkg.text import fold

    names = {row["name"].value for row in store_target.select(_NAMES_QUERY).rows}
    assert len(names) > 100 and any(not n.isascii() for n in names) and any("+" in n for n in names)

    def resolved(value: str, parameter: str, target) -> str:
        try:
            return resolve_resource(value, parameter, target).value
        except QueryError as err:
            return f"error: {err}"

    # the names that test the pattern most (accents, "+", punctuation), and a sample of the rest
    hard = sorted(n for n in names if not n.isascii() or not n.replace(" ", "").isalnum())
    sample = hard[::40] + sorted(names)[::400]
    for parameter in ("funder", "programme", "place"):
        assert parameter in _CLASS_HINTS
        for name in sample:
            for value in {name, name.upper(), fold(name)}:
                assert resolved(value, parameter, store_target) == resolved(value, parameter, endpoint_target), \
                    (parameter, value)
