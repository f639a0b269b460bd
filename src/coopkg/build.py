"""Build: run the whole flow for a set of files (read → extract → map → validate → store), incrementally.

Each document is handled on its own: a bad one is reported and skipped, the rest still load.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from . import __version__
from .extract import extract
from .facts import ProgrammeFacts
from .map import Minter, map_document
from .namespaces import CK, DEFAULT_BASE
from .read import DocumentError, iter_document_paths, read_document
from .resources import model_paths
from .store import GraphStore
from .text import normal_key
from .validate import Validator
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Rejection:
    """A document kept out of the store, and why (one line each)."""

    path: Path
    reasons: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"{self.path}: {reason}" for reason in self.reasons]


@dataclass
class BuildResult:
    loaded: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "path: what could not be read"; the document loaded

    @property
    def ok(self) -> bool:
        return not self.rejected


class ProgrammeResolver:
    """Gives a document's programme an IRI: the IRI of a known programme that shares a name or acronym
    with it (the same programme described in several documents), or a new one."""

    def __init__(self, mint: Minter, known: dict[str, str] | None = None):
        self.mint = mint
        self.known: dict[str, str] = dict(known or {})

    @classmethod
    def from_store(cls, store: GraphStore, mint: Minter) -> "ProgrammeResolver":
        rows = store.query(
            "SELECT ?p ?name WHERE { ?p a <%s> . { ?p <%s> ?name } UNION { ?p <%s> ?name } UNION { ?p <%s> ?name } }"
            % (CK.Programme, DCTERMS.title, CK.acronym, SKOS.altLabel))
        known: dict[str, str] = {}
        for row in sorted(rows, key=lambda r: (r["p"].value, r["name"].value)):
            known.setdefault(normal_key(row["name"].value), row["p"].value)
        return cls(mint, known)

    def resolve(self, facts: ProgrammeFacts) -> URIRef:
        keys = sorted(facts.identity_keys())
        matches = sorted({self.known[k] for k in keys if k in self.known})
        iri = URIRef(matches[0]) if matches else self.mint.programme(facts)
        for k in keys:
            self.known.setdefault(k, str(iri))
        return iri


def build(paths: Iterable[Path | str], store: GraphStore, *, base: str = DEFAULT_BASE, prune: bool = False,
          vocab: Vocabulary | None = None, validator: Validator | None = None,
          progress: Callable[[Path], None] | None = None) -> BuildResult:
    """Bring the store up to date with the documents under `paths`."""
    started = dt.datetime.now(dt.timezone.utc)
    vocab = vocab or Vocabulary.load()
    validator = validator or Validator(vocab)
    mint = Minter(base)
    store.sync_model(model_paths())
    stored = store.documents()
    resolver = ProgrammeResolver.from_store(store, mint)
    result = BuildResult()
    seen: dict[str, Path] = {}
    files = iter_document_paths([Path(p) for p in paths])
    for path in files:
        if progress:
            progress(path)
        if path.name in seen:
            result.rejected.append(Rejection(path, (f"has the same file name as {seen[path.name]}; "
                                                     "file names identify documents, rename one",)))
            continue
        seen[path.name] = path
        outcome = build_one(path, store, stored, resolver, mint, vocab, validator, result.warnings)
        if isinstance(outcome, Rejection):
            result.rejected.append(outcome)
        elif outcome:
            result.loaded.append(path)
        else:
            result.unchanged.append(path)
    if prune:
        for name, doc in sorted(stored.items()):
            if name not in seen:
                store.drop_graph(doc.graph)
                result.pruned.append(name)
    record_build(store, mint, started, result)
    store.flush()
    return result


def build_one(path: Path, store: GraphStore, stored: dict, resolver: ProgrammeResolver, mint: Minter,
              vocab: Vocabulary, validator: Validator, warnings: list[str] | None = None) -> bool | Rejection:
    """Load one document; True when loaded, False when unchanged, a Rejection when kept out."""
    try:
        doc = read_document(path)
        previous = stored.get(path.name)
        if previous is not None and previous.sha256 == doc.sha256:
            return False
        facts = extract(doc, vocab)
        if warnings is not None:
            warnings.extend(f"{path}: warning: {w}" for w in facts.warnings)
        graph = map_document(doc, facts, resolver.resolve(facts), mint)
    except DocumentError as err:
        return Rejection(path, (err.reason,))
    except Exception as err:  # a bug must not cost the rest of the build
        return Rejection(path, (f"internal error while reading: {type(err).__name__}: {err}",))
    report = validator.validate(graph)
    if not report.conforms:
        return Rejection(path, tuple(f"does not conform: {v.line()}" for v in report.violations
                                     if v.severity == "Violation") or ("does not conform",))
    store.replace_graph(str(mint.graph(path.name)), graph)
    return True


def record_build(store: GraphStore, mint: Minter, started: dt.datetime, result: BuildResult) -> None:
    """Add this build to the build log graph (PROV-O): when, which coopkg, which documents."""
    ended = dt.datetime.now(dt.timezone.utc)
    log = Graph()
    build_iri = mint("build", started.strftime("%Y%m%dT%H%M%S%fZ"))
    log.add((build_iri, RDF.type, CK.Build))
    log.add((build_iri, RDF.type, PROV.Activity))
    log.add((build_iri, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    log.add((build_iri, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    log.add((build_iri, CK.softwareVersion, Literal(__version__)))
    for path in result.loaded:
        log.add((build_iri, PROV.used, mint.document(path.name)))
        log.add((build_iri, PROV.generated, mint.graph(path.name)))
    body = "".join(line + "\n" for line in log.serialize(format="nt").splitlines() if line.strip())
    store.store.update(f"INSERT DATA {{ GRAPH <{build_log_graph(mint)}> {{\n{body}}} }}")


def build_log_graph(mint: Minter) -> str:
    return str(mint("graph", "builds"))


__all__ = ["build", "BuildResult", "Rejection", "ProgrammeResolver"]
