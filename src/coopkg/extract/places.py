"""Extract the places a programme works in: countries, first-level subdivisions and supranational regions.

Names inside organisation names do not count, nor the home country of a funder or implementer outside the region.
"""
from __future__ import annotations

import re

from ..facts import ConceptFact, Evidence, OrganisationFact
from ..gazetteer import Match
from ..read import Document
from ..text import Sentences, fold
from ..vocabulary import Vocabulary

#: Regions that name a whole continent or grouping the EU itself belongs to, not a place of work.
_NEVER_MATCHED = {"https://w3id.org/coopkg/id/place/EU", "https://w3id.org/coopkg/id/place/m49-001"}
#: Subdivision names that are also ordinary words; they are taken only in a longer name.
_COMMON_WORD_NAMES = {"central", "centre", "nord", "sud", "ouest", "est", "valle", "para", "colonia", "florida", "salto",
                      "acre", "portuguesa", "cordillera", "atlantico", "union", "la union", "capital", "norte", "sur",
                      "oriente", "occidente", "san", "santa", "rio", "costa", "interior", "litoral", "misiones", "mision",
                      "grande", "sierra", "selva", "frontera", "bahia", "caribe", "pacifico", "islas"}
_LATIN_AMERICA = "https://w3id.org/coopkg/id/place/m49-419"
_EUROPE = "https://w3id.org/coopkg/id/place/m49-150"


def _paired_with_latin_america(text: str, m: Match, vocab: Vocabulary) -> bool:
    """"Europe–Latin America", "Europa y América Latina": Europe as the partner region of a bi-regional
    programme, not a place it works in."""
    window_start, window_end = max(0, m.start - 40), min(len(text), m.end + 40)
    return any(_LATIN_AMERICA in p.iris or any(_LATIN_AMERICA in vocab.regions_of(i) for i in p.iris)
               for p in vocab.place_index.find(text, window_start, window_end) if p.start != m.start)
_TEXT_BLOCKS = ("title", "meta", "category", "paragraph", "bullet", "item", "row")


def extract_places(doc: Document, vocab: Vocabulary, sentences: Sentences,
                   organisations: list[OrganisationFact], role_clauses: list | None = None) -> list[ConceptFact]:
    mentions = [m for m in _place_mentions(doc, vocab)
                if not _names_an_actor(m, vocab, role_clauses or []) and not _is_an_origin(doc.text, m)]
    countries_named = {iri for m in mentions for iri in m.iris if vocab.places[iri].kind == "country"}
    countries_named |= _countries_in_organisation_names(doc, vocab)
    excluded = _home_countries(organisations, vocab)
    facts: dict[str, ConceptFact] = {}
    for m in mentions:
        iri = _choose(m, vocab, countries_named, doc.text)
        if iri is None or iri in excluded:
            continue
        facts.setdefault(iri, ConceptFact(iri, Evidence(sentences.around(m.start, m.end), "gazetteer:place")))
    return list(facts.values())


_ORIGIN = re.compile(
    r"(?:arriv\w*|deport\w*|fle\w*|coming|came|return\w*|expell\w*|displaced|lleg\w*|procedentes?|provenientes?|"
    r"originari\w*|huy\w*|retornad\w*|deportad\w*|expulsad\w*|desplazad\w*|salen|salieron)\s+(?:\w+\s+){0,3}"
    r"(?:from|desde|de|del)\s+(?:the\s+|la\s+|el\s+)?$", re.I)


def _is_an_origin(text: str, m: Match) -> bool:
    """"people arriving from Colombia", "deportados desde República Dominicana": where people come from,
    not where the programme works."""
    return bool(_ORIGIN.search(text[max(0, m.start - 60):m.start]))


def _names_an_actor(m: Match, vocab: Vocabulary, role_clauses: list) -> bool:
    """A country named inside a role clause is an actor or an actor's home ("co-financed by Sweden",
    "(AICS) de Italia"): always in a funding clause, and in any role clause when it lies outside the region."""
    for clause in role_clauses:
        if clause.start <= m.start < clause.end:
            countries = [i for i in m.iris if vocab.places[i].kind == "country"]
            if not countries:
                return False
            if clause.role == "funding":
                return True
            return all(_LATIN_AMERICA not in vocab.regions_of(c) for c in countries)
    return False


