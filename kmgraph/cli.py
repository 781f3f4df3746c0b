"""The ``kmgraph`` command. Each subcommand is a thin wrapper over the functions the API uses.

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
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from . import __version__
from .access.tokens import TokenRegistry
from .config import Settings
from .errors import KmgraphError
from .records.service import RECORD_GRAPH
from .services import build_services, initialise
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

    from .app import create_app

    settings = Settings.load(store=store, host=host, port=port)
    backend = open_store(settings)
    try:
        services = build_services(backend)
        if backend.is_empty():
            _init(services)
        app = create_app(settings, backend, services)
        click.echo(f"kmgraph {__version__} serving store {settings.store} at http://{settings.host}:{settings.port}/ "
                   f"(API docs: http://{settings.host}:{settings.port}/docs)", err=True)
        _announce_write_token(settings)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                    h11_max_incomplete_event_size=1024 * 1024)
    finally:
        backend.close()


FIRST_ADMIN = "local-admin"


def _announce_write_token(settings: Settings) -> None:
    """Say how to write to this service; on the first start without any admin, mint one and show it once."""
    registry = TokenRegistry(settings.tokens_path, settings.tokens, settings.admin_token)
    if settings.admin_token:
        click.echo("writes: send the KMGRAPH_ADMIN_TOKEN this service was started with as a bearer token", err=True)
        return
    if registry.has_role("admin"):
        click.echo(f"writes: send a bearer token of {registry.path} (kmgraph token list; kmgraph token create "
                   "makes one), or start with KMGRAPH_ADMIN_TOKEN set", err=True)
        return
    secret = registry.create(FIRST_ADMIN, "admin")
    click.echo(f"no admin token was configured, so kmgraph made one; it is shown only this once (its digest is in "
               f"{registry.path}):\n\n    export KMGRAPH_TOKEN={secret}\n\n"
               f"send it as 'Authorization: Bearer $KMGRAPH_TOKEN'; the kmgraph commands read KMGRAPH_TOKEN; "
               f"'kmgraph token revoke {FIRST_ADMIN}' removes it", err=True)


@main.command()
@store_option
@reports_errors
def init(store: Path | None) -> None:
    """Create the store (if needed) and load the ontology, the vocabularies and the sample catalogue."""
    settings = Settings.load(store=store)
    with open_store(settings, query_workers=0) as backend:
        triples, records = _init(build_services(backend))
    click.echo(f"store {settings.store}: {len(bundled.bundled_graphs())} graphs, {triples} triples, "
               f"{records} sample records loaded")


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
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lang", default="en", show_default=True, help="Language of the messages: en, es or fr.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle", "cbd"]), default="text", show_default=True,
              help="cbd: the CBD validation report of each KM document (json gives the same for documents).")
@click.option("--shapes", "extra_shapes", multiple=True, type=click.Path(path_type=Path),
              help="Extra SHACL shapes (Turtle) to apply as well to RDF records (repeatable).")
@click.option("--schema", help="Schema of the KM documents (default: each document's header.schema).")
@store_option
@reports_errors
def validate(files: tuple[Path, ...], lang: str, fmt: str, extra_shapes: tuple[Path, ...], schema: str | None,
             store: Path | None) -> None:
    """Validate metadata before submitting it: RDF records (Turtle, JSON-LD, N-Triples, RDF/XML) against
    kmgraph's record shapes, CBD KM documents (JSON with header.schema: one per file, a JSON array, or
    JSON lines) against their clearing-house schema.

    Exit 0 when everything conforms (warnings allowed), 1 when anything does not, 2 when a file
    cannot be read or parsed. Uses the vocabularies of the store when there is one, else the bundled ones.
    """
    from .cbd.documents import documents_in
    from .cbd.validation import DocumentValidator
    from .validation import RecordValidator
    from .validation.inputs import read_file
    from .validation.messages import pick_language
    from .validation.render import RENDERERS
    from .vocab.concepts import ConceptIndexCache

    settings = Settings.load(store=store)
    triples, documents = [], []
    for path in files:
        found = documents_in(path, settings.max_validate_bytes) if path.suffix.lower() in (".json", ".jsonl", ".ndjson") else None
        if found is None:
            triples += read_file(path)
        else:
            documents += found
    language = pick_language(lang)
    ok = True
    with _vocabulary_store(settings) as backend:
        records = RecordValidator(backend, list(extra_shapes))
        if triples or not documents:
            report = records.validate(triples, language)
            ok = report.conforms
            if fmt != "cbd":
                click.echo(RENDERERS[fmt][1](report).decode("utf-8"), nl=False)
        if documents:
            reports = DocumentValidator(records, ConceptIndexCache(backend)).check(documents, schema)
            ok = ok and all(r.valid for r in reports)
            click.echo(_document_reports(reports, fmt, language), nl=False)
    sys.exit(0 if ok else 1)


def _document_reports(reports, fmt: str, lang: str) -> str:
    import json

    if fmt in ("cbd", "json", "turtle"):
        body = [r.as_cbd() for r in reports]
        return json.dumps(body[0] if len(body) == 1 else body, ensure_ascii=False, indent=1) + "\n"
    lines = []
    for r in reports:
        head = f"{r.prepared.identifier or '(no identifier)'} ({r.prepared.schema.name})"
        lines.append(f"{head}: " + ("valid" if r.valid else f"{len(r.errors)} error(s)") +
                     (f", {len(r.warnings)} warning(s)" if r.warnings else ""))
        for e in r.errors + r.warnings:
            lines.append(f"  {e['severity']:7} {e['code']:24} {e['message'].get(lang, e['message']['en'])}")
        for n in r.prepared.not_checked:
            lines.append(f"  not checked: {n['property']} {n['identifier']} (domain {n['domain']})")
    return "\n".join(lines) + "\n"


def _vocabulary_store(settings: Settings):
    """The configured store when it exists and is free; else the bundled vocabularies in memory."""
    from .errors import StoreLockedError
    from .store import EmbeddedStore

    if settings.sparql_endpoint or (settings.store / "CURRENT").exists():
        try:
            backend = open_store(settings, query_workers=0)
            if not backend.is_empty():
                return backend
            backend.close()
        except StoreLockedError:
            click.echo(f"note: store {settings.store} is in use; using the bundled vocabularies", err=True)
    memory = EmbeddedStore(None)
    bundled.load_bundled(memory)
    return memory


@main.command()
@click.argument("key")
@click.option("--lang", default="en", show_default=True, help="Language of labels.")
@store_option
@reports_errors
def concept(key: str, lang: str, store: Path | None) -> None:
    """Show one concept (by notation, e.g. GBF-TARGET-02, or IRI): labels, hierarchy, mappings."""
    import json

    from .vocab.concepts import ConceptIndex
    from .vocab.detail import concept_detail

    settings = Settings.load(store=store)
    with _vocabulary_store(settings) as backend:
        index = ConceptIndex.build(backend)
        detail = concept_detail(backend, index, index.get(key), lang, None)
    click.echo(json.dumps(detail, ensure_ascii=False, indent=2))


@main.command()
@click.argument("text")
@click.option("--lang", default=None, help="Only labels in this language.")
@click.option("--vocab", default=None, help="Only concepts of this vocabulary (gbf, sdg, countries ...).")
@click.option("--max", "maxhits", default=20, show_default=True)
@store_option
@reports_errors
def search(text: str, lang: str | None, vocab: str | None, maxhits: int, store: Path | None) -> None:
    """Search concepts by label or notation (prefix, * wildcard, accent-insensitive)."""
    from .vocab.concepts import ConceptIndex
    from .vocab.detail import LANG_FALLBACK

    settings = Settings.load(store=store)
    with _vocabulary_store(settings) as backend:
        hits, total = ConceptIndex.build(backend).search(text, lang=lang, vocab=vocab, maxhits=maxhits,
                                                         fallback=LANG_FALLBACK)
    table = Table(title=f"{total} concepts match {text!r}")
    for col in ("notation", "label", "matched", "vocab"):
        table.add_column(col, overflow="fold")
    for h in hits:
        table.add_row(h.concept.notation, h.concept.label(lang or "en", LANG_FALLBACK)[0], h.matched, h.concept.vocab)
    out_console.print(table)


@main.command()
@click.argument("text", required=False)
@click.option("--file", "file", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="Read the text from a file.")
@click.option("--lang", default="en", type=click.Choice(["en", "fr", "es"]), show_default=True)
@click.option("--project", default="gbf-targets", show_default=True, help="gbf-targets or aichi-targets.")
@click.option("--limit", default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
@reports_errors
def tag(text: str | None, file: Path | None, lang: str, project: str, limit: int, as_json: bool,
        store: Path | None) -> None:
    """Suggest concepts for a text, with the evidence (matched words) and the path to each concept."""
    import json

    from .errors import InputError
    from .tagging.projects import Taggers
    from .vocab.concepts import ConceptIndexCache

    if file is not None:
        text = file.read_text(encoding="utf-8")
    if not text:
        raise InputError("give a TEXT or --file")
    settings = Settings.load(store=store)
    with _vocabulary_store(settings) as backend:
        suggestions = Taggers(backend, ConceptIndexCache(backend)).get(project).suggest(text, lang, limit)
    if as_json:
        click.echo(json.dumps([s.as_dict() for s in suggestions], ensure_ascii=False, indent=2))
        return
    table = Table()
    for col in ("notation", "score", "label", "evidence", "path"):
        table.add_column(col, overflow="fold")
    for s in suggestions:
        table.add_row(s.notation, f"{s.score:.3f}", s.label, ", ".join(s.evidence), "; ".join(s.path))
    out_console.print(table)


@main.command("eval-tagging")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--project", default="gbf-targets", show_default=True)
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2), help="Cross-validation folds over FILE.")
@click.option("--repeats", default=1, show_default=True, type=click.IntRange(1),
              help="Repeat the cross-validation with differently shuffled folds and average (steadier on small files).")
@store_option
@reports_errors
def eval_tagging(file: Path, project: str, folds: int, repeats: int, store: Path | None) -> None:
    """Cross-validate a tagging project on labelled texts (JSON lines with text, gbf_targets, aichi_target).

    Prints P@1, P@3, R@5, F1@5 and NDCG@5 as Annif defines them.
    """
    from .tagging.evaluation import evaluate_project, read_labelled

    examples = read_labelled(file)
    with _vocabulary_store(Settings.load(store=store)) as backend:
        result, _ = evaluate_project(backend, project, examples, folds, repeats)
    times = f", repeated {repeats} times" if repeats > 1 else ""
    click.echo(f"{project}: {len(examples)} texts, {folds}-fold cross-validation{times}")
    for measure, value in result.items():
        click.echo(f"  {measure:<7} {value:.4f}")


@main.command()
@store_option
@reports_errors
def reindex(store: Path | None) -> None:
    """Rebuild the retrieval (full-text) index from the records in the store."""
    settings = Settings.load(store=store)
    with open_store(settings, query_workers=0) as backend:
        count = build_services(backend).records.reindex()
    click.echo(f"indexed {count} records")


remote_option = click.option(
    "--sparql-endpoint", "sparql_endpoint", default=None,
    help="Work on a remote SPARQL 1.1 server instead of the embedded store ($KMGRAPH_SPARQL_ENDPOINT).")

QUERY_FORMATS = ["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld", "rdfxml"]


@main.command()
@click.argument("name_or_file", required=False)
@click.option("-e", "--expression", help="SPARQL query text to run.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Parameter of a named query (repeatable).")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True,
              help="Output format ('table' is for reading; graph results print as Turtle).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@store_option
@remote_option
@reports_errors
def query(name_or_file: str | None, expression: str | None, params: tuple[str, ...], fmt: str,
          list_queries: bool, store: Path | None, sparql_endpoint: str | None) -> None:
    """Run a named query (NAME), a query file (FILE.rq) or a query given with -e.

    \b
    kmgraph query --list
    kmgraph query target-indicators -p target=GBF-TARGET-03 -p kind=headline
    kmgraph query -e 'SELECT * WHERE { ?s ?p ?o } LIMIT 5' --format csv
    """
    from .errors import InputError
    from .queries import QueryCatalog
    from .sparql.service import run_query

    catalog = QueryCatalog()
    if list_queries:
        for q in catalog:
            params_text = ", ".join(f"{p.name} ({p.type}{', default ' + p.default if p.default else ''})" for p in q.params)
            click.echo(f"{q.name}: {q.title}" + (f"\n    parameters: {params_text}" if params_text else ""))
        return
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--param {item!r}: write NAME=VALUE")
        values[key] = value
    if expression is not None:
        text = expression
    elif name_or_file and (name_or_file.endswith(".rq") or Path(name_or_file).is_file()):
        try:
            text = Path(name_or_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{name_or_file}: cannot read: {exc}") from exc
    elif name_or_file:
        text = catalog.get(name_or_file).bind(values)
    else:
        raise InputError("give a query name, a .rq file or -e 'SPARQL' (kmgraph query --list shows the names)")
    settings = Settings.load(store=store, sparql_endpoint=sparql_endpoint)
    wire = "json" if fmt == "table" else fmt
    with open_store(settings, query_workers=0) as backend:
        try:
            out = run_query(backend, settings, text, explicit_format=wire, capped=False)
        except KmgraphError as exc:
            if fmt == "table" and exc.status == 406:  # a graph result: print it as Turtle
                out = run_query(backend, settings, text, explicit_format="turtle", capped=False)
            else:
                raise
    if fmt == "table" and out.media_type == "application/sparql-results+json":
        _print_table(out.body)
    else:
        click.echo(out.body.decode("utf-8"), nl=False)


def _print_table(body: bytes) -> None:
    import json

    data = json.loads(body)
    if "boolean" in data:
        click.echo(str(data["boolean"]).lower())
        return
    table = Table(show_lines=False)
    for var in data["head"]["vars"]:
        table.add_column(var, overflow="fold")
    for row in data["results"]["bindings"]:
        table.add_row(*[row[v]["value"] if v in row else "" for v in data["head"]["vars"]])
    out_console.print(table)
    err_console.print(f"{len(data['results']['bindings'])} rows")


from . import cli_admin, cli_vocab  # noqa: F401  (register their commands on main)
