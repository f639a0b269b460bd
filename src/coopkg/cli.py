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
    from .store import GraphStore

    missing = [p for p in paths if not p.exists()]
    for p in missing:
        _err(f"{p}: no such file or folder")
    store = GraphStore(store_path or default_store_path())
    result = run_build([p for p in paths if p.exists()], store, base=base, prune=prune)
    for rejection in result.rejected:
        for line in rejection.lines():
            _err(line)
    if not quiet:
        click.echo(f"{len(result.loaded)} loaded, {len(result.unchanged)} unchanged, "
                   f"{len(result.rejected)} rejected" + (f", {len(result.pruned)} pruned" if prune else "")
                   + f" -> {store.path}")
    if result.rejected or missing:
        sys.exit(1)


@main.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@_store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
def query(name: str, params: tuple[str, ...], store_path: Path | None, fmt: str) -> None:
    """Run the saved query NAME and print its results.

    \b
    Example:
      coopkg query programmes --format csv > programmes.csv
    """
    from .query import format_results, get_saved_query, run_saved_query
    from .store import GraphStore

    bound = {}
    for item in params:
        if "=" not in item:
            raise click.UsageError(f"--param {item!r}: expected KEY=VALUE")
        key, value = item.split("=", 1)
        bound[key.strip()] = value
    try:
        saved = get_saved_query(name)
    except KeyError as err:
        raise click.UsageError(str(err.args[0])) from None
    try:
        store = GraphStore(store_path or default_store_path(), read_only=True)
        solutions = run_saved_query(store, saved, bound)
    except (FileNotFoundError, ValueError) as err:
        raise click.UsageError(str(err)) from None
    click.echo(format_results(solutions, fmt), nl=False)
