"""The coopkg benchmark harness: build, queries, incremental rebuild, exports and validation at several sizes.

    python benchmarks/run.py --sizes 1000,10000,100000      # what `make bench` runs
    python benchmarks/run.py --smoke                        # 20 documents, every row, no timing claims

For each size N it generates a synthetic corpus of N documents (benchmarks/generate.py, kept under --work and
reused), then, each step in a process of its own so that its peak memory is its own:

- build: `coopkg.build.build` into a new store; wall time, documents/s, per-stage time, peak RSS of the build
  process and of its worker processes;
- queries: every saved query (queries/*.rq) with its `#+ example:` parameters, median of --repeats runs on
  the embedded store; side by side, the same query text with the same VALUES bindings on rdflib's in-memory
  Dataset (default_union=True) holding the same quads, while the store has at most --rdflib-max-quads quads;
- exports: `coopkg export` to Turtle, N-Quads and JSON-LD; time, peak RSS, size;
- validate: `coopkg validate` on the whole store; and, up to --pyshacl-max-docs documents, one pyshacl run
  over the union of the document graphs (with the same vocabulary context) against coopkg's per-document
  validation of the same store;
- incremental: one document changed, `coopkg build` again (wall time of the command; median of 3).

It writes benchmarks/results/<date>.md (and .json), and with --update-docs the table in docs/performance.md.
A step can be skipped at a size with --skip STEP@N (e.g. --skip json-ld@100000); the report then gives a
linear extrapolation from the largest size measured, marked as such.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

STEPS = ("build", "queries", "rdflib", "turtle", "nq", "json-ld", "validate", "pyshacl", "incremental")
EXPORTS = {"turtle": "turtle", "nq": "nq", "json-ld": "json-ld"}
#: Incremental rebuilds measured at each size (one document changed before each; the median is reported).
INCREMENTAL_RUNS = 3
TARGETS = {"docs_per_s": 200, "query_ms": 100, "incremental_s": 2.0}

#: The rows of the main table, in order (tests/test_bench.py checks that the smoke report has every one).
ROWS = [
    "documents (loaded / rejected)", "quads in the store", "build: wall time (s)", "build: documents/s",
    "build: peak RSS, build process (MB)", "build: peak RSS, build process before the final compaction (MB)",
    "build: peak RSS, a worker (MB)", "build: workers",
    "stage read (ms/doc)", "stage extract (ms/doc)", "stage map (ms/doc)", "stage validate (ms/doc)",
    "stage store (ms/doc)", "stage serialise (ms/doc)", "build: compaction at the end (s)",
    "incremental rebuild, 1 document changed (s)",
    "export Turtle: time (s)", "export Turtle: peak RSS (MB)", "export N-Quads: time (s)",
    "export N-Quads: peak RSS (MB)", "export JSON-LD: time (s)", "export JSON-LD: peak RSS (MB)",
    "validate whole store: time (s)", "validate whole store: peak RSS (MB)",
    "saved queries: slowest median (ms)", "saved queries over 100 ms",
    "rdflib / Oxigraph, query time (median of ratios)", "whole-graph pyshacl / per-document validation",
]


# ==================================================================================================
# Children: each step runs in its own process and prints one JSON object on its last line.
# ==================================================================================================

def child_build(args) -> dict:
    from coopkg.build import build
    from coopkg.store import GraphStore

    store = GraphStore(args.store)
    before_compaction: dict = {}
    compact = store.optimize

    def optimize_measured() -> None:  # the peak so far, to tell loading from compacting apart
        before_compaction.update(_rss())
        compact()

    store.optimize = optimize_measured
    t0 = time.perf_counter()
    result = build([args.corpus], store, workers=args.workers)
    wall = time.perf_counter() - t0
    quads = len(store.store)
    del store
    return {"wall": wall, "loaded": len(result.loaded), "unchanged": len(result.unchanged),
            "rejected": len(result.rejected), "warnings": len(result.warnings), "timings": result.timings,
            "quads": quads, "rejections": [line for r in result.rejected[:5] for line in r.lines()],
            "rss_before_compaction_mb": before_compaction.get("rss_mb"), **_rss()}


def child_query(args) -> dict:
    """One saved query with its example parameters, run up to --repeats times on the embedded store (the
    repeats stop once --budget seconds are spent): median of the whole call (parameters resolved, query run)
    and of the query run alone."""
    from coopkg.query import StoreTarget, bind_parameters, saved_queries, with_values
    from coopkg.store import GraphStore

    store = GraphStore(args.store, read_only=True)
    target = StoreTarget(store)
    q = saved_queries()[args.name]
    params = {k: str(v) for k, v in q.examples.items()}
    entry: dict = {"params": params}
    try:
        times, exec_times = [], []
        started = time.perf_counter()
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            bindings = bind_parameters(q, params, target)
            t1 = time.perf_counter()
            table = target.select(q.text, bindings)
            t2 = time.perf_counter()
            times.append((t2 - t0) * 1000)
            exec_times.append((t2 - t1) * 1000)
            if t2 - started > args.budget:
                break
        entry.update(median_ms=statistics.median(times), exec_ms=statistics.median(exec_times),
                     runs=len(times), rows=len(table.rows), text=with_values(q.text, bindings))
    except Exception as err:  # noqa: BLE001 - reported in the table
        entry["error"] = f"{type(err).__name__}: {err}"
    return {"query": entry, **_rss()}


def query_texts(store: str) -> dict[str, dict]:
    """Each saved query's example parameters and the text with its VALUES bindings (for rdflib)."""
    from coopkg.query import StoreTarget, bind_parameters, saved_queries, with_values
    from coopkg.store import GraphStore

    st = GraphStore(store, read_only=True)
    target = StoreTarget(st)
    out = {}
    for name, q in saved_queries().items():
        params = {k: str(v) for k, v in q.examples.items()}
        try:
            out[name] = {"params": params, "text": with_values(q.text, bind_parameters(q, params, target))}
        except Exception as err:  # noqa: BLE001
            out[name] = {"params": params, "error": f"{type(err).__name__}: {err}"}
    return out


