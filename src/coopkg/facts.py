"""The intermediate facts: what extraction found in one document, typed, each with its evidence.

Mapping turns these into RDF; nothing here knows about IRIs of minted resources.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .text import Span


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the quoted sentence, its offsets, and the rule that read it."""

    span: Span
    rule: str


@dataclass(frozen=True)
class TextFact:
    value: str
    language: str
    evidence: Evidence


@dataclass(frozen=True)
class DateFact:
    """A date at the precision the text gives: "2021-05-15", "2020-01" or "2017"."""

    value: str
    evidence: Evidence

    @property
    def precision(self) -> int:
        return len(self.value)


@dataclass(frozen=True)
class DurationFact:
    value: str  # xsd:duration, e.g. "P48M"
    evidence: Evidence


@dataclass(frozen=True)
class OrganisationFact:
    """An organisation in a role; `iri` is set when the registry knows it."""

    name: str
    role: str  # funding | implementing | coordinating | partner | beneficiary
    evidence: Evidence
    iri: str | None = None
    acronym: str | None = None
    span: Span | None = None  # where the name stands in the text


@dataclass(frozen=True)
class ConceptFact:
    """A link to a vocabulary concept or place (SDG, human-rights theme, place)."""

    iri: str
    evidence: Evidence


@dataclass(frozen=True)
class Cue:
    """A phrase the tagger counted towards an inference: where it stands in the text and what it weighs."""

    span: Span
    weight: float  # a strong cue weighs 1, a weak one 0.4 (coopkg.tag)


@dataclass(frozen=True)
class InferredFact:
    """A goal, target or human-rights theme the tagger infers from the document's whole text (whether or not
    the document also states it). Not a ConceptFact: it has a confidence, and cues instead of one sentence."""

    iri: str
    confidence: float  # in [0, 1): 1 strong cue gives 0.5, 2 give 0.75 (coopkg.tag.Inference)
    cues: tuple[Cue, ...]


@dataclass(frozen=True)
class ThemeFact:
    category: str
    subcategory: str | None
    evidence: Evidence


@dataclass(frozen=True)
class ActivityFact:
    label: str
    kind: str | None  # activity-kind concept IRI
    position: int
    evidence: Evidence


@dataclass(frozen=True)
class TargetGroupFact:
    label: str
    kind: str | None
    evidence: Evidence


@dataclass(frozen=True)
class CommitmentFact:
    quantity: Decimal
    unit: str | None
    committed_to: str
    evidence: Evidence


@dataclass
class ProgrammeFacts:
    """Everything one document says about the programme it describes."""

    title: TextFact
    language: str
    acronym: TextFact | None = None
    aliases: list[TextFact] = field(default_factory=list)
    summary: TextFact | None = None
    start: DateFact | None = None
    end: DateFact | None = None
    duration: DurationFact | None = None
    organisations: list[OrganisationFact] = field(default_factory=list)
    places: list[ConceptFact] = field(default_factory=list)
    sdgs: list[ConceptFact] = field(default_factory=list)
    hr_themes: list[ConceptFact] = field(default_factory=list)
    inferred_sdgs: list[InferredFact] = field(default_factory=list)  # goals and targets, by the tagger
    inferred_hr_themes: list[InferredFact] = field(default_factory=list)
    themes: list[ThemeFact] = field(default_factory=list)
    activities: list[ActivityFact] = field(default_factory=list)
    target_groups: list[TargetGroupFact] = field(default_factory=list)
    commitments: list[CommitmentFact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # extractors that failed on this document

    def identity_keys(self) -> set[str]:
        """Names that identify the programme across documents (title, acronym, short name)."""
        from .text import normal_key

        keys = {normal_key(self.title.value)}
        for fact in [self.acronym, *self.aliases]:
            if fact is not None:
                keys.add(normal_key(fact.value))
        return {k for k in keys if k}
