"""Build: run the whole flow for a set of files (read → extract → map → validate → store), incrementally.

Each document is handled on its own: a bad one is reported and skipped, the rest still load.

Large builds use the machine's cores: reading, extraction, mapping, validation and serialisation run in a
pool of worker processes, a batch of documents at a time, while this process takes their results in
document order, gives each programme its IRI (the ProgrammeResolver, which must see the documents in order)
and is the store's only writer. A worker maps a document with the IRI its programme gets when no earlier
document names it; when the resolver decides otherwise (the same programme, described before under another
name) the document is mapped again with the right IRI. So the store, the result lists and the messages
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

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from .buildlog import BuildRecord, RememberedRejection, pipeline_fingerprint, record_build, remembered_rejections
from .extract import extract
from .facts import ProgrammeFacts
from .map import Minter, map_document_triples
from .namespaces import CK, DEFAULT_BASE
from .read import MAX_BYTES, DocumentError, iter_document_paths, parse_document, read_file_bytes
from .resources import model_paths
from .store import GraphStore, GraphWriter, triples_to_ntriples
from .text import names_with_key, normal_key
from .validate import Validator
from .vocabulary import Vocabulary

#: Where workers are spawned (not forked), a build with more documents to read than this starts them.
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
    remembered: list[Path] = field(default_factory=list)  # rejected again from the build log, without reading
    warnings: list[str] = field(default_factory=list)  # "path: what could not be read"; the document loaded
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)  # seconds per stage

    @property
    def ok(self) -> bool:
        return not self.rejected


class ProgrammeResolver:
    """Gives a document's programme an IRI: the IRI of a known programme that shares a name or acronym
    with it (the same programme described in several documents), or a new one.

    Programmes already in the store are looked up by the names of the documents being read, a few at a
    time; after LOOKUPS_BEFORE_LOADING lookups (a build with many documents to read) every stored name is
    read at once. Either way a key gets the same IRI: the first, in IRI order, of the stored programmes
    with that key, else the IRI of the first document in this build that named it."""

    #: Each lookup scans the stored names once (about 50 ms at 10,000 programmes); reading them all costs
    #: about ten lookups.
    LOOKUPS_BEFORE_LOADING = 8

    def __init__(self, mint: Minter, known: dict[str, str] | None = None, store: GraphStore | None = None):
        self.mint = mint
        self.known: dict[str, str] = dict(known or {})  # identity key → programme IRI
        self._store = store
        self._asked: set[str] = set()  # keys the store has been asked about
        self._lookups = 0

    @classmethod
    def from_store(cls, store: GraphStore, mint: Minter) -> "ProgrammeResolver":
        return cls(mint, store=store)

    def resolve(self, facts: ProgrammeFacts) -> URIRef:
        return self.resolve_keys(facts.identity_keys(), lambda: str(self.mint.programme(facts)))

    def resolve_keys(self, identity_keys: Iterable[str], minted: Callable[[], str] | str) -> URIRef:
        """`resolve` given the programme's identity keys and the IRI it would get as a new programme."""
        keys = tuple(identity_keys)
        iri = self.lookup(keys, minted)
        self.register(keys, str(iri))
        return iri

    def lookup(self, identity_keys: Iterable[str], minted: Callable[[], str] | str) -> URIRef:
        """The IRI for these keys, without remembering them (for a document that may yet be rejected)."""
        keys = tuple(identity_keys)
        self._ask_store(keys)
        matches = sorted({self.known[k] for k in keys if k in self.known})
        if matches:
            return URIRef(matches[0])
        return URIRef(minted() if callable(minted) else minted)

    def register(self, identity_keys: Iterable[str], iri: str) -> None:
        """Remember that these keys name the programme `iri` (once its document is loaded)."""
        for k in sorted(identity_keys):
            self.known.setdefault(k, iri)

    def _ask_store(self, keys: tuple[str, ...]) -> None:
        if self._store is None:
            return
        todo = sorted(k for k in keys if k not in self._asked)
        if not todo:
            return
        self._lookups += 1
        everything = self._lookups > self.LOOKUPS_BEFORE_LOADING
        # A key registered in this build was asked first, so what the store says is never overridden
        for key, iri in stored_programme_names(self._store, None if everything else todo).items():
            self.known.setdefault(key, iri)
        if everything:
            self._store = None
        else:
            self._asked.update(todo)


