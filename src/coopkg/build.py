"""Build: run the whole flow for a set of files (read → extract → map → validate → store), incrementally.

Each document is handled on its own: a bad one is reported and skipped, the rest still load.

Large builds use the machine's cores: reading, extraction, mapping, validation and serialisation run in a
pool of worker processes, a batch of documents at a time, while this process takes their results in
document order, gives each programme its IRI (the ProgrammeResolver, which must see the documents in order)
and is the store's only writer. A worker maps a document with the IRI its programme gets when no earlier
document names it; when the resolver decides otherwise (the same programme, described before under another
name) the document is mapped again here with the right IRI. So the store, the result lists and the messages
are the same whatever the number of workers.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from . import __version__
from .extract import extract
from .facts import ProgrammeFacts
from .map import Minter, map_document, map_document_triples
from .namespaces import CK, DEFAULT_BASE
from .read import MAX_BYTES, DocumentError, iter_document_paths, read_document
from .resources import model_paths
from .store import GraphStore, GraphWriter, triples_to_ntriples
from .text import normal_key
from .validate import Validator
from .vocabulary import Vocabulary

#: A build with more documents to read than this starts worker processes (when the machine has cores to spare).
PARALLEL_AFTER = 24
#: A build that bulk-loads at least this many new documents (and a twentieth of the store) compacts the
#: store at the end.
OPTIMIZE_AFTER = 500
#: Documents a worker takes at a time, and batches kept in flight per worker.
CHUNK = 8
IN_FLIGHT_PER_WORKER = 4


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
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)  # seconds per stage

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
        return self.resolve_keys(facts.identity_keys(), lambda: str(self.mint.programme(facts)))

    def resolve_keys(self, identity_keys: Iterable[str], minted: Callable[[], str] | str) -> URIRef:
        """`resolve` given the programme's identity keys and the IRI it would get as a new programme."""
        keys = sorted(identity_keys)
        matches = sorted({self.known[k] for k in keys if k in self.known})
        if matches:
            iri = URIRef(matches[0])
        else:
            iri = URIRef(minted() if callable(minted) else minted)
        for k in keys:
            self.known.setdefault(k, str(iri))
        return iri


# -------------------------------------------------------------------------------------------------
# One document, start to finish (in this process or in a worker)
# -------------------------------------------------------------------------------------------------

@dataclass
class _Outcome:
    """What reading, extracting, mapping and validating one document gave."""

    kind: str  # "unchanged" | "rejected" | "loaded"
    reasons: tuple[str, ...] = ()
    keys: tuple[str, ...] | None = None  # the programme's identity keys, once extraction succeeded
    minted: str | None = None  # the IRI it gets when no known programme shares a key
    iri: str | None = None  # the IRI the graph was mapped with
    warnings: tuple[str, ...] = ()
    graph: str | None = None  # the document's named graph
    body: bytes | None = None  # the graph as N-Triples, ready for the store
    triples: list | None = None  # ... or its triples, when they cannot be written as N-Triples here
    error: BaseException | None = None  # validation crashed: raised again in the build, in document order
    seconds: dict[str, float] = field(default_factory=dict)