def child_rdflib(args) -> dict:
    """The same query texts (VALUES bindings included) on rdflib's in-memory Dataset with the same quads."""
    from rdflib import Dataset

    texts = json.loads(Path(args.texts).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(args.dump, format="nquads")
    load = time.perf_counter() - t0
    out = {}

    def alarm(signum, frame):
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    for name, text in texts.items():
        times = []
        try:
            for _ in range(args.repeats):
                signal.alarm(args.timeout)
                t = time.perf_counter()
                rows = len(list(ds.query(text)))
                times.append((time.perf_counter() - t) * 1000)
                signal.alarm(0)
                if times[-1] > 1000:  # a slow query's median is clear from fewer runs
                    break
            out[name] = {"median_ms": statistics.median(times), "rows": rows, "runs": len(times)}
        except TimeoutError:
            out[name] = {"timeout_s": args.timeout}
        except Exception as err:  # noqa: BLE001
            signal.alarm(0)
            out[name] = {"error": f"{type(err).__name__}: {err}"}
    return {"load_s": load, "triples": len(ds), "queries": out, **_rss()}


def child_validate_store(args) -> dict:
    """coopkg's per-document validation of the whole store, timed in-process (vocabulary loaded first)."""
    from coopkg.store import GraphStore
    from coopkg.validate import Validator, validate_store
    from coopkg.vocabulary import Vocabulary

    store = GraphStore(args.store, read_only=True)
    validator = Validator(Vocabulary.load())
    t0 = time.perf_counter()
    reports = validate_store(store, validator)
    return {"seconds": time.perf_counter() - t0, "documents": len(reports),
            "failing": sum(not r.conforms for r in reports.values()), "pyshacl_runs": validator.pyshacl_runs,
            **_rss()}


def child_pyshacl(args) -> dict:
    """One pyshacl run over the union of the document graphs, with the vocabulary context and class hierarchy
    that coopkg adds to each document (the same data, validated at once)."""
    from pyshacl import validate as shacl_validate
    from rdflib import Graph

    from coopkg.store import GraphStore, triples_of
    from coopkg.validate import Validator
    from coopkg.vocabulary import Vocabulary

    store = GraphStore(args.store, read_only=True)
    validator = Validator(Vocabulary.load())
    t0 = time.perf_counter()
    union = Graph()
    for doc in store.documents().values():
        for triple in triples_of(store, doc.graph):
            union.add(triple)
    combined = validator.combined(union)
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    conforms, _, _ = shacl_validate(combined, shacl_graph=validator.shapes, inference="none", advanced=True,
                                    allow_warnings=True)
    return {"seconds": time.perf_counter() - t1, "load_s": load, "triples": len(combined),
            "conforms": bool(conforms), **_rss()}


def _rss() -> dict:
    import resource

    return {"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "children_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


CHILDREN = {"build": child_build, "query": child_query, "rdflib": child_rdflib,
            "validate-store": child_validate_store, "pyshacl": child_pyshacl}


# ==================================================================================================
# The parent: runs the steps, measures wall time and peak RSS of each child, writes the report.
# ==================================================================================================

def run_child(name: str, *extra: str, timeout: float | None = None) -> dict:
    """A child step (this file, --child NAME); its JSON result, with its wall time and peak RSS."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, *extra]
    result = run_measured(cmd, timeout=timeout)
    lines = [line for line in result["stdout"].splitlines() if line.startswith("{")]
    if result["returncode"] != 0 or not lines:
        raise RuntimeError(f"{name} failed ({result['returncode']}): {result['stderr'][-2000:]}")
    data = json.loads(lines[-1])
    data["process_wall"] = result["wall"]
    data["process_rss_mb"] = result["rss_mb"]
    return data


def run_measured(cmd: list[str], timeout: float | None = None) -> dict:
    """Run a command; wall time and peak RSS (os.wait4) of that process alone."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        return {"returncode": -9, "stdout": stdout, "stderr": stderr + "\ntimed out",
                "wall": time.perf_counter() - t0, "rss_mb": None}
    wall = time.perf_counter() - t0
    rss = _last_child_rss()
    return {"returncode": proc.returncode, "stdout": stdout, "stderr": stderr, "wall": wall, "rss_mb": rss}


_seen_children_rss = [0.0]


def _last_child_rss() -> float | None:
    """Peak RSS of the child just reaped (RUSAGE_CHILDREN is a running maximum, so it is exact only when the
    child sets a new maximum; otherwise the child's own report is used)."""
    import resource

    value = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if value > _seen_children_rss[0]:
        _seen_children_rss[0] = value
        return value
    return None


def coopkg_cli() -> list[str]:
    script = Path(sys.executable).with_name("coopkg")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from coopkg.cli import main; main()"]


def cli_measured(*args: str, timeout: float | None = None) -> dict:
    """A `coopkg` command, with its peak RSS read from /usr/bin/time-like accounting (os.wait4)."""
    cmd = coopkg_cli() + list(args)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline and time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"returncode": -9, "wall": time.perf_counter() - t0, "rss_mb": usage.ru_maxrss / 1024,
                    "stderr": "timed out"}
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    return {"returncode": proc.returncode, "wall": wall, "rss_mb": usage.ru_maxrss / 1024, "stderr": stderr[-2000:]}


