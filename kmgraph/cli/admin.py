"""Administration commands of the ``kmgraph`` CLI: tokens, the audit log, store checks, backup, restore."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from ..access import ROLES, AuditLog, TokenRegistry
from ..config import Settings
from .group import main
from .options import out_console, reports_errors, store_option, writable_store
from .running import ServiceClient

tokens_file_option = click.option(
    "--tokens-file", type=click.Path(path_type=Path), default=None,
    help="Tokens file (default: beside the store, or $KMGRAPH_TOKENS_FILE).")


def _registry(store: Path | None, tokens_file: Path | None) -> TokenRegistry:
    return TokenRegistry(Settings.load(store=store, tokens_file=tokens_file).tokens_path)


@main.group()
def token() -> None:
    """Bearer tokens with roles (node, curator, admin); only their SHA-256 digests are stored."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)), help="What the token may do.")
@click.option("--name", required=True, help="Who holds it (recorded as the author of every write).")
@tokens_file_option
@store_option
@reports_errors
def token_create(role: str, name: str, tokens_file: Path | None, store: Path | None) -> None:
    """Create a token and print it once; a running service accepts it at once."""
    registry = _registry(store, tokens_file)
    secret = registry.create(name, role)
    click.echo(secret)
    click.echo(f"token {name!r} ({role}) saved as a digest in {registry.path}; it is shown only this once", err=True)


@token.command("list")
@tokens_file_option
@store_option
@reports_errors
def token_list(tokens_file: Path | None, store: Path | None) -> None:
    """The tokens of the file: name, role, creation date (never the tokens)."""
    table = Table("name", "role", "created")
    for entry in _registry(store, tokens_file).entries():
        table.add_row(entry.name, entry.role, entry.created)
    out_console.print(table)


@token.command("revoke")
@click.argument("name")
@tokens_file_option
@store_option
@reports_errors
def token_revoke(name: str, tokens_file: Path | None, store: Path | None) -> None:
    """Remove a token from the file; exit 1 when there was none of that name."""
    if not _registry(store, tokens_file).revoke(name):
        click.echo(f"no token named {name!r}", err=True)
        raise SystemExit(1)
    click.echo(f"token {name!r} revoked", err=True)


@main.command()
@click.option("--since", help="ISO date or date-time (UTC).")
@click.option("--actor", help="Only this token name or user.")
@click.option("--result", type=click.Choice(["ok", "denied", "rejected", "error"]))
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@store_option
@reports_errors
def audit(since: str | None, actor: str | None, result: str | None, limit: int, as_json: bool,
          store: Path | None) -> None:
    """The audit log of writes, newest first: who, role, what, when, result."""
    path = Settings.load(store=store).audit_path
    if not path.exists():
        click.echo(f"no audit log at {path} yet", err=True)
        return
    rows = AuditLog(path).entries(since=since, actor=actor, result=result, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("at", "actor", "role", "action", "target", "status", "result")
    for row in rows:
        table.add_row(row["at"], row["actor"], row["role"], row["action"], row["target"][:60], str(row["status"]),
                      row["result"])
    out_console.print(table)


@main.command("check-store")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
@reports_errors
def check_store_command(as_json: bool, store: Path | None) -> None:
    """Open the store (repairing what a crash left), read every quad, check kmgraph's invariants.

    Exit 0 when the store is whole, 1 when an invariant is broken, 2 when it cannot be opened.
    """
    from ..integrity import check_store
    from ..services import build_services
    from ..store import open_store

    with open_store(Settings.load(store=store), query_workers=0) as backend:
        health = check_store(build_services(backend))
    if as_json:
        click.echo(json.dumps(health.to_dict(), indent=2))
    else:
        for line in health.repaired:
            click.echo(f"repaired: {line}")
        for f in health.report.findings:
            click.echo(f"{f.severity}: [{f.check}] {f.message}")
        click.echo(f"{'ok' if health.ok else 'BROKEN'}: {health.quads} quads, fingerprint {health.fingerprint[:16]}, "
                   f"{health.report.errors} errors, {health.report.warnings} warnings")
    raise SystemExit(0 if health.ok else 1)


@main.command("backup")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--url", help="A running service to ask for the backup (default: the service that holds the "
                            "store, when one does).")
@store_option
@reports_errors
def backup_command(directory: Path, url: str | None, store: Path | None) -> None:
    """Back up the store, vocabulary archives, audit log and tokens into a new DIRECTORY.

    Works while `kmgraph serve` runs: the service makes the copy (an admin token in $KMGRAPH_TOKEN
    or $KMGRAPH_ADMIN_TOKEN), as a consistent snapshot of one committed state.
    """
    from ..backup import backup

    settings = Settings.load(store=store)
    backend = None if url else writable_store(settings)
    if backend is not None:
        with backend:
            result = backup(backend, AuditLog(settings.audit_path), settings, directory)
    else:
        client = ServiceClient(url, settings.token or settings.admin_token) if url else ServiceClient.for_store(settings)
        result = client.backup(directory)
    click.echo(f"backup of {result['quads']} quads in {result['directory']}")


@main.command("restore")
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Replace a store that holds data.")
@store_option
@reports_errors
def restore_command(directory: Path, force: bool, store: Path | None) -> None:
    """Put a backup in place of the store (stop the service first); its fingerprint is verified."""
    import getpass

    from ..access import Actor, audited
    from ..backup import restore

    settings = Settings.load(store=store)
    actor = Actor.of_role(getpass.getuser(), "admin", "kmgraph CLI")
    with audited(AuditLog(settings.audit_path), actor, "cli restore", str(directory)):
        result = restore(directory, settings, force=force)
    click.echo(f"restored {result['quads']} quads from the backup of {result['created']} into {result['store']}")
