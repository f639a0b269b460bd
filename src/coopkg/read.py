"""Read: turn a file into a Document of typed blocks (title, metadata, paragraphs, bullets, table rows).

Two shapes are known, recognised from the content: a structured markdown summary and a scraped web page.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .text import Span, normal_key, trimmed

#: Files larger than this are refused: no programme description is this long, and a
#: runaway file must not hold up a build of thousands of others.
MAX_BYTES = 5_000_000

SUMMARY = "summary"
WEBPAGE = "webpage"


class DocumentError(Exception):
    """A file that cannot be read as a programme document; the message says why in one line."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True)
class Block:
    """One structural piece of a document, with the span of its text."""

    kind: str  # title | meta | category | paragraph | bullet | item | row
    section: str  # normalised section key, e.g. "summary", "characteristics", "actors"
    span: Span
    label: str = ""  # bullet or metadata label key ("duration", "date"), or the item number
    cells: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Document:
    """A document read from disk: its text, identity, shape, language and blocks."""

    path: Path
    text: str
    sha256: str
    shape: str
    language: str
    blocks: tuple[Block, ...] = field(repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    def blocks_in(self, *sections: str) -> list[Block]:
        return [b for b in self.blocks if b.section in sections]

    def blocks_of(self, *kinds: str) -> list[Block]:
        return [b for b in self.blocks if b.kind in kinds]

    def labelled(self, label: str) -> Block | None:
        return next((b for b in self.blocks if b.label == label), None)


# Headings and labels of both languages, folded, mapped to one key.
SECTION_KEYS = {
    "executive summary": "summary", "summary": "summary", "resumen ejecutivo": "summary", "resumen": "summary",
    "characteristics": "characteristics", "caracteristicas": "characteristics",
    "actors": "actors", "actores": "actors", "stakeholders": "actors",
    "main themes": "themes", "themes": "themes", "temas principales": "themes", "temas": "themes",
    "practical applications": "applications", "aplicaciones practicas": "applications",
    "commitments": "commitments", "compromisos": "commitments",
    "activities": "activities", "actividades": "activities",
}
LABEL_KEYS = {
    "date": "date", "fecha": "date",
    "location": "location", "ubicacion": "location", "lugar": "location", "localizacion": "location",
    "project duration": "duration", "duration": "duration", "duracion del proyecto": "duration",
    "duracion": "duration", "duracion del programa": "duration", "programme duration": "duration",
    "program duration": "duration",
    "funding and implementation": "funding", "financiamiento e implementacion": "funding",
    "financiacion e implementacion": "funding", "financiacion y ejecucion": "funding",
    "financiamiento y ejecucion": "funding", "funding": "funding", "financiamiento": "funding",
    "objectives": "objectives", "objetivos": "objectives",
    "target groups": "target_groups", "grupos destinatarios": "target_groups", "grupos meta": "target_groups",
    "grupos objetivo": "target_groups", "poblacion objetivo": "target_groups", "beneficiaries": "target_groups",
    "beneficiarios": "target_groups",
    "expected outcomes": "outcomes", "resultados esperados": "outcomes",
    "activities": "activities", "actividades": "activities",
    "parent category": "parent_category", "categoria principal": "parent_category",
    "category": "category", "categoria": "category",
}
NUTSHELL = re.compile(r"^\s*(in a nutshell|en resumen|en pocas palabras|in short|in brief|en breve)\s*:?\s*$", re.I)

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_META = re.compile(r"^\*\*([^*]{1,60})\*\*\s*:\s*(.*)$")
_BULLET = re.compile(r"^\s*[-*•]\s+(?:\*\*([^*]{1,80})\*\*\s*:?\s*)?(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}")
_CATEGORY = re.compile(r"^\s*(parent category|categor[ií]a principal|category|categor[ií]a)\s*:\s*(.*)$", re.I)
_NUMBERED = re.compile(r"^\s*(\d{1,2})(?:\s*[.)]\s*|\s{2,}|\s+(?=[A-ZÁÉÍÓÚÑ]))(?=\S)")


def read_document(path: Path | str, max_bytes: int = MAX_BYTES) -> Document:
    """Read one file as a programme document, or raise DocumentError saying why not."""
    path = Path(path)
    return parse_document(path, read_file_bytes(path, max_bytes))


def read_file_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A document file's bytes, or DocumentError when the file itself cannot be read (gone, a folder, not
    readable, too large), whatever it holds."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(path, f"file is {size / 1e6:.1f} MB; documents over {max_bytes / 1e6:.0f} MB are refused")
        return path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(path, "file disappeared before it could be read") from None
    except IsADirectoryError:
        raise DocumentError(path, "is a folder, not a file") from None
    except PermissionError:
        raise DocumentError(path, "permission denied") from None


