"""Query: saved SPARQL queries (one .rq file each, grlc-style header) and running them with bound parameters,
on the embedded store or on any SPARQL 1.1 endpoint.

Parameter values become RDF terms: a label, acronym, code or IRI given for an `_iri` parameter is resolved to a
resource first; nothing a user types is ever pasted into query text as text.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from .resources import resource_dir
from .results import ResultTable
from .store import GraphStore
from .text import names_with_key, normal_key

XSD = "http://www.w3.org/2001/XMLSchema#"


class QueryError(ValueError):
    """A query that cannot run as asked: unknown name, missing or unresolvable parameter, endpoint refusal."""


@dataclass(frozen=True)
class Parameter:
    """`?_name` is required, `?__name` optional; a suffix (`_iri`, `_date`, `_year`, `_integer` ...) gives its type."""

    name: str
    variable: str
    required: bool
    kind: str


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
    examples: dict = field(default_factory=dict)


_HEADER = re.compile(r"^#\+\s?(.*)$")
_PARAM = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9]*)(?:_(iri|integer|decimal|date|year|string))?\b")


def parse_saved_query(path: Path) -> SavedQuery:
    """A saved query with its header of `#+ key: value` lines (values may go on over `#+   ` lines)."""
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
            meta[current] = (meta[current] + "\n" + body.strip()).strip()
    params: dict[str, Parameter] = {}
    for m in _PARAM.finditer(strip_comments(text)):
        name = m.group(2)
        params.setdefault(name, Parameter(name, m.group(0)[1:], m.group(1) == "_", m.group(3) or "string"))
    return SavedQuery(name=path.stem, path=path, text=text, summary=meta.get("summary", ""),
                      description=" ".join(meta.get("description", "").split()),
                      tags=tuple(t.strip(" -") for t in re.split(r"[\n,]", meta.get("tags", "")) if t.strip(" -")),
                      defaults=_mapping(meta.get("defaults", "")), parameters=tuple(params.values()),
                      examples=_mapping(meta.get("example", "")))


def strip_comments(text: str) -> str:
    """Query text without comment lines (a `#` inside an IRI or string is not a comment)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _mapping(value: str) -> dict:
    """`{"a": 1}` or YAML-ish `- a: 1` lines as a dict."""
    value = value.strip()
    if not value:
        return {}
    try:
        parsed = json.loads(value)
        return parsed if isinstance(parsed, dict) else {}
    except json.JSONDecodeError:
        return {k: v.strip().strip("'\"") for k, v in re.findall(r"([A-Za-z_]\w*)\s*:\s*([^,\n}]+)", value)}


def saved_queries(folder: Path | None = None) -> dict[str, SavedQuery]:
    folder = folder or resource_dir("queries")
    return {p.stem: parse_saved_query(p) for p in sorted(folder.glob("*.rq"))}


def get_saved_query(name: str, folder: Path | None = None) -> SavedQuery:
    queries = saved_queries(folder)
    if name not in queries:
        raise QueryError(f"no saved query named {name!r} (known: {', '.join(sorted(queries)) or 'none'})")
    return queries[name]


# -- where queries run --------------------------------------------------------------------------
class Target(Protocol):
    def select(self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None) -> ResultTable: ...


class StoreTarget:
    """The embedded store. Parameters are bound exactly as on an endpoint, by a VALUES block of terms that
    Oxigraph itself serialises (so a value can never become query syntax): Oxigraph's own substitutions
    refuse any variable the query does not project, and one binding mechanism on both targets gives the
    same answers by construction."""

    def __init__(self, store: GraphStore):
        self.store = store

    def select(self, sparql, bindings=None) -> ResultTable:
        text = with_values(sparql, bindings or {})
        try:
            return ResultTable.from_oxigraph(self.store.query(text))
        except (SyntaxError, RuntimeError, ValueError, OSError) as err:
            raise QueryError(f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}") from None


