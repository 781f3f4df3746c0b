"""kmgraph validate: records and KM documents, as POST /validate and the CBD's validation call check them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import Settings
from .group import main
from .options import (
    reports_errors,
    store_option,
    vocabulary_store,
)


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
    from ..cbd.documents import documents_in
    from ..cbd.validation import DocumentValidator
    from ..validation import RecordValidator
    from ..validation.inputs import read_file
    from ..validation.messages import pick_language
    from ..validation.render import RENDERERS
    from ..vocab.concepts import ConceptIndexCache

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
    with vocabulary_store(settings) as backend:
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

