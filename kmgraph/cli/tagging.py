"""Subject suggestions for a text, language detection, training and the evaluation of tagging."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from rich.table import Table

from ..config import Settings
from .group import main
from .options import (
    out_console,
    projects_option,
    reading_store,
    reports_errors,
    store_option,
    vocabulary_store,
)

LANGUAGES = ("en", "fr", "es")


def _services(settings: Settings, backend):
    from ..services import build_services
    from ..tagging.config import load_projects

    return build_services(backend, load_projects(settings.projects_file))


@main.command()
@click.argument("text", required=False)
@click.option("--file", "file", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="Read the text from a file.")
@click.option("--lang", default=None, type=click.Choice(LANGUAGES), help="The text's language (default: detected).")
@click.option("--project", default="gbf-targets", show_default=True, help="A project of the projects file.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--threshold", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Lowest score (a calibrated probability) to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
@projects_option
@reports_errors
def tag(text: str | None, file: Path | None, lang: str | None, project: str, limit: int, threshold: float,
        as_json: bool, store: Path | None, projects_file: Path | None) -> None:
    """Suggest concepts for a text, with the evidence (matched words) and the path to each concept."""
    from ..errors import InputError

    if file is not None:
        text = file.read_text(encoding="utf-8")
    if not text:
        raise InputError("give a TEXT or --file")
    settings = Settings.load(store=store, projects_file=projects_file)
    with vocabulary_store(settings) as backend:
        lang, suggestions = _services(settings, backend).taggers.suggest(project, text, lang, limit, threshold,
                                                                         settings.max_tag_chars)
    if as_json:
        click.echo(json.dumps({"lang": lang, "results": [s.as_dict() for s in suggestions]}, ensure_ascii=False,
                              indent=2))
        return
    table = Table(caption=f"language: {lang}")
    for col in ("notation", "score", "label", "evidence", "path"):
        table.add_column(col, overflow="fold")
    for s in suggestions:
        table.add_row(s.notation, f"{s.score:.3f}", s.label, ", ".join(s.evidence), "; ".join(s.path))
    out_console.print(table)


@main.command("detect-language")
@click.argument("languages", default=",".join(LANGUAGES))
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@reports_errors
def detect_language(languages: str, files: tuple[Path, ...]) -> None:
    """The language of a text among LANGUAGES (comma-separated; default en,fr,es), as Annif's
    detect-language: the text from standard input, or each of FILES."""
    from ..errors import InputError
    from ..tagging.text import detect_languages

    candidates = tuple(x.strip() for x in languages.split(",") if x.strip())
    if not candidates or set(candidates) - set(LANGUAGES):
        raise InputError(f"LANGUAGES must be some of {', '.join(LANGUAGES)}")
    texts = [(str(f), f.read_text(encoding="utf-8")) for f in files] or [("", sys.stdin.read())]
    for name, text in texts:
        if name:
            click.echo(f"Detected languages for {name}")
        for lang, score in detect_languages(text, candidates):
            click.echo(f"{lang}\t{score:.4f}")


@main.command("list-projects")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (as /v1/projects).")
@store_option
@projects_option
@reports_errors
def list_projects(as_json: bool, store: Path | None, projects_file: Path | None) -> None:
    """The tagging projects of the projects file, and whether a current model of each is saved."""
    settings = Settings.load(store=store, projects_file=projects_file)
    with reading_store(settings) as backend:
        taggers = _services(settings, backend).taggers
        taggers.load_saved()
        status = taggers.status()
    described = [p.describe(status[p.id]) for p in taggers.projects.values()]
    if as_json:
        click.echo(json.dumps({"projects": described}, ensure_ascii=False, indent=2))
        return
    table = Table()
    for col in ("project", "name", "vocabulary", "languages", "backend", "model"):
        table.add_column(col, overflow="fold")
    for p in described:
        model = (f"trained on version {p['vocab_version']}, {p['modification_time']}" if p["is_trained"]
                 else "not trained (kmgraph train)")
        table.add_row(p["project_id"], p["name"], p["vocab"], ", ".join(p["languages"]), p["backend"]["backend_id"],
                      model)
    out_console.print(table)


@main.command()
@click.argument("projects", nargs=-1)
@store_option
@projects_option
@reports_errors
def train(projects: tuple[str, ...], store: Path | None, projects_file: Path | None) -> None:
    """Train tagging projects now (default: all) and save their models beside the store.

    A service trains the projects that have no current model when it starts; `kmgraph train`
    prepares them beforehand, so that a start on a large store is ready at once.
    """
    settings = Settings.load(store=store, projects_file=projects_file)
    with reading_store(settings) as backend:
        taggers = _services(settings, backend).taggers
        for project_id in projects or tuple(taggers.projects):
            project = taggers.project(project_id)
            started = time.perf_counter()
            model = taggers.train(project_id)
            kind, version = model.trained_on
            on = f"version {version} of {project.vocab}" if kind == "version" else "the vocabularies"
            where = f"; saved in {taggers.models_dir}" if taggers.models_dir and kind == "version" else ""
            note = model.tagger.describe().get("note")
            click.echo(f"{project_id}: {project.backend_id} trained on {on} in {time.perf_counter() - started:.1f} s"
                       f"{where}" + (f"\n  {note}" if note else ""))


@main.command("eval-tagging")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=False)
@click.option("--project", default="gbf-targets", show_default=True)
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2), help="Cross-validation folds.")
@click.option("--repeats", default=1, show_default=True, type=click.IntRange(1),
              help="Repeat the cross-validation with differently shuffled folds and average (steadier on small files).")
@click.option("--official", is_flag=True,
              help="Also score the concepts' official texts in each language, held out by concept.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
@projects_option
@reports_errors
def eval_tagging(file: Path | None, project: str, folds: int, repeats: int, official: bool, as_json: bool,
                 store: Path | None, projects_file: Path | None) -> None:
    """Cross-validate a tagging project on labelled texts (JSON lines with text, labels or gbf_targets
    and aichi_target, and lang); FILE defaults to the project's own examples.

    Prints P@1, hit@3, P@3, R@5, F1@5 and NDCG@5 (Annif's definitions), over all texts and per
    language. The kmgraph backend chooses its weights by a cross-validation inside each training
    fold, so these figures are those of a nested cross-validation.
    """
    from ..errors import InputError
    from ..tagging.config import read_examples
    from ..tagging.evaluation import evaluate_official, evaluate_project

    settings = Settings.load(store=store, projects_file=projects_file)
    with vocabulary_store(settings) as backend:
        spec = _services(settings, backend).taggers.project(project)
        examples = read_examples(file) if file else spec.examples()
        if len(examples) < folds:
            raise InputError(f"{len(examples)} labelled texts are too few for {folds} folds")
        result, _ = evaluate_project(backend, spec, examples, folds, repeats)
        held = evaluate_official(backend, spec, folds) if official else {}
    if as_json:
        click.echo(json.dumps({"cross_validation": result, "official_texts": held}, indent=2))
        return
    times = f", repeated {repeats} times" if repeats > 1 else ""
    click.echo(f"{project}: {len(examples)} texts, {folds}-fold cross-validation{times}")
    _print_measures(result)
    if held:
        click.echo(f"{project}: official texts, each scored without its concept's texts in that language")
        _print_measures(held)


def _print_measures(groups: dict[str, dict[str, float]]) -> None:
    table = Table()
    names = [m for m in next(iter(groups.values())) if m != "documents"]
    for col in ("texts", "documents", *names):
        table.add_column(col, justify="right")
    for group, measures in groups.items():
        table.add_row(group, str(int(measures["documents"])), *(f"{measures[m]:.4f}" for m in names))
    out_console.print(table)
