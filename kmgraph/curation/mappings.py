"""Crosswalks as SSSOM tables: import one as a vocabulary version, export a vocabulary's mappings.

Import turns each row into a SKOS mapping triple with an ``owl:Axiom`` carrying its justification,
author, date, confidence and source (``kmgraph.vocab.sssom``), then loads it like any vocabulary,
through the quality gate. Export reads the same triples and annotations back with SPARQL.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..errors import NotFoundError
from ..namespaces import PREFIXES, vocabulary_graph
from ..access import Actor
from ..resources import query_text
from ..vocab.sssom import MappingSet, read_sssom, to_skos, write_sssom
from .curator import Curator, LoadResult
from .sources import source_for_upload, vocabulary_id

COLUMNS = ["subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "author_id", "mapping_date", "confidence", "mapping_provider", "source", "comment"]
ANNOTATIONS = [c for c in COLUMNS if c not in ("subject_id", "predicate_id", "object_id")]
CURIE_MAP = {"skos": PREFIXES["skos"], "semapv": "https://w3id.org/semapv/vocab/", "kmid": PREFIXES["kmid"],
             "sdg": PREFIXES["sdg"], "orcid": "https://orcid.org/"}


def import_mappings(curator: Curator, path: Path, actor: Actor, vocab: str | None = None, *,
                    force: bool = False) -> LoadResult:
    mapping_set = read_sssom(path)
    turtle = to_skos(mapping_set).serialize(format="turtle").encode("utf-8")
    source = source_for_upload(path.name, "text/turtle", turtle)
    vocab_id = vocab or "".join(c if c.isalnum() else "-" for c in path.name.split(".")[0].lower())
    return curator.load([source], actor, vocab_id, force=force, comment=f"SSSOM mapping set {path.name}")


def export_mappings(curator: Curator, vocab: str, path: Path) -> int:
    graph = vocabulary_graph(vocabulary_id(vocab))
    if not curator.store.has_graph(graph):
        raise NotFoundError(f"no vocabulary {vocab!r}")
    rows = []
    for r in curator.store.query(query_text("curation/mappings"), bindings={"graph": ox.NamedNode(graph)}):
        row = {"subject_id": _curie(r["subject"]), "predicate_id": _curie(r["predicate"]),
               "object_id": _curie(r["object"])}
        for column in ANNOTATIONS:
            if r[column] is not None:
                row[column] = _curie(r[column]) if isinstance(r[column], ox.NamedNode) else r[column].value
        rows.append(row)
    metadata = {"mapping_set_id": f"https://w3id.org/kmgraph/mappings/{vocab}.sssom.tsv",
                "license": "https://opensource.org/licenses/MIT", "curie_map": CURIE_MAP}
    write_sssom(MappingSet(metadata, rows), path, COLUMNS)
    return len(rows)


def _curie(term: ox.NamedNode | ox.Literal) -> str:
    value = term.value
    for prefix, namespace in CURIE_MAP.items():
        if value.startswith(namespace) and len(value) > len(namespace):
            return f"{prefix}:{value[len(namespace):]}"
    return value