def ensure_corpus(work: Path, n: int, seed: int) -> Path:
    from generate import generate

    corpus = work / f"corpus-{n}-seed{seed}"
    marker = corpus / ".complete"
    if marker.exists():
        return corpus
    shutil.rmtree(corpus, ignore_errors=True)
    t0 = time.perf_counter()
    generate(n, corpus, seed)
    marker.write_text(json.dumps({"count": n, "seed": seed, "seconds": time.perf_counter() - t0}))
    return corpus


def change_one_document(corpus: Path) -> Path:
    """Change one document (the middle one): a sentence added to its summary."""
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt") and p.stat().st_size > 0)
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    stamp = f" Revised on {dt.datetime.now().isoformat(timespec='seconds')}."
    if "\n## " in text:  # markdown summary: end of the executive summary paragraph
        head, sep, rest = text.partition("\n\n## ")
        i = rest.find("\n\n", rest.find("\n\n") + 2)
        text = head + sep + rest[:i] + stamp + rest[i:] if i > 0 else text + stamp + "\n"
    else:
        text = text.rstrip("\n") + stamp + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def skipped(args, step: str, n: int) -> bool:
    return f"{step}@{n}" in args.skip or step in args.skip


def bench_size(args, n: int, log) -> dict:
    work = Path(args.work)
    res: dict = {"n": n, "measured": {}, "notes": []}
    corpus = ensure_corpus(work, n, args.seed)
    store = work / f"store-{n}"
    kept = work / f"store-{n}.build.json"  # the build's figures, kept with the store
    if args.reuse and store.is_dir() and kept.exists():
        built = f"{dt.datetime.fromtimestamp(kept.stat().st_mtime):%Y-%m-%d %H:%M}"
        log(f"[{n}] build: reusing {store} (built {built})")
        b = json.loads(kept.read_text(encoding="utf-8"))
        res["notes"].append(f"build figures from the run that kept {store.name} ({built}); "
                            "the later steps ran on that store")
    else:
        shutil.rmtree(store, ignore_errors=True)
        kept.unlink(missing_ok=True)
        log(f"[{n}] build")
        b = run_child("build", "--store", str(store), "--corpus", str(corpus), "--workers", str(args.workers or 0))
        if args.keep:
            kept.write_text(json.dumps(b), encoding="utf-8")
    res["build"] = b
    if b.get("rejections"):
        res["notes"].append("rejected on purpose: " + "; ".join(b["rejections"][:2]))

    if not skipped(args, "queries", n):
        from coopkg.query import saved_queries

        res["queries"] = {}
        texts = query_texts(str(store))
        for name in saved_queries():
            log(f"[{n}] query {name}")
            try:
                r = run_child("query", "--store", str(store), "--name", name, "--repeats", str(args.repeats),
                              "--budget", str(args.query_budget), timeout=args.query_timeout)
                res["queries"][name] = r["query"]
            except RuntimeError as err:
                entry = dict(texts.get(name, {}))
                if "timed out" in str(err):
                    entry["timeout_s"] = args.query_timeout
                else:
                    entry["error"] = str(err)[-300:]
                res["queries"][name] = entry

    if not skipped(args, "rdflib", n):
        if b["quads"] <= args.rdflib_max_quads and "queries" in res:
            log(f"[{n}] rdflib")
            dump = work / f"dump-{n}.nq"
            import pyoxigraph as ox

            st = ox.Store.read_only(str(store))
            with open(dump, "wb") as out:
                st.dump(out, format=ox.RdfFormat.N_QUADS)
            del st
            texts = {k: v["text"] for k, v in query_texts(str(store)).items() if "text" in v}
            tfile = work / f"texts-{n}.json"
            tfile.write_text(json.dumps(texts), encoding="utf-8")
            res["rdflib"] = run_child("rdflib", "--dump", str(dump), "--texts", str(tfile), "--repeats",
                                      str(args.repeats), "--timeout", str(args.rdflib_timeout))
            dump.unlink(missing_ok=True)
        else:
            res["notes"].append(f"rdflib comparison not run: {b['quads']:,} quads is over the cap of "
                                f"{args.rdflib_max_quads:,} (rdflib holds ~1 KB per quad in memory)")

    for step, fmt in EXPORTS.items():
        if skipped(args, step, n):
            continue
        log(f"[{n}] export {fmt}")
        out = work / f"export-{n}.{fmt}"
        r = cli_measured("export", "--format", fmt, "--output", str(out), "--store", str(store))
        if r["returncode"] != 0:
            raise RuntimeError(f"export {fmt}: {r['stderr']}")
        r["bytes"] = out.stat().st_size
        out.unlink()
        res[f"export-{step}"] = r

    if not skipped(args, "validate", n):
        log(f"[{n}] validate")
        r = cli_measured("validate", "--store", str(store))
        res["validate"] = r

    if not skipped(args, "pyshacl", n):
        if b["loaded"] <= args.pyshacl_max_docs:
            log(f"[{n}] whole-graph pyshacl")
            res["pyshacl"] = run_child("pyshacl", "--store", str(store))
            if "validate-inprocess" not in res:
                res["validate-inprocess"] = run_child("validate-store", "--store", str(store))
        else:
            res["notes"].append(f"whole-graph pyshacl not run: {b['loaded']:,} documents is over the cap of "
                                f"{args.pyshacl_max_docs:,}")

    if not skipped(args, "incremental", n):
        log(f"[{n}] incremental")
        runs = []
        for _ in range(INCREMENTAL_RUNS):  # the first run after a fresh build is no special case: median
            changed = change_one_document(corpus)
            r = cli_measured("build", str(corpus), "--store", str(store), "--quiet")
            r["changed"] = changed.name
            runs.append(r)
        res["incremental"] = dict(runs[0], wall=statistics.median(r["wall"] for r in runs),
                                  walls=[r["wall"] for r in runs])
        res["notes"].append("incremental rebuilds (s): " + ", ".join(f"{r['wall']:.2f}" for r in runs))
        marker = corpus / ".complete"  # the corpus now differs from the generator's: regenerate next time
        marker.unlink(missing_ok=True)

    if not args.keep:
        shutil.rmtree(store, ignore_errors=True)
        kept.unlink(missing_ok=True)
    return res


