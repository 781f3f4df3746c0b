"""Imports run one way, down: no circles between kmgraph's modules or packages, and the layers hold."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "kmgraph"
# (importer prefix, imported prefix): a lower layer never imports these higher ones.
FORBIDDEN = [("kmgraph.api", "kmgraph.web"), ("kmgraph.api", "kmgraph.app"), ("kmgraph.web", "kmgraph.app"),
             ("kmgraph.store", "kmgraph.querying"), ("kmgraph.sparql", "kmgraph.store"),
             ("kmgraph.sparql", "kmgraph.querying")]
LAYERS_ABOVE_ALL = ("kmgraph.cli", "kmgraph.__main__")  # nothing imports the command line but itself


def _name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Module -> the kmgraph modules it imports, anywhere in its body (lazy imports too)."""
    modules = {_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" for a in node.names]  # a name that is no module trims to base
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith("kmgraph") and target != module:
                    graph[module].add(target)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def _package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same imports between kmgraph's first-level packages and modules."""
    top = lambda m: ".".join(m.split(".")[:2])
    out: dict[str, set[str]] = {}
    for module, targets in graph.items():
        out.setdefault(top(module), set()).update(top(t) for t in targets if top(t) != top(module) and top(t) != "kmgraph")
    for targets in list(out.values()):
        for t in targets:
            out.setdefault(t, set())
    return out


def test_no_import_circles():
    graph = _imports()
    assert len(graph) > 80  # the whole package was read
    assert _circles(graph) == []
    assert _circles(_package_graph(graph)) == []


def test_layers_import_downwards_only():
    graph = _imports()
    wrong = sorted((m, t) for m, targets in graph.items() for t in targets
                   for low, high in FORBIDDEN if m.startswith(low) and t.startswith(high))
    assert wrong == []
    assert sorted((m, t) for m, targets in graph.items() for t in targets
                  if t.startswith(LAYERS_ABOVE_ALL) and not m.startswith(LAYERS_ABOVE_ALL)) == []
