"""Extract the SDG goals and targets and the human-rights themes a document is about, inferred by the tagger.

The tagger reads the document's whole text, so its cue offsets are document offsets; nothing here is "stated".
"""
from __future__ import annotations

from ..facts import Cue, InferredFact
from ..read import Document
from ..tag import Inference, Tagger
from ..text import Span

#: The highest confidence written. The tagger's confidence, 1 - 0.5^score rounded to three places, reaches 1.0
#: from a score of 11 on; an inference from cue phrases is never certain, so the graph keeps it below 1.
MAX_CONFIDENCE = 0.999


def infer_topics(doc: Document, tagger: Tagger) -> tuple[list[InferredFact], list[InferredFact]]:
    """(goals and targets, human-rights themes) the tagger infers from the document, each with its cues."""
    tags = tagger.tag(doc.text)
    sdgs = [_inferred(i, doc.text) for i in [*tags.goals, *tags.targets]]
    themes = [_inferred(i, doc.text) for i in tags.hr_themes]
    return sdgs, themes


def _inferred(inference: Inference, text: str) -> InferredFact:
    # A goal's cues include those of its targets, so one phrase can be counted for two targets of the same
    # goal: one cue per stretch of text, with the larger weight.
    weights: dict[tuple[int, int], float] = {}
    for hit in inference.hits:
        key = (hit.start, hit.end)
        weights[key] = max(weights.get(key, 0.0), hit.weight)
    cues = tuple(Cue(Span(start, end, text[start:end]), weight) for (start, end), weight in sorted(weights.items()))
    return InferredFact(inference.concept, min(inference.confidence, MAX_CONFIDENCE), cues)
