"""Gazetteer matching: find known names (organisations, places, themes) in text, ignoring case and accents.

Phrases are indexed as token sequences, so matching is linear in the text, not in the number of names.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .text import fold, fold_case_kept, tokens


@dataclass(frozen=True)
class Match:
    """A stretch of text that names one or more known resources."""

    start: int
    end: int
    text: str
    iris: tuple[str, ...]


# Extractors look up the same sentences in several indexes (organisations, places, concepts, cues)
@lru_cache(maxsize=1024)
def _folded_tokens(chunk: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(tokens(fold(chunk)))


@lru_cache(maxsize=1024)
def _case_kept_tokens(chunk: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(tokens(fold_case_kept(chunk)))


def _shifted(toks: tuple[tuple[str, int, int], ...], offset: int) -> tuple[tuple[str, int, int], ...]:
    return toks if not offset else tuple((t, s + offset, e + offset) for t, s, e in toks)


class PhraseIndex:
    """Token-sequence index of phrases; `find` returns leftmost-longest, non-overlapping matches.

    Names are folded (lower case, no accents); acronyms can be added case-sensitive so that
    "CAF" or "OAS" match the organisation and not an ordinary word.
    """

    def __init__(self) -> None:
        self._phrases: dict[bool, dict[tuple[str, ...], set[str]]] = {False: defaultdict(set), True: defaultdict(set)}
        self._prefixes: dict[bool, set[tuple[str, ...]]] = {False: set(), True: set()}
        # the first words of all phrases: most words of a text start none, and are passed over at once
        self._first_words: dict[bool, set[str]] = {False: set(), True: set()}

    def add(self, phrase: str, iri: str, case_sensitive: bool = False) -> None:
        folded = fold_case_kept(phrase) if case_sensitive else fold(phrase)
        key = tuple(t for t, _, _ in tokens(folded))
        if not key:
            return
        self._phrases[case_sensitive][key].add(iri)
        self._first_words[case_sensitive].add(key[0])
        for i in range(1, len(key)):
            self._prefixes[case_sensitive].add(key[:i])

    def __len__(self) -> int:
        return sum(len(p) for p in self._phrases.values())

    def lookup(self, phrase: str) -> set[str]:
        """The resources a whole phrase names exactly (after folding), if any."""
        found = set(self._phrases[False].get(tuple(t for t, _, _ in tokens(fold(phrase))), ()))
        found |= self._phrases[True].get(tuple(t for t, _, _ in tokens(fold_case_kept(phrase))), set())
        return found

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """All matches inside text[start:end], offsets relative to `text`."""
        end = len(text) if end is None else end
        chunk = text[start:end]
        folded = _shifted(_folded_tokens(chunk), start)
        sides = [(False, folded, self._first_words[False])]
        if self._first_words[True]:
            kept = _shifted(_case_kept_tokens(chunk), start)
            # both tokenisations split at the same places, since folding keeps letters letters
            sides.append((True, kept if len(kept) == len(folded) else folded, self._first_words[True]))
        matches: list[Match] = []
        i = 0
        while i < len(folded):
            best: tuple[int, set[str]] | None = None
            for case_sensitive, toks, first_words in sides:
                if toks[i][0] not in first_words:
                    continue
                length, iris = self._longest_at(toks, i, case_sensitive)
                if iris and (best is None or length > best[0]):
                    best = (length, iris)
            if best is None:
                i += 1
                continue
            length, iris = best
            s, e = folded[i][1], folded[i + length - 1][2]
            matches.append(Match(s, e, text[s:e], tuple(sorted(iris))))
            i += length
        return matches

    def _longest_at(self, toks: list[tuple[str, int, int]], i: int, case_sensitive: bool) -> tuple[int, set[str]]:
        phrases, prefixes = self._phrases[case_sensitive], self._prefixes[case_sensitive]
        best_len, best = 0, set()
        key: tuple[str, ...] = ()
        for j in range(i, len(toks)):
            key = key + (toks[j][0],)
            if key in phrases:
                best_len, best = len(key), phrases[key]
            if key not in prefixes:
                break
        return best_len, best
