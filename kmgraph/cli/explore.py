"""Reading the graph from the command line: concepts, concept search, SPARQL and named queries."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..config import Settings
from ..errors import KmgraphError
from .group import main
from .options import (
    err_console,
    out_console,
    reading_store,
    remote_option,
    reports_errors,
    store_option,
    vocabulary_store,
)


@main.command()
@click.argument("key")
@click.option("--lang", default="en", show_default=True, help="Language of labels.")
@store_option
@reports_errors
def concept(key: str, lang: str, store: Path | None) -> None:
    """Show one concept (by notation, e.g. GBF-TARGET-02, or IRI): labels, hierarchy, mappings."""
    import json

    from ..vocab.concepts import ConceptIndex
    from ..vocab.detail import concept_detail

    settings = Settings.load(store=store)
    with vocabulary_store(settings) as backend:
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
    from ..vocab.concepts import ConceptIndex
    from ..vocab.detail import LANG_FALLBACK

    settings = Settings.load(store=store)
    with vocabulary_store(settings) as backend:
        hits, total = ConceptIndex.build(backend).search(text, lang=lang, vocab=vocab, maxhits=maxhits,
                                                         fallback=LANG_FALLBACK)
    table = Table(title=f"{total} concepts match {text!r}")
    for col in ("notation", "label", "matched", "vocab"):
        table.add_column(col, overflow="fold")
    for h in hits:
        table.add_row(h.concept.notation, h.concept.label(lang or "en", LANG_FALLBACK)[0], h.matched, h.concept.vocab)
    out_console.print(table)





QUERY_FORMATS = ["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld", "rdfxml"]


@main.command()
@click.argument("name_or_file", required=False)
@click.option("-e", "--expression", help="SPARQL query text to run.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Parameter of a named query (repeatable).")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True,
              help="Output format ('table' is for reading; graph results print as Turtle).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("--limit", type=int, default=None, help="Rows per page of a named query (default 100).")
@click.option("--offset", type=int, default=None, help="Rows of a named query to skip (default 0).")
@store_option
@remote_option
@reports_errors
def query(name_or_file: str | None, expression: str | None, params: tuple[str, ...], fmt: str,
          list_queries: bool, limit: int | None, offset: int | None, store: Path | None,
          sparql_endpoint: str | None) -> None:
    """Run a named query (NAME), a query file (FILE.rq) or a query given with -e.

    \b
    kmgraph query --list
    kmgraph query target-indicators -p target=GBF-TARGET-03 -p kind=headline
    kmgraph query records-by-target -p target=GBF-TARGET-03 --limit 50 --offset 100
    kmgraph query -e 'SELECT * WHERE { ?s ?p ?o } LIMIT 5' --format csv
    """
    from ..errors import InputError
    from ..queries import QueryCatalog
    from ..querying import Page, run_query
    from ..services import build_services, query_indexes

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
        text = None  # bound below, with the store's indexes
        catalog.get(name_or_file).bind(values)  # bad names and values stop here, before the store opens
    else:
        raise InputError("give a query name, a .rq file or -e 'SPARQL' (kmgraph query --list shows the names)")
    settings = Settings.load(store=store, sparql_endpoint=sparql_endpoint)
    named = expression is None and not (name_or_file.endswith(".rq") or Path(name_or_file).is_file())
    if not named and (limit is not None or offset is not None):
        raise InputError("--limit and --offset page a named query; write LIMIT and OFFSET in your own query")
    page = Page.of(settings, limit, offset) if named else None
    wire = "json" if fmt == "table" else fmt
    with reading_store(settings) as backend:
        if text is None:
            text = catalog.get(name_or_file).bind(values, query_indexes(build_services(backend), check=True),
                                                  rows=page.offset + page.limit + 1)
        try:
            out = run_query(backend, settings, text, explicit_format=wire, capped=False, page=page)
        except KmgraphError as exc:
            if fmt == "table" and exc.status == 406:  # a graph result: print it as Turtle
                out = run_query(backend, settings, text, explicit_format="turtle", capped=False, page=page)
            else:
                raise
    if fmt == "table" and out.media_type == "application/sparql-results+json":
        _print_table(out.body)
    else:
        click.echo(out.body.decode("utf-8"), nl=False)
    if page is not None and out.truncated:
        click.echo(f"more rows follow: --offset {page.next.offset} gives the next page", err=True)


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


