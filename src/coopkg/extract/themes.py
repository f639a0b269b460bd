"""Extract human-rights themes (by the rules of the theme scheme) and the general themes of a Main Themes table.

A theme is tagged where the text states or clearly describes it; the matched sentence is its evidence.
"""
from __future__ import annotations

import re

from ..facts import ConceptFact, Evidence, ThemeFact
from ..gazetteer import Match
from ..read import Document
from ..text import Sentences
from ..vocabulary import Vocabulary

# "the right to security; to justice; to political participation": each "to X" is a right of its own.
_RIGHTS_LIST = re.compile(r"\b(?:rights?\s+(?:such\s+as\s+(?:the\s+right\s+)?)?to|derechos?\s+(?:como\s+(?:el\s+derecho\s+)?)?(?:a|al))\s+", re.I)
_LIST_ITEM = re.compile(r"(?:^|[;,]\s*(?:and\s+|y\s+)?|\s+(?:and|y)\s+)(?:to|a|al)\s+(?:the\s+|la\s+|el\s+)?", re.I)
# Phrases that contain a theme's words without being about it.
_NEGATIVE = re.compile(
    r"\b(?:intellectual\s+property\s+rights|propiedad\s+intelectual|property\s+rights|derechos\s+de\s+propiedad|"
    r"social\s+justice|climate\s+justice|justicia\s+social|justicia\s+climática|data\s+protection\s+officer|"
    r"price\s+transparency|fiscal\s+transparency)\b", re.I)
_TEXT_BLOCKS = ("title", "paragraph", "bullet", "item", "row")
# "enfoque de género y de derechos humanos", "a gender and human rights-based approach": the human rights-based
# approach named as one of two coordinated approaches.
_COORDINATED_HRBA = re.compile(
    r"\benfoques?\s+(?:de|basados?\s+en)\s+(?:[\w-]+\s+){0,4}y\s+(?:de\s+|en\s+)?(?:los\s+)?derechos\s+humanos\b"
    r"|\b(?:[\w-]+\s+){1,3}and\s+human[- ]rights(?:[- ]based)?\s+approach(?:es)?\b"
    r"|\bapproach(?:es)?\s+(?:to|of|based\s+on)\s+(?:[\w-]+\s+){1,4}and\s+human\s+rights\b", re.I)
_HRBA = "https://w3id.org/coopkg/voc/hr-theme/hrba"


def extract_hr_themes(doc: Document, vocab: Vocabulary, sentences: Sentences) -> list[ConceptFact]:
    facts: dict[str, ConceptFact] = {}
    for match in _theme_mentions(doc, vocab):
        for iri in match.iris:
            facts.setdefault(iri, ConceptFact(iri, Evidence(sentences.around(match.start, match.end), "gazetteer:hr-theme")))
    return list(facts.values())


def _theme_mentions(doc: Document, vocab: Vocabulary) -> list[Match]:
    text = doc.text
    out: list[Match] = []
    for block in doc.blocks:
        if block.kind not in _TEXT_BLOCKS:
            continue
        s, e = block.span.start, block.span.end
        negatives = [(m.start(), m.end()) for m in _NEGATIVE.finditer(text, s, e)]
        for m in vocab.hr_index.find(text, s, e):
            if not any(a <= m.start < b for a, b in negatives):
                out.append(m)
        out.extend(_rights_list_mentions(text, s, e, vocab))
        out.extend(Match(m.start(), m.end(), m.group(), (_HRBA,)) for m in _COORDINATED_HRBA.finditer(text, s, e))
    return out


def _rights_list_mentions(text: str, start: int, end: int, vocab: Vocabulary) -> list[Match]:
    """Themes named as items of a list of rights, each read as "right to <item>"."""
    out = []
    for intro in _RIGHTS_LIST.finditer(text, start, end):
        stop = text.find(".", intro.end(), end)
        stop = end if stop < 0 else stop
        items = [intro.end()] + [m.end() for m in _LIST_ITEM.finditer(text, intro.end(), stop)]
        for item_start in items:
            words = re.match(r"[\w\s-]{1,60}?(?=[;,.]|\s+and\s|\s+y\s|$)", text[item_start:stop])
            if not words:
                continue
            item = words.group().strip()
            prefix = "derecho a " if re.match(r"derech", intro.group(), re.I) else "right to "
            iris = vocab.hr_index.lookup(prefix + item)
            if iris:
                out.append(Match(item_start, item_start + len(item), item, tuple(sorted(iris))))
    return out


def extract_general_themes(doc: Document) -> list[ThemeFact]:
    """Rows of the Main Themes table: a category and, where given, a subcategory."""
    out = []
    for row in doc.blocks:
        if row.kind == "row" and row.section == "themes" and row.cells and row.cells[0].text:
            sub = row.cells[1].text if len(row.cells) > 1 and row.cells[1].text else None
            out.append(ThemeFact(row.cells[0].text, sub, Evidence(row.span, "themes-table")))
    return out
