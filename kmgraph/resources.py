"""Where the bundled ontology, vocabularies, shapes and queries live.

They are plain files at the top of the source tree (``ontology/``, ``shapes/``, ``queries/``) so that
curators can read and edit them; kmgraph runs from a checkout (``make run`` installs it editable).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kmgraph.ttl"
VOCABULARY_DIR = ONTOLOGY_DIR / "vocabularies"
MAPPINGS_DIR = ONTOLOGY_DIR / "mappings"
SHAPES_DIR = ROOT / "shapes"
RECORD_SHAPES = SHAPES_DIR / "records.ttl"  # kmgraph's own record shape
DOCUMENT_SHAPES = SHAPES_DIR / "km-documents.ttl"  # the CBD's KM document schemas (generated)
QUERIES_DIR = ROOT / "queries"


def query_text(name: str) -> str:
    """Text of a bundled SPARQL file, e.g. ``system/graph-counts``."""
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