class _Pipeline:
    """read → extract → map → validate → serialise, with one vocabulary, validator and minter."""

    def __init__(self, vocab: Vocabulary, validator: Validator, mint: Minter):
        self.vocab, self.validator, self.mint = vocab, validator, mint

    def run(self, path: Path, stored_sha: str | None, resolve: Callable[[tuple[str, ...], str], str]) -> _Outcome:
        clock = _Clock()
        extracted: tuple[tuple[str, ...], str, tuple[str, ...]] | None = None
        try:
            doc = read_document(path)
            clock.lap("read")
            if stored_sha is not None and stored_sha == doc.sha256:
                return _Outcome("unchanged", seconds=clock.seconds)
            facts = extract(doc, self.vocab)
            clock.lap("extract")
            warnings = tuple(f"{path}: warning: {w}" for w in facts.warnings)
            keys = tuple(sorted(facts.identity_keys()))
            minted = str(self.mint.programme(facts))
            extracted = (keys, minted, warnings)
            iri = resolve(keys, minted)
            triples = map_document_triples(doc, facts, URIRef(iri), self.mint)
            clock.lap("map")
        except DocumentError as err:
            return _Outcome("rejected", (err.reason,), seconds=clock.seconds)
        except Exception as err:  # a bug must not cost the rest of the build
            reason = f"internal error while reading: {type(err).__name__}: {err}"
            out = _Outcome("rejected", (reason,), seconds=clock.seconds)
            if extracted is not None:
                out.keys, out.minted, out.warnings = extracted
            return out
        out = _Outcome("rejected", keys=keys, minted=minted, iri=iri, warnings=warnings, seconds=clock.seconds)
        report = self.validator.validate_triples(triples)
        clock.lap("validate")
        if not report.conforms:
            out.reasons = tuple(f"does not conform: {v.line()}" for v in report.violations
                                if v.severity == "Violation") or ("does not conform",)
            return out
        out.kind = "loaded"
        out.graph = str(self.mint.graph(path.name))
        out.body = triples_to_ntriples(triples)
        if out.body is None:
            out.triples = triples
        clock.lap("serialise")
        return out


class _Clock:
    def __init__(self):
        import time

        self._now = time.perf_counter
        self._last = self._now()
        self.seconds: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = self._now()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


# Worker processes keep one pipeline each, made by _init_worker.
_WORKER: _Pipeline | None = None


def _init_worker(vocab_files: list[str] | None, shapes_turtle: str | None, base: str) -> None:
    global _WORKER
    vocab = Vocabulary.load([Path(p) for p in vocab_files] if vocab_files else None)
    shapes = Graph().parse(data=shapes_turtle, format="turtle") if shapes_turtle is not None else None
    _WORKER = _Pipeline(vocab, Validator(vocab, shapes), Minter(base))


def _work(batch: list[tuple[str, str | None]]) -> list[_Outcome]:
    """In a worker: each document mapped with the IRI of a new programme (checked by the build)."""
    assert _WORKER is not None
    out = []
    for path, stored_sha in batch:
        try:
            out.append(_WORKER.run(Path(path), stored_sha, lambda keys, minted: minted))
        except BaseException as err:  # validation crashed: the build raises it when it reaches this document
            out.append(_Outcome("error", error=err if _picklable(err) else RuntimeError(f"{type(err).__name__}: {err}")))
    return out


def _picklable(err: BaseException) -> bool:
    import pickle

    try:
        pickle.loads(pickle.dumps(err))
        return True
    except Exception:
        return False


# -------------------------------------------------------------------------------------------------
# The build
# -------------------------------------------------------------------------------------------------

