"""Tag: infer the SDG goals and targets and the human-rights themes a text is about, with the phrases as evidence.

Rule-based and explainable: cue phrases from the tagging vocabularies, a weight per cue, exclusions, a threshold.

The rules, in the order they apply:

- Matching is whole-word, case- and accent-insensitive; the longest cue at a place wins. Short acronyms
  ("CITES", "WASH", "ODA") match only in capitals, so that ordinary words ("cites", "wash") do not.
- Inflection: a cue also matches its regular plural/singular ("minimum wage" -> "minimum wages"; in Spanish
  the words before the first preposition agree: "pequeños productores" -> "pequeño productor") and, in
  Spanish, its other grammatical gender ("pequeñas productoras"). Where the vocabulary writes a variant out
  for the same concept, its own weight wins. Singular and plural of one cue count as one cue.
- Exclusions: a cue inside a phrase listed as ck:taggingExclusion for its concept (or its goal) is dropped.
- Scoring: a strong cue counts 1, a weak one 0.4, a repeat of a cue a quarter of its weight (at most twice).
  Weak cues add up only within one passage (WINDOW characters): scattered weak words across a long
  document are not evidence. A concept is inferred when its score reaches the threshold (1 by default):
  one strong cue, or three different weak cues close together.
- A goal's own names (prefLabel/altLabel in sdgs.ttl) are strong cues, except a bare single word
  ("Education"), which is weak, and a bare "Goal 3" / "Objetivo 3", which documents also use for their
  own objectives, which is weak too.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import product

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from .gazetteer import PhraseIndex
from .namespaces import CK, SDGO
from .text import fold, tokens
from .vocabulary import Vocabulary

#: A strong cue counts 1, a weak one 0.4, a repeat of a cue 0.25 of its weight (at most twice); a concept is
#: inferred when its score reaches THRESHOLD, so one strong cue or three weak ones are enough.
STRONG, WEAK, REPEAT, THRESHOLD = 1.0, 0.4, 0.25, 1.0
#: Weak cues add up only when they fall within this many characters of each other (about 90 words).
WINDOW = 600
HR_SCHEME = "https://w3id.org/coopkg/voc/hr-theme"

_ACRONYM = re.compile(r"[A-Z]{2,5}s?\+?")
_GOAL_NUMBER = re.compile(r"(?:goal|objetivo)\s+\d+", re.IGNORECASE)
# Spanish words that end the agreeing head of a phrase ("sistemas | de protección social")
_ES_STOP = frozenset("""de del a al en para por con sin sobre contra entre hacia desde hasta ante bajo tras
    y e o u ni que la el las los lo un una unos unas como su sus se segun mediante""".split())
# English words whose plural means something else ("public works", "powers", "goods")
_EN_NO_PLURAL = frozenset("work power good custom arm force mean new damage right saving security media marine".split())


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

    @property
    def inferences(self) -> list[Inference]:
        """Goals, then targets, then themes: the order of every listing of the tags."""
        return [*self.goals, *self.targets, *self.hr_themes]

    def to_json(self, text_id=None) -> dict:
        out = {"sdgs": [g.code for g in self.goals], "targets": [t.code for t in self.targets],
               "hr_themes": [h.code for h in self.hr_themes],
               "scores": {i.code: {"score": round(i.score, 3), "confidence": i.confidence}
                          for i in self.inferences},
               "evidence": [{"concept": h.concept.rsplit("/", 1)[-1], "phrase": h.phrase, "start": h.start,
                             "end": h.end, "weight": h.weight}
                            for i in self.inferences for h in i.hits]}
        return {"id": text_id, **out} if text_id is not None else out


# ---------------------------------------------------------------------------
# Inflection: regular number and (Spanish) gender variants of a cue's words
# ---------------------------------------------------------------------------

def _en_plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _en_singular(word: str) -> set[str]:
    if word.endswith(("ss", "us", "is")) or len(word) < 4:
        return set()
    if word.endswith("ies"):
        return {word[:-3] + "y"}
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return {word[:-2]}
    return {word[:-1]} if word.endswith("s") else set()


def _es_plural(word: str) -> str:
    if word[-1] in "aeiou":
        return word + "s"
    if word.endswith("z"):
        return word[:-1] + "ces"
    return word + "es"


def _es_singular(word: str) -> set[str]:
    if not word.endswith("s") or word.endswith(("is", "us")) or len(word) < 4:
        return set()
    out = {word[:-1]}
    if word.endswith("ces"):
        out.add(word[:-3] + "z")
    elif word.endswith("es"):
        out.add(word[:-2])
    return out


_ES_GENDER = (("ores", "oras"), ("oras", "ores"), ("or", "ora"), ("ora", "or"),
              ("os", "as"), ("as", "os"), ("o", "a"), ("a", "o"))


def _es_gender(word: str, agentive_only: bool = False) -> tuple[str, str] | None:
    """The word in the other gender, and which gender it was ("m"/"f"); None if it shows none."""
    for old, new in _ES_GENDER:
        if agentive_only and "r" not in old:
            continue
        if word.endswith(old) and len(word) > len(old) + 2:
            return word[: -len(old)] + new, ("m" if old in ("ores", "or", "os", "o") else "f")
    return None


def _variants(key: tuple[str, ...], lang: str) -> set[tuple[str, ...]]:
    """Regular inflectional variants of a folded cue (never the cue itself)."""
    if not key or not all(t.isalpha() for t in key):
        return set()
    out: set[tuple[str, ...]] = set()
    if lang.startswith("es"):
        head = []
        for i, t in enumerate(key):
            if t in _ES_STOP:
                break
            head.append(i)
        if not head:
            return set()
        single = len(key) == 1
        # number: all agreeing words together, in the direction the first one suggests
        if key[head[0]].endswith("s"):
            if not single:
                options = [sorted(_es_singular(key[i])) or [key[i]] for i in head]
                for choice in product(*options):
                    v = list(key)
                    for i, w in zip(head, choice):
                        v[i] = w
                    out.add(tuple(v))
        elif len(key[head[0]]) > 3:
            v = list(key)
            for i in head:
                if not key[i].endswith("s"):
                    v[i] = _es_plural(key[i])
            out.add(tuple(v))
        # gender: only when the agreeing words show one gender (or none)
        for base in [key, *out]:
            flipped = [(i, _es_gender(base[i], agentive_only=single)) for i in head]
            genders = {g[1] for _, g in flipped if g}
            if len(genders) == 1:
                v = list(base)
                for i, g in flipped:
                    if g:
                        v[i] = g[0]
                out.add(tuple(v))
    else:
        last = key[-1]
        if len(key) == 1:
            if len(last) > 3 and not last.endswith("s") and last not in _EN_NO_PLURAL:
                out.add((_en_plural(last),))
        else:
            for w in _en_singular(last) or {_en_plural(last)}:
                out.add((*key[:-1], w))
    out.discard(key)
    return out


def _cue_key(phrase: str) -> tuple[str, ...]:
    """What makes two matched phrases the same cue: their words, a plural "s" or "es" aside."""
    out = []
    for t, _, _ in tokens(fold(phrase)):
        if len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
            t = t[:-1]
            if t.endswith("e") and len(t) > 3 and t[-2] in "rnldzjy":
                t = t[:-1]
        out.append(t)
    return tuple(out)


class _Cues:
    """Cue phrases of a set of concepts: exact phrases (and their variants) in a token index, `stem*` cues by prefix."""

    def __init__(self) -> None:
        self.index = PhraseIndex()
        self.weight: dict[tuple[str, str], float] = {}
        self.stems: dict[str, list[tuple[str, float]]] = defaultdict(list)  # stem -> (concept, weight)
        self._by_prefix: dict[str, list[tuple[str, list[tuple[str, float]]]]] = {}
        self._explicit: dict[tuple[str, ...], list[tuple[str, float, str]]] = defaultdict(list)
        self._acronyms: list[tuple[str, str, float]] = []

    def add(self, phrase: str, concept: str, weight: float, lang: str = "") -> None:
        phrase = phrase.strip()
        if phrase.endswith("*") and " " not in phrase:
            self.stems[fold(phrase[:-1])].append((concept, weight))
            return
        if _ACRONYM.fullmatch(phrase):
            self._acronyms.append((phrase, concept, weight))
            return
        key = tuple(t for t, _, _ in tokens(fold(phrase)))
        if key:
            self._explicit[key].append((concept, weight, lang or ""))

    def build(self) -> "_Cues":
        """Index the cues added so far, with their inflectional variants."""
        for phrase, concept, weight in self._acronyms:
            self.index.add(phrase, concept, case_sensitive=True)
            self._weigh(tuple(t for t, _, _ in tokens(fold(phrase))), concept, weight)
        for key, entries in self._explicit.items():
            for concept, weight, _ in entries:
                self.index.add(" ".join(key), concept)
                self._weigh(key, concept, weight)
        for key, entries in list(self._explicit.items()):
            for concept, weight, lang in entries:
                for variant in _variants(key, lang):
                    if any(c == concept for c, _, _ in self._explicit.get(variant, ())):
                        continue  # the vocabulary gives that phrase its own weight
                    self.index.add(" ".join(variant), concept)
                    self._weigh(variant, concept, weight)
        by_prefix: dict[str, list] = defaultdict(list)
        for stem, concepts in self.stems.items():
            by_prefix[stem[:3]].append((stem, concepts))
        self._by_prefix = dict(by_prefix)
        return self

    def _weigh(self, key: tuple[str, ...], concept: str, weight: float) -> None:
        k = (" ".join(key), concept)
        self.weight[k] = max(self.weight.get(k, 0.0), weight)

    def hits(self, text: str) -> list[Hit]:
        out = []
        for m in self.index.find(text):
            key_text = " ".join(t for t, _, _ in tokens(fold(m.text)))
            for concept in m.iris:
                weight = self.weight.get((key_text, concept))
                if weight is None:  # matched through the case-sensitive side; not used by cues
                    continue
                out.append(Hit(concept, m.text, m.start, m.end, weight))
        if self._by_prefix:
            for word, start, end in tokens(fold(text)):
                for stem, concepts in self._by_prefix.get(word[:3], ()):
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
        self.exclusions = _Cues()
        for concept in self.code:
            cues = self.hr_cues if concept in hr else self.sdg_cues
            node = URIRef(concept)
            # a goal's own names ("gender equality", "ODS 5") and a theme's stated phrasings are strong cues too
            is_goal = concept not in hr and concept not in self.goal_of
            strong = [SKOS.hiddenLabel] + ([SKOS.prefLabel, SKOS.altLabel] if concept in hr or is_goal else [])
            for prop in strong:
                for label in g.objects(node, prop):
                    weight = STRONG
                    if is_goal and prop != SKOS.hiddenLabel and _weak_goal_name(str(label)):
                        weight = WEAK
                    cues.add(str(label), concept, weight, getattr(label, "language", None) or "")
            for label in g.objects(node, CK.weakTaggingLabel):
                cues.add(str(label), concept, WEAK, getattr(label, "language", None) or "")
            for label in g.objects(node, CK.taggingExclusion):
                self.exclusions.add(str(label), concept, 0.0, getattr(label, "language", None) or "")
        for cues in (self.sdg_cues, self.hr_cues, self.exclusions):
            cues.build()

    def tag(self, text: str) -> Tags:
        excluded = defaultdict(set)
        for h in self.exclusions.hits(text):
            excluded[(h.start, h.end)].add(h.concept)

        def kept(hit: Hit) -> bool:
            family = {hit.concept, self.goal_of.get(hit.concept, "")}
            return not any(s <= hit.start and hit.end <= e and family & concepts
                           for (s, e), concepts in excluded.items())

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


def _weak_goal_name(label: str) -> bool:
    """A goal name too generic to stand alone: one plain word, or "Goal 3" / "Objetivo 3"."""
    words = tokens(label)
    return bool(_GOAL_NUMBER.fullmatch(label.strip())) or (len(words) == 1 and words[0][0].isalpha()
                                                           and not any(c.isdigit() for c in label))


def _score_of(hits: list[Hit]) -> float:
    """Distinct cues count their weight; repeats of a cue add a little, at most twice.

    Strong cues count wherever they are; weak cues only within the best passage of WINDOW characters.
    """
    by_cue: dict[tuple[str, ...], list[Hit]] = defaultdict(list)
    for h in hits:
        by_cue[_cue_key(h.phrase)].append(h)
    strong = 0.0
    weak: list[tuple[int, tuple[str, ...], float]] = []
    for cue, same in by_cue.items():
        weight = max(h.weight for h in same)
        starts = sorted({h.start for h in same})
        if weight >= STRONG:
            strong += weight + REPEAT * weight * min(len(starts) - 1, 2)
        else:
            weak.extend((s, cue, weight) for s in starts)
    weak.sort()
    best = 0.0
    for i, (first, _, _) in enumerate(weak):
        counts: dict[tuple[str, ...], list[float]] = defaultdict(list)
        for start, cue, weight in weak[i:]:
            if start - first > WINDOW:
                break
            counts[cue].append(weight)
        best = max(best, sum(w[0] + REPEAT * w[0] * min(len(w) - 1, 2) for w in counts.values()))
    return strong + best


def _sort_key(code: str):
    parts = code.split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)
