"""Extract: read a Document's blocks and sentences into the typed facts of one programme.

Deterministic rules over the structure first, then gazetteer matching; every fact keeps its evidence.
"""
from __future__ import annotations

from ..facts import ProgrammeFacts
from ..read import Document
from ..text import Sentences
from ..vocabulary import Vocabulary
from .activities import extract_activities, extract_commitments, extract_target_groups
from .dates import extract_dates, extract_duration
from .organisations import extract_organisations
from .places import extract_places
from .sdgs import extract_sdgs
from .themes import extract_general_themes, extract_hr_themes
from .titles import extract_summary, extract_title

__all__ = ["extract"]


def extract(doc: Document, vocab: Vocabulary) -> ProgrammeFacts:
    """All the facts one document states about its programme (DocumentError if it names none)."""
    sentences = Sentences(doc.text)
    title, acronym, aliases = extract_title(doc, vocab)
    start, end = extract_dates(doc, sentences)
    organisations, role_clauses = extract_organisations(doc, vocab, sentences)
    return ProgrammeFacts(
        title=title,
        language=doc.language,
        acronym=acronym,
        aliases=aliases,
        summary=extract_summary(doc, sentences),
        start=start,
        end=end,
        duration=extract_duration(doc, sentences),
        organisations=organisations,
        places=extract_places(doc, vocab, sentences, organisations, role_clauses),
        sdgs=extract_sdgs(doc, vocab, sentences),
        hr_themes=extract_hr_themes(doc, vocab, sentences),
        themes=extract_general_themes(doc),
        activities=extract_activities(doc, vocab),
        target_groups=extract_target_groups(doc, vocab),
        commitments=extract_commitments(doc),
    )
