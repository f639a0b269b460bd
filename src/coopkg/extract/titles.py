"""Extract the programme's title, acronym, other names and summary.

The title loses the years in brackets; a web page without a title line is named by a "Name (ACRONYM)" phrase.
"""
from __future__ import annotations

import re

from ..facts import Evidence, TextFact
from ..read import Document, DocumentError
from ..text import Sentences, Span, normal_key, trimmed
from ..vocabulary import Vocabulary

_YEARS = re.compile(r"\s*[(\[]\s*(?:19|20)\d\d(?:\s*[-–/]\s*(?:(?:19|20)?\d\d|present|today|hoy|actualidad))?\s*[)\]]\s*$", re.I)
_PROGRAMME_WORDS = re.compile(
    r"\b(?:programme|program|programa|laboratory|laboratorio|initiative|iniciativa|project|proyecto|facility|facilidad|"
    r"fondo|fund|alliance|alianza|partnership|asociación|plan|network|red|mechanism|mecanismo|strategy|estrategia|"
    r"platform|plataforma|action|acción|instrument|instrumento)\b", re.I)
_NAME_WORD = (r"(?:[A-ZÁÉÍÓÚÑ][\w+'’.-]*|[IVX]{1,4}|de|del|la|las|los|y|e|of|the|and|for|para|en|in|on|el|sobre|&|"
              r"against|contra|to|a|al|with|con|between|entre|towards|hacia|through|por|from|desde|at|within)(?!\w)")
_NAMED_WITH_ACRONYM = re.compile(rf"(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,14}})[ \t]*\((?P<acr>[A-Z][A-Za-z0-9+\- ]{{1,15}})\)")
_LEADING = re.compile(r"^(?:(?:the|el|la|los|las|of|de|del|and|y|in|en|around|on|sobre|for|para|against|contra|to|a|al|"
                      r"with|con|between|entre|towards|hacia|through|por|from|desde|at|within)\s+)+", re.I)


def extract_title(doc: Document, vocab: Vocabulary) -> tuple[TextFact, TextFact | None, list[TextFact]]:
    """(title, acronym, aliases) of the programme, or DocumentError when the document names none."""
    block = next((b for b in doc.blocks if b.kind == "title"), None)
    language = doc.language
    acronym: TextFact | None = None
    if block is not None:
        span = _without_years(doc.text, block.span)
        if not span.text:
            raise DocumentError(doc.path, "the title line holds no programme name")
        title = TextFact(span.text, language, Evidence(span, "title"))
    else:
        found = _named_with_acronym(doc, vocab)
        if found is not None:
            name, acr = found
            title = TextFact(name.text, language, Evidence(name, "title:named-with-acronym"))
            acronym = TextFact(acr.text, "", Evidence(acr, "acronym"))
        else:
            name = _named_programme(doc, vocab)
            if name is None:
                raise DocumentError(doc.path, "no programme title found (no title line, no 'Name (ACRONYM)' phrase "
                                              "and no capitalised programme name)")
            title = TextFact(name.text, language, Evidence(name, "title:named-programme"))
    aliases = []
    short = re.match(r"^([^:]{2,40}):\s+\S", title.value)
    if short and len(short.group(1).split()) <= 4:
        s = title.evidence.span.start
        aliases.append(TextFact(short.group(1).strip(), language, Evidence(Span(s, s + len(short.group(1)), short.group(1)), "title:short-name")))
    if acronym is None:
        acronym = _acronym_after(doc, [title.value] + [a.value for a in aliases])
    if acronym is None and aliases and _is_acronym_like(aliases[0].value):
        acronym = TextFact(aliases[0].value, "", aliases[0].evidence)
    return title, acronym, aliases


def _is_acronym_like(name: str) -> bool:
    """"EL PAcCTO", "EUROsociAL+", "COPOLAD III": a short name written as an acronym."""
    first = name.split()[0]
    return len(name.split()) <= 3 and sum(c.isupper() for c in first) >= 2


def _without_years(text: str, span: Span) -> Span:
    m = _YEARS.search(span.text)
    return trimmed(text, span.start, span.start + m.start()) if m else span


def _named_with_acronym(doc: Document, vocab: Vocabulary) -> tuple[Span, Span] | None:
    """The first "Programme Name (ACR)" phrase that names a programme rather than a known organisation."""
    for m in _NAMED_WITH_ACRONYM.finditer(doc.text):
        raw = m.group("name")
        lead = _LEADING.match(raw)
        offset = lead.end() if lead else 0
        name = raw[offset:]
        if not _PROGRAMME_WORDS.search(name) or vocab.organisation_index.lookup(name):
            continue
        start = m.start("name") + offset
        return Span(start, start + len(name), name), Span(m.start("acr"), m.end("acr"), m.group("acr"))
    return None


_NAMED = re.compile(rf"(?P<name>[A-ZÁÉÍÓÚÑ][\w+'’.-]*(?:[ \t]+{_NAME_WORD}){{1,14}})")


def _named_programme(doc: Document, vocab: Vocabulary) -> Span | None:
    """The first capitalised phrase of the opening paragraphs that names a programme ("The Regional Facility
    for Water Security supports ..."), for a page with neither a title line nor an acronym."""
    for block in doc.blocks:
        if block.kind not in ("paragraph", "item"):
            continue
        for m in _NAMED.finditer(doc.text, block.span.start, block.span.end):
            raw = m.group("name")
            lead = _LEADING.match(raw)
            name = raw[lead.end():] if lead else raw
            name = re.sub(r"(?:\s+(?:of|de|del|the|la|el|and|y|in|en|for|para|to|a|al|with|con|at|on))+$", "", name)
            words = name.split()
            if len(words) >= 2 and _PROGRAMME_WORDS.search(name) and words[-1][0].isupper() \
                    and not vocab.organisation_index.lookup(name):
                start = m.start() + (lead.end() if lead else 0)
                return Span(start, start + len(name), name)
    return None


def _acronym_after(doc: Document, names: list[str]) -> TextFact | None:
    """An acronym given in brackets right after one of the programme's names."""
    keys = {normal_key(n) for n in names}
    for m in _NAMED_WITH_ACRONYM.finditer(doc.text):
        name = _LEADING.sub("", m.group("name"))
        if normal_key(name) in keys or any(normal_key(name).endswith(k) for k in keys):
            return TextFact(m.group("acr"), "", Evidence(Span(m.start("acr"), m.end("acr"), m.group("acr")), "acronym"))
    return None


def extract_summary(doc: Document, sentences: Sentences) -> TextFact | None:
    """The executive summary, or the first paragraph of a web page that is not its title."""
    for section in ("summary", "intro", "nutshell", "after-activities"):
        block = next((b for b in doc.blocks if b.section == section and b.kind == "paragraph"), None)
        if block is not None:
            return TextFact(" ".join(block.span.text.split()), doc.language, Evidence(block.span, "summary"))
    return None
