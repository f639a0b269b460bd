"""The coopkg command line: parses options and calls the library; no logic of its own.

Exit status: 0 success, 1 data rejected or not conforming, 2 usage error.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .namespaces import DEFAULT_BASE
from .store import default_store_path

STORE_HELP = "Store folder (default: $COOPKG_STORE or ./.coopkg/store)."


def _store_option(f):
    return click.option("--store", "store_path", type=click.Path(path_type=Path), default=None,
                        help=STORE_HELP)(f)


def _err(line: str) -> None:
    click.echo(line, err=True)


def _open_store(store_path: Path | None, read_only: bool = False):
    """The store, or one clear line and exit status 1 (2 for a store that does not exist)."""
    from .store import GraphStore, StoreError

    try:
        return GraphStore(store_path or default_store_path(), read_only=read_only)
    except FileNotFoundError as err:
        raise click.UsageError(str(err)) from None
    except StoreError as err:
        _err(f"Error: {err}")
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coopkg")
def main() -> None:
    """coopkg: turn documents about international-cooperation programmes into a linked-data
    knowledge graph, validate it with SHACL, and answer questions with saved SPARQL queries.

    \b
    Example:
      coopkg build data/documents
      coopkg query programmes --format csv
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_store_option
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI for resources minted from documents.")
@click.option("--prune", is_flag=True, help="Remove documents from the store whose files are no longer given.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that read documents (default: one per core; 1: read them all in this process). "
                   "The result is the same.")
def build(paths: tuple[Path, ...], store_path: Path | None, base: str, prune: bool, quiet: bool,
          workers: int | None) -> None:
    """Read documents (files or folders of .md/.txt), extract their facts, validate and store them.

    Incremental: unchanged documents are skipped by their hash, changed ones replaced.

    \b
    Example:
      coopkg build data/documents --store .coopkg/store
    """
    from .build import build as run_build
    from .read import iter_document_paths

    missing = [p for p in paths if not p.exists()]
    for p in missing:
        _err(f"{p}: no such file or folder")
    files = iter_document_paths([p for p in paths if p.exists()])
    store = _open_store(store_path)
    show_bar = not quiet and len(files) > 20 and sys.stderr.isatty()
    with click.progressbar(length=len(files), label="Building", file=sys.stderr) if show_bar else _NoBar() as bar:
        result = run_build(files, store, base=base, prune=prune, progress=lambda _: bar.update(1), workers=workers)
    for rejection in result.rejected:
        for line in rejection.lines():
            _err(line)
    for line in result.warnings:
        _err(line)
    if not quiet:
        click.echo(f"{len(result.loaded)} loaded, {len(result.unchanged)} unchanged, "
                   f"{len(result.rejected)} rejected" + (f", {len(result.pruned)} pruned" if prune else "")
                   + f" -> {store.path}")
    if result.rejected or missing:
        sys.exit(1)


