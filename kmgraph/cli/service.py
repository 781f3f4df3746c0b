"""The service's own commands: serve, init, info, reindex."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from .. import __version__
from ..access.tokens import TokenRegistry
from ..config import Settings
from ..records.service import RECORD_GRAPH
from ..services import build_services, initialise
from ..store import open_store
from ..tagging.config import load_projects
from ..vocab import bundled
from .group import main
from .options import (
    err_console,
    out_console,
    projects_option,
    reading_store,
    reports_errors,
    store_option,
)
from .running import announced


@main.command()
@store_option
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1, or $KMGRAPH_HOST).")
@click.option("--port", type=int, default=None, help="Port (default 8000, or $KMGRAPH_PORT).")
@projects_option
@reports_errors
def serve(store: Path | None, host: str | None, port: int | None, projects_file: Path | None) -> None:
    """Start the HTTP service; an empty store is initialised with the bundled vocabularies first."""
    import uvicorn

    from ..app import create_app

    settings = Settings.load(store=store, host=host, port=port, projects_file=projects_file)
    projects = load_projects(settings.projects_file)  # a wrong file stops here, before the store is opened
    backend = open_store(settings)
    try:
        services = build_services(backend, projects)
        if backend.is_empty():
            _init(services)
        app = create_app(settings, backend, services)
        click.echo(f"kmgraph {__version__} serving store {settings.store} at http://{settings.host}:{settings.port}/ "
                   f"(API docs: http://{settings.host}:{settings.port}/docs)", err=True)
        _announce_write_token(settings, app.state.tokens)
        # uvicorn re-raises the SIGTERM it caught once it has shut down; exiting on it (rather than
        # dying of it) lets the store close and the service marker go.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        loop, http = HTTP_STACKS[settings.http_stack]
        with announced(settings):
            uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level, loop=loop,
                        http=http, h11_max_incomplete_event_size=1024 * 1024)
    finally:
        backend.close()


FIRST_ADMIN = "local-admin"
# uvicorn's event loop and HTTP parser for each KMGRAPH_HTTP_STACK (bench/bench_http_stack.py compares them).
HTTP_STACKS = {"fast": ("asyncio" if sys.platform == "win32" else "uvloop", "httptools"), "standard": ("asyncio", "h11")}


def _announce_write_token(settings: Settings, registry: TokenRegistry) -> None:
    """Say how to write to this service; on the first start without any admin, mint one and show it once."""
    if settings.admin_token:
        click.echo("writes: send the KMGRAPH_ADMIN_TOKEN this service was started with as a bearer token", err=True)
        return
    if registry.has_role("admin"):
        click.echo(f"writes: send a bearer token of {registry.path} (kmgraph token list; kmgraph token create "
                   "makes one), or start with KMGRAPH_ADMIN_TOKEN set", err=True)
        return
    if not settings.make_admin_token:
        click.echo("writes are refused: no admin token is configured (set KMGRAPH_ADMIN_TOKEN, or make one with "
                   "kmgraph token create --role admin)", err=True)
        return
    secret = registry.create(FIRST_ADMIN, "admin")
    click.echo(f"no admin token was configured, so kmgraph made one; it is shown only this once (its digest is in "
               f"{registry.path}):\n\n    export KMGRAPH_TOKEN={secret}\n\n"
               f"send it as 'Authorization: Bearer $KMGRAPH_TOKEN'; "
               f"'kmgraph token revoke {FIRST_ADMIN}' removes it", err=True)


@main.command()
@store_option
@projects_option
@reports_errors
def init(store: Path | None, projects_file: Path | None) -> None:
    """Create the store (if needed) and load the ontology, the vocabularies and the sample catalogue;
    then train the tagging projects (unless KMGRAPH_TRAIN_AT_START=false)."""
    settings = Settings.load(store=store, projects_file=projects_file)
    projects = load_projects(settings.projects_file)
    with open_store(settings, query_workers=0) as backend:
        services = build_services(backend, projects)
        triples, records = _init(services)
        click.echo(f"store {settings.store}: {len(bundled.bundled_graphs())} graphs, {triples} triples, "
                   f"{records} sample records loaded")
        if settings.train_at_start:
            for project_id in services.taggers.projects:
                with err_console.status(f"training tagging project {project_id}"):
                    services.taggers.train(project_id)
                click.echo(f"tagging project {project_id} trained (saved beside the store)")


def _init(services) -> tuple[int, int]:
    steps = len(bundled.bundled_graphs()) + 1
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err_console, transient=True) as progress:
        task = progress.add_task("loading bundled vocabularies", total=steps)

        def advance(name: str, count: int) -> None:
            progress.update(task, advance=1, description=f"loaded {name} ({count})")

        return initialise(services, advance)


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@reports_errors
def info(store: Path | None, as_json: bool) -> None:
    """List the graphs with their triple counts, and the vocabularies with their versions."""
    import json

    settings = Settings.load(store=store)
    with reading_store(settings) as backend:
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
    records = [g for g in graphs if g.iri.startswith(RECORD_GRAPH)]
    for g in graphs:
        if not g.iri.startswith(RECORD_GRAPH):
            table.add_row(g.iri, str(g.triples))
    if records:
        table.add_row(f"{RECORD_GRAPH}... ({len(records)} records)", str(sum(g.triples for g in records)))
    table.add_row("[bold]total", f"[bold]{sum(g.triples for g in graphs)}")
    out_console.print(table)
    vt = Table(title="Vocabularies")
    for col in ("id", "version", "title"):
        vt.add_column(col)
    for v in vocabs:
        vt.add_row(v.id, v.version, v.title)
    out_console.print(vt)



@main.command()
@store_option
@reports_errors
def reindex(store: Path | None) -> None:
    """Rebuild the retrieval (full-text) index from the records in the store."""
    settings = Settings.load(store=store)
    with open_store(settings, query_workers=0) as backend:
        count = build_services(backend).records.reindex()
    click.echo(f"indexed {count} records")

