"""The extractors, on short documents written for each rule, in English and Spanish."""
from __future__ import annotations

import pytest

from coopkg.extract import extract
from coopkg.extract.dates import parse_date
from coopkg.read import DocumentError, read_document
from coopkg.namespaces import HR, ORG, PLACE, SDG


def summary(title: str, body: str, date: str = "2021-01-01", location: str = "Mexico") -> str:
    return f"# {title}\n\n**Date**: {date}\n\n**Location**: {location}\n\n## Executive Summary\n\n{body}\n"


def webpage(title: str, body: str, category: str = "Regional programmes") -> str:
    return f"Parent Category: International Cooperation\nCategory: {category}\n\n\n {title}\n\n\n{body}\n"


def facts_of(write_doc, vocab, name, text):
    return extract(read_document(write_doc(name, text)), vocab)


def codes(facts):
    return sorted(f.iri.rsplit("/", 1)[-1] for f in facts)


def roles(facts):
    return sorted((o.role, o.iri.rsplit("/", 1)[-1] if o.iri else o.name) for o in facts.organisations)


@pytest.mark.parametrize("text, value", [
    ("May 15, 2021", "2021-05-15"), ("15 May 2021", "2021-05-15"), ("May 2021", "2021-05"), ("2021", "2021"),
    ("1 de marzo de 2021", "2021-03-01"), ("marzo de 2021", "2021-03"), ("1º de marzo de 2021", "2021-03-01"),
    ("2021-05-15", "2021-05-15"), ("Sept. 3, 2019", "2019-09-03"),
])
def test_dates_keep_their_precision(text, value):
    assert parse_date(text) == value


@pytest.mark.parametrize("sentence, start, end", [
    ("The programme runs from May 15, 2021, to May 14, 2025.", "2021-05-15", "2025-05-14"),
    ("It ran from January 2020 to December 2022.", "2020-01", "2022-12"),
    ("It was active 2017 to 2022 in five countries.", "2017", "2022"),
    ("El programa se ejecuta del 1 de marzo de 2021 al 28 de febrero de 2025.", "2021-03-01", "2025-02-28"),
    ("Se desarrolla entre enero de 2022 y diciembre de 2024.", "2022-01", "2024-12"),
    ("The initiative was launched in March 2023 and runs until June 2026.", "2023-03", "2026-06"),
])
def test_date_ranges_in_both_languages(write_doc, vocab, sentence, start, end):
    f = facts_of(write_doc, vocab, "d.txt", webpage("Water Programme", sentence))
    assert (f.start.value, f.end.value) == (start, end)
    assert f.start.evidence.span.text.endswith(sentence[-20:])


def test_title_loses_bracketed_years_and_keeps_short_name(write_doc, vocab):
    f = facts_of(write_doc, vocab, "t.md", summary("EUROclima+: Climate Action in Latin America (2017-2024)", "A programme."))
    assert f.title.value == "EUROclima+: Climate Action in Latin America"
    assert [a.value for a in f.aliases] == ["EUROclima+"]


def test_webpage_without_title_line_is_named_by_name_with_acronym(write_doc, vocab):
    text = ("Categoría principal: Cooperación\nCategoría: México\n\n\n El Fondo Conjunto de Cooperación (FCC) es "
            "un programa de México y la Unión Europea.\n")
    f = facts_of(write_doc, vocab, "fcc.txt", text)
    assert f.title.value == "Fondo Conjunto de Cooperación" and f.acronym.value == "FCC"


def test_no_title_is_a_document_error(write_doc, vocab):
    text = "Parent Category: X\nCategory: Y\n\n\n This page describes several things that happen.\n"
    with pytest.raises(DocumentError, match="no programme title"):
        facts_of(write_doc, vocab, "none.txt", text)


def test_roles_from_sentences_in_english(write_doc, vocab):
    body = ("Funded by the European Union and co-financed by the Spanish Agency for International Development "
            "Cooperation (AECID), it is implemented by Camões, I.P. together with the Organization of "
            "Ibero-American States (OEI) and coordinated by the Fundación Mundo Sano.")
    f = facts_of(write_doc, vocab, "r.md", summary("Health Bridges Programme", body))
    assert roles(f) == [("coordinating", "Fundación Mundo Sano"), ("funding", "aecid"), ("funding", "european-union"),
                        ("implementing", "camoes"), ("implementing", "oei")]


