"""The projects file: which tagging projects a service runs, read once at start (Annif's projects.toml).

A wrong file stops the start with a ``ConfigError`` that names the project and the key, rather than
a project that fails on its first call.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, InputError
from ..namespaces import concept_iri
from ..resources import ONTOLOGY_DIR
from .backends import BACKENDS, backend
from .base import Backend, Example

PROJECTS_FILE = ONTOLOGY_DIR / "training/projects.toml"
LANGUAGES = ("en", "fr", "es")  # those the text analysis knows (stemmers, stop words)
PREFIXES = {"kmo:": "https://w3id.org/kmgraph/ontology#", "skos:": "http://www.w3.org/2004/02/skos/core#"}
KEYS = {"name", "vocab", "concept_types", "languages", "backend", "params", "examples"}


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    vocab: str
    types: tuple[str, ...]  # class IRIs of the candidate concepts
    languages: tuple[str, ...] = ("en",)
    backend_id: str = "kmgraph"
    params: dict = field(default_factory=dict, hash=False, compare=False)
    examples_file: Path | None = None

    @property
    def language(self) -> str:
        """The default language, for texts whose language is unclear."""
        return self.languages[0]

    def backend(self) -> Backend:
        return backend(self.backend_id, self.params)

    def examples(self) -> list[Example]:
        return read_examples(self.examples_file) if self.examples_file else []

    def describe(self, status: dict) -> dict:
        """Annif's project description; ``status`` is this project's entry of ``Taggers.status``."""
        return {"project_id": self.id, "name": self.name, "language": self.language, "languages": list(self.languages),
                "backend": {"backend_id": self.backend_id}, "vocab": self.vocab, "is_trained": status["ready"],
                "modification_time": status["trained_at"], "vocab_version": status["vocab_version"],
                "model": status["model"]}


def read_examples(path: Path) -> list[Example]:
    """Labelled texts, one JSON object per line: ``text``, the concepts as ``labels`` or as
    ``gbf_targets`` and ``aichi_target`` (notations or IRIs), and ``lang`` (default en)."""
    examples = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            labels = list(row.get("labels", [])) + list(row.get("gbf_targets", []))
            labels += [row["aichi_target"]] if row.get("aichi_target") else []
            if not isinstance(row["text"], str) or not labels:
                raise ValueError("a text and at least one label are needed")
            examples.append(Example(row["text"], [concept_iri(x) for x in labels], row.get("lang", "en")))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path} line {n}: not a labelled text: {exc}") from exc
    return examples


def _iri(value: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if value.startswith(prefix):
            return namespace + value[len(prefix):]
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is neither a CURIE ({', '.join(PREFIXES)}) nor an IRI")
    return value


def _project(project_id: str, table: object, folder: Path) -> Project:
    if not isinstance(table, dict):
        raise ValueError("must be a table")
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise ValueError(f"unknown key {', '.join(unknown)} (keys: {', '.join(sorted(KEYS))})")
    for key in ("name", "vocab", "concept_types"):
        if key not in table:
            raise ValueError(f"{key} is missing")
    languages = tuple(table.get("languages", ["en"]))
    if not languages or set(languages) - set(LANGUAGES):
        raise ValueError(f"languages must be some of {', '.join(LANGUAGES)}")
    backend_id = table.get("backend", "kmgraph")
    if backend_id not in BACKENDS:
        raise ValueError(f"no backend {backend_id!r} (backends: {', '.join(BACKENDS)})")
    examples = table.get("examples")
    examples_file = (folder / examples) if examples else None
    if examples_file is not None and not examples_file.is_file():
        raise ValueError(f"no examples file {examples_file}")
    project = Project(project_id, str(table["name"]), str(table["vocab"]),
                      tuple(_iri(t) for t in table["concept_types"]), languages, backend_id,
                      dict(table.get("params", {})), examples_file)
    project.backend()  # the parameters are checked now, not at the first training
    return project


def load_projects(path: Path | None = None) -> dict[str, Project]:
    """The projects of ``path`` (default: the bundled file)."""
    path = path or PROJECTS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the projects file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the projects file {path} is not TOML: {exc}") from exc
    projects = {}
    for project_id, table in data.items():
        try:
            projects[project_id] = _project(project_id, table, path.parent)
        except (ValueError, TypeError, ConfigError) as exc:
            raise ConfigError(f"{path}: project {project_id}: {exc}") from exc
    if not projects:
        raise ConfigError(f"the projects file {path} defines no project")
    return projects
