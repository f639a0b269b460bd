"""Extract the Sustainable Development Goals and targets a document states ("SDG 5", "ODS 16", "target 16.10").

Only numbered mentions count as stated; goals inferred from content are a separate, later step.
"""
from __future__ import annotations

import re

from ..facts import ConceptFact, Evidence
from ..namespaces import SDG
from ..read import Document
from ..text import Sentences
from ..vocabulary import Vocabulary

_CODE = r"\d{1,2}(?:\.(?:\d{1,2}|[a-c]))?"
_LIST_SEP = r"\s*(?:,|and|y|e|&|/|or|o)\s*"
_PREFIX = (
    r"(?:SDGs?|ODS|sustainable\s+development\s+goals?|objetivos?\s+de\s+desarrollo\s+sostenible|"
    r"global\s+goals?|goals?|objetivos?|targets?|metas?|SDG\s+targets?|metas?\s+(?:de\s+los\s+)?ODS)"
)
MENTION = re.compile(
    rf"\b{_PREFIX}\s*(?:n(?:o|º|°|úm)\.?\s*|number\s+|número\s+|#\s*)?(?P<codes>{_CODE}(?:(?:{_LIST_SEP})(?:{_PREFIX}\s*)?{_CODE}\b(?!\s*(?:%|percent|por\s+ciento|million|millones)))*)(?![\d.]*\d)",
    re.I,
)
# "Goal" and "Objetivo" alone are ordinary words: only with a number of 1-17, and not before a unit.
_GENERIC = re.compile(r"^(?:goals?|objetivos?|targets?|metas?)\b", re.I)


def extract_sdgs(doc: Document, vocab: Vocabulary, sentences: Sentences) -> list[ConceptFact]:
    facts: dict[str, ConceptFact] = {}
    for m in MENTION.finditer(doc.text):
        generic = bool(_GENERIC.match(m.group()))
        codes = re.findall(_CODE, m.group("codes"))
        trusted = not generic or _near_sdg_context(doc.text, m.start()) or _contributes(doc.text, m.start()) or (
            len(codes) > 1 and re.match(r"(?i)goals|objetivos", m.group()))
        for code in codes:
            if generic and "." not in code and not trusted:
                continue
            if code in vocab.sdg_codes:
                iri = str(SDG[code])
                facts.setdefault(iri, ConceptFact(iri, Evidence(sentences.around(m.start(), m.end()), "sdg:numbered")))
    return list(facts.values())


def _contributes(text: str, pos: int) -> bool:
    """"contributes to Goal 4", "contribuye al Objetivo 5", "aligned with Goal 13"."""
    return bool(re.search(r"(?:contribut\w*|aligned|alineado|alineada|contribuy\w*|aporta\w*)\s+(?:to|with|a|al|con)\s+"
                          r"(?:the\s+|los\s+|las\s+|el\s+|la\s+)?$", text[max(0, pos - 60):pos], re.I))


def _near_sdg_context(text: str, pos: int) -> bool:
    """A bare "Goal 5" counts when the sentence around it speaks of SDGs or the 2030 Agenda."""
    window = text[max(0, pos - 200):pos + 200]
    return bool(re.search(r"\b(?:SDGs?|ODS|sustainable\s+development|desarrollo\s+sostenible|agenda\s+2030|2030\s+agenda)\b",
                          window, re.I))
