"""Tag texts: run the SDG and human-rights tagger (coopkg.tag) on a file, stdin or a stream of JSON lines.

The input and output around the Tagger: reading a text, showing its tags as a table or JSON, streaming JSON lines.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import URIRef
from rdflib.namespace import SKOS

from .namespaces import SDG
from .read import MAX_BYTES
from .read import decode_text as decode_document_text
from .results import render_table
from .tag import Hit, Inference, Tagger, Tags
from .vocabulary import Vocabulary

TABLE_HEADER = ["kind", "code", "label", "score", "confidence", "phrase", "start", "end", "weight"]


class TagInputError(Exception):
    """A text that cannot be tagged; the message names its source and says why, in one line."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source, self.reason = source, reason


@dataclass(frozen=True)
class StreamSummary:
    """What a JSON-lines run did: lines read, and how many of them could not be tagged."""

    lines: int
    errors: int


# -- one text ------------------------------------------------------------------------------------

def read_text(path: Path | None, stdin: BinaryIO | None = None) -> str:
    """The text of a file, or of stdin when `path` is None or "-" (TagInputError when it is not UTF-8 text).

    A coopkg document is read the way `build` reads it (UTF-8, byte-order mark dropped), so the offsets
    printed here are the offsets in the graph's evidence."""
    if path is None or str(path) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return decode_text(stream.read(MAX_BYTES + 1), "<stdin>")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise TagInputError(str(path), f"file is over {MAX_BYTES / 1e6:.0f} MB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise TagInputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise TagInputError(str(path), "is a folder, not a file") from None
    except PermissionError:
        raise TagInputError(str(path), "permission denied") from None
    return decode_text(data, str(path))


def decode_text(data: bytes, source: str) -> str:
    """Bytes as text, checked as `build` checks a document (size, NUL bytes, UTF-8); `source` names them."""
    if len(data) > MAX_BYTES:
        raise TagInputError(source, f"text is over {MAX_BYTES / 1e6:.0f} MB")
    try:
        return decode_document_text(data)
    except ValueError as err:
        raise TagInputError(source, str(err)) from None


def render_tags(tags: Tags, tagger: Tagger, vocab: Vocabulary, fmt: str = "table") -> str:
    """The tags of one text as `tags_table` ("table") or `tags_json` pretty-printed ("json")."""
    if fmt == "json":
        return json.dumps(tags_json(tags, tagger, vocab), ensure_ascii=False, indent=2) + "\n"
    return tags_table(tags, tagger, vocab)


def tags_json(tags: Tags, tagger: Tagger, vocab: Vocabulary) -> dict:
    """Tags.to_json, plus the threshold used, an English label for every code and, per inferred code, the
    cue phrases that count for it (to_json's evidence names the concept each cue is a cue of: a target's
    cue also counts for its goal)."""
    inferred = tags.inferences
    return {**tags_record(tags), "threshold": tagger.threshold,
            "labels": {i.code: concept_label(vocab, i.concept) for i in inferred},
            "cues": {i.code: [{"phrase": h.phrase, "start": h.start, "end": h.end, "weight": h.weight}
                              for h in _distinct_hits(i)] for i in inferred}}


def tags_record(tags: Tags) -> dict:
    """Tags.to_json with its evidence listed once: to_json lists a target's cues under the target and again
    under its goal."""
    record = tags.to_json()
    seen: set[tuple] = set()
    evidence = []
    for cue in record.get("evidence", []):
        key = tuple(sorted(cue.items()))
        if key not in seen:
            seen.add(key)
            evidence.append(cue)
    record["evidence"] = evidence
    return record


def concept_label(vocab: Vocabulary, iri: str) -> str:
    """A goal's or theme's English name; for an SDG target, whose name is only "Target 5.2", its definition."""
    definition = vocab.graph.value(URIRef(iri), SKOS.definition) if iri.startswith(str(SDG)) else None
    if definition is not None and "." in iri.rsplit("/", 1)[-1]:
        return str(definition)
    return vocab.concept_label(iri)


def _distinct_hits(inference: Inference) -> list[Hit]:
    """The inference's cues, one per stretch of text (a phrase can be a cue of two targets of one goal)."""
    seen: set[tuple[int, int]] = set()
    out = []
    for hit in inference.hits:
        if (hit.start, hit.end) not in seen:
            seen.add((hit.start, hit.end))
            out.append(hit)
    return out


def tags_table(tags: Tags, tagger: Tagger, vocab: Vocabulary) -> str:
    """One row per cue phrase with its offsets, under the goal, target or theme it counts for."""
    rows: list[list[str]] = []
    for kind, inferences in (("goal", tags.goals), ("target", tags.targets), ("hr theme", tags.hr_themes)):
        for inference in inferences:
            head = [kind, inference.code, concept_label(vocab, inference.concept), f"{inference.score:.2f}",
                    f"{inference.confidence:.3f}"]
            for n, hit in enumerate(_distinct_hits(inference)):
                rows.append((head if n == 0 else [""] * len(head))
                            + [hit.phrase, str(hit.start), str(hit.end), f"{hit.weight:g}"])
    if not rows:
        return f"No SDG goal, target or human-rights theme reaches the threshold ({tagger.threshold:g}).\n"
    return render_table(TABLE_HEADER, rows)


# -- JSON lines ----------------------------------------------------------------------------------

def tag_json_line(line: bytes, number: int, tagger: Tagger) -> tuple[dict, str | None]:
    """The output object for one input line `{"id": ..., "text": ...}`, and the error message if it had to be
    refused (then the object is `{"id": <id or null>, "line": number, "error": reason}`)."""
    text_id = None
    try:
        try:
            raw = line.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as err:
            raise ValueError(f"not valid UTF-8 (byte {err.start})") from None
        if not raw.strip():
            raise ValueError("empty line, expected a JSON object")
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as err:
            raise ValueError(f"not valid JSON: {err.msg} (column {err.colno})") from None
        if not isinstance(record, dict):
            raise ValueError(f"expected a JSON object, got {type(record).__name__}")
        text_id = record.get("id")
        text = record.get("text")
        if not isinstance(text, str):
            raise ValueError('no "text" string' if text is None
                             else f'"text" must be a string (got {type(text).__name__})')
    except ValueError as err:
        return {"id": text_id, "line": number, "error": str(err)}, f"line {number}: {err}"
    return {"id": text_id, **tags_record(tagger.tag(text))}, None


def tag_json_lines(path: Path | None, out: BinaryIO, tagger: Tagger, on_error: Callable[[str], None] | None = None,
                   stdin: BinaryIO | None = None) -> StreamSummary:
    """`stream_json_lines` from a file, or from stdin when `path` is None or "-"; each error message is
    prefixed with the file's name (TagInputError when the file cannot be opened)."""
    if path is None or str(path) == "-":
        name, handle = "<stdin>", stdin if stdin is not None else sys.stdin.buffer
    else:
        name = str(path)
        try:
            handle = open(path, "rb")
        except OSError as err:
            raise TagInputError(name, err.strerror or str(err)) from None
    report = (lambda message: on_error(f"{name}: {message}")) if on_error is not None else None
    try:
        return stream_json_lines(handle, out, tagger, report)
    finally:
        if handle is not stdin and handle is not sys.stdin.buffer:
            handle.close()


def stream_json_lines(source: BinaryIO, out: BinaryIO, tagger: Tagger,
                      on_error: Callable[[str], None] | None = None) -> StreamSummary:
    """Tag every line of `source` and write one JSON line to `out` for each, in order, flushed as it goes.

    A line that cannot be tagged still gets its output line (with "error"), so outputs and inputs can be
    zipped line by line; `on_error` hears each such line's message."""
    lines = errors = 0
    for lines, line in enumerate(source, start=1):
        result, error = tag_json_line(line.rstrip(b"\r\n"), lines, tagger)
        if error is not None:
            errors += 1
            if on_error is not None:
                on_error(error)
        out.write(json.dumps(result, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()  # a pipe's reader gets each answer as soon as it is ready
    return StreamSummary(lines, errors)


__all__ = ["TagInputError", "StreamSummary", "read_text", "decode_text", "render_tags", "tags_json", "tags_record",
           "tags_table", "tag_json_line", "tag_json_lines", "stream_json_lines"]
