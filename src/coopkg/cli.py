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
def build(paths: tuple[Path, ...], store_path: Path | None, base: str, prune: bool, quiet: bool) -> None:
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
        result = run_build(files, store, base=base, prune=prune, progress=lambda _: bar.update(1))
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
def validate(store_path: Path | None, fmt: str) -> None:
    """Validate every document graph in the store against the SHACL shapes; exit 1 if any does not conform.

    \b
    Example:
      coopkg validate --store .coopkg/store
    """
    from rdflib import Graph

    from .validate import Validator, validate_store
    from .vocabulary import Vocabulary

    store = _open_store(store_path, read_only=True)
    reports = validate_store(store, Validator(Vocabulary.load()))
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
def export(fmt: str, output: Path | None, store_path: Path | None, with_model: bool, with_build_log: bool) -> None:
    """Write the graph in an RDF format: document graphs, merged for triple formats.

    \b
    Example:
      coopkg export --format json-ld --output out/graph.jsonld
    """
    from .export import export as run_export
    from .export import write_atomically

    store = _open_store(store_path, read_only=True)
    if output is None:
        sys.stdout.buffer.write(run_export(store, fmt, model=with_model, build_log=with_build_log))
        return
    write_atomically(output, lambda handle: run_export(store, fmt, handle, model=with_model, build_log=with_build_log))


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