def stored_programme_names(store: GraphStore, keys: Iterable[str] | None = None) -> dict[str, str]:
    """Identity key → IRI of the programmes in the store (named by title, acronym or another name): for
    every key, or only for `keys`. Where programmes share a key, the first IRI in order wins."""
    wanted = None if keys is None else set(keys)
    candidates = ""
    if wanted is not None:
        pattern = ox.Literal("|".join(f"(?:{names_with_key(k)})" for k in sorted(wanted)))  # str(): escaped
        candidates = f"FILTER (REGEX(STR(?name), {pattern}, \"i\"))"
    query = f"""SELECT ?p ?name WHERE {{
        VALUES ?property {{ <{DCTERMS.title}> <{CK.acronym}> <{SKOS.altLabel}> }}
        ?p ?property ?name . {candidates}
        ?p a <{CK.Programme}> . }}"""
    names = {(row["p"].value, row["name"].value) for row in store.query(query)}
    known: dict[str, str] = {}
    for iri, name in sorted(names):
        key = normal_key(name)
        if wanted is None or key in wanted:
            known.setdefault(key, iri)
    return known


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
    sha256: str | None = None  # of the bytes rejected, when the rejection is the document's own (remembered)
    remembered: bool = False  # rejected again from the build log, not read
    seconds: dict[str, float] = field(default_factory=dict)


class _Pipeline:
    """read → extract → map → validate → serialise, with one vocabulary, validator and minter."""

    def __init__(self, vocab: Vocabulary, validator: Validator, mint: Minter):
        self.vocab, self.validator, self.mint = vocab, validator, mint

    def run(self, path: Path, stored_sha: str | None, resolve: Callable[[tuple[str, ...], str], str]) -> _Outcome:
        clock = _Clock()
        extracted: tuple[tuple[str, ...], str, tuple[str, ...]] | None = None
        data = None
        try:
            data = read_file_bytes(path)
            doc = parse_document(path, data)
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
            # What the bytes say is remembered with their hash; a file that could not be read is tried again
            return _Outcome("rejected", (err.reason,), sha256=hashlib.sha256(data).hexdigest() if data is not None
                            else None, seconds=clock.seconds)
        except Exception as err:  # a bug must not cost the rest of the build (nor be remembered as the document's)
            reason = f"internal error while reading: {type(err).__name__}: {err}"
            out = _Outcome("rejected", (reason,), seconds=clock.seconds)
            if extracted is not None:
                out.keys, out.minted, out.warnings = extracted
            return out
        out = _Outcome("rejected", keys=keys, minted=minted, iri=iri, warnings=warnings, sha256=doc.sha256,
                       seconds=clock.seconds)
        report = self.validator.validate_triples(triples)
        clock.lap("validate")
        if not report.conforms:
            out.reasons = tuple(f"does not conform: {v.line()}" for v in report.violations
                                if v.severity == "Violation") or ("does not conform",)
            return out
        out.kind, out.sha256 = "loaded", None
        out.graph = str(self.mint.graph(path.name))
        out.body = triples_to_ntriples(triples)
        if out.body is None:
            out.triples = triples
        clock.lap("serialise")
        return out

    def warm_up(self) -> None:
        """Build the vocabulary's indexes and compile the shapes now, not on the first document."""
        for index in ("organisation_index", "place_index", "hr_index", "activity_index", "target_group_index",
                      "hr_notations", "sdg_codes", "tagger"):
            getattr(self.vocab, index)
        self.validator.conformance_check()
        self.validator.context_index()


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


# Worker processes keep one pipeline each, made by _fork_worker or _init_worker (or why they could not).
_WORKER: _Pipeline | BaseException | None = None