def build(paths: Iterable[Path | str], store: GraphStore, *, base: str = DEFAULT_BASE, prune: bool = False,
          vocab: Vocabulary | None = None, validator: Validator | None = None,
          progress: Callable[[Path], None] | None = None, workers: int | None = None) -> BuildResult:
    """Bring the store up to date with the documents under `paths`.

    `workers`: processes for reading, extracting, mapping and validating (None: one per core, started once
    the build has more than PARALLEL_AFTER documents to read; 1: all in this process). The outcome is the
    same either way. `BuildResult.timings` has the seconds spent per stage (summed over processes)."""
    started = dt.datetime.now(dt.timezone.utc)
    clock = _Clock()
    mint = Minter(base)
    store.sync_model(model_paths())
    stored = store.documents()
    resolver = ProgrammeResolver.from_store(store, mint)
    writer = GraphWriter(store)
    result = BuildResult()
    timings = result.timings
    files = iter_document_paths([Path(p) for p in paths])
    clock.lap("setup")
    seen: set[str] = set()
    local = _LocalPipeline(vocab, validator, mint)
    pool = _Pool(workers, local, vocab, validator, base)
    try:
        for path, item in _outcomes(files, stored, seen, progress, resolver, local, pool):
            if isinstance(item, Rejection):
                result.rejected.append(item)
                continue
            if item.kind == "error":
                raise item.error  # type: ignore[misc]
            for stage, seconds in item.seconds.items():
                timings[stage] = timings.get(stage, 0.0) + seconds
            if item.kind == "unchanged":
                result.unchanged.append(path)
                continue
            result.warnings.extend(item.warnings)
            if item.kind == "rejected":
                result.rejected.append(Rejection(path, item.reasons))
                continue
            t = _Clock()
            if item.body is not None:
                writer.put(item.graph, item.body)
            else:
                writer.put_graph(item.graph, item.triples)
            t.lap("store")
            timings["store"] = timings.get("store", 0.0) + t.seconds["store"]
            result.loaded.append(path)
    finally:
        pool.close()
    t = _Clock()
    writer.close()
    if prune:
        for name, doc in sorted(stored.items()):
            if name not in seen:
                store.drop_graph(doc.graph)
                result.pruned.append(name)
    record_build(store, mint, started, result)
    store.flush()
    t.lap("store")
    timings["store"] = timings.get("store", 0.0) + t.seconds["store"]
    if writer.bulk_graphs >= max(OPTIMIZE_AFTER, (len(stored) + writer.bulk_graphs) // 20):
        store.optimize()
        t.lap("optimize")
        timings["optimize"] = t.seconds["optimize"]
    timings["setup"] = clock.seconds["setup"]
    timings["workers"] = float(pool.workers if pool.used else 1)
    return result


class _Slot:
    """A document handed to the workers: which batch, which place in it."""

    __slots__ = ("handle", "index", "sha")

    def __init__(self, sha: str | None):
        self.handle, self.index, self.sha = None, 0, sha


def _outcomes(files: list[Path], stored: dict, seen: set[str], progress, resolver: ProgrammeResolver,
              local: "_LocalPipeline", pool: "_Pool") -> Iterator[tuple[Path, object]]:
    """(path, Rejection or _Outcome) for every file, in document order.

    `progress(path)` is called before the file is read. Programmes are resolved here, in document order,
    as the outcomes are taken; at most `pool.window()` documents are read ahead."""
    pending: deque = deque()  # (path, Rejection | _Outcome | _Slot), in document order
    batch: list[tuple[Path, _Slot]] = []
    first_seen: dict[str, Path] = {}
    to_read = 0

    def submit() -> None:
        if batch:
            handle = pool.submit([(str(p), slot.sha) for p, slot in batch])
            for i, (_, slot) in enumerate(batch):
                slot.handle, slot.index = handle, i
            batch.clear()

    def take(limit: int) -> Iterator[tuple[Path, object]]:
        while len(pending) > limit:
            path, item = pending.popleft()
            if isinstance(item, _Slot):
                item = settle(path, item.handle.get()[item.index], item.sha)
            yield path, item

    def settle(path: Path, outcome: _Outcome, sha: str | None) -> _Outcome:
        """The worker mapped the programme as a new one; map again here if the resolver says otherwise."""
        if outcome.kind == "error" or outcome.keys is None:
            return outcome
        iri = str(resolver.resolve_keys(outcome.keys, outcome.minted))
        if iri == outcome.minted:
            return outcome
        return local.run(path, sha, lambda keys, minted: iri)

    for path in files:
        if progress:
            progress(path)
        if path.name in first_seen:
            pending.append((path, Rejection(path, (f"has the same file name as {first_seen[path.name]}; "
                                                   "file names identify documents, rename one",))))
        else:
            first_seen[path.name] = path
            seen.add(path.name)
            previous = stored.get(path.name)
            sha = previous.sha256 if previous is not None else None
            if sha is not None and _same_bytes(path, sha):
                pending.append((path, _Outcome("unchanged")))
            else:
                to_read += 1
                if pool.ready_for(to_read):
                    slot = _Slot(sha)
                    pending.append((path, slot))
                    batch.append((path, slot))
                    if len(batch) >= CHUNK:
                        submit()
                else:  # in this process: first what came before it, then the document itself
                    yield from take(0)
                    yield path, local.run(path, sha, lambda keys, minted: str(resolver.resolve_keys(keys, minted)))
                    continue
        if len(pending) > pool.window():
            submit()
            yield from take(pool.window())
    submit()
    yield from take(0)


def _same_bytes(path: Path, sha256: str) -> bool:
    """Whether the file still has the bytes of the stored document (then it needs no reading at all)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


class _LocalPipeline:
    """The pipeline in this process, made when first needed (a build of unchanged files needs none)."""

    def __init__(self, vocab: Vocabulary | None, validator: Validator | None, mint: Minter):
        self._vocab, self._validator, self.mint = vocab, validator, mint
        self._pipeline: _Pipeline | None = None

    @property
    def pipeline(self) -> _Pipeline:
        if self._pipeline is None:
            vocab = self._vocab or Vocabulary.load()
            self._pipeline = _Pipeline(vocab, self._validator or Validator(vocab), self.mint)
        return self._pipeline

    def run(self, path: Path, sha: str | None, resolve) -> _Outcome:
        return self.pipeline.run(path, sha, resolve)


class _Pool:
    """Worker processes, started once a build has shown it has enough documents to read.

    Where the platform can fork, the workers are forks of this process taken after its own pipeline is
    ready, so they start at once with the same vocabulary, validator and minter (and a script that builds
    needs no `if __name__ == "__main__"` guard). Elsewhere they are spawned and load the same model files."""

    def __init__(self, workers: int | None, local: _LocalPipeline, vocab: Vocabulary | None,
                 validator: Validator | None, base: str):
        import multiprocessing

        self.workers = _default_workers() if workers is None else max(1, int(workers))
        self.local = local
        self._pool = None
        self._args = None
        self.used = False
        self._fork = "fork" in multiprocessing.get_all_start_methods()
        if self.workers > 1 and not self._fork:
            self._args = _worker_args(vocab, validator, base)
            if self._args is None:  # a vocabulary or validator spawned workers cannot rebuild
                self.workers = 1

    def ready_for(self, work_seen: int) -> bool:
        """Whether document number `work_seen` (counting those that need reading) goes to the workers."""
        if self.workers <= 1 or work_seen <= PARALLEL_AFTER:
            return False
        if self._pool is None:
            import multiprocessing
            import warnings

            global _WORKER
            if self._fork:
                _WORKER = self.local.pipeline  # inherited by the forks
                with warnings.catch_warnings():
                    # Python >= 3.12 warns about forking a process with threads (here: the store's); the
                    # workers never touch the store
                    warnings.simplefilter("ignore", DeprecationWarning)
                    self._pool = multiprocessing.get_context("fork").Pool(self.workers)
            else:
                self._pool = multiprocessing.get_context("spawn").Pool(
                    self.workers, initializer=_init_worker, initargs=self._args)
            self.used = True
        return True

    def window(self) -> int:
        return self.workers * IN_FLIGHT_PER_WORKER * CHUNK if self.used else 0

    def submit(self, batch):
        return self._pool.apply_async(_work, (batch,))

    def close(self) -> None:
        global _WORKER
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            _WORKER = None


def _default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _worker_args(vocab: Vocabulary | None, validator: Validator | None, base: str):
    """What a spawned worker needs to rebuild the same vocabulary and validator, or None when it cannot."""
    if validator is not None and type(validator) is not Validator:
        return None
    vocab_files = None
    if vocab is not None:
        if not vocab.files:
            return None
        vocab_files = [str(p) for p in vocab.files]
    shapes = None
    if validator is not None:
        vfiles = [str(p) for p in validator.vocab.files]
        if not vfiles or (vocab_files or [str(p) for p in model_paths()]) != vfiles:
            return None
        shapes = validator.shapes.serialize(format="turtle")
    return (vocab_files, shapes, base)


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
