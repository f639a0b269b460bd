"""Text helpers shared by the readers and extractors: normalisation that keeps offsets, sentences, slugs.

Every extractor reports character offsets into the original text, so normalisation never changes length.
"""
from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of a document's text: [start, end) in code points, and the text itself."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.lower())
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    # One character in, one out: offsets into the folded text are offsets into the original.
    return base[0] if base else " "


class _FoldTable(dict):
    """str.translate's table for `fold`, filled on first sight of each character (a cache, like lru_cache):
    translate runs in C, about ten times faster than folding character by character in Python."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _fold_char(char) if not char.isascii() or char.isupper() else char
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping the text's length and offsets."""
    return text.translate(_FOLD_TABLE)


class _CaseKeptTable(dict):
    """str.translate's table for `fold_case_kept` (see _FoldTable)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char.isascii():
            folded = char
        else:
            base = "".join(x for x in unicodedata.normalize("NFKD", char) if not unicodedata.combining(x))
            folded = base[0] if base else " "
        self[code] = folded
        return folded


_CASE_KEPT_TABLE = _CaseKeptTable()


def fold_case_kept(text: str) -> str:
    """Strip accents but keep case (for acronyms, which are matched case-sensitively)."""
    return text.translate(_CASE_KEPT_TABLE)


WORD = re.compile(r"[^\W_]+(?:[+](?![\w]))?", re.UNICODE)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Word tokens with their offsets (punctuation and hyphens separate words)."""
    return [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


def normal_key(text: str) -> str:
    """A comparison key: folded words joined by single spaces ("Camões, I.P." -> "camoes i p")."""
    return " ".join(t for t, _, _ in tokens(fold(text)))


def names_with_key(key: str) -> str:
    """A regular expression (for SPARQL REGEX with the "i" flag) that matches at least every name whose
    `normal_key` is `key`, so that the store can pick the few candidates and Python decide.

    `normal_key` folds case and accents one character for one, and joins the words (runs of letters and
    digits, a trailing "+" kept) with single spaces. So a word's ASCII character may stand for itself or for
    any non-ASCII character, and anything that is not an ASCII letter or digit may come between words. (Not
    the exact Unicode classes: the store refuses a regular expression that compiles that large.)"""
    other = "[^a-z0-9]"

    def char(c: str) -> str:
        return rf"(?:{re.escape(c)}|[^\x00-\x7F])" if c.isascii() else r"[^\x00-\x7F]"

    words = [w.rstrip("+") for w in key.split(" ") if w.rstrip("+")]
    return f"^{other}*" + f"{other}+".join("".join(char(c) for c in w) for w in words) + f"{other}*$"


def slug(text: str, max_length: int = 80) -> str:
    """A stable, readable IRI segment: folded words joined by hyphens."""
    words = [t for t, _, _ in tokens(fold(text.replace("+", " plus ")))]
    out = "-".join(words)[:max_length].strip("-")
    return out or "x"


def short_hash(*parts: str, length: int = 12) -> str:
    """A short deterministic digest of some strings, for IRIs of nodes that have no name."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(¿¡]?[A-ZÁÉÍÓÚÑÜ0-9])|\n\s*\n|\n(?=\s*(?:[-*•]|\d+\.?\s|\|))")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "i.p.", "no.", "núm.", "art.", "st.", "dr.", "sr.", "sra.", "u.s.", "p.ej.")


class Sentences:
    """The sentence spans of a text, for quoting the sentence a fact came from."""

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        for m in _SENTENCE_END.finditer(text):
            before = text[max(0, m.start() - 6):m.start()].lower()
            if any(before.endswith(a) for a in _ABBREVIATIONS):
                continue
            starts.append(m.end())
        self._starts = starts

    def around(self, start: int, end: int | None = None) -> Span:
        """The sentence holding [start, end), trimmed of white space and list markers."""
        end = start if end is None else end
        i = bisect.bisect_right(self._starts, start) - 1
        j = bisect.bisect_right(self._starts, max(start, end - 1)) - 1
        s = self._starts[i]
        e = self._starts[j + 1] if j + 1 < len(self._starts) else len(self.text)
        return trimmed(self.text, s, e)


_LEADING = re.compile(r"^[\s\-*•|#>]*(?:\d+\s*[.)]?\s+)?(?:\*\*[^*]{1,60}\*\*\s*:?\s*)?")


def trimmed(text: str, start: int, end: int) -> Span:
    """A span narrowed to its content: no surrounding white space, list numbers or bold labels."""
    chunk = text[start:end]
    lead = _LEADING.match(chunk)
    if lead and lead.end() < len(chunk.rstrip()):
        start += lead.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return Span(start, end, text[start:end])
