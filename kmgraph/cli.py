"""The ``kmgraph`` command. Each subcommand is a thin wrapper over the functions the API uses.

Exit codes: 0 success, 1 findings, 2 unusable input or usage error (click's own usage errors
already exit 2). A ``KmgraphError`` is printed as one line naming what went wrong, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Callable

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from . import __version__
from .config import Settings
from .errors import KmgraphError
from .store import open_store
from .vocab import bundled

err_console = Console(stderr=True)
out_console = Console()

store_option = click.option(
    "--store", "store", type=click.Path(path_type=Path), default=None,
    help="Store directory (default ./data/store, or $KMGRAPH_STORE).",
)


def reports_errors(func: Callable) -> Callable:
    """Turn a ``KmgraphError`` into one line on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: object) -> object:
        try:
            return func(*args, **kwargs)
        except KmgraphError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kmgraph")
def main() -> None:
    """kmgraph: knowledge graph and ontology service for the CBD biodiversity vocabularies."""


@main.command()
@store_option
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1, or $KMGRAPH_HOST).")
@click.option("--port", type=int, default=None, help="Port (default 8000, or $KMGRAPH_PORT).")
@reports_errors
def serve(store: Path | None, host: str | None, port: int | None) -> None:
    """Start the HTTP service; an empty store is initialised with the bundled vocabularies first."""
    import uvicorn

    from .api import create_app

    settings = Settings.load(store=store, host=host, port=port)
    backend = open_store(settings)
    try:
        if backend.is_empty():
            _init(backend)
        app = create_app(settings, backend)
        click.echo(f"kmgraph {__version__} serving store {settings.store} at http://{settings.host}:{settings.port}/ "
                   f"(API docs: http://{settings.host}:{settings.port}/docs)", err=True)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level)
    finally:
        backend.close()


@main.command()
@store_option
@reports_errors
def init(store: Path | None) -> None:
    """Create the store (if needed) and load the bundled ontology and vocabularies into it."""
    settings = Settings.load(store=store)
    with open_store(settings) as backend:
        total = _init(backend)
    click.echo(f"store {settings.store}: {len(bundled.bundled_graphs())} graphs, {total} triples loaded")


def _init(backend: object) -> int:
    items = bundled.bundled_graphs()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err_console, transient=True) as progress:
        task = progress.add_task("loading bundled vocabularies", total=len(items))

        def advance(item: bundled.BundledGraph, count: int) -> None:
            progress.update(task, advance=1, description=f"loaded {item.id} ({count} triples)")

        return bundled.load_bundled(backend, advance)  # type: ignore[arg-type]


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@reports_errors
def info(store: Path | None, as_json: bool) -> None:
    """List the graphs with their triple counts, and the vocabularies with their versions."""
    import json

    settings = Settings.load(store=store)
    with open_store(settings) as backend:
        graphs = backend.graphs()
        vocabs = bundled.vocabularies(backend)
    if as_json:
        click.echo(json.dumps({"store": str(settings.store),
                               "graphs": [g.__dict__ for g in graphs],
                               "vocabularies": [v.__dict__ for v in vocabs]}, indent=2))
        return
    table = Table(title=f"Graphs in {settings.store}")
    table.add_column("graph")
    table.add_column("triples", justify="right")
    for g in graphs:
        table.add_row(g.iri, str(g.triples))
    table.add_row("[bold]total", f"[bold]{sum(g.triples for g in graphs)}")
    out_console.print(table)
    vt = Table(title="Vocabularies")
    for col in ("id", "version", "title"):
        vt.add_column(col)
    for v in vocabs:
        vt.add_row(v.id, v.version, v.title)
    out_console.print(vt)


if __name__ == "__main__":
    main()
