"""Build log: what each build did (PROV-O), in the store's build-log graph, and the rejections it remembers.

A rejected document is recorded with the hash of its bytes; the next build reports it again without reading
it when neither its bytes nor the pipeline that rejected it (`pipeline_fingerprint`) have changed since.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import PROV, RDF, XSD

from . import __version__
from .map import Minter
from .namespaces import CK
from .resources import model_paths, shape_paths
from .store import GraphStore
from .text import slug
from .validate import Validator
from .vocabulary import Vocabulary

_PACKAGE = Path(__file__).resolve().parent
#: Libraries whose behaviour decides whether a document conforms.
_LIBRARIES = ("rdflib", "pyshacl", "pyoxigraph")
#: Quads of the build log written per transaction.
LOG_CHUNK = 20_000


@dataclass(frozen=True)
class RememberedRejection:
    """A document an earlier build rejected: its file name, the hash of the bytes rejected, and why."""

    name: str
    sha256: str
    reasons: tuple[str, ...]
    warnings: tuple[str, ...] = ()  # as printed, without the "path: " they start with


@dataclass(frozen=True)
class BuildRecord:
    """What one build did, for the log: when, with which pipeline, what it loaded and what it rejected."""

    started: dt.datetime
    loaded: tuple[str, ...]  # file names
    rejected: tuple[RememberedRejection, ...]
    fingerprint: str | None


def build_log_graph(mint: Minter) -> str:
    return str(mint("graph", "builds"))


def pipeline_fingerprint(base: str, vocab: Vocabulary | None = None, validator: Validator | None = None) -> str | None:
    """A digest of everything that decides a document's outcome besides its bytes: coopkg's code, its model
    and shapes, the base IRI and the versions of the libraries that validate. None when a caller's own
    vocabulary or validator cannot be fingerprinted (then no rejection is remembered)."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)

    add("version", __version__.encode("utf-8"))
    add("base", base.encode("utf-8"))
    for name in _LIBRARIES:
        add(name, metadata.version(name).encode("utf-8"))
    for path in sorted(_PACKAGE.rglob("*.py")):
        add(path.relative_to(_PACKAGE).as_posix(), path.read_bytes())
    if vocab is not None and not vocab.files:
        return None
    for path in vocab.files if vocab is not None else model_paths():
        add("model", Path(path).read_bytes())
    if validator is not None and (type(validator) is not Validator or not validator.shape_files
                                  or not validator.vocab.files):
        return None
    for path in validator.shape_files if validator is not None else shape_paths():
        add("shapes", path.read_bytes())
    for path in validator.vocab.files if validator is not None else ():
        add("validator model", Path(path).read_bytes())
    return digest.hexdigest()


def remembered_rejections(store: GraphStore, mint: Minter, fingerprint: str | None) -> dict[str, RememberedRejection]:
    """The rejections of the last build, by file name, if that build ran the same pipeline (else none)."""
    if fingerprint is None:
        return {}
    log = build_log_graph(mint)
    last = list(store.store.query(
        f"SELECT ?build ?fingerprint WHERE {{ GRAPH <{log}> {{ ?build a <{CK.Build}> ; <{PROV.startedAtTime}> ?t "
        f"OPTIONAL {{ ?build <{CK.pipelineFingerprint}> ?fingerprint }} }} }} ORDER BY DESC(STR(?t)) LIMIT 1"))
    if not last or last[0]["fingerprint"] is None or last[0]["fingerprint"].value != fingerprint:
        return {}
    rows = store.store.query(
        f"SELECT ?name ?sha ?reason ?warning WHERE {{ GRAPH <{log}> {{ <{last[0]['build'].value}> <{CK.rejected}> ?r . "
        f"?r <{CK.fileName}> ?name ; <{CK.sha256}> ?sha . "
        f"{{ ?r <{CK.rejectionReason}> ?reason }} UNION {{ ?r <{CK.buildWarning}> ?warning }} }} }}")
    found: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for row in rows:
        reasons, warnings = found.setdefault((row["name"].value, row["sha"].value), (set(), set()))
        if row["reason"] is not None:
            reasons.add(row["reason"].value)
        if row["warning"] is not None:
            warnings.add(row["warning"].value)
    out: dict[str, RememberedRejection] = {}
    for (name, sha), (reasons, warnings) in sorted(found.items()):
        if reasons and name not in out:  # one file name, two hashes cannot come from one build; keep one
            out[name] = RememberedRejection(name, sha, tuple(sorted(reasons)), tuple(sorted(warnings)))
    return out


def record_build(store: GraphStore, mint: Minter, record: BuildRecord) -> None:
    """Add a build to the build-log graph: when, which coopkg and pipeline, what it loaded and rejected.

    The documents it used and generated (two quads each) go first, through the bulk loader LOG_CHUNK quads
    at a time: logging a build of 100,000 documents so takes 35 MB and 2 s, where one SPARQL update of its
    200,000 quads took 770 MB and 8 s (and transactions of that size fill RocksDB's write buffers). The
    build's own description, `a ck:Build` included, goes last, in one transaction. A build stopped on the
    way leaves no ck:Build, and so nothing that the next build reads."""
    graph = ox.NamedNode(build_log_graph(mint))
    build = ox.NamedNode(str(mint("build", record.started.strftime("%Y%m%dT%H%M%S%fZ"))))

    def quad(s: ox.NamedNode, p, o) -> ox.Quad:
        return ox.Quad(s, ox.NamedNode(str(p)), o, graph)

    def named(iri) -> ox.NamedNode:
        return ox.NamedNode(str(iri))

    chunk: list[ox.Quad] = []
    for name in record.loaded:
        chunk += [quad(build, PROV.used, named(mint.document(name))), quad(build, PROV.generated, named(mint.graph(name)))]
        if len(chunk) >= LOG_CHUNK:
            store.store.bulk_extend(chunk)
            chunk = []
    store.store.bulk_extend(chunk)
    xsd_datetime = named(XSD.dateTime)
    ended = dt.datetime.now(dt.timezone.utc)
    description = [
        quad(build, RDF.type, named(PROV.Activity)),
        quad(build, PROV.startedAtTime, ox.Literal(record.started.isoformat(), datatype=xsd_datetime)),
        quad(build, PROV.endedAtTime, ox.Literal(ended.isoformat(), datatype=xsd_datetime)),
        quad(build, CK.softwareVersion, ox.Literal(__version__)),
    ]
    if record.fingerprint is not None:
        description.append(quad(build, CK.pipelineFingerprint, ox.Literal(record.fingerprint)))
    for rejection in record.rejected:
        node = named(mint("rejection", slug(rejection.name, 120), rejection.sha256[:16]))
        description += [quad(build, CK.rejected, node), quad(node, RDF.type, named(CK.Rejection)),
                        quad(node, CK.fileName, ox.Literal(rejection.name)),
                        quad(node, CK.sha256, ox.Literal(rejection.sha256))]
        description += [quad(node, CK.rejectionReason, ox.Literal(reason)) for reason in rejection.reasons]
        description += [quad(node, CK.buildWarning, ox.Literal(warning)) for warning in rejection.warnings]
    description.append(quad(build, RDF.type, named(CK.Build)))
    store.store.extend(description)


__all__ = ["BuildRecord", "RememberedRejection", "build_log_graph", "pipeline_fingerprint", "record_build",
           "remembered_rejections"]