class EndpointTarget:
    """A SPARQL 1.1 endpoint (its default graph must be the union of the named graphs); parameters are
    bound by a VALUES block of N-Triples-serialised terms at the top of the outermost WHERE."""

    def __init__(self, url: str, timeout: float = 60.0):
        self.url = url
        self.timeout = timeout

    def select(self, sparql, bindings=None) -> ResultTable:
        from SPARQLWrapper import JSON, POST, SELECT, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(self.timeout)
        client.setQuery(with_values(sparql, bindings or {}))
        # SPARQLWrapper guesses the query form from the first keyword it finds, comments included
        # ("clearly" reads as CLEAR, "address" as ADD) and would then send a SELECT as an update
        client.queryType = SELECT
        try:
            return ResultTable.from_json(client.queryAndConvert())
        except (SPARQLWrapperException, OSError) as err:
            raise QueryError(f"{self.url}: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}") from None


_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.I)
_COMMENT_LINE = re.compile(r"^[ \t]*#[^\n]*", re.M)


def with_values(sparql: str, bindings: dict) -> str:
    """The query with `VALUES (?a ?b) { (term term) }` opening its outermost WHERE block.

    Terms are pyoxigraph NamedNodes and Literals, written in their N-Triples form (a validated IRI, an
    escaped string), so no value can end the block or add syntax."""
    if not bindings:
        return sparql
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise QueryError(f"cannot bind ?{name} to {term!r}")
    names = sorted(bindings)
    block = "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(str(bindings[n]) for n in names) + ") }"
    # comment lines blanked out (same length, so offsets hold); WHERE and "{" may be on different lines
    masked = _COMMENT_LINE.sub(lambda m: " " * len(m.group(0)), sparql)
    m = _OUTER_WHERE.search(masked)
    if not m:
        raise QueryError("query has no WHERE block to bind parameters in")
    return sparql[:m.end()] + "\n  " + block + "\n" + sparql[m.end():]