def test_roles_from_sentences_in_spanish(write_doc, vocab):
    body = ("El programa es financiado por la Unión Europea y ejecutado por la Agencia Francesa de Desarrollo "
            "(AFD) junto con la Asociación Civil Tierra Viva.")
    f = facts_of(write_doc, vocab, "r.md", summary("Programa Tierra", body))
    assert roles(f) == [("funding", "european-union"), ("implementing", "Asociación Civil Tierra Viva"),
                        ("implementing", "afd")]
    unlinked = next(o for o in f.organisations if o.iri is None)
    assert unlinked.evidence.span.text.startswith("El programa es financiado")


def test_actors_table_roles_and_generic_rows(write_doc, vocab):
    text = summary("Reef Programme", "Funded by the European Union.") + (
        "\n## Actors\n\n| Category | Actor |\n| --- | --- |\n| Implementing Partners | GIZ; Fundación Arrecife Vivo |\n"
        "| Civil Society Actors | Fishing cooperatives; Local women's groups |\n")
    f = facts_of(write_doc, vocab, "a.md", text)
    assert roles(f) == [("funding", "european-union"), ("implementing", "Fundación Arrecife Vivo"),
                        ("implementing", "giz")]


def test_places_countries_subdivisions_regions(write_doc, vocab):
    body = ("The programme works in the states of Oaxaca and Chiapas in Mexico, in Guatemala and across "
            "Central America, with exchanges in Latin America and the Caribbean.")
    f = facts_of(write_doc, vocab, "p.md", summary("Border Health", body))
    assert codes(f.places) == ["GT", "MX", "MX-CHP", "MX-OAX", "m49-013", "m49-419"]


def test_funder_home_country_is_not_a_place(write_doc, vocab):
    body = ("Funded by Germany through the Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ), the "
            "project works in Honduras. The Spanish Agency for International Development Cooperation supports it.")
    f = facts_of(write_doc, vocab, "h.md", summary("Forest Futures", body, location="Honduras"))
    assert codes(f.places) == ["HN"]


def test_sdgs_in_all_the_forms_documents_use(write_doc, vocab):
    body = ("It contributes to SDG 5, SDGs 10 and 16, Sustainable Development Goal 17, ODS 7, the goals 6 "
            "of the 2030 Agenda, and SDG target 16.10. It reached 12 goals of its own and Goal 40 is unknown.")
    f = facts_of(write_doc, vocab, "s.md", summary("Goals Programme", body))
    assert codes(f.sdgs) == ["10", "16", "16.10", "17", "5", "6", "7"]
    assert all(s.iri.startswith(str(SDG)) for s in f.sdgs)


def test_spanish_sdgs(write_doc, vocab):
    f = facts_of(write_doc, vocab, "s.md", summary("Programa", "Contribuye a los ODS 3 y 4 y a la meta 5.2."))
    assert codes(f.sdgs) == ["3", "4", "5.2"]


def test_human_rights_themes_by_the_scheme_rules(write_doc, vocab):
    body = ("The programme prevents femicide and gives legal assistance to migrants. It follows a human rights-"
            "based approach and promotes the right to security; to justice; and to political participation. "
            "It also protects intellectual property rights.")
    f = facts_of(write_doc, vocab, "h.md", summary("Safe Routes", body))
    assert codes(f.hr_themes) == ["gbv", "hrba", "justice", "life-security", "migrants", "participation"]
    gbv = next(t for t in f.hr_themes if t.iri == str(HR["gbv"]))
    assert gbv.evidence.span.text.startswith("The programme prevents femicide")


def test_spanish_human_rights_themes(write_doc, vocab):
    body = "Apoya la igualdad de género, el acceso a la información pública y los derechos de los pueblos indígenas."
    f = facts_of(write_doc, vocab, "h.md", summary("Programa Voz", body))
    assert codes(f.hr_themes) == ["gender", "indigenous", "information"]


def test_a_sector_alone_is_not_a_theme(write_doc, vocab):
    body = "The programme builds a road and organises a business fair for exporters."
    assert facts_of(write_doc, vocab, "n.md", summary("Roads", body)).hr_themes == []


def test_activities_target_groups_commitments(write_doc, vocab):
    text = summary("Reef Programme", "Funded by the European Union.") + (
        "\n## Characteristics\n\n- **Target Groups**: Fishing cooperatives, judges and indigenous communities.\n"
        "- **Activities**: Technical assistance, training workshops and grants.\n"
        "\n## Commitments\n\n- Restore 5 hectares of coral reef.\n- Reduce by 30 % the judicial backlog.\n")
    f = facts_of(write_doc, vocab, "a.md", text)
    kinds = {a.label: a.kind and a.kind.rsplit("/", 1)[-1] for a in f.activities}
    assert kinds == {"Technical assistance": "technical-assistance", "Training workshops": "capacity-building",
                     "Grants": "grants"}
    groups = {g.label: g.kind and g.kind.rsplit("/", 1)[-1] for g in f.target_groups}
    assert groups["Judges"] == "justice-sector" and groups["Indigenous communities"] == "indigenous-peoples"
    assert [(str(c.quantity), c.unit, c.committed_to) for c in f.commitments] == [
        ("5", "hectares", "Coral reef"), ("30", "%", "The judicial backlog")]


