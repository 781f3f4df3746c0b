"""Options and helpers every subcommand module shares: consoles, --store, error reporting, stores.

Exit codes: 0 success, 1 findings, 2 unusable input or usage error (click's own usage errors
already exit 2). A ``KmgraphError`` is printed as one line naming what went wrong, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from ..config import Settings
from ..errors import KmgraphError, StoreLockedError
from ..store import EmbeddedStore, Store, open_store
from ..vocab import bundled

err_console = Console(stderr=True)
out_console = Console()

store_option = click.option(
    "--store", "store", type=click.Path(path_type=Path), default=None,
    help="Store directory (default ./data/store, or $KMGRAPH_STORE).",
)

projects_option = click.option(
    "--projects", "projects_file", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
    help="Tagging projects file (TOML; default the bundled one, or $KMGRAPH_PROJECTS_FILE).",
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



def reading_store(settings: Settings) -> Store:
    """The configured store for a command that only reads: opened read-only when a running service
    holds it, so curators can look while `kmgraph serve` runs."""
    try:
        return open_store(settings, query_workers=0)
    except StoreLockedError:
        click.echo(f"note: a running service holds {settings.store}; reading it read-only", err=True)
        return EmbeddedStore.open_read_only(settings.store)


def writable_store(settings: Settings) -> Store | None:
    """The configured store for a command that writes, or None when a running service holds it
    (the command then sends its write to that service: ``running.ServiceClient``)."""
    try:
        return open_store(settings, query_workers=0)
    except StoreLockedError:
        return None


def vocabulary_store(settings: Settings) -> Store:
    """The configured store when it holds data (read-only beside a running service); else, before
    any store exists, the bundled vocabularies in memory."""
    if settings.sparql_endpoint or (settings.store / "CURRENT").exists():
        backend = reading_store(settings)
        if not backend.is_empty():
            return backend
        backend.close()
    memory = EmbeddedStore(None)
    bundled.load_bundled(memory)
    return memory


remote_option = click.option(
    "--sparql-endpoint", "sparql_endpoint", default=None,
    help="Work on a remote SPARQL 1.1 server instead of the embedded store ($KMGRAPH_SPARQL_ENDPOINT).")
