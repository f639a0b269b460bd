"""Gazetteer matching: find known names (organisations, places, themes) in text, ignoring case and accents.

Phrases are indexed as token sequences, so matching is linear in the text, not in the number of names.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .text import fold, fold_case_kept, tokens


@dataclass(frozen=True)
class Match:
    """A stretch of text that names one or more known resources."""

    start: int
    end: int
    text: str
    iris: tuple[str, ...]


class PhraseIndex:
    """Token-sequence index of phrases; `find` returns leftmost-longest, non-overlapping matches.

    Names are folded (lower case, no accents); acronyms can be added case-sensitive so that
    "CAF" or "OAS" match the organisation and not an ordinary word.
    """

    def __init__(self) -> None:
        self._phrases: dict[bool, dict[tuple[str, ...], set[str]]] = {False: defaultdict(set), True: defaultdict(set)}
        self._prefixes: dict[bool, set[tuple[str, ...]]] = {False: set(), True: set()}

    def add(self, phrase: str, iri: str, case_sensitive: bool = False) -> None:
        folded = fold_case_kept(phrase) if case_sensitive else fold(phrase)
        key = tuple(t for t, _, _ in tokens(folded))
        if not key:
            return
        self._phrases[case_sensitive][key].add(iri)
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
        folded = [(t, s + start, e + start) for t, s, e in tokens(fold(chunk))]
        kept = [(t, s + start, e + start) for t, s, e in tokens(fold_case_kept(chunk))]
        # both tokenisations split at the same places, since folding keeps letters letters
        if len(folded) != len(kept):
            kept = folded
        matches: list[Match] = []
        i = 0
        while i < len(folded):
            best: tuple[int, set[str]] | None = None
            for case_sensitive, toks in ((False, folded), (True, kept)):
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