class _NoBar:
    """Stands in for a progress bar when none is shown."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, n: int) -> None:
        return None


@main.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter (repeatable). Labels, acronyms, codes and IRIs are all accepted.")
@_store_option
@click.option("--endpoint", metavar="URL", default=None,
              help="Run on this SPARQL 1.1 endpoint instead of the store (its default graph must be the union graph).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
def query(name: str, params: tuple[str, ...], store_path: Path | None, endpoint: str | None, fmt: str) -> None:
    """Run the saved query NAME and print its results (W3C SPARQL CSV/TSV/JSON, or a table).

    \b
    Examples:
      coopkg query programmes --format csv > programmes.csv
      coopkg query programmes-by-funder --param funder="European Union"
      coopkg query programmes --endpoint http://127.0.0.1:7878/query
    """
    from .query import EndpointTarget, QueryError, StoreTarget, get_saved_query, run_saved_query

    bound = {}
    for item in params:
        if "=" not in item:
            raise click.UsageError(f"--param {item!r}: expected KEY=VALUE")
        key, value = item.split("=", 1)
        bound[key.strip()] = value
    try:
        saved = get_saved_query(name)
        target = EndpointTarget(endpoint) if endpoint else StoreTarget(_open_store(store_path, read_only=True))
        table = run_saved_query(target, saved, bound)
    except QueryError as err:
        _err(f"Error: {err}")
        sys.exit(2)
    click.echo(table.format(fmt), nl=False)


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_queries(fmt: str) -> None:
    """List the saved queries with their parameters and summaries.

    \b
    Example:
      coopkg queries
    """
    import json

    from .query import saved_queries
    from .results import render_table

    queries = saved_queries()
    if fmt == "json":
        click.echo(json.dumps([{"name": q.name, "summary": q.summary, "description": q.description,
                                "tags": list(q.tags),
                                "parameters": [{"name": p.name, "required": p.required, "type": p.kind}
                                               for p in q.parameters]} for q in queries.values()], indent=2))
        return
    rows = [[q.name, ", ".join(p.name + ("" if p.required else "?") for p in q.parameters), q.summary]
            for q in queries.values()]
    click.echo(render_table(["name", "parameters", "summary"], rows, max_width=100), nl=False)


@main.command()
@_store_option
@click.option("--format", "fmt", type=click.Choice(["text", "turtle"]), default="text", show_default=True,
              help="text: one line per problem; turtle: the raw SHACL validation report.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that validate graphs (default: one per core). The result is the same.")
def validate(store_path: Path | None, fmt: str, workers: int | None) -> None:
    """Validate every document graph in the store against the SHACL shapes; exit 1 if any does not conform.

    \b
    Example:
      coopkg validate --store .coopkg/store
    """
    from rdflib import Graph

    from .build import default_workers
    from .validate import Validator, validate_store
    from .vocabulary import Vocabulary

    store = _open_store(store_path, read_only=True)
    reports = validate_store(store, Validator(Vocabulary.load()), workers=workers or default_workers())
    failing = {name: r for name, r in reports.items() if not r.conforms}
    if fmt == "turtle":
        merged = Graph()
        for r in reports.values():
            merged += r.graph
        click.echo(merged.serialize(format="turtle"), nl=False)
    else:
        for name, report in failing.items():
            for v in report.violations:
                _err(f"{name}: {v.line()}")
        click.echo(f"{len(reports)} documents validated, {len(failing)} do not conform")
    if failing:
        sys.exit(1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nt", "nq", "json-ld"]), default="turtle",
              show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="File to write (default: stdout).")
@_store_option
@click.option("--with-model", is_flag=True, help="Include the ontology and vocabulary graphs.")
@click.option("--with-build-log", is_flag=True, help="Include the build log (times make output differ run to run).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that compact JSON-LD graphs (default: one per core). The result is the same.")
def export(fmt: str, output: Path | None, store_path: Path | None, with_model: bool, with_build_log: bool,
           workers: int | None) -> None:
    """Write the graph in an RDF format: document graphs, merged for triple formats.

    \b
    Example:
      coopkg export --format json-ld --output out/graph.jsonld
    """
    from .build import default_workers
    from .export import export as run_export
    from .export import write_atomically

    store = _open_store(store_path, read_only=True)

    def write(handle) -> None:
        run_export(store, fmt, handle, model=with_model, build_log=with_build_log,
                   workers=workers or default_workers())

    if output is None:  # streamed: an export that fails half way exits non-zero after what it wrote
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    write_atomically(output, write)


@main.command()
@_store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(store_path: Path | None, fmt: str) -> None:
    """Counts per class, documents and the time of the last build.

    \b
    Example:
      coopkg stats --store .coopkg/store
    """
    import json

    from .results import render_table

    store = _open_store(store_path, read_only=True)
    info = store.stats()
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(f"store: {store.path}\ndocuments: {info['documents']}\nquads: {info['quads']}\n"
               f"organisations in roles: {info['organisations_in_roles']}\nplaces targeted: {info['places_targeted']}\n"
               f"last build: {info['last_build'] or 'never'}\n")
    rows = [[_short_class(c), str(n)] for c, n in info["classes"].items()]
    click.echo(render_table(["class", "resources"], rows), nl=False)


def _short_class(iri: str) -> str:
    from .namespaces import PREFIXES

    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and prefix not in ("agent", "place"):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return iri


@main.command()
@click.argument("source", required=False, type=click.Path(path_type=Path, dir_okay=True, allow_dash=True),
                metavar="[FILE | -]")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default=None,
              help="For one text: table (the default, for people) or json.  [default: table]")
@click.option("--jsonl", is_flag=True,
              help='Read JSON lines {"id": ..., "text": ...} and write one JSON line per input line, in order.')
@click.option("--threshold", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SCORE",
              help="The score a goal, target or theme needs to be inferred: the sum of its cue weights (strong "
                   "cue 1, weak cue 0.4, a repeated cue a quarter of its weight more, twice at most). "
                   "[default: 1.0: one strong cue or three weak ones]")
def tag(source: Path | None, fmt: str | None, jsonl: bool, threshold: float | None) -> None:
    """Infer the SDG goals and targets and the human-rights themes a text is about, with the phrases as evidence.

    Reads FILE (any UTF-8 text, a coopkg document included: the offsets are then those of the graph's
    evidence), or stdin when FILE is - or missing. With --jsonl, reads JSON lines and streams one answer
    line per input line; a line that cannot be read gets {"id": ..., "line": N, "error": ...}, a message
    on stderr, and the exit status is 1 at the end.

    \b
    Examples:
      coopkg tag data/documents/spotlight_mexico_en.txt
      echo "Access to drinking water in rural schools" | coopkg tag --format json
      coopkg tag --jsonl < texts.jsonl > tags.jsonl
    """
    from .tag import THRESHOLD, Tagger
    from .tag_texts import TagInputError, read_text, render_tags, tag_json_lines
    from .vocabulary import Vocabulary

    if jsonl and fmt is not None:
        raise click.UsageError("--format is for one text; --jsonl always writes JSON lines")
    vocab = Vocabulary.load()
    tagger = Tagger(vocab, threshold=THRESHOLD if threshold is None else threshold)
    try:
        if jsonl:
            summary = tag_json_lines(source, sys.stdout.buffer, tagger, on_error=_err)
            if summary.errors:
                _err(f"{source or '<stdin>'}: {summary.errors} of {summary.lines} lines could not be tagged")
                sys.exit(1)
            return
        click.echo(render_tags(tagger.tag(read_text(source)), tagger, vocab, fmt or "table"), nl=False)
    except TagInputError as err:
        _err(str(err))
        sys.exit(1)
    except BrokenPipeError:
        _stdout_gone()


def _stdout_gone() -> None:
    """The reader of our output went away (`coopkg tag --jsonl ... | head`): stop quietly, as the Python
    documentation advises (stdout pointed at devnull so that the interpreter's last flush cannot fail)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


@main.command()
@_store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 exposes the server to the network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before its worker is killed and the client gets 503.")
@click.option("--max-rows", default=10000, show_default=True, type=click.IntRange(min=1),
              help="Most solutions (or triples) one answer holds; more are cut off and X-Coopkg-Truncated: true says so.")
@click.option("--base-url", default=None, metavar="URL",
              help="Public address of the server, used in place of https://w3id.org/coopkg when IRIs are "
                   "dereferenced (default: http://HOST:PORT).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="Query worker processes (each opens the store read-only).")
@click.option("--memory-limit", default=4096, show_default=True, type=click.IntRange(min=0), metavar="MB",
              help="Address-space limit of each query worker in MB (0: none).")
def serve(store_path: Path | None, host: str, port: int, timeout: float, max_rows: int, base_url: str | None,
          workers: int, memory_limit: int) -> None:
    """Serve the graph read-only over HTTP: SPARQL endpoint, dereferenceable IRIs, saved-query API, VoID, pages.

    \b
    Example:
      coopkg serve --store out/store --port 8000
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/api/queries/programmes-in-place?place=Colombia'
    """
    from .serve import ServeConfig, default_base_url, is_loopback
    from .serve import serve as run_server

    path = store_path or default_store_path()
    if not path.exists():
        raise click.UsageError(f"no coopkg store at {path} (run `coopkg build` first)")
    config = ServeConfig(path, base_url=(base_url or default_base_url(host, port)).rstrip("/"), timeout=timeout,
                         max_rows=max_rows, workers=workers, memory_mb=memory_limit or None)
    click.echo(f"Serving {path} read-only at {config.base_url} (Ctrl-C stops)", err=True)
    if not is_loopback(host):
        click.echo(f"Note: listening on {host}, not only on this machine's loopback address", err=True)
    run_server(config, host=host, port=port)


@main.command()
@click.option("--endpoint", metavar="URL", required=True,
              help="Graph Store Protocol URL (gsp) or SPARQL Update URL (update) to write to.")
@_store_option
@click.option("--protocol", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="gsp: PUT each graph to URL?graph=<iri>. update: DROP SILENT GRAPH and INSERT DATA.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, metavar="N",
              help="Triples per request (default 50000 for gsp, 2000 for update); a larger graph takes several.")
@click.option("--with-model/--no-model", "model", default=True, show_default=True,
              help="Also push the ontology and vocabulary graphs (the saved queries need them).")
@click.option("--force", is_flag=True, help="Send every graph, even those the endpoint's push record shows unchanged.")
@click.option("--dry-run", is_flag=True, help="List what would be sent; contact nothing.")
def push(endpoint: str, store_path: Path | None, protocol: str, batch_size: int | None, model: bool, force: bool,
         dry_run: bool) -> None:
    """Publish the store's graphs to a SPARQL 1.1 endpoint: each named graph replaced as a unit, the document
    graphs, the build log and (by default) the model. Pushing again is safe and sends only what changed.

    Credentials are read only from the environment variables COOPKG_ENDPOINT_USER and
    COOPKG_ENDPOINT_PASSWORD (HTTP basic or digest auth, whichever the endpoint asks for); they are never
    printed. Connection errors and 5xx answers are retried; a refusal stops the push with exit status 1.
    A graph larger than --batch-size takes several requests: a push stopped between them leaves it partly
    written until the next push, which rewrites it.

    \b
    Examples:
      coopkg push --endpoint http://127.0.0.1:7878/store                    # oxigraph serve
      coopkg push --endpoint http://localhost:3030/coopkg/data              # Fuseki
      coopkg push --endpoint http://localhost:8890/sparql-graph-crud-auth   # Virtuoso
      coopkg push --endpoint http://localhost:3030/coopkg/update --protocol update
    """
    from .push import PushError, PushUsageError, credentials_from_env, plan_push
    from .push import push as run_push

    store = _open_store(store_path, read_only=True)
    try:
        if dry_run:
            plan = plan_push(store, endpoint, protocol=protocol, batch_size=batch_size, model=model)
            for line in plan.lines():
                click.echo(line)
            click.echo(f"dry run: {len(plan.send)} graphs, {plan.triples} triples for {plan.endpoint} ({protocol}); "
                       "nothing sent")
            return
        done = run_push(store, endpoint, protocol=protocol, batch_size=batch_size, model=model, force=force,
                        credentials=credentials_from_env())
    except PushUsageError as err:
        raise click.UsageError(str(err)) from None
    except PushError as err:
        _err(f"Error: {err}")
        sys.exit(1)
    removed = f", {len(done.remove)} removed" if protocol == "gsp" else ""
    click.echo(f"{len(done.send)} graphs pushed ({done.triples} triples), {len(done.unchanged)} unchanged{removed} "
               f"-> {done.endpoint}")