# ==================================================================================================
# The report
# ==================================================================================================

def machine() -> dict:
    import pyoxigraph
    import pyshacl
    import rdflib

    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1).strip() if m else ""
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "memory": mem, "cpu": cpu, "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__, "pyshacl": pyshacl.__version__,
            "platform": platform.platform()}


def rows_for(results: list[dict]) -> dict[str, list[str]]:
    """The main table's cells: row label -> one cell per size (measured, extrapolated or not run)."""
    table: dict[str, list[str]] = {row: [] for row in ROWS}
    done: dict[str, tuple[int, float]] = {}  # metric -> (largest n measured, value) for extrapolation

    def put(row, n, value, fmt="{:.1f}", linear=True, measured=True):
        if value is None:
            prev = done.get(row)
            if prev and linear:
                est = prev[1] * n / prev[0]
                table[row].append(("~" + fmt.format(est) + " (extrapolated)"))
            else:
                table[row].append("not run")
            return
        table[row].append(fmt.format(value))
        if measured and isinstance(value, (int, float)):
            done[row] = (n, value)

    for r in results:
        n, b = r["n"], r["build"]
        t = b["timings"]
        loaded = max(b["loaded"], 1)
        table["documents (loaded / rejected)"].append(f"{b['loaded']:,} / {b['rejected']:,}")
        table["quads in the store"].append(f"{b['quads']:,}")
        put("build: wall time (s)", n, b["wall"])
        put("build: documents/s", n, (b["loaded"] + b["rejected"]) / b["wall"], linear=False)
        put("build: peak RSS, build process (MB)", n, b["rss_mb"], "{:.0f}", linear=False)
        if "optimize" in t:
            put("build: peak RSS, build process before the final compaction (MB)", n,
                b.get("rss_before_compaction_mb"), "{:.0f}", linear=False)
        else:
            table["build: peak RSS, build process before the final compaction (MB)"].append("no compaction")
        put("build: peak RSS, a worker (MB)", n, b["children_rss_mb"] or None, "{:.0f}", linear=False)
        table["build: workers"].append(f"{int(t.get('workers', 1))}")
        for stage in ("read", "extract", "map", "validate", "store", "serialise"):
            put(f"stage {stage} (ms/doc)", n, 1000 * t.get(stage, 0.0) / loaded, "{:.2f}", linear=False)
        table["build: compaction at the end (s)"].append(f"{t['optimize']:.1f}" if "optimize" in t else "none")
        inc = r.get("incremental")
        put("incremental rebuild, 1 document changed (s)", n, inc["wall"] if inc else None, "{:.2f}", linear=False)
        for step, label in (("turtle", "Turtle"), ("nq", "N-Quads"), ("json-ld", "JSON-LD")):
            e = r.get(f"export-{step}")
            put(f"export {label}: time (s)", n, e["wall"] if e else None)
            put(f"export {label}: peak RSS (MB)", n, e["rss_mb"] if e else None, "{:.0f}", linear=False)
        v = r.get("validate")
        put("validate whole store: time (s)", n, v["wall"] if v else None)
        put("validate whole store: peak RSS (MB)", n, v["rss_mb"] if v else None, "{:.0f}", linear=False)
        q = r.get("queries")
        if q:
            medians = {k: e["median_ms"] for k, e in q.items() if "median_ms" in e}
            slow = sorted((k for k, ms in medians.items() if ms > TARGETS["query_ms"]), key=lambda k: -medians[k])
            errors = [k for k, e in q.items() if "error" in e]
            stopped = [k for k, e in q.items() if "timeout_s" in e]
            slow = stopped + slow
            worst = max(medians, key=medians.get) if medians else None
            if stopped:
                table["saved queries: slowest median (ms)"].append(
                    f"> {q[stopped[0]]['timeout_s'] * 1000:,} ({', '.join(stopped)} stopped)")
            else:
                table["saved queries: slowest median (ms)"].append(
                    f"{medians[worst]:.1f} ({worst})" if worst else "not run")
            table["saved queries over 100 ms"].append(
                (", ".join(slow) if slow else "none") + (f"; errors: {', '.join(errors)}" if errors else ""))
        else:
            table["saved queries: slowest median (ms)"].append("not run")
            table["saved queries over 100 ms"].append("not run")
        rd = r.get("rdflib")
        if rd and q:
            ratios = [rd["queries"][k]["median_ms"] / max(q[k]["exec_ms"], 1e-3)
                      for k in rd["queries"] if "median_ms" in rd["queries"][k] and "exec_ms" in q.get(k, {})]
            timeouts = sum("timeout_s" in e for e in rd["queries"].values())
            cell = f"{statistics.median(ratios):.0f}x" if ratios else "n/a"
            if timeouts:
                cell += f" ({timeouts} over {rd['queries'][next(k for k, e in rd['queries'].items() if 'timeout_s' in e)]['timeout_s']} s)"
            table["rdflib / Oxigraph, query time (median of ratios)"].append(cell)
        else:
            table["rdflib / Oxigraph, query time (median of ratios)"].append("not run (cap)")
        ps, vi = r.get("pyshacl"), r.get("validate-inprocess")
        if ps and vi:
            table["whole-graph pyshacl / per-document validation"].append(
                f"{ps['seconds'] / max(vi['seconds'], 1e-6):.0f}x ({ps['seconds']:.1f} s / {vi['seconds']:.1f} s)")
        else:
            table["whole-graph pyshacl / per-document validation"].append("not run (cap)")
    return table


