"""Query: saved SPARQL queries (one .rq file each, grlc-style header) and running them with bound parameters.

Results come back as W3C SPARQL results (CSV, TSV, JSON) or as a table for people.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .resources import resource_dir
from .store import GraphStore


@dataclass(frozen=True)
class Parameter:
    """A query parameter: `?_name` is required, `?__name` optional; a suffix such as `_iri` gives its type."""

    name: str
    variable: str
    required: bool
    kind: str  # literal | iri | number | date ...


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    defaults: dict = field(default_factory=dict)
    parameters: tuple[Parameter, ...] = ()


_HEADER = re.compile(r"^#\+\s?(.*)$")
_PARAM = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9]*)(?:_(iri|number|integer|decimal|date|year|literal|string))?\b")


def parse_saved_query(path: Path) -> SavedQuery:
    """A saved query with its grlc-style header: `#+ key: value` lines, values may continue on `#+   ` lines."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        m = _HEADER.match(line)
        if not m:
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = m.group(1)
        key = re.match(r"^([a-z_]+):\s*(.*)$", body)
        if key and not body.startswith(" "):
            current = key.group(1)
            meta[current] = key.group(2).strip()
        elif current:
            meta[current] = (meta[current] + " " + body.strip()).strip()
    tags = tuple(t for t in re.split(r"[\s,]*-\s+|,\s*", meta.get("tags", "")) if t.strip())
    defaults = _parse_defaults(meta.get("defaults", ""))
    params: dict[str, Parameter] = {}
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    for m in _PARAM.finditer(body):
        name = m.group(2)
        params.setdefault(name, Parameter(name, m.group(0)[1:], m.group(1) == "_", m.group(3) or "literal"))
    return SavedQuery(name=path.stem, path=path, text=text, summary=meta.get("summary", ""),
                      description=meta.get("description", ""), tags=tuple(t.strip() for t in tags),
                      defaults=defaults, parameters=tuple(params.values()))


def _parse_defaults(value: str) -> dict:
    value = value.strip()
    if not value:
        return {}
    try:
        parsed = json.loads(value)
        return parsed if isinstance(parsed, dict) else {}
    except json.JSONDecodeError:
        out = {}
        for part in re.findall(r"([A-Za-z_]\w*)\s*:\s*([^,}]+)", value):
            out[part[0]] = part[1].strip().strip("'\"")
        return out


def saved_queries(folder: Path | None = None) -> dict[str, SavedQuery]:
    folder = folder or resource_dir("queries")
    return {p.stem: parse_saved_query(p) for p in sorted(folder.glob("*.rq"))}


def get_saved_query(name: str, folder: Path | None = None) -> SavedQuery:
    queries = saved_queries(folder)
    if name not in queries:
        known = ", ".join(sorted(queries)) or "none"
        raise KeyError(f"no saved query named {name!r} (known: {known})")
    return queries[name]


def run_saved_query(store: GraphStore, query: SavedQuery, params: dict[str, str] | None = None):
    """Run a saved query on the embedded store, binding parameters as RDF terms (never pasted as text)."""
    params = dict(params or {})
    substitutions = {}
    for p in query.parameters:
        value = params.get(p.name, query.defaults.get(p.name))
        if value is None:
            if p.required:
                raise ValueError(f"query {query.name!r} needs the parameter {p.name!r}")
            continue
        substitutions[ox.Variable(p.variable)] = to_term(str(value), p.kind)
    return store.query(query.text, substitutions)


def to_term(value: str, kind: str):
    if kind == "iri":
        return ox.NamedNode(value)
    if kind in ("number", "integer"):
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if kind == "decimal":
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    return ox.Literal(value)


# -- output -----------------------------------------------------------------------------------
RESULT_FORMATS = ("table", "csv", "tsv", "json")


def format_results(solutions, fmt: str) -> str:
    """Serialise query solutions: W3C SPARQL 1.1 CSV/TSV/JSON results, or an aligned table."""
    if fmt in ("csv", "tsv", "json"):
        target = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                  "json": ox.QueryResultsFormat.JSON}[fmt]
        return solutions.serialize(format=target).decode("utf-8")
    variables = [v.value for v in solutions.variables]
    rows = [[_plain(s[v]) for v in variables] for s in solutions]
    return render_table(variables, rows)


def _plain(term) -> str:
    if term is None:
        return ""
    return term.value


def render_table(header: list[str], rows: list[list[str]], max_width: int = 60) -> str:
    clipped = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in clipped]) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in clipped]
    return "\n".join(out) + "\n"


def csv_rows(text: str) -> list[dict[str, str]]:
    """Parse W3C CSV results (for tests and notebooks)."""
    return list(csv.DictReader(io.StringIO(text)))
