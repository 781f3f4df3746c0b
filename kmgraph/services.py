"""The services every face (HTTP, CLI, web) works with, built once per store.

``initialise`` fills an empty store: the ontology, the bundled vocabularies and the sample catalogue
of knowledge objects (each record validated and stored with its history like any submission).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from .records.index import RetrievalIndex
from .records.service import Actor, RecordService
from .resources import ROOT
from .store import Store
from .tagging.projects import Taggers
from .validation import RecordValidator
from .vocab import bundled
from .vocab.concepts import ConceptIndexCache

CATALOGUE = ROOT / "examples/catalogue/sample-catalogue.ttl"
TYPE = ox.NamedNode("http://purl.org/dc/terms/type")


@dataclass
class Services:
    store: Store
    validator: RecordValidator
    concepts: ConceptIndexCache
    records: RecordService
    taggers: Taggers


def index_path(store: Store) -> Path | None:
    """The retrieval index lives beside an embedded store on disk; otherwise in memory."""
    path = getattr(store, "path", None)
    return path.with_name(path.name + ".index") / "retrieval.sqlite" if path is not None else None


def build_services(store: Store) -> Services:
    validator = RecordValidator(store)
    concepts = ConceptIndexCache(store)
    records = RecordService(store, validator, concepts, RetrievalIndex(index_path(store)))
    return Services(store, validator, concepts, records, Taggers(store, concepts))


def initialise(services: Services, progress: Callable[[str, int], None] | None = None) -> tuple[int, int]:
    """Load the bundled ontology and vocabularies, then the sample catalogue; (triples, records)."""
    triples = bundled.load_bundled(services.store, (lambda item, n: progress(item.id, n)) if progress else None)
    loaded = load_catalogue(services, CATALOGUE)
    if progress:
        progress("sample catalogue", loaded)
    return triples, loaded


def load_catalogue(services: Services, path: Path) -> int:
    """Submit every record of a catalogue file (one record per node with dcterms:type)."""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    actor = Actor(name="kmgraph init", role="system", client="bundled sample catalogue")
    count = 0
    for node in [s for s, ts in by_subject.items() if any(t.predicate == TYPE for t in ts)]:
        record_id = services.records.id_for(node)
        if record_id is not None and services.store.has_graph(f"https://w3id.org/kmgraph/graph/record/{record_id}"):
            continue
        services.records.create(_closure(node, by_subject), actor)
        count += 1
    return count


def _closure(node, by_subject: dict) -> list[ox.Triple]:
    """The node's triples and those of the blank nodes it reaches."""
    out, todo, seen = [], [node], set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for t in by_subject.get(n, []):
            out.append(t)
            if isinstance(t.object, ox.BlankNode):
                todo.append(t.object)
    return out