def test_evidence_offsets_point_at_the_quote(write_doc, vocab):
    path = write_doc("o.md", summary("Evidence Programme", "Funded by the European Union in Peru. It serves SDG 4."))
    doc = read_document(path)
    f = extract(doc, vocab)
    for fact in [*f.organisations, *f.places, *f.sdgs, f.title]:
        span = fact.evidence.span
        assert doc.text[span.start:span.end] == span.text


def test_unknown_registry_iris_are_not_invented(vocab):
    assert str(ORG["european-union"]) in vocab.organisations
    assert str(PLACE["MX-OAX"]) in vocab.places


@pytest.mark.parametrize("sentence, expected", [
    ("It is implemented by the Caribbean Institute for Meteorology and Hydrology (CIMH) and the Fundación Mar Azul.",
     [("implementing", "Caribbean Institute for Meteorology and Hydrology"), ("implementing", "Fundación Mar Azul")]),
    ("Es ejecutado por el Ministerio de Medio Ambiente y Agua (MMAyA) y la Asociación Agua Viva.",
     [("implementing", "Asociación Agua Viva"), ("implementing", "Ministerio de Medio Ambiente y Agua")]),
    ("It is co-financed by the European Union and Sweden.", [("funding", "Sweden"), ("funding", "european-union")]),
    ("Funded by Spain through the Spanish Agency for International Development Cooperation (AECID).",
     [("funding", "Spain"), ("funding", "aecid")]),
    ("Implemented by the International Labour Organization (ILO) in partnership with the Asociación Textil Justa.",
     [("implementing", "Asociación Textil Justa"), ("implementing", "ilo")]),
    ("Entre 2019 y 2022, la Unión Europea financió el programa.", [("funding", "european-union")]),
    ("Cofinanciado por la Agencia Italiana de Cooperación para el Desarrollo (AICS) de Italia.", [("funding", "aics")]),
])
def test_role_lists_keep_names_whole(write_doc, vocab, sentence, expected):
    f = facts_of(write_doc, vocab, "r.md", summary("Programa Prueba", sentence, location="Bolivia"))
    assert roles(f) == sorted(expected)
    assert not {"SE", "ES", "IT"} & set(codes(f.places))


def test_common_word_subdivision_next_to_its_level_word(write_doc, vocab):
    f = facts_of(write_doc, vocab, "p.md", summary("Empleo", "Pilots in Asunción and the Central Department of Paraguay."))
    assert "PY-11" in codes(f.places)
    g = facts_of(write_doc, vocab, "q.md", summary("Empleo", "A central role in Paraguay."))
    assert "PY-11" not in codes(g.places)


def test_page_named_only_in_running_text(write_doc, vocab):
    text = ("Categoría principal: Cooperación\nCategoría: Agua\n\n\n La Facilidad Regional de Agua Segura apoya a "
            "municipios de Honduras desde 2019.\n")
    f = facts_of(write_doc, vocab, "agua.txt", text)
    assert f.title.value == "Facilidad Regional de Agua Segura"


def test_a_failing_extractor_costs_only_its_own_facts(write_doc, vocab, monkeypatch):
    import coopkg.extract as ex

    def broken(*args):
        raise RuntimeError("odd table")

    monkeypatch.setattr(ex, "extract_commitments", broken)
    f = facts_of(write_doc, vocab, "c.md", summary("Water Programme", "Funded by the European Union in Peru."))
    assert f.commitments == [] and [o.iri.rsplit("/", 1)[-1] for o in f.organisations] == ["european-union"]
    assert f.warnings == ["commitments not read: RuntimeError: odd table"]


def test_commitments_in_money(write_doc, vocab):
    text = summary("Fondo Verde", "Un fondo.") + (
        "\n## Compromisos\n\n- Aportar 145 millones de euros al fondo fiduciario.\n- Mobilise EUR 20 million for green SMEs.\n")
    f = facts_of(write_doc, vocab, "m.md", text)
    assert [(str(c.quantity), c.unit, c.committed_to) for c in f.commitments] == [
        ("145000000", "euros", "Fondo fiduciario"), ("20000000", "EUR", "Green SMEs")]
