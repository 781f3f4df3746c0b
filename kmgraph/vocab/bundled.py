"""The ontology and vocabularies shipped with kmgraph, and loading them into a store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_GRAPH, vocabulary_graph
from ..resources import ONTOLOGY_FILE, VOCABULARY_DIR, query_text
from ..store import Store


@dataclass(frozen=True)
class BundledGraph:
    id: str
    path: Path
    graph: str


def bundled_graphs() -> list[BundledGraph]:
    """The ontology first, then every file of ``ontology/vocabularies`` (one vocabulary each)."""
    items = [BundledGraph("ontology", ONTOLOGY_FILE, str(ONTOLOGY_GRAPH))]
    for path in sorted(VOCABULARY_DIR.glob("*.ttl")):
        items.append(BundledGraph(path.stem, path, vocabulary_graph(path.stem)))
    return items


def load_bundled(store: Store, progress: Callable[[BundledGraph, int], None] | None = None) -> int:
    """Load (or reload) every bundled graph, each replaced atomically; return the total triple count."""
    total = 0
    for item in bundled_graphs():
        count = store.replace_graph(item.graph, item.path, ox.RdfFormat.TURTLE)
        total += count
        if progress:
            progress(item, count)
    return total


@dataclass(frozen=True)
class VocabularyInfo:
    id: str
    title: str
    version: str
    graph: str


def vocabularies(store: Store) -> list[VocabularyInfo]:
    return [
        VocabularyInfo(
            s["id"].value,
            s["title"].value if s["title"] is not None else "",
            s["version"].value,
            s["graph"].value,
        )
        for s in store.query(query_text("system/vocabularies"), union_default_graph=False)
    ]
