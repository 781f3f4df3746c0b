"""Curator commands of the ``kmgraph`` CLI: load, check, versions, diff, rollback, export, mappings.

Thin wrappers over ``kmgraph.curation``, the functions ``/vocabularies`` uses.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ..access import Actor, AuditLog, audited
from ..config import Settings
from ..curation import Curator, source_for_path
from ..curation.curator import LoadResult
from ..curation.gate import RENDERERS, Finding, GateReport
from ..curation.mappings import (
    export_mappings,
    import_mappings,
    mapping_source,
    mapping_vocabulary_id,
)
from ..errors import InputError
from ..formats import GRAPH_FORMATS
from ..services import build_services
from ..store import Store
from .group import main
from .options import (
    err_console,
    out_console,
    reading_store,
    reports_errors,
    store_option,
    vocabulary_store,
    writable_store,
)
from .running import ServiceClient


def _actor() -> Actor:
    import getpass

    return Actor.of_role(getpass.getuser(), "curator", "kmgraph CLI")


def _audited(settings: Settings, action: str, target: str = ""):
    """The CLI's writes go to the same audit log as the service's."""
    return audited(AuditLog(settings.audit_path), _actor(), action, target)


def _curator(backend) -> Curator:
    return build_services(backend).curator


def _progress(paths: list[Path]):
    """A byte progress bar over the files being parsed (rich), and the callback that advances it."""
    total = sum(p.stat().st_size for p in paths if p.is_file())
    bar = Progress(TextColumn("reading"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                   console=err_console, transient=True, disable=total < 5_000_000)
    task = bar.add_task("read", total=total)
    return bar, lambda n: bar.update(task, advance=n)


def _print_summary(result) -> None:
    s = result.summary
    click.echo(f"{result.vocabulary}: version {result.version} {result.status}; {s.triples} triples, "
               f"{s.concepts} concepts ({s.added} new, {s.changed} changed, {s.removed} removed)")
    for lang, n in s.languages.items():
        click.echo(f"  labels @{lang}: {n['prefLabels']} preferred, {n['labels']} in all")


files_argument = click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
vocab_option = click.option("--vocab", help="Vocabulary id (default: the id the file declares, else its name).")
base_option = click.option("--base", help="Base IRI for concepts named by notation in spreadsheets.")


@main.command()
@files_argument
@vocab_option
@click.option("--force", is_flag=True, help="Make the version current even if the gate reports errors (recorded).")
@base_option
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="Format of the quality-gate report.")
@store_option
@reports_errors
def load(files: tuple[Path, ...], vocab: str | None, force: bool, base: str | None, fmt: str,
         store: Path | None) -> None:
    """Load vocabulary files as a new version, behind the quality gate.

    With --vocab all files make one version of that vocabulary; without it each file is its own.
    Exit 0 when every version became current, 1 when the gate rejected one, 2 on unreadable input.
    """
    settings = Settings.load(store=store)
    backend = writable_store(settings)
    if backend is None:
        if not vocab or len(files) != 1:
            raise InputError("a running service holds the store: load one file per command, with --vocab, and "
                             "the service makes the version")
        results = [ServiceClient.for_store(settings).load(vocab, source_for_path(files[0]), force=force, base=base)]
    else:
        with backend:
            results = list(_load_locally(settings, backend, files, vocab, force=force, base=base))
    for result in results:
        click.echo(RENDERERS[fmt](result.report), nl=False)
        _print_summary(result)
    sys.exit(0 if all(r.accepted for r in results) else 1)


def _load_locally(settings: Settings, backend: Store, files: tuple[Path, ...], vocab: str | None, *, force: bool,
                  base: str | None) -> Iterator[LoadResult]:
    curator = _curator(backend)
    for group in [list(files)] if vocab else [[f] for f in files]:
        bar, advance = _progress(group)
        with bar, _audited(settings, "cli load", " ".join(map(str, group))) as outcome:
            result = curator.load([source_for_path(p) for p in group], _actor(), vocab, force=force, base=base,
                                  progress=advance)
            outcome.status = 200 if result.accepted else 422
        yield result


@main.command()
@files_argument
@vocab_option
@base_option
@click.option("--reason", is_flag=True, help="Also run the HermiT OWL reasoner over ontology, vocabularies and files.")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True)
@store_option
@reports_errors
def check(files: tuple[Path, ...], vocab: str | None, base: str | None, reason: bool, fmt: str,
          store: Path | None) -> None:
    """Run the quality gate on files without loading them (against the stored current version).

    Exit 0 clean (warnings allowed), 1 errors found, 2 unreadable input.
    """
    sources = [source_for_path(p) for p in files]
    with vocabulary_store(Settings.load(store=store)) as backend:
        curator = Curator(backend, None)
        bar, advance = _progress(list(files))
        with bar:
            result = curator.check(sources, vocab, base=base, progress=advance)
        report = result.report
        if reason:
            report = GateReport(report.findings + _reasoner_findings(backend, files))
    click.echo(RENDERERS[fmt](report), nl=False)
    sys.exit(0 if report.passed else 1)


def _reasoner_findings(backend, files: tuple[Path, ...]) -> list[Finding]:
    """HermiT over the ontology and vocabularies in the store plus the files: inconsistency and
    unsatisfiable classes as gate findings."""
    import pyoxigraph as ox
    from rdflib import Graph

    from ..reasoning import reason

    graph = Graph()
    for g in backend.graphs():
        if "/graph/vocab/" in g.iri or g.iri.endswith("/graph/ontology"):
            graph.parse(data=backend.dump_graph(g.iri, ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    for path in files:
        if path.suffix.lower() not in (".csv", ".xlsx"):
            graph.parse(path)
    result = reason(graph)
    findings = [] if result.consistent else [Finding("owl-inconsistent", "error", "", result.message)]
    return findings + [Finding("owl-unsatisfiable-class", "error", iri, "class can have no members")
                       for iri in result.unsatisfiable]


@main.command()
@click.argument("vocab")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
@reports_errors
def versions(vocab: str, as_json: bool, store: Path | None) -> None:
    """List the versions of a vocabulary: number, status, when, who, files, gate outcome."""
    with reading_store(Settings.load(store=store)) as backend:
        found = _curator(backend).versions(vocab)
    if as_json:
        click.echo(json.dumps([v.__dict__ for v in found], indent=2))
        return
    table = Table("version", "status", "time", "agent", "files", "concepts", "errors", "warnings", "note")
    for v in found:
        note = "forced" if v.forced else ""
        if v.rollback_of:
            note = f"rollback to {v.rollback_of}"
        table.add_row(str(v.number), v.status, v.time, f"{v.agent} ({v.role})", v.files, str(v.concepts or 0),
                      str(v.errors or 0), str(v.warnings or 0), note)
    out_console.print(table)


@main.command()
@click.argument("vocab")
@click.argument("old", type=int, required=False)
@click.argument("new", type=int, required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
@reports_errors
def diff(vocab: str, old: int | None, new: int | None, as_json: bool, store: Path | None) -> None:
    """What changed between two versions (default: the current one and the one before)."""
    with reading_store(Settings.load(store=store)) as backend:
        changes = _curator(backend).diff(vocab, old, new)
    if as_json:
        click.echo(json.dumps(changes, indent=2, ensure_ascii=False))
        return
    click.echo(f"{vocab}: version {changes['from']} -> {changes['to']}")
    for row in changes["concepts"]:
        extra = f" (replaced by {row['replacement']})" if row.get("replacement") else ""
        click.echo(f"  concept {row['change']:12} {row['concept']}  {row.get('label', '')}{extra}")
    for row in changes["labels"]:
        click.echo(f"  {row['property']}@{row['lang']} {row['concept']}: {row.get('old', '-')!r} -> {row.get('new', '-')!r}")
    for row in changes["hierarchy"]:
        click.echo(f"  {row['change']:16} {row['concept']} -> {row['broader']}")
    for row in changes["mappings"]:
        click.echo(f"  mapping {row['change']:8} {row['concept']} {row['relation']} {row['target']}")
    if not any(changes[k] for k in ("concepts", "labels", "hierarchy", "mappings")):
        click.echo("  no changes")


@main.command()
@click.argument("vocab")
@click.argument("version", type=int)
@click.option("--force", is_flag=True, help="Roll back even if the gate reports errors (recorded as forced).")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="Format of the quality-gate report.")
@store_option
@reports_errors
def rollback(vocab: str, version: int, force: bool, fmt: str, store: Path | None) -> None:
    """Make the content of an earlier version current again (recorded as a new version).

    The old content passes the quality gate like a load. Exit 0 when it became current, 1 when the
    gate rejected it (e.g. concepts would disappear; use --force), 2 on unusable input.
    """
    settings = Settings.load(store=store)
    backend = writable_store(settings)
    if backend is None:
        result = ServiceClient.for_store(settings).rollback(vocab, version, force=force)
    else:
        with backend, _audited(settings, "cli rollback", f"{vocab} {version}") as outcome:
            result = _curator(backend).rollback(vocab, version, _actor(), force=force)
            outcome.status = 200 if result.accepted else 422
    if not result.accepted:
        click.echo(RENDERERS[fmt](result.report), nl=False)
    _print_summary(result)
    sys.exit(0 if result.accepted else 1)


@main.command()
@click.argument("vocab")
@click.option("--format", "fmt", type=click.Choice([f.name for f in GRAPH_FORMATS]), default="turtle", show_default=True)
@click.option("--version", "number", type=int, help="A version number (default: the current version).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file instead of stdout.")
@store_option
@reports_errors
def export(vocab: str, fmt: str, number: int | None, output: Path | None, store: Path | None) -> None:
    """Export a vocabulary (current or given version) in an RDF syntax."""
    rdf = next(f.rdf for f in GRAPH_FORMATS if f.name == fmt)
    with reading_store(Settings.load(store=store)) as backend:
        data = _curator(backend).export(vocab, rdf, number)
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@main.group()
def mappings() -> None:
    """Crosswalks as SSSOM tables: import as a vocabulary version, export a vocabulary's mappings."""


