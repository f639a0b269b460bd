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
from .inferred import infer_topics
from .organisations import extract_organisations
from .places import extract_places
from .sdgs import extract_sdgs
from .themes import extract_general_themes, extract_hr_themes
from .titles import extract_summary, extract_title

__all__ = ["extract"]


def extract(doc: Document, vocab: Vocabulary) -> ProgrammeFacts:
    """All the facts one document states about its programme (DocumentError if it names none).

    Each kind of fact is read on its own: should one extractor fail on an odd document, the others'
    facts are kept and the failure is reported in `warnings` rather than losing the whole document."""
    sentences = Sentences(doc.text)
    title, acronym, aliases = extract_title(doc, vocab)
    facts = ProgrammeFacts(title=title, language=doc.language, acronym=acronym, aliases=aliases)

    def guarded(kind: str, run, default):
        try:
            return run()
        except Exception as err:  # noqa: BLE001 - reported, never silent
            facts.warnings.append(f"{kind} not read: {type(err).__name__}: {err}")
            return default

    facts.summary = guarded("summary", lambda: extract_summary(doc, sentences), None)
    facts.start, facts.end = guarded("dates", lambda: extract_dates(doc, sentences), (None, None))
    facts.duration = guarded("duration", lambda: extract_duration(doc, sentences), None)
    facts.organisations, role_clauses = guarded(
        "organisations", lambda: extract_organisations(doc, vocab, sentences), ([], []))
    facts.places = guarded("places", lambda: extract_places(doc, vocab, sentences, facts.organisations, role_clauses), [])
    facts.sdgs = guarded("SDGs", lambda: extract_sdgs(doc, vocab, sentences), [])
    facts.hr_themes = guarded("human-rights themes", lambda: extract_hr_themes(doc, vocab, sentences), [])
    # inferred from the whole text by the tagger, kept apart from the stated SDGs and themes above
    facts.inferred_sdgs, facts.inferred_hr_themes = guarded(
        "inferred SDGs and themes", lambda: infer_topics(doc, vocab.tagger), ([], []))
    facts.themes = guarded("themes", lambda: extract_general_themes(doc), [])
    facts.activities = guarded("activities", lambda: extract_activities(doc, vocab), [])
    facts.target_groups = guarded("target groups", lambda: extract_target_groups(doc, vocab), [])
    facts.commitments = guarded("commitments", lambda: extract_commitments(doc), [])
    return facts