def render(results: list[dict], info: dict, argv: list[str], started: str) -> str:
    sizes = [r["n"] for r in results]
    table = rows_for(results)
    lines = [f"# coopkg benchmark, {started}", "",
             f"Machine: {info['nproc']} cores ({info['cpu']}), {info['memory']} memory; Python {info['python']}, "
             f"pyoxigraph {info['pyoxigraph']}, rdflib {info['rdflib']}, pyshacl {info['pyshacl']} "
             f"({info['platform']}).", "",
             f"Command: `python benchmarks/run.py {' '.join(argv)}`", "",
             "Values marked `~ (extrapolated)` are linear extrapolations from the largest size measured; "
             "`not run` means the step was skipped or capped (see the notes).", "",
             "| | " + " | ".join(f"N = {n:,}" for n in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for row in ROWS:
        lines.append(f"| {row} | " + " | ".join(table[row]) + " |")
    lines += ["", "## Saved queries (median ms on the embedded store; rdflib in-memory and ratio where run)", "",
              "| query | parameters | " + " | ".join(f"N = {n:,}" for n in sizes) + " |",
              "|---|---|" + "---:|" * len(sizes)]
    names = sorted({k for r in results for k in (r.get("queries") or {})})
    for name in names:
        cells = []
        params = ""
        for r in results:
            e = (r.get("queries") or {}).get(name)
            if not e:
                cells.append("not run")
                continue
            params = ", ".join(f"{k}={v}" for k, v in e.get("params", {}).items())
            if "error" in e:
                cells.append("error")
                continue
            if "timeout_s" in e:
                cells.append(f"> {e['timeout_s']} s (stopped)")
                continue
            cell = f"{e['median_ms']:.1f}"
            rd = (r.get("rdflib") or {}).get("queries", {}).get(name)
            if rd and "median_ms" in rd:
                cell += f" (rdflib {rd['median_ms']:.0f}, {rd['median_ms'] / max(e['exec_ms'], 1e-3):.0f}x)"
            elif rd and "timeout_s" in rd:
                cell += f" (rdflib > {rd['timeout_s']} s)"
            cells.append(cell)
        lines.append(f"| {name} | {params} | " + " | ".join(cells) + " |")
    notes = [f"N = {r['n']:,}: {note}" for r in results for note in r.get("notes", [])]
    for r in results:
        rd = r.get("rdflib")
        if rd:
            notes.append(f"N = {r['n']:,}: rdflib Dataset loaded {rd['triples']:,} quads in {rd['load_s']:.1f} s, "
                         f"peak RSS {rd['rss_mb']:.0f} MB")
        ps = r.get("pyshacl")
        if ps:
            notes.append(f"N = {r['n']:,}: whole-graph pyshacl: {ps['triples']:,} triples (union graph built in "
                         f"{ps['load_s']:.1f} s, not counted), {ps['seconds']:.1f} s, peak RSS {ps['rss_mb']:.0f} MB, "
                         f"conforms={ps['conforms']}")
        vi = r.get("validate-inprocess")
        if vi:
            notes.append(f"N = {r['n']:,}: per-document validation in one process: {vi['seconds']:.1f} s for "
                         f"{vi['documents']:,} documents, pyshacl run for {vi['pyshacl_runs']} of them")
        for step in ("turtle", "nq", "json-ld"):
            e = r.get(f"export-{step}")
            if e:
                notes.append(f"N = {r['n']:,}: export {step}: {e['bytes'] / 1e6:,.1f} MB")
    if notes:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def update_docs(report: str, path: Path) -> None:
    """Replace the table between the BENCH markers of docs/performance.md with the report's table."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = "<!-- BENCH:START -->", "<!-- BENCH:END -->"
    body = report.split("\n", 2)[2].strip()
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--smoke", action="store_true", help="20 documents, 1 repeat, every step (for CI)")
    ap.add_argument("--work", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "coopkg-bench"),
                    help="where corpora, stores and exports go (reused between runs)")
    ap.add_argument("--out", default=str(HERE / "results"), help="folder for <date>.md and <date>.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=7, help="runs per query (the median is reported)")
    ap.add_argument("--workers", type=int, default=None, help="build workers (default: one per core)")
    ap.add_argument("--rdflib-max-quads", type=int, default=1_500_000,
                    help="largest store (in quads) loaded into rdflib for the comparison")
    ap.add_argument("--rdflib-timeout", type=int, default=60, help="seconds before an rdflib query is stopped")
    ap.add_argument("--pyshacl-max-docs", type=int, default=1000, help="largest store for whole-graph pyshacl")
    ap.add_argument("--skip", action="append", default=[], help="STEP or STEP@N to leave out (repeatable)")
    ap.add_argument("--keep", action="store_true", help="keep the stores (and their build figures)")
    ap.add_argument("--reuse", action="store_true",
                    help="run the later steps on a store kept by an earlier --keep run instead of building")
    ap.add_argument("--update-docs", action="store_true", help="also rewrite the table in docs/performance.md")
    ap.add_argument("--query-timeout", type=int, default=600, help="seconds before a store query is stopped")
    ap.add_argument("--query-budget", type=float, default=20.0,
                    help="seconds of repeats per query (at least one run)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--name", help=argparse.SUPPRESS)
    ap.add_argument("--budget", type=float, default=20.0, help=argparse.SUPPRESS)
    ap.add_argument("--store", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--dump", help=argparse.SUPPRESS)
    ap.add_argument("--texts", help=argparse.SUPPRESS)
    ap.add_argument("--timeout", type=int, default=120, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        if args.child == "build" and args.workers == 0:
            args.workers = None
        print(json.dumps(CHILDREN[args.child](args)))
        return 0
    if args.smoke:
        if "--sizes" not in " ".join(argv):
            args.sizes = "20"
        args.repeats = 1
        args.rdflib_timeout = min(args.rdflib_timeout, 3)
        args.query_budget = min(args.query_budget, 2.0)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    Path(args.work).mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now().strftime("%Y-%m-%d")
    stamp = dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")

    def log(msg: str) -> None:
        print(f"{dt.datetime.now().strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)

    results = []
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    info = machine()
    for n in sizes:
        results.append(bench_size(args, n, log))
        report = render(results, info, argv, started)
        (out_dir / f"{started}.md").write_text(report, encoding="utf-8")
        (out_dir / f"{stamp}.json").write_text(json.dumps({"machine": info, "argv": argv, "results": results},
                                                          indent=1, default=str), encoding="utf-8")
    if args.update_docs:
        update_docs(report, REPO / "docs" / "performance.md")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