@mappings.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@vocab_option
@click.option("--force", is_flag=True, help="Make the version current even if the gate reports errors.")
@store_option
@reports_errors
def mappings_import(file: Path, vocab: str | None, force: bool, store: Path | None) -> None:
    """Import an SSSOM/TSV mapping set (justification, author, confidence kept on each mapping)."""
    settings = Settings.load(store=store)
    backend = writable_store(settings)
    if backend is None:
        source, ignored = mapping_source(file)
        result = ServiceClient.for_store(settings).load(mapping_vocabulary_id(file, vocab), source, force=force)
    else:
        with backend, _audited(settings, "cli mappings import", str(file)) as outcome:
            imported = import_mappings(_curator(backend), file, _actor(), vocab, force=force)
            result, ignored = imported.result, imported.ignored
            outcome.status = 200 if result.accepted else 422
    for what in ignored:
        click.echo(f"warning: {file.name}: ignored the {what}", err=True)
    click.echo(RENDERERS["text"](result.report), nl=False)
    _print_summary(result)
    sys.exit(0 if result.accepted else 1)


@mappings.command("export")
@click.argument("vocab")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="SSSOM/TSV file to write.")
@store_option
@reports_errors
def mappings_export(vocab: str, output: Path, store: Path | None) -> None:
    """Export the SKOS mappings of a vocabulary, with their provenance, as an SSSOM/TSV table."""
    with reading_store(Settings.load(store=store)) as backend:
        count = export_mappings(_curator(backend), vocab, output)
    click.echo(f"{count} mappings written to {output}")
