"""Extract activities, target groups and quantified commitments from lists and labelled bullets.

Kinds come from the labels of the activity-kind and target-group schemes; an unmatched item keeps no kind.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..facts import ActivityFact, CommitmentFact, Evidence, TargetGroupFact
from ..gazetteer import PhraseIndex
from ..read import Document
from ..text import Span, trimmed
from ..vocabulary import Vocabulary

_LIST_SPLIT = re.compile(r",\s*(?:and\s+|y\s+|e\s+)?|\s+(?:and|y|e)\s+(?=[\w-]+(?:\s|$))|;\s*", re.I)
_PURPOSE = re.compile(r"\s+(?:to|in\s+order\s+to|para|con\s+el\s+fin\s+de|so\s+that|aimed\s+at|that|que)\s+.*$", re.I | re.S)
_LEAD_VERB = re.compile(
    r"^(?:includes?|including|engages?|targets?|supports?|reaches|involves?|works\s+with|incluye|involucra|"
    r"atiende|apoya|se\s+dirige\s+a|dirigido\s+a|comprende)\s+", re.I)


def _kind(index: PhraseIndex, text: str) -> str | None:
    matches = index.find(text)
    return matches[0].iris[0] if matches else None


def _first_sentence(span: Span, text: str) -> Span:
    m = re.search(r"(?<=[.!?])\s", span.text)
    return trimmed(text, span.start, span.start + m.start()) if m else span


def extract_activities(doc: Document, vocab: Vocabulary) -> list[ActivityFact]:
    """Numbered activity items, the Activities bullet (split into its parts) and Practical Applications."""
    out: list[ActivityFact] = []
    index = vocab.activity_index
    for block in doc.blocks:
        if block.kind == "item" and block.section == "activities":
            span = _first_sentence(block.span, doc.text)
            out.append(ActivityFact(_clean(span.text), _kind(index, span.text), len(out) + 1, Evidence(block.span, "numbered-list")))
        elif block.kind == "bullet" and block.section == "applications":
            span = _first_sentence(block.span, doc.text)
            out.append(ActivityFact(_clean(span.text), _kind(index, span.text), len(out) + 1, Evidence(block.span, "practical-applications")))
    bullet = doc.labelled("activities")
    if bullet is not None:
        for part in _list_parts(doc.text, bullet.span):
            out.append(ActivityFact(_clean(part.text), _kind(index, part.text), len(out) + 1, Evidence(bullet.span, "activities-bullet")))
    return out


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" .;:")
    return text[:1].upper() + text[1:]


def _list_parts(text: str, span: Span) -> list[Span]:
    """The items of a comma/and-separated list in a bullet, without a leading verb or trailing purpose."""
    body = span.text.rstrip(".")
    lead = _LEAD_VERB.match(body)
    offset = lead.end() if lead else 0
    body = _PURPOSE.sub("", body[offset:])
    parts = []
    pos = 0
    for m in [*_LIST_SPLIT.finditer(body), None]:
        end = m.start() if m else len(body)
        piece = trimmed(text, span.start + offset + pos, span.start + offset + end)
        if piece.text:
            parts.append(piece)
        if m:
            pos = m.end()
    return parts


def extract_target_groups(doc: Document, vocab: Vocabulary) -> list[TargetGroupFact]:
    """The Target Groups bullet's items; without one, target-group phrases found in the text."""
    bullet = doc.labelled("target_groups")
    index = vocab.target_group_index
    if bullet is not None:
        return [TargetGroupFact(_clean(p.text), _kind(index, p.text), Evidence(bullet.span, "target-groups-bullet"))
                for p in _list_parts(doc.text, bullet.span)]
    out: dict[str, TargetGroupFact] = {}
    for block in doc.blocks:
        if block.kind in ("paragraph", "item"):
            for m in index.find(doc.text, block.span.start, block.span.end):
                out.setdefault(m.iris[0], TargetGroupFact(_clean(m.text), m.iris[0], Evidence(block.span, "gazetteer:target-group")))
    return list(out.values())


_NUMBER = r"(?P<n>\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_UNITS = (r"%|percent|per\s+cent|por\s+ciento|hectares?|hectáreas?|ha|km2|km|kilometres?|kilómetros?|"
          r"(?:million|millones\s+de|mil\s+millones\s+de|billion)?\s*(?:de\s+)?(?:EUR|euros?|USD|US\$|dollars?|dólares)|"
          r"tonnes?|toneladas?|MW|GWh|people|persons|personas|families|familias|municipalities|municipios|"
          r"months?|meses|years?|años")
COMMITMENT = re.compile(
    rf"(?:(?P<cur>€|EUR|USD|US\$)\s*)?{_NUMBER}\s*(?P<mult>million|millones|billion|mil\s+millones)?\s*(?P<unit>{_UNITS})?(?!\w)",
    re.I)
_CONTEXT = re.compile(r"\b(?:at\s+least|al\s+menos|up\s+to|hasta|more\s+than|más\s+de|over|reach|benefit|"
                      r"aportar|aporta|invest|invierte|invertir|mobili[sz]e|movilizar|allocate|destinar|budget|presupuesto|"
                      r"reduce|reducir|increase|aumentar|restore|restaurar|train|capacitar|support|apoyar|"
                      r"strengthen|fortalecer|create|crear|build|construir)\b", re.I)


def extract_commitments(doc: Document) -> list[CommitmentFact]:
    """Quantified promises in the Commitments section (or, elsewhere, sentences that commit to a number)."""
    out = []
    blocks = doc.blocks_in("commitments") or [b for b in doc.blocks if b.kind in ("paragraph", "item", "bullet")
                                                 and _CONTEXT.search(b.span.text)]
    for block in blocks:
        for m in COMMITMENT.finditer(block.span.text):
            fact = _commitment(doc.text, block.span, m)
            if fact:
                out.append(fact)
    return out


def _commitment(text: str, span: Span, m: re.Match) -> CommitmentFact | None:
    raw = m.group("n")
    if re.fullmatch(r"(?:19|20)\d\d", raw) and not m.group("unit"):
        return None  # a year, not a quantity
    if not (_CONTEXT.search(span.text[:m.start()]) or m.group("unit") or m.group("cur")):
        return None
    try:
        quantity = Decimal(_plain_number(raw))
    except InvalidOperation:
        return None
    mult = (m.group("mult") or "").lower()
    if mult:
        quantity *= Decimal(1_000_000_000 if mult in ("billion", "mil millones") else 1_000_000)
    unit = (m.group("unit") or m.group("cur") or "").strip()
    unit = re.sub(r"^(?:million|millones\s+de|mil\s+millones\s+de|billion)?\s*(?:de\s+)?", "", unit, flags=re.I) or unit
    rest = span.text[m.end():]
    rest = re.sub(r"^\s*(?:of|de|en|to|for|al|a|para)\s+", "", rest)
    obj = re.split(r"[.;]", rest, maxsplit=1)[0].strip() or span.text[:m.start()].strip()
    if not obj:
        return None
    if unit.lower() in ("%", "percent", "per cent", "por ciento"):
        unit = "%"
    return CommitmentFact(quantity, unit or None, _clean(obj)[:200], Evidence(span, "commitment"))


def _plain_number(raw: str) -> str:
    raw = raw.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        return re.sub(r"[.,]", "", raw)
    return raw.replace(",", ".")