def decode_text(data: bytes) -> str:
    """Bytes as text the way coopkg reads every text: UTF-8 with no NUL byte in its first 8 KiB, a byte-order
    mark dropped (so that offsets count from the first character). ValueError says why it is not text."""
    if b"\x00" in data[:8192]:
        raise ValueError("binary data (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"not valid UTF-8 (byte {err.start}: {data[err.start:err.start + 1]!r})") from None
    return text.removeprefix("\ufeff")


def parse_document(path: Path, data: bytes) -> Document:
    """Parse bytes already read from `path` (which names the document in messages and in the graph)."""
    if not data.strip():
        raise DocumentError(path, "file is empty")
    try:
        text = decode_text(data)
    except ValueError as err:
        raise DocumentError(path, str(err)) from None
    shape = detect_shape(text)
    if shape is None:
        raise DocumentError(path, "unknown document shape: neither a markdown summary ('# title', '## sections') "
                                  "nor a scraped web page ('Category:' lines)")
    blocks = read_summary(text) if shape == SUMMARY else read_webpage(text)
    return Document(path=path, text=text, sha256=hashlib.sha256(data).hexdigest(), shape=shape,
                    language=detect_language(text), blocks=tuple(blocks))


def detect_shape(text: str) -> str | None:
    """Which known shape the text has, judged from its first lines, or None."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:40]
    if not lines:
        return None
    if _HEADING.match(lines[0]) and lines[0].startswith("# ") and any(ln.startswith("## ") for ln in lines):
        return SUMMARY
    if any(_CATEGORY.match(ln) for ln in lines[:6]):
        return WEBPAGE
    return None


_EN_WORDS = {"the", "and", "of", "to", "in", "is", "by", "with", "for", "from", "that", "on", "are", "its"}
_ES_WORDS = {"el", "la", "los", "las", "y", "de", "del", "en", "por", "con", "para", "que", "es", "un", "una", "se"}


def detect_language(text: str) -> str:
    """"en" or "es", by counting common function words."""
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    en = sum(w in _EN_WORDS for w in words)
    es = sum(w in _ES_WORDS for w in words)
    return "es" if es > en else "en"


def _lines(text: str):
    """(start offset, line without newline) for every line."""
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line.rstrip("\r\n")
        pos += len(line)


def section_key(heading: str) -> str:
    key = normal_key(heading)
    return SECTION_KEYS.get(key, key.replace(" ", "-") or "body")


def label_key(label: str) -> str:
    key = normal_key(label)
    return LABEL_KEYS.get(key, key.replace(" ", "_"))


def read_summary(text: str) -> list[Block]:
    """Blocks of a structured markdown summary: '# title', '**Date**:', '## sections', bullets, tables."""
    blocks: list[Block] = []
    section = "header"
    paragraph: list[tuple[int, str]] = []

    def flush() -> None:
        if paragraph:
            start = paragraph[0][0]
            end = paragraph[-1][0] + len(paragraph[-1][1])
            blocks.append(Block("paragraph", section, trimmed(text, start, end)))
            paragraph.clear()

    seen_title = False
    for pos, line in _lines(text):
        if not line.strip():
            flush()
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            level, title = len(heading.group(1)), heading.group(2)
            if level == 1 and not seen_title:
                start = pos + line.index(title)
                blocks.append(Block("title", "header", Span(start, start + len(title), title)))
                seen_title = True
            else:
                section = section_key(title)
            continue
        meta = _META.match(line)
        if meta and section == "header":
            flush()
            value_start = pos + meta.start(2)
            blocks.append(Block("meta", section, trimmed(text, value_start, pos + len(line)), label_key(meta.group(1))))
            continue
        if line.lstrip().startswith("|"):
            flush()
            if _TABLE_SEPARATOR.match(line.replace("|", "", 1)):
                continue
            cells = _table_cells(text, pos, line)
            blocks.append(Block("row", section, trimmed(text, pos, pos + len(line)), cells=cells))
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            label = label_key(bullet.group(1)) if bullet.group(1) else ""
            blocks.append(Block("bullet", section, trimmed(text, pos + bullet.start(2), pos + len(line)), label))
            continue
        paragraph.append((pos, line))
    flush()
    return _drop_table_headers(blocks)


def _table_cells(text: str, pos: int, line: str) -> tuple[Span, ...]:
    cells = []
    offset = line.index("|") + 1
    for part in line[offset:].split("|"):
        start = pos + offset
        cells.append(trimmed(text, start, start + len(part)))
        offset += len(part) + 1
    while cells and not cells[-1].text:
        cells.pop()
    return tuple(cells)


def _drop_table_headers(blocks: list[Block]) -> list[Block]:
    """Mark the first row of each table as a header so extractors skip it."""
    out = []
    previous = None
    for b in blocks:
        starts_table = previous is None or previous.kind not in ("row", "header-row") or previous.section != b.section
        if b.kind == "row" and starts_table:
            b = Block("header-row", b.section, b.span, b.label, b.cells)
        out.append(b)
        previous = b
    return out


def read_webpage(text: str) -> list[Block]:
    """Blocks of a scraped web page: category lines, a title line, paragraphs, numbered items, 'In a nutshell'."""
    blocks: list[Block] = []
    section = "intro"
    current: list[tuple[int, str]] = []
    current_kind = "paragraph"
    current_label = ""

    def flush() -> None:
        nonlocal current_kind, current_label
        if current:
            start = current[0][0]
            end = current[-1][0] + len(current[-1][1])
            span = trimmed(text, start, end)
            if span.text:
                blocks.append(Block(current_kind, section, span, current_label))
            current.clear()
        current_kind, current_label = "paragraph", ""

    for pos, line in _lines(text):
        if not line.strip():
            flush()
            continue
        category = _CATEGORY.match(line)
        if category and section == "intro" and not any(b.kind != "category" for b in blocks):
            flush()
            blocks.append(Block("category", "header", trimmed(text, pos + category.start(2), pos + len(line)),
                                label_key(category.group(1))))
            continue
        if NUTSHELL.match(line):
            flush()
            section = "nutshell"
            continue
        numbered = _NUMBERED.match(line)
        if numbered:
            flush()
            section = "activities" if section == "intro" else section
            current_kind, current_label = "item", numbered.group(1)
            current.append((pos, line))
            continue
        if current_kind == "item" and current:
            # an item goes on until a blank line
            current.append((pos, line))
            continue
        if current_kind == "paragraph" and section == "activities" and not current:
            section = "after-activities"
        current.append((pos, line))
    flush()
    return _mark_webpage_title(blocks)


def _mark_webpage_title(blocks: list[Block]) -> list[Block]:
    """The first paragraph is the page title when it reads like one: short, no closing punctuation."""
    for i, b in enumerate(blocks):
        if b.kind == "category":
            continue
        if b.kind == "paragraph" and _looks_like_title(b.span.text):
            blocks[i] = Block("title", "header", b.span)
        break
    return blocks


def _looks_like_title(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 20 and "\n" not in text and not re.search(r"[.:;,]$", text) and text[0].isupper()


def iter_document_paths(paths: list[Path]) -> list[Path]:
    """Expand files and folders into the sorted list of candidate document files (.md, .txt)."""
    found: set[Path] = set()
    for p in paths:
        if p.is_dir():
            found.update(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in (".md", ".txt")
                         and not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            found.add(p)
    return sorted(found)