# -- parameters ---------------------------------------------------------------------------------
CK = "https://w3id.org/coopkg/def#"
SDGO = "http://metadata.un.org/sdg/ontology#"
_CLASS_HINTS = {
    "place": [CK + "Country", CK + "Subdivision", CK + "Region"],
    "country": [CK + "Country"], "subdivision": [CK + "Subdivision"], "region": [CK + "Region"],
    "organisation": [CK + "Organisation"], "org": [CK + "Organisation"], "funder": [CK + "Organisation"],
    "implementer": [CK + "Organisation"], "partner": [CK + "Organisation"],
    "sdg": [SDGO + "Goal", SDGO + "Target"], "goal": [SDGO + "Goal"], "target": [SDGO + "Target"],
    "theme": [CK + "HumanRightsTheme"], "hrTheme": [CK + "HumanRightsTheme"],
    "programme": [CK + "Programme"],
}
_NAMES_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ck: <https://w3id.org/coopkg/def#>
SELECT DISTINCT ?resource ?class ?name ?how WHERE {
  ?resource a ?class .
  { ?resource skos:notation ?n BIND ("1code" AS ?how) }
  UNION { ?resource ck:acronym ?n BIND ("2acronym" AS ?how) }
  UNION { ?resource skos:prefLabel ?n BIND ("3label" AS ?how) }
  UNION { ?resource dct:title ?n BIND ("3label" AS ?how) }
  UNION { ?resource skos:altLabel ?n BIND ("4alias" AS ?how) }
  BIND (STR(?n) AS ?name)
}"""
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def resolve_resource(value: str, name: str, target: Target) -> ox.NamedNode:
    """The resource a parameter value names: an IRI as given, else a code, acronym or label (any language,
    ignoring case and accents) of a resource of the class the parameter's name implies.

    Codes win over acronyms, acronyms over labels, labels over other names. Among resources that share a
    name at the same level, the class the parameter names first wins (place=Belize is the country, not
    Belize District; place=Guatemala the country, not its department); a tie left after that is ambiguous."""
    value = value.strip()
    if _IRI.match(value) and "/" in value:
        try:
            return ox.NamedNode(value)
        except ValueError as err:
            raise QueryError(f"parameter {name}={value!r} is not a valid IRI ({err})") from None
    hinted = _CLASS_HINTS.get(name) or _CLASS_HINTS.get(re.sub(r"s$", "", name))
    classes = hinted or sorted({c for cs in _CLASS_HINTS.values() for c in cs})
    rank = {c: (i if hinted else 0) for i, c in enumerate(classes)}
    wanted = normal_key(value)
    rows = _names(target, classes, wanted)
    found: dict[str, dict[str, int]] = {}
    for resource, cls, label, how in rows:
        if normal_key(label) == wanted:
            candidates = found.setdefault(how, {})
            candidates[resource] = min(candidates.get(resource, len(rank)), rank.get(cls, len(rank)))
    for how in sorted(found):
        best = min(found[how].values())
        chosen = sorted(r for r, k in found[how].items() if k == best)
        if len(chosen) == 1:
            return ox.NamedNode(chosen[0])
        raise QueryError(f"parameter {name}={value!r} is ambiguous: " + ", ".join(chosen[:5]))
    raise QueryError(f"parameter {name}={value!r} names nothing known (give a label, acronym, code or IRI)")


def _names(target: Target, classes: list[str], key: str) -> list[tuple[str, str, str, str]]:
    """The names of the resources of these classes; on the embedded store, only those that may have this
    `normal_key` (a REGEX the store evaluates: at 100,000 documents, reading every organisation's names took
    over a minute). Endpoints get every name, since their regular-expression dialects differ."""
    values = " ".join(f"<{c}>" for c in classes)
    query = _NAMES_QUERY.replace("?resource a ?class .", f"VALUES ?class {{ {values} }}\n  ?resource a ?class .")
    if isinstance(target, StoreTarget):
        pattern = ox.Literal(names_with_key(key))  # str(): its escaped N-Triples form
        # on ?n, not the BIND's ?name: Oxigraph then filters the names before joining them with the types (2x)
        query = query.replace("BIND (STR(?n) AS ?name)", f'BIND (STR(?n) AS ?name)\n  FILTER (REGEX(STR(?n), {pattern}, "i"))')
    table = target.select(query)
    return [(r["resource"].value, r["class"].value, r["name"].value, r["how"].value) for r in table.rows]


def to_term(value: str, param: Parameter, target: Target):
    """A parameter value as the RDF term its type asks for."""
    kind = param.kind
    if kind == "iri":
        return resolve_resource(value, param.name, target)
    checks = {"integer": (r"[+-]?\d+", "integer"), "decimal": (r"[+-]?\d+(\.\d+)?", "decimal"),
              "date": (r"\d{4}-\d\d-\d\d", "date"), "year": (r"\d{4}", "gYear")}
    if kind in checks:
        pattern, datatype = checks[kind]
        if not re.fullmatch(pattern, value.strip(), re.ASCII) or (kind == "date" and not _valid_date(value.strip())):
            raise QueryError(f"parameter {param.name}={value!r} is not a valid {kind}")
        return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD + datatype))
    return ox.Literal(value)


def _valid_date(value: str) -> bool:
    """A real calendar date (2022-02-30 is not)."""
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
        return True
    except ValueError:
        return False


def bind_parameters(query: SavedQuery, params: dict[str, str], target: Target) -> dict:
    unknown = sorted(set(params) - {p.name for p in query.parameters})
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)} "
                         f"(it takes: {', '.join(p.name for p in query.parameters) or 'none'})")
    bindings = {}
    for p in query.parameters:
        value = params.get(p.name, query.defaults.get(p.name))
        if value is None or value == "":
            if p.required:
                raise QueryError(f"query {query.name!r} needs the parameter {p.name!r} (--param {p.name}=...)")
            continue
        bindings[p.variable] = to_term(str(value), p, target)
    return bindings


def run_saved_query(target: Target | GraphStore, query: SavedQuery, params: dict[str, str] | None = None) -> ResultTable:
    """Run a saved query with its parameters bound; the same answers on the store and on an endpoint."""
    if isinstance(target, GraphStore):
        target = StoreTarget(target)
    return target.select(query.text, bind_parameters(query, dict(params or {}), target))


RESULT_FORMATS = ("table", "csv", "tsv", "json")
