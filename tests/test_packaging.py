"""Runtime dependencies are declared truthfully: a plain `pip install` (no extras) runs every module."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from .conftest import REPO

# Declared but not imported by name: loaded by another package when present.
INDIRECT = {"python-multipart": "FastAPI parses the web forms with it",
            "pystemmer": "snowballstemmer's C implementation, used when installed",
            "sssom-schema": "the official SSSOM schema, read as data files (kmgraph.vocab.sssom_model)",
            "uvloop": "uvicorn's event loop for KMGRAPH_HTTP_STACK=fast", "httptools": "uvicorn's HTTP parser, likewise"}


# Test tools that a runtime dependency's own requirements bring along (not kmgraph's choice).
TRANSITIVE = {"pytest": {"pytest-logging"}}  # sssom-schema -> linkml-runtime -> pytest-logging -> pytest


def _declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {_normal(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in specs}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_distributions() -> dict[str, set[str]]:
    """Distribution -> the kmgraph modules that import it."""
    by_module = metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for path in (REPO / "kmgraph").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "kmgraph":
                    continue
                for dist in by_module.get(top, [top]):
                    found.setdefault(_normal(dist), set()).add(str(path.relative_to(REPO)))
    return found


def test_every_import_is_a_declared_runtime_dependency():
    imported, declared = _imported_distributions(), _declared()
    assert {d: sorted(m) for d, m in imported.items() if d not in declared} == {}
    assert sorted(declared - set(imported) - set(INDIRECT)) == []  # nothing declared that nothing uses


@pytest.mark.slow
def test_install_without_extras_runs_every_module(tmp_path: Path):
    """A fresh virtual environment, `pip install .`, then every kmgraph module imports and the CLI runs."""
    source = tmp_path / "source"  # the tracked tree only: no build/ left over from an earlier build
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split("\n")
    for name in filter(None, tracked):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin/python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(source)], capture_output=True,
                             text=True, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    script = ("import importlib, pkgutil, kmgraph\n"
              "names = [m.name for m in pkgutil.walk_packages(kmgraph.__path__, 'kmgraph.') if m.name != 'kmgraph.__main__']\n"
              "[importlib.import_module(n) for n in names]\n"
              "print(len(names))")
    imported = subprocess.run([str(python), "-c", script], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert imported.returncode == 0 and int(imported.stdout) > 50, imported.stderr[-3000:]
    for extra in _declared("test"):
        shown = subprocess.run([str(python), "-m", "pip", "show", extra], capture_output=True, text=True, check=False)
        required_by = re.search(r"^Required-by: (.*)$", shown.stdout, re.MULTILINE)
        brought_by = set(required_by.group(1).split(", ")) if required_by else set()
        assert shown.returncode != 0 or extra in _declared() or brought_by & TRANSITIVE.get(extra, set()), \
            f"{extra} came with the plain install"
    cli = subprocess.run([str(venv / "bin/kmgraph"), "serve", "--help"], capture_output=True, text=True, check=False)
    assert cli.returncode == 0 and "--store" in cli.stdout
