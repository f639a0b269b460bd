"""Worker processes that run SPARQL on a read-only store, each query under a time limit that really holds.
A query that overruns has its process killed and replaced: Oxigraph cannot be interrupted from Python.
"""
from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

#: Address-space cap of a worker; a query that sorts or groups a huge intermediate result hits it and its
#: worker dies (and is replaced) instead of taking the machine's memory.
DEFAULT_MEMORY_MB = 4096


class QueryTimeout(Exception):
    """The query did not finish within its time limit; its worker was killed."""


class PoolBusy(QueryTimeout):
    """Every worker stayed busy for the whole time limit; the query never started."""


class WorkerFailed(Exception):
    """A worker died while running a query (out of memory, crash) or could not open the store."""


class WorkerQueryError(ValueError):
    """The query was refused by Oxigraph: kind is "syntax" (malformed) or "query" (failed while running)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Job:
    """One query for a worker. max_rows caps solutions (or distinct triples); None reads everything."""

    query: str
    max_rows: int | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


# -- the worker side (runs in the child process) --------------------------------------------------
def worker_main(conn: Connection, store_path: str, memory_mb: int | None) -> None:
    """Open the store read-only, say "ready", then answer jobs until the pipe closes."""
    # Ctrl-C in a terminal reaches the whole process group; the server, not each worker, decides to stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_memory(memory_mb)
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(store_path)
    except OSError as err:
        conn.send(("failed", f"cannot open the store {store_path}: {err}"))
        return
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run_job(store, job))


def _limit_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform, or a lower hard limit already applies


def run_job(store, job: Job) -> tuple:
    """("solutions", ResultTable, truncated) | ("boolean", bool) | ("triples", N-Triples text, truncated)
    | ("error", kind, message)."""
    import pyoxigraph as ox

    try:
        result = store.query(job.query, **_dataset_options(job))
        if isinstance(result, ox.QueryBoolean):
            return ("boolean", bool(result))
        if isinstance(result, ox.QuerySolutions):
            return ("solutions", *_read_solutions(result, job.max_rows))
        return ("triples", *_read_triples(result, job.max_rows))
    except SyntaxError as err:
        return ("error", "syntax", _first_line(err))
    except (OSError, RuntimeError, ValueError, TypeError) as err:
        return ("error", "query", _first_line(err))


def _dataset_options(job: Job) -> dict:
    """The union of all graphs as default graph, unless the request named its own dataset."""
    import pyoxigraph as ox

    options: dict = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


def _read_solutions(solutions, max_rows: int | None):
    from .results import ResultTable, value_of_oxigraph

    variables = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        if max_rows is not None and len(rows) >= max_rows:
            return ResultTable(variables, rows), True
        rows.append({name: value_of_oxigraph(solution[name]) for name in variables if solution[name] is not None})
    return ResultTable(variables, rows), False


def _read_triples(triples, max_rows: int | None) -> tuple[str, bool]:
    """Distinct triples as sorted N-Triples lines: the same graph always gives the same text."""
    lines: set[str] = set()
    for triple in triples:
        line = f"{triple.subject} {triple.predicate} {triple.object} ."
        if line in lines:
            continue
        if max_rows is not None and len(lines) >= max_rows:
            return "\n".join(sorted(lines)) + "\n", True
        lines.add(line)
    return ("\n".join(sorted(lines)) + "\n") if lines else "", False


def _first_line(err: BaseException) -> str:
    text = str(err)
    return text.splitlines()[0] if text else type(err).__name__


# -- the server side -----------------------------------------------------------------------------
class Worker:
    """One child process and the pipe to it; used by one thread at a time."""

    def __init__(self, context, store_path: Path, memory_mb: int | None):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, str(store_path), memory_mb),
                                       name="coopkg-query-worker", daemon=True)
        self.process.start()
        child.close()  # the child holds its end; closing ours lets a dead child show as EOF
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        message = self._receive(timeout, "start")
        if message[0] != "ready":
            raise WorkerFailed(message[1])
        self.ready = True

    def call(self, job: Job, timeout: float) -> tuple:
        deadline = time.monotonic() + timeout
        self.wait_ready(timeout)
        try:
            self.conn.send(job)
        except (OSError, ValueError) as err:
            raise WorkerFailed(f"the query worker is gone ({err})") from None
        return self._receive(deadline - time.monotonic(), "finish")

    def _receive(self, timeout: float, what: str) -> tuple:
        try:
            if not self.conn.poll(max(timeout, 0.0)):
                raise QueryTimeout(f"did not {what} in time")
            return self.conn.recv()
        except (EOFError, OSError) as err:
            raise WorkerFailed(f"the query worker stopped ({self._exit_reason() or err})") from None

    def _exit_reason(self) -> str:
        self.process.join(timeout=1)
        code = self.process.exitcode
        if code is None:
            return ""
        if code < 0:
            return f"killed by signal {-code}" + (", probably out of memory" if -code == signal.SIGABRT else "")
        return f"exit status {code}"

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """A fixed number of workers; a query borrows one, and one that overruns or dies is replaced."""

    def __init__(self, store_path: Path, size: int = 2, memory_mb: int | None = DEFAULT_MEMORY_MB):
        self.store_path = Path(store_path)
        self.size = max(1, size)
        self.memory_mb = memory_mb
        # spawn, not fork: the server has threads and an open store, neither of which survives a fork
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: list[Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0

    def start(self, timeout: float = 60.0) -> None:
        """Start every worker and wait until each has opened the store (so a bad store fails here)."""
        workers = [self._new_worker() for _ in range(self.size)]
        try:
            for worker in workers:
                worker.wait_ready(timeout)
        except (WorkerFailed, QueryTimeout) as err:
            self.close()
            raise WorkerFailed(f"query workers did not start: {err}") from None
        for worker in workers:
            self._idle.put(worker)

    def run(self, job: Job, timeout: float) -> tuple:
        """The worker's answer (see run_job); a refused query raises WorkerQueryError.

        A query waits at most `timeout` for a free worker and then runs for at most `timeout`: time spent
        queueing behind others does not eat into its own."""
        try:
            worker = self._idle.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            raise PoolBusy(f"all {self.size} query workers stayed busy for {timeout:g} s") from None
        try:
            answer = worker.call(job, timeout)
        except (QueryTimeout, WorkerFailed):
            worker = self._replace(worker)
            raise
        finally:
            self._give_back(worker)
        if answer[0] == "error":
            raise WorkerQueryError(answer[1], answer[2])
        return answer

    def _new_worker(self) -> Worker:
        worker = Worker(self._context, self.store_path, self.memory_mb)
        with self._lock:
            self._all.append(worker)
        return worker

    def _replace(self, worker: Worker) -> Worker:
        """Kill a worker and start its successor; the successor opens the store while it waits for work."""
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
            if self._closed:
                return worker
            self.restarts += 1
        return self._new_worker()

    def _give_back(self, worker: Worker) -> None:
        with self._lock:
            closed = self._closed
        if closed:
            worker.kill()
        else:
            self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
        for worker in workers:
            worker.kill()
