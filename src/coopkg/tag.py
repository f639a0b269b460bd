"""Tag: infer the SDG goals and targets and the human-rights themes a text is about, with the phrases as evidence.

Rule-based and explainable: cue phrases from the tagging vocabularies, a weight per cue, exclusions, a threshold.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from .gazetteer import PhraseIndex
from .namespaces import CK, SDGO
from .text import fold, tokens
from .vocabulary import Vocabulary

#: A strong cue counts 1, a weak one 0.4, a repeat of a cue 0.25 (at most twice); a concept is inferred
#: when its score reaches THRESHOLD, so one strong cue or three weak ones are enough.
STRONG, WEAK, REPEAT, THRESHOLD = 1.0, 0.4, 0.25, 1.0
HR_SCHEME = "https://w3id.org/coopkg/voc/hr-theme"


@dataclass(frozen=True)
class Hit:
    """One cue found in the text."""

    concept: str
    phrase: str
    start: int
    end: int
    weight: float


@dataclass
class Inference:
    """A concept the tagger infers, with its score, a confidence in [0, 1) and the cues behind it."""

    concept: str
    code: str
    score: float
    hits: list[Hit] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        # 1 strong cue -> 0.5, 2 -> 0.75, 3 -> 0.875: more independent evidence, more confidence
        return round(1 - math.pow(0.5, self.score), 3)


@dataclass
class Tags:
    goals: list[Inference]
    targets: list[Inference]
    hr_themes: list[Inference]

    def to_json(self, text_id=None) -> dict:
        out = {"sdgs": [g.code for g in self.goals], "targets": [t.code for t in self.targets],
               "hr_themes": [h.code for h in self.hr_themes],
               "scores": {i.code: {"score": round(i.score, 3), "confidence": i.confidence}
                          for i in [*self.goals, *self.targets, *self.hr_themes]},
               "evidence": [{"concept": h.concept.rsplit("/", 1)[-1], "phrase": h.phrase, "start": h.start,
                             "end": h.end, "weight": h.weight}
                            for i in [*self.goals, *self.targets, *self.hr_themes] for h in i.hits]}
        return {"id": text_id, **out} if text_id is not None else out


class _Cues:
    """Cue phrases of a set of concepts: exact phrases in a token index, `stem*` cues by prefix."""

    def __init__(self) -> None:
        self.index = PhraseIndex()
        self.weight: dict[tuple[str, str], float] = {}
        self.stems: dict[str, list[tuple[str, float]]] = defaultdict(list)  # stem -> (concept, weight)

    def add(self, phrase: str, concept: str, weight: float) -> None:
        phrase = phrase.strip()
        if phrase.endswith("*") and " " not in phrase:
            self.stems[fold(phrase[:-1])].append((concept, weight))
            return
        self.index.add(phrase, concept)
        key = (" ".join(t for t, _, _ in tokens(fold(phrase))), concept)
        self.weight[key] = max(self.weight.get(key, 0.0), weight)

    def hits(self, text: str) -> list[Hit]:
        out = []
        for m in self.index.find(text):
            key_text = " ".join(t for t, _, _ in tokens(fold(m.text)))
            for concept in m.iris:
                weight = self.weight.get((key_text, concept))
                if weight is None:  # matched through the case-sensitive side; not used by cues
                    continue
                out.append(Hit(concept, m.text, m.start, m.end, weight))
        if self.stems:
            for word, start, end in tokens(fold(text)):
                for stem, concepts in self.stems.items():
                    if word.startswith(stem):
                        out.extend(Hit(c, text[start:end], start, end, w) for c, w in concepts)
        return out


class Tagger:
    """Infers SDG goals, targets and human-rights themes from text using the vocabularies' cue phrases."""

    def __init__(self, vocab: Vocabulary, threshold: float = THRESHOLD):
        self.threshold = threshold
        g = vocab.graph
        self.goal_of: dict[str, str] = {}
        self.code: dict[str, str] = {}
        for target in g.subjects(RDF.type, SDGO.Target):
            goal = g.value(target, SKOS.broader)
            self.goal_of[str(target)] = str(goal)
        for concept in [*g.subjects(RDF.type, SDGO.Goal), *g.subjects(RDF.type, SDGO.Target)]:
            self.code[str(concept)] = str(concept).rsplit("/", 1)[-1]
        hr = {str(c) for c in g.subjects(SKOS.inScheme, URIRef(HR_SCHEME))}
        for concept in hr:
            self.code[concept] = str(g.value(URIRef(concept), SKOS.notation))
        self.sdg_cues, self.hr_cues = _Cues(), _Cues()
        self.exclusions = PhraseIndex()
        for concept in self.code:
            cues = self.hr_cues if concept in hr else self.sdg_cues
            node = URIRef(concept)
            # a goal's own names ("gender equality", "ODS 5") and a theme's stated phrasings are strong cues too
            named = concept in hr or concept not in self.goal_of
            strong = [SKOS.hiddenLabel] + ([SKOS.prefLabel, SKOS.altLabel] if named else [])
            for prop in strong:
                for label in g.objects(node, prop):
                    cues.add(str(label), concept, STRONG)
            for label in g.objects(node, CK.weakTaggingLabel):
                cues.add(str(label), concept, WEAK)
            for label in g.objects(node, CK.taggingExclusion):
                self.exclusions.add(str(label), concept)

    def tag(self, text: str) -> Tags:
        excluded = [(m.start, m.end, set(m.iris)) for m in self.exclusions.find(text)]

        def kept(hit: Hit) -> bool:
            family = {hit.concept, self.goal_of.get(hit.concept, "")}
            return not any(s <= hit.start and hit.end <= e and family & concepts for s, e, concepts in excluded)

        sdg_hits = [h for h in self.sdg_cues.hits(text) if kept(h)]
        hr_hits = [h for h in self.hr_cues.hits(text) if kept(h)]
        targets = self._score({h.concept: [] for h in sdg_hits if h.concept in self.goal_of}, sdg_hits, by_target=True)
        goals = self._score({}, sdg_hits, by_target=False)
        themes = self._score({}, hr_hits, by_target=False)
        return Tags(goals=self._inferred(goals), targets=self._inferred(targets), hr_themes=self._inferred(themes))

    def _score(self, seed: dict, hits: list[Hit], by_target: bool) -> dict[str, Inference]:
        grouped: dict[str, list[Hit]] = defaultdict(list, seed)
        for h in hits:
            if by_target:
                if h.concept in self.goal_of:
                    grouped[h.concept].append(h)
            else:
                grouped[self.goal_of.get(h.concept, h.concept)].append(h)
        out = {}
        for concept, concept_hits in grouped.items():
            out[concept] = Inference(concept, self.code.get(concept, concept.rsplit("/", 1)[-1]),
                                     _score_of(concept_hits), sorted(concept_hits, key=lambda h: (h.start, h.concept)))
        return out

    def _inferred(self, scored: dict[str, Inference]) -> list[Inference]:
        chosen = [i for i in scored.values() if i.score >= self.threshold]
        return sorted(chosen, key=lambda i: _sort_key(i.code))


def _score_of(hits: list[Hit]) -> float:
    """Distinct cues count their weight; repeats of a cue add a little, at most twice."""
    by_phrase: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        by_phrase[" ".join(t for t, _, _ in tokens(fold(h.phrase)))].append(h)
    score = 0.0
    for same in by_phrase.values():
        weight = max(h.weight for h in same)
        repeats = len({h.start for h in same}) - 1
        score += weight + REPEAT * weight * min(repeats, 2)
    return score


def _sort_key(code: str):
    parts = code.split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)
