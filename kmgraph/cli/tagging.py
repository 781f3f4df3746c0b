"""Subject suggestions for a text, and their cross-validated evaluation."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..config import Settings
from .group import main
from .options import (
    out_console,
    reading_store,
    reports_errors,
    store_option,
    vocabulary_store,
)


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

    from ..errors import InputError
    from ..services import build_services

    if file is not None:
        text = file.read_text(encoding="utf-8")
    if not text:
        raise InputError("give a TEXT or --file")
    settings = Settings.load(store=store)
    with vocabulary_store(settings) as backend:
        suggestions = build_services(backend).taggers.get(project).suggest(text, lang, limit)
    if as_json:
        click.echo(json.dumps([s.as_dict() for s in suggestions], ensure_ascii=False, indent=2))
        return
    table = Table()
    for col in ("notation", "score", "label", "evidence", "path"):
        table.add_column(col, overflow="fold")
    for s in suggestions:
        table.add_row(s.notation, f"{s.score:.3f}", s.label, ", ".join(s.evidence), "; ".join(s.path))
    out_console.print(table)


@main.command()
@click.argument("projects", nargs=-1)
@store_option
@reports_errors
def train(projects: tuple[str, ...], store: Path | None) -> None:
    """Train tagging projects now (default: all) and save their models beside the store.

    A service trains the projects that have no current model when it starts; `kmgraph train`
    prepares them beforehand, so that a start on a large store is ready at once.
    """
    import time

    from ..services import build_services
    from ..tagging.projects import PROJECTS

    with reading_store(Settings.load(store=store)) as backend:
        taggers = build_services(backend).taggers
        for project_id in projects or tuple(PROJECTS):
            started = time.perf_counter()
            model = taggers.train(project_id)
            kind, version = model.trained_on
            on = f"version {version} of {PROJECTS[project_id].vocab}" if kind == "version" else "the vocabularies"
            where = f"; saved in {taggers.models_dir}" if taggers.models_dir and kind == "version" else ""
            click.echo(f"{project_id}: trained on {on} in {time.perf_counter() - started:.1f} s{where}")


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
    from ..tagging.evaluation import evaluate_project, read_labelled

    examples = read_labelled(file)
    with vocabulary_store(Settings.load(store=store)) as backend:
        result, _ = evaluate_project(backend, project, examples, folds, repeats)
    times = f", repeated {repeats} times" if repeats > 1 else ""
    click.echo(f"{project}: {len(examples)} texts, {folds}-fold cross-validation{times}")
    for measure, value in result.items():
        click.echo(f"  {measure:<7} {value:.4f}")

