"""SPARQL SELECT results in one shape, whatever answered them, and their W3C serialisations.

The embedded store and a remote endpoint give the same ResultTable, so they print the same bytes.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Value:
    """One RDF term of a solution: kind is "uri", "literal" or "bnode"."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def n3(self) -> str:
        """N-Triples form (TSV results use it)."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        literal = ox.Literal(self.value, language=self.lang) if self.lang else ox.Literal(
            self.value, datatype=ox.NamedNode(self.datatype) if self.datatype else None)
        return str(literal)

    def json(self) -> dict:
        out: dict = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != XSD_STRING:
            out["datatype"] = self.datatype
        return out


@dataclass(frozen=True)
class ResultTable:
    variables: list[str]
    rows: list[dict[str, Value]]

    @classmethod
    def from_oxigraph(cls, solutions) -> "ResultTable":
        variables = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in variables:
                term = solution[name]
                if term is not None:
                    row[name] = value_of_oxigraph(term)
            rows.append(row)
        return cls(variables, rows)

    @classmethod
    def from_json(cls, data: dict) -> "ResultTable":
        """From W3C SPARQL 1.1 Query Results JSON (what endpoints answer)."""
        variables = list(data.get("head", {}).get("vars", []))
        rows = []
        for binding in data.get("results", {}).get("bindings", []):
            row = {}
            for name, term in binding.items():
                kind = "literal" if term["type"] in ("literal", "typed-literal") else term["type"]
                lang = term.get("xml:lang")
                row[name] = Value(kind, term["value"], _datatype(term.get("datatype"), lang), lang)
            rows.append(row)
        return cls(variables, rows)

    def plain_rows(self) -> list[list[str]]:
        return [[r[v].value if v in r else "" for v in self.variables] for r in self.rows]

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.variables)
        writer.writerows(self.plain_rows())
        return out.getvalue()

    def to_tsv(self) -> str:
        lines = ["\t".join("?" + v for v in self.variables)]
        lines += ["\t".join(r[v].n3() if v in r else "" for v in self.variables) for r in self.rows]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps({"head": {"vars": self.variables},
                           "results": {"bindings": [{k: v.json() for k, v in r.items()} for r in self.rows]}},
                          ensure_ascii=False, indent=1) + "\n"

    def to_table(self, max_width: int = 60) -> str:
        return render_table(self.variables, self.plain_rows(), max_width)

    def format(self, fmt: str) -> str:
        return {"csv": self.to_csv, "tsv": self.to_tsv, "json": self.to_json, "table": self.to_table}[fmt]()


def value_of_oxigraph(term) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Value("bnode", term.value)
    if term.language:
        return Value("literal", term.value, None, term.language)
    return Value("literal", term.value, _datatype(term.datatype.value if term.datatype else None, None))


def _datatype(datatype: str | None, lang: str | None) -> str | None:
    """A literal's datatype as one shape whoever answered: none for a simple (xsd:string) or language-tagged
    literal, which endpoints may or may not spell out, so store and endpoint rows compare equal."""
    if lang or datatype in (XSD_STRING, RDF_LANG_STRING):
        return None
    return datatype


def render_table(header: list[str], rows: list[list[str]], max_width: int = 60) -> str:
    """An aligned plain-text table for people; long cells are cut with an ellipsis."""
    flat = [[" ".join(c.split()) for c in row] for row in rows]  # a quote's newlines must not break the table
    clipped = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in flat]
    widths = [max([len(h)] + [len(r[i]) for r in clipped]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in clipped]
    return "\n".join(out) + "\n"
