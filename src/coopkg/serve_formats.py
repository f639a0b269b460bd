"""Content negotiation and the wire formats of the server: SPARQL results (JSON, XML, CSV, TSV) and RDF.
The XML results writer follows the W3C SPARQL Query Results XML Format; RDF goes through Oxigraph or coopkg.export.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .namespaces import PREFIXES
from .results import ResultTable, Value

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
HTML = "text/html"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSONLD = "application/ld+json"
JSON = "application/json"

#: Media types a SELECT result can be sent as, the default first.
RESULT_TYPES = [SPARQL_JSON, JSON, SPARQL_XML, CSV, TSV, HTML]
#: ASK has no W3C CSV/TSV form.
BOOLEAN_TYPES = [SPARQL_JSON, JSON, SPARQL_XML, HTML]
#: RDF (CONSTRUCT, DESCRIBE, descriptions of resources), the default first.
RDF_TYPES = [TURTLE, NTRIPLES, JSONLD, HTML]
#: `?format=` shorthands, for links and clients that cannot set Accept.
FORMAT_NAMES = {"json": SPARQL_JSON, "xml": SPARQL_XML, "csv": CSV, "tsv": TSV, "html": HTML,
                "ttl": TURTLE, "turtle": TURTLE, "nt": NTRIPLES, "ntriples": NTRIPLES, "jsonld": JSONLD,
                "json-ld": JSONLD}
#: File extensions of the representations of a dereferenceable resource.
EXTENSIONS = {"html": HTML, "ttl": TURTLE, "nt": NTRIPLES, "jsonld": JSONLD}


# -- negotiation ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches the type: 3 exact, 2 type/*, 1 */*, 0 not at all."""
        kind, _, sub = media_type.partition("/")
        if self.type == kind and self.subtype == sub:
            return 3
        if self.type == kind and self.subtype == "*":
            return 2
        if self.type == "*" and self.subtype == "*":
            return 1
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed parts are skipped, a bad q counts as 1."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, _, sub = fields[0].lower().partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 1.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def negotiate(header: str | None, offered: list[str]) -> str | None:
    """The offered type the client likes best (the earlier offer wins a tie); the first with no Accept;
    None when the client accepts none of them."""
    ranges = parse_accept(header)
    if not ranges:
        return offered[0]
    best, best_q = None, 0.0
    for media_type in offered:
        matching = [(r.matches(media_type), r.q) for r in ranges if r.matches(media_type)]
        if not matching:
            continue
        q = max(matching)[1]  # the most specific range decides (text/csv;q=0 beats */*)
        if q > best_q:
            best, best_q = media_type, q
    return best


def with_charset(media_type: str) -> str:
    """Text types carry their charset; the JSON types are UTF-8 by definition."""
    if media_type.startswith("text/") or media_type == SPARQL_XML:
        return media_type + "; charset=utf-8"
    return media_type


# -- SPARQL results ------------------------------------------------------------------------------
def solutions_body(table: ResultTable, media_type: str) -> str:
    if media_type in (SPARQL_JSON, JSON):
        return table.to_json()
    if media_type == SPARQL_XML:
        return results_xml(table)
    if media_type == CSV:
        return table.to_csv()
    if media_type == TSV:
        return table.to_tsv()
    raise ValueError(f"no results writer for {media_type}")


def boolean_body(value: bool, media_type: str) -> str:
    if media_type in (SPARQL_JSON, JSON):
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if media_type == SPARQL_XML:
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_RESULTS_NS}">\n  <head/>\n'
                f"  <boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n")
    raise ValueError(f"no boolean writer for {media_type}")


_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
# characters XML 1.0 cannot carry even escaped; a literal holding one gets U+FFFD in its place
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def results_xml(table: ResultTable) -> str:
    """W3C SPARQL Query Results XML: head with the variables, one result per solution, unbound left out."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{_RESULTS_NS}">', "  <head>"]
    out += [f"    <variable name={quoteattr(v)}/>" for v in table.variables]
    out += ["  </head>", "  <results>"]
    for row in table.rows:
        out.append("    <result>")
        for name in table.variables:
            if name in row:
                out.append(f"      <binding name={quoteattr(name)}>{_xml_term(row[name])}</binding>")
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _xml_term(term: Value) -> str:
    text = escape(_NOT_XML.sub("\ufffd", term.value))
    if term.kind == "uri":
        return f"<uri>{text}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{text}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{text}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(term.datatype)}>{text}</literal>"
    return f"<literal>{text}</literal>"


# -- RDF -----------------------------------------------------------------------------------------
def rdf_body(ntriples: str, media_type: str) -> bytes:
    """Sorted N-Triples (what workers return) in the asked RDF format, with coopkg's prefixes and context."""
    if media_type == NTRIPLES:
        return ntriples.encode("utf-8")
    triples = list(ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    if media_type == TURTLE:
        # only the prefixes the description uses, so a short description stays short
        prefixes = {k: str(v) for k, v in PREFIXES.items() if f"<{v}" in ntriples}
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    if media_type == JSONLD:
        from .export import compact_json_ld

        return compact_json_ld(triples)
    raise ValueError(f"no RDF writer for {media_type}")
