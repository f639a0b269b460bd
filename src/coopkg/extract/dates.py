"""Extract start and end dates and the duration of a programme, at the precision the text gives.

English and Spanish: "May 15, 2021, to May 14, 2025", "del 1 de marzo de 2021 al 28 de febrero de 2025", "runs until 2024".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..facts import DateFact, DurationFact, Evidence
from ..read import Document
from ..text import Sentences, Span

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:19|20)\d\d"
# One date expression, most precise forms first.
DATE = (
    rf"(?:(?P<iso>{_YEAR}-[01]\d(?:-[0-3]\d)?)"
    rf"|(?P<mdy>{_MONTH}\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+{_YEAR})"
    rf"|(?P<dmy>[0-3]?\d(?:st|nd|rd|th|º|°)?\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+|of\s+)?{_YEAR})"
    rf"|(?P<my>{_MONTH},?\s+(?:de\s+|of\s+)?{_YEAR})"
    rf"|(?P<y>{_YEAR}))"
)
_RANGE_START = r"(?:from|between|since|del|de|desde|entre|el|running|runs|ran)"
_RANGE_SEP = r"(?:to|until|till|through|thru|and|–|—|-|al|a|hasta|y)"
RANGE = re.compile(
    rf"(?:\b{_RANGE_START}\s+)?(?P<a>{DATE.replace('?P<', '?P<a_')}),?\s*{_RANGE_SEP}\s+(?:el\s+|the\s+)?"
    rf"(?P<b>{DATE.replace('?P<', '?P<b_')})",
    re.I,
)
COMPACT_RANGE = re.compile(rf"\(\s*(?P<a>{_YEAR})\s*[-–/]\s*(?P<b>{_YEAR})\s*\)")
START_ONLY = re.compile(
    rf"\b(?:launched|started|starting|began|begins|beginning|since|inaugurated|initiated|lanzad[oa]|"
    rf"iniciad[oa]|inici[óo]|comenz[óo]|arranc[óo]|desde)\s+(?:in\s+|on\s+|en\s+|el\s+)?(?P<a>{DATE.replace('?P<', '?P<a_')})",
    re.I,
)
END_ONLY = re.compile(
    rf"\b(?:until|till|through|ends?|ending|ended|concludes|hasta|finaliza(?:rá)?|termina(?:rá)?|concluye)\s+"
    rf"(?:in\s+|on\s+|en\s+|el\s+)?(?P<b>{DATE.replace('?P<', '?P<b_')})",
    re.I,
)
DURATION = re.compile(
    r"\b(?P<n>\d{1,3})\s*(?P<unit>months?|meses|years?|años)\b", re.I)


def parse_date(text: str) -> str | None:
    """ISO form at the given precision ("2021-05-15", "2020-01", "2017") of one date expression."""
    text = text.strip()
    m = re.fullmatch(DATE, text, re.I)
    if not m:
        return None
    if m.group("iso"):
        return m.group("iso")
    year = re.search(_YEAR, text).group()
    month_word = re.search(_MONTH, text, re.I)
    month = MONTHS[month_word.group().rstrip(".").lower()] if month_word and not m.group("y") else None
    day_match = re.search(r"\b([0-3]?\d)(?:st|nd|rd|th|º|°)?\b(?!\d)", text.replace(year, ""))
    if m.group("mdy") or m.group("dmy"):
        day = int(day_match.group(1)) if day_match else None
        if day and 1 <= day <= 31:
            return f"{year}-{month:02d}-{day:02d}"
    if month:
        return f"{year}-{month:02d}"
    return year


@dataclass(frozen=True)
class _Candidate:
    start: DateFact | None
    end: DateFact | None
    rank: int  # lower is better: where it was found

    @property
    def precision(self) -> int:
        return max((d.precision for d in (self.start, self.end) if d), default=0)


def _section_rank(doc: Document, offset: int) -> int:
    for block in doc.blocks:
        if block.span.start <= offset <= block.span.end:
            if block.label == "duration":
                return 0
            if block.kind == "title":
                return 4
            if block.label == "date":
                return 5
            return 2 if block.section in ("summary", "intro", "characteristics") else 3
    return 3


def extract_dates(doc: Document, sentences: Sentences) -> tuple[DateFact | None, DateFact | None]:
    """The programme's start and end: the most precise, best-placed statement wins."""
    text = doc.text
    candidates: list[_Candidate] = []

    def fact(value: str | None, pos: int, rule: str) -> DateFact | None:
        return DateFact(value, Evidence(sentences.around(pos), rule)) if value else None

    for m in RANGE.finditer(text):
        a, b = parse_date(m.group("a")), parse_date(m.group("b"))
        if not a or not b or (len(m.group("a")) == 4 and len(m.group("b")) == 4 and not _year_range_context(m)):
            continue
        rank = _section_rank(doc, m.start())
        candidates.append(_Candidate(fact(a, m.start(), "date:range"), fact(b, m.start(), "date:range"), rank))
    for m in COMPACT_RANGE.finditer(text):
        rank = _section_rank(doc, m.start())
        candidates.append(_Candidate(fact(m.group("a"), m.start(), "date:title-years"),
                                     fact(m.group("b"), m.start(), "date:title-years"), rank + 1))
    for m in START_ONLY.finditer(text):
        candidates.append(_Candidate(fact(parse_date(m.group("a")), m.start(), "date:start-phrase"), None,
                                     _section_rank(doc, m.start())))
    for m in END_ONLY.finditer(text):
        if RANGE.search(text, max(0, m.start() - 40), m.end()):
            continue
        candidates.append(_Candidate(None, fact(parse_date(m.group("b")), m.start(), "date:end-phrase"),
                                     _section_rank(doc, m.start())))
    meta = doc.labelled("date")
    if meta and parse_date(meta.span.text):
        candidates.append(_Candidate(DateFact(parse_date(meta.span.text), Evidence(meta.span, "date:metadata")),
                                     None, 5))

    start = _best([c for c in candidates if c.start], lambda c: c.start)
    end = _best([c for c in candidates if c.end], lambda c: c.end)
    if start and end and end.value < start.value[: len(end.value)]:
        # a contradiction inside one document: keep the pair that came from one statement
        paired = [c for c in candidates if c.start and c.end]
        if paired:
            best = min(paired, key=lambda c: (c.rank, -c.precision))
            start, end = best.start, best.end
    return start, end


def _year_range_context(m: re.Match) -> bool:
    """A bare "2017 to 2022" counts only as a range phrase, not inside other numbers."""
    return bool(re.match(rf"(?:{_RANGE_START}\s+)?{_YEAR}\s*(?:to|until|through|al|a|hasta|y|–|—|-)\s+{_YEAR}", m.group(), re.I))


def _best(candidates: list[_Candidate], pick) -> DateFact | None:
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (-pick(c).precision, c.rank, pick(c).evidence.span.start))
    return pick(best)


def extract_duration(doc: Document, sentences: Sentences) -> DurationFact | None:
    """A stated duration ("48 months", "4 años") near the programme's dates."""
    block = doc.labelled("duration")
    where: list[Span] = [block.span] if block else [b.span for b in doc.blocks if b.section in ("summary", "intro")]
    for span in where:
        m = DURATION.search(span.text)
        if m:
            n, unit = int(m.group("n")), m.group("unit").lower()
            value = f"P{n}M" if unit.startswith(("month", "mes")) else f"P{n}Y"
            pos = span.start + m.start()
            return DurationFact(value, Evidence(sentences.around(pos), "duration"))
    return None
