"""Crosswalks as SSSOM tables: import one as a vocabulary version, export a vocabulary's mappings.

Import turns the table into SKOS mapping triples and annotated axioms (``kmgraph.vocab.sssom``) and
loads them like any vocabulary, through the quality gate. Export reads the vocabulary graph back
into a mapping set, so what was imported comes out again, negated mappings and set-level slots
included.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..access import Actor
from ..errors import NotFoundError
from ..namespaces import vocabulary_graph
from ..vocab.sssom import MappingSet, from_skos, read_sssom, to_skos, write_sssom
from .curator import Curator, LoadResult
from .sources import SourceFile, source_for_upload, vocabulary_id

EXPORT_LICENSE = "https://w3id.org/sssom/license/unspecified"


@dataclass
class MappingImport:
    result: LoadResult
    ignored: list[str]  # what the SSSOM reader dropped (undeclared slots), for the curator to see


def mapping_source(path: Path) -> tuple[SourceFile, list[str]]:
    """An SSSOM table as the Turtle source a vocabulary version is made of, and what its reader ignored."""
    mapping_set = read_sssom(path)
    turtle = to_skos(mapping_set).serialize(format="turtle").encode("utf-8")
    return source_for_upload(path.name, "text/turtle", turtle), mapping_set.ignored


def mapping_vocabulary_id(path: Path, vocab: str | None = None) -> str:
    """The vocabulary a table is imported as: the one given, else its file name (``gbf-sdg.sssom.tsv``: ``gbf-sdg``)."""
    return vocab or "".join(c if c.isalnum() else "-" for c in path.name.split(".")[0].lower())


def import_mappings(curator: Curator, path: Path, actor: Actor, vocab: str | None = None, *,
                    force: bool = False) -> MappingImport:
    source, ignored = mapping_source(path)
    result = curator.load([source], actor, mapping_vocabulary_id(path, vocab), force=force,
                          comment=f"SSSOM mapping set {path.name}")
    return MappingImport(result, ignored)


def exported_mapping_set(curator: Curator, vocab: str) -> MappingSet:
    graph_iri = vocabulary_graph(vocabulary_id(vocab))
    if not curator.store.has_graph(graph_iri):
        raise NotFoundError(f"no vocabulary {vocab!r}")
    graph = Graph().parse(data=curator.store.dump_graph(graph_iri, ox.RdfFormat.N_TRIPLES), format="nt")
    mapping_set = from_skos(graph)
    # A vocabulary that never came from a table still makes a valid set: an id and a licence.
    mapping_set.metadata.setdefault("mapping_set_id", f"https://w3id.org/kmgraph/mappings/{vocab}.sssom.tsv")
    mapping_set.metadata.setdefault("license", EXPORT_LICENSE)
    return mapping_set


def export_mappings(curator: Curator, vocab: str, path: Path) -> int:
    mapping_set = exported_mapping_set(curator, vocab)
    write_sssom(mapping_set, path)
    return len(mapping_set.mappings)