def _fork_worker(vocab: Vocabulary | None, validator: Validator | None, mint: Minter) -> None:
    """In a forked worker: make the pipeline, with every index the first document would otherwise build."""
    global _WORKER
    try:
        vocab = vocab if vocab is not None else Vocabulary.load()
        _WORKER = _Pipeline(vocab, validator if validator is not None else Validator(vocab), mint)
        _WORKER.warm_up()
    except BaseException as err:  # not raised here: a pool restarts a worker whose initializer fails, forever
        _WORKER = err if _picklable(err) else RuntimeError(f"{type(err).__name__}: {err}")


def _init_worker(vocab_files: list[str] | None, shapes_turtle: str | None, base: str) -> None:
    global _WORKER
    vocab = Vocabulary.load([Path(p) for p in vocab_files] if vocab_files else None)
    shapes = Graph().parse(data=shapes_turtle, format="turtle") if shapes_turtle is not None else None
    _WORKER = _Pipeline(vocab, Validator(vocab, shapes), Minter(base))


def _work(batch: list[tuple[str, str | None, str | None]]) -> list[_Outcome]:
    """In a worker: each document mapped with the programme IRI given, or else with the IRI of a new
    programme (which the build checks)."""
    if not isinstance(_WORKER, _Pipeline):
        return [_Outcome("error", error=_WORKER or RuntimeError("the worker has no pipeline")) for _ in batch]
    out = []
    for path, stored_sha, iri in batch:
        try:
            out.append(_WORKER.run(Path(path), stored_sha, lambda keys, minted: iri or minted))
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

    `workers`: processes for reading, extracting, mapping and validating (None: one per core; 1: all in
    this process; see _Pool for when they start). The outcome is the same either way.
    `BuildResult.timings` has the seconds spent per stage (summed over processes)."""
    started = dt.datetime.now(dt.timezone.utc)
    clock = _Clock()
    mint = Minter(base)
    result = BuildResult()
    timings = result.timings
    seen: set[str] = set()
    rejections: list[RememberedRejection] = []
    local = _LocalPipeline(vocab, validator, mint)
    pool = _Pool(workers, mint, vocab, validator, base)  # forked workers get ready while the store is read
    try:
        store.sync_model(model_paths())
        stored = store.document_hashes()  # by graph: a build needs no more to know what changed
        fingerprint = pipeline_fingerprint(base, vocab, validator)
        memory = remembered_rejections(store, mint, fingerprint)
        resolver = ProgrammeResolver.from_store(store, mint)
        writer = GraphWriter(store)
        files = iter_document_paths([Path(p) for p in paths])
        clock.lap("setup")
        for path, item in _outcomes(files, stored, memory, seen, progress, resolver, local, pool):
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
                if item.sha256 is not None:
                    rejections.append(RememberedRejection(path.name, item.sha256, item.reasons,
                                                          tuple(w.removeprefix(f"{path}: ") for w in item.warnings)))
                    if item.remembered:
                        result.remembered.append(path)
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
        for name, doc in sorted(store.documents().items()):
            if name not in seen:
                store.drop_graph(doc.graph)
                result.pruned.append(name)
    record_build(store, mint, BuildRecord(started, tuple(p.name for p in result.loaded), tuple(rejections),
                                          fingerprint))
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


def _outcomes(files: list[Path], stored: dict[str, str], memory: dict[str, RememberedRejection], seen: set[str],
              progress, resolver: ProgrammeResolver, local: "_LocalPipeline", pool: "_Pool") -> Iterator[tuple[Path, object]]:
    """(path, Rejection or _Outcome) for every file, in document order.

    `progress(path)` is called before the file is read. Programmes are resolved here, in document order,
    as the outcomes are taken; at most `pool.window()` documents are read ahead. A rejected document names
    no programme for the documents after it (it is not in the store), so a remembered rejection, which is
    not read again, leaves every other document as it would have been."""
    pending: deque = deque()  # (path, Rejection | _Outcome | _Slot), in document order
    batch: list[tuple[Path, _Slot]] = []
    first_seen: dict[str, Path] = {}
    to_read = 0

    def submit() -> None:
        if batch:
            handle = pool.submit([(str(p), slot.sha, None) for p, slot in batch])
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
        """The worker mapped the programme as a new one; map it again (in a worker, or here without one)
        if the resolver says otherwise."""
        if outcome.kind == "error" or outcome.keys is None:
            return outcome
        iri = str(resolver.lookup(outcome.keys, outcome.minted))
        if iri != outcome.minted:
            outcome = pool.run(path, sha, iri) if pool.running else local.run(path, sha, lambda keys, minted: iri)
        return registered(outcome)

    def registered(outcome: _Outcome) -> _Outcome:
        if outcome.kind == "loaded":
            resolver.register(outcome.keys, outcome.iri)
        return outcome

    for path in files:
        if progress:
            progress(path)
        if path.name in first_seen:
            pending.append((path, Rejection(path, (f"has the same file name as {first_seen[path.name]}; "
                                                   "file names identify documents, rename one",))))
        else:
            first_seen[path.name] = path
            seen.add(path.name)
            sha, rejected = stored.get(str(local.mint.graph(path.name))), memory.get(path.name)
            if sha is not None and _same_bytes(path, sha):
                pending.append((path, _Outcome("unchanged")))
            elif rejected is not None and _same_bytes(path, rejected.sha256):
                pending.append((path, _Outcome("rejected", rejected.reasons, sha256=rejected.sha256, remembered=True,
                                               warnings=tuple(f"{path}: {w}" for w in rejected.warnings))))
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
                    yield path, registered(local.run(path, sha, lambda keys, minted: str(resolver.lookup(keys, minted))))
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
    """Worker processes for reading, extracting, mapping and validating.

    Where the platform can fork, the workers are forked as the build starts and make their pipelines (from
    the build's vocabulary and validator, inherited, or by loading the model) while this process reads the
    store and hashes the files: a build that changes one document among thousands does not wait for the
    vocabulary, and one that changes none just stops them. A script that builds needs no `if __name__ ==
    "__main__"` guard. Elsewhere the workers are spawned, load the same model files, and only start once a
    build has more than PARALLEL_AFTER documents to read."""

    def __init__(self, workers: int | None, mint: Minter, vocab: Vocabulary | None, validator: Validator | None,
                 base: str):
        import multiprocessing

        self.workers = default_workers() if workers is None else max(1, int(workers))
        self._pool = None
        self._args = None
        self.used = False
        if self.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            import warnings

            with warnings.catch_warnings():
                # Python >= 3.12 warns about forking a process with threads (here: the store's); the
                # workers never touch the store
                warnings.simplefilter("ignore", DeprecationWarning)
                self._pool = multiprocessing.get_context("fork").Pool(
                    self.workers, initializer=_fork_worker, initargs=(vocab, validator, mint))
        elif self.workers > 1:
            self._args = _worker_args(vocab, validator, base)
            if self._args is None:  # a vocabulary or validator spawned workers cannot rebuild
                self.workers = 1

    def ready_for(self, work_seen: int) -> bool:
        """Whether document number `work_seen` (counting those that need reading) goes to the workers."""
        if self._pool is not None:
            return True
        if self.workers <= 1 or work_seen <= PARALLEL_AFTER:
            return False
        import multiprocessing

        self._pool = multiprocessing.get_context("spawn").Pool(
            self.workers, initializer=_init_worker, initargs=self._args)
        return True

    @property
    def running(self) -> bool:
        return self._pool is not None

    def window(self) -> int:
        return self.workers * IN_FLIGHT_PER_WORKER * CHUNK if self.used else 0

    def submit(self, batch: list[tuple[str, str | None, str | None]]):
        self.used = True
        return self._pool.apply_async(_work, (batch,))

    def run(self, path: Path, sha: str | None, iri: str) -> _Outcome:
        """One document, mapped with the given programme IRI, in a worker (this process may have no pipeline)."""
        return self.submit([(str(path), sha, iri)]).get()[0]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def default_workers() -> int:
    """The processes a parallel step uses by default: one per core this process may run on."""
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


__all__ = ["build", "BuildResult", "Rejection", "ProgrammeResolver"]
