"""Validate: check a document's graph against the SHACL shapes before it may enter the store.

Each graph is validated with just the vocabulary triples it needs (types and schemes of what it links to).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from .resources import shape_paths
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in words a person can act on."""

    focus: str
    path: str
    message: str
    severity: str

    def line(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.focus}{where}: {self.message}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: tuple[Violation, ...]
    graph: Graph  # the raw SHACL validation report


def load_shapes(paths: list[Path] | None = None) -> Graph:
    shapes = Graph()
    for path in paths or shape_paths():
        shapes.parse(path, format="turtle")
    return shapes


class Validator:
    """Validates graphs against the shapes, adding the vocabulary context each one needs."""

    def __init__(self, vocab: Vocabulary, shapes: Graph | None = None):
        self.vocab = vocab
        self.shapes = shapes if shapes is not None else load_shapes()
        # class and property hierarchy, so that sh:class sees ck:Country as a ck:Place
        self._schema = Graph()
        for triple in vocab.graph.triples((None, RDFS.subClassOf, None)):
            self._schema.add(triple)

    def context_for(self, data: Graph) -> Graph:
        """The vocabulary triples that the shapes look at for the resources `data` points to."""
        context = Graph()
        vg = self.vocab.graph
        nodes = {o for o in data.objects() if isinstance(o, URIRef)}
        for node in nodes:
            for p in (RDF.type, SKOS.inScheme):
                for o in vg.objects(node, p):
                    context.add((node, p, o))
        return context

    def validate(self, data: Graph) -> Report:
        combined = Graph()
        for g in (data, self.context_for(data), self._schema):
            for triple in g:
                combined.add(triple)
        conforms, report, _ = shacl_validate(
            combined, shacl_graph=self.shapes, inference="none", advanced=True, allow_warnings=True)
        return Report(bool(conforms), tuple(violations_in(report)), report)


def violations_in(report: Graph) -> list[Violation]:
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        # English first; pyshacl drops the tags of messages it fills in, so untagged ones come next
        messages = sorted(report.objects(result, SH.resultMessage),
                          key=lambda m: ({"en": 0, None: 1}.get(getattr(m, "language", None), 2), str(m)))
        severity = report.value(result, SH.resultSeverity)
        out.append(Violation(
            focus=str(focus), path=_short(path) if path is not None else "",
            message=str(messages[0]) if messages else "does not conform",
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation"))
    return sorted(out, key=lambda v: (v.focus, v.path, v.message))


def _short(term) -> str:
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            return text.rsplit(sep, 1)[-1]
    return text





def validate_store(store, validator: Validator) -> dict[str, Report]:
    """Validate every document graph in a store; returns the report of each, by file name."""
    from .store import graph_of

    return {name: validator.validate(graph_of(store, doc.graph)) for name, doc in sorted(store.documents().items())}
