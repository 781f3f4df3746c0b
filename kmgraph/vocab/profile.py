"""What a vocabulary holds: its metadata, counts and language coverage, and its current version."""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import NotFoundError
from ..namespaces import vocabulary_graph
from ..resources import query_text
from ..store import Store
from .bundled import vocabularies


def vocabulary_profile(store: Store, curator, vocab_id: str) -> dict:
    graph = vocabulary_graph(vocab_id)
    if not store.has_graph(graph):
        raise NotFoundError(f"no vocabulary {vocab_id!r}; GET /vocabularies lists them")
    info = next((v for v in vocabularies(store) if v.graph == graph), None)
    rows = store.query(query_text("curation/vocabulary-profile"), bindings={"graph": ox.NamedNode(graph)},
                       union_default_graph=False)
    coverage = {r["lang"].value or "(none)": int(r["concepts"].value) for r in rows}
    counts = next(iter(store.query(query_text("system/vocabulary-counts"), bindings={"graph": ox.NamedNode(graph)},
                                   union_default_graph=False)))
    concepts = int(counts["concepts"].value)
    versions = curator.versions(vocab_id)
    current = next((v for v in versions if v.status == "current"), None)
    return {
        "id": vocab_id,
        "graph": graph,
        "title": info.title if info else vocab_id,
        "version_info": info.version if info else None,
        "triples": int(counts["triples"].value),
        "concepts": concepts,
        "schemes": int(counts["schemes"].value),
        "languages": {lang: {"concepts": n, "coverage": round(n / concepts, 3) if concepts else 0.0}
                      for lang, n in coverage.items()},
        "current_version": current.__dict__ if current else None,
        "versions": len(versions),
    }
