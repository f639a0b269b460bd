"""Extract the places a programme works in: countries, first-level subdivisions and supranational regions.

Names inside organisation names do not count, nor the home country of a funder or implementer outside the region.
"""
from __future__ import annotations

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
                      "oriente", "occidente", "san", "santa", "rio", "costa", "interior", "litoral"}
_LATIN_AMERICA = "https://w3id.org/coopkg/id/place/m49-419"
_TEXT_BLOCKS = ("title", "meta", "category", "paragraph", "bullet", "item", "row")


def extract_places(doc: Document, vocab: Vocabulary, sentences: Sentences,
                   organisations: list[OrganisationFact]) -> list[ConceptFact]:
    mentions = _place_mentions(doc, vocab)
    countries_named = {iri for m in mentions for iri in m.iris if vocab.places[iri].kind == "country"}
    countries_named |= _countries_in_organisation_names(doc, vocab)
    excluded = _home_countries(organisations, vocab)
    facts: dict[str, ConceptFact] = {}
    for m in mentions:
        iri = _choose(m, vocab, countries_named)
        if iri is None or iri in excluded:
            continue
        facts.setdefault(iri, ConceptFact(iri, Evidence(sentences.around(m.start, m.end), "gazetteer:place")))
    return list(facts.values())


def _place_mentions(doc: Document, vocab: Vocabulary) -> list[Match]:
    """Place names in the text, outside organisation names, written with a capital letter."""
    out = []
    for block in doc.blocks:
        if block.kind not in _TEXT_BLOCKS or block.section == "themes":
            continue
        s, e = block.span.start, block.span.end
        organisations = vocab.organisation_index.find(doc.text, s, e)
        for m in vocab.place_index.find(doc.text, s, e):
            if not m.text[:1].isupper() or any(o.start <= m.start and m.end <= o.end for o in organisations):
                continue
            iris = tuple(i for i in m.iris if i not in _NEVER_MATCHED)
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


def _choose(m: Match, vocab: Vocabulary, countries_named: set[str]) -> str | None:
    """One place for a mention: a country before a same-named subdivision; a subdivision only where its
    country is named in the document (or its name is long and unambiguous)."""
    places = [vocab.places[i] for i in m.iris]
    for kind in ("country", "region"):
        chosen = [p for p in places if p.kind == kind]
        if chosen:
            return chosen[0].iri
    subdivisions = [p for p in places if p.kind == "subdivision"]
    if fold(m.text).strip() in _COMMON_WORD_NAMES:
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