def _place_mentions(doc: Document, vocab: Vocabulary) -> list[Match]:
    """Place names in the text, outside organisation names, written with a capital letter."""
    out = []
    for block in doc.blocks:
        if block.kind not in _TEXT_BLOCKS or block.section == "themes":
            continue
        s, e = block.span.start, block.span.end
        organisations = vocab.organisation_index.find(doc.text, s, e)
        for m in vocab.place_index.find(doc.text, s, e):
            if not m.text[:1].isupper() or any(o.start < m.end and m.start < o.end for o in organisations):
                continue
            iris = tuple(i for i in m.iris if i not in _NEVER_MATCHED
                         and not (i == _EUROPE and _paired_with_latin_america(doc.text, m, vocab)))
            if iris:
                out.append(Match(m.start, m.end, m.text, iris))
    return out


def _countries_in_organisation_names(doc: Document, vocab: Vocabulary) -> set[str]:
    """Countries named inside organisation names ("Poder Judicial de Honduras"): context for subdivisions."""
    out = set()
    for o in vocab.organisation_index.find(doc.text):
        for m in vocab.place_index.find(doc.text, o.start, o.end):
            out |= {i for i in m.iris if vocab.places[i].kind == "country"}
    return out


_LEVEL_WORDS = re.compile(r"\b(?:department|departamento|province|provincia|state|estado|region|región|district|"
                          r"distrito|municipality|municipio|parish|parroquia)s?\b", re.I)


def _next_to_a_level_word(text: str, m: Match) -> bool:
    """"the Central Department", "departamento Central": a common word that is plainly a subdivision here."""
    before, after = text[max(0, m.start - 16):m.start], text[m.end:m.end + 16]
    return bool(re.search(_LEVEL_WORDS.pattern + r"\s+(?:de\s+|of\s+)?$", before, re.I)
                or re.match(r"^\s+" + _LEVEL_WORDS.pattern, after, re.I))


def _in_a_list_of_subdivisions(text: str, m: Match, candidates: list, vocab: Vocabulary) -> bool:
    """"the departments of Artibonite, Ouest and Grand'Anse": a common word listed among subdivisions."""
    countries = {vocab.country_of(p.iri) for p in candidates}
    window = vocab.place_index.find(text, max(0, m.start - 40), min(len(text), m.end + 40))
    return any(p.start != m.start and fold(p.text).strip() not in _COMMON_WORD_NAMES and any(
        vocab.places[i].kind == "subdivision" and vocab.country_of(i) in countries for i in p.iris) for p in window)


def _choose(m: Match, vocab: Vocabulary, countries_named: set[str], text: str) -> str | None:
    """One place for a mention: a country before a same-named subdivision; a subdivision only where its
    country is named in the document (or its name is long and unambiguous)."""
    places = [vocab.places[i] for i in m.iris]
    for kind in ("country", "region"):
        chosen = [p for p in places if p.kind == kind]
        if chosen:
            return chosen[0].iri
    subdivisions = [p for p in places if p.kind == "subdivision"]
    if fold(m.text).strip() in _COMMON_WORD_NAMES and not _next_to_a_level_word(text, m) \
            and not _in_a_list_of_subdivisions(text, m, subdivisions, vocab):
        return None
    in_named = [p for p in subdivisions if vocab.country_of(p.iri) in countries_named]
    if len(in_named) == 1:
        return in_named[0].iri
    if not in_named and len(subdivisions) == 1 and len(m.text.split()) >= 2:
        return subdivisions[0].iri
    return None


def _home_countries(organisations: list[OrganisationFact], vocab: Vocabulary) -> set[str]:
    """Home countries of funders and implementers that lie outside Latin America and the Caribbean."""
    out = set()
    for f in organisations:
        known = vocab.organisations.get(f.iri or "")
        if known and known.based_in and _LATIN_AMERICA not in vocab.regions_of(known.based_in):
            out.add(known.based_in)
    return out
