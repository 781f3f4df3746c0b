"""The services every face (HTTP, CLI, web) works with, built once per store.

``initialise`` fills an empty store: the ontology, the bundled vocabularies and the sample catalogue
of knowledge objects (each record validated and stored with its history like any submission).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from .access import Actor, Right
from .cbd.thesaurus import ThesaurusCache
from .cbd.validation import DocumentValidator
from .curation import Curator, source_for_path
from .namespaces import ONTOLOGY_GRAPH
from .queries import TextIndex
from .records.index import RetrievalIndex
from .records.service import RecordService
from .resources import ONTOLOGY_FILE, ROOT
from .store import Store
from .tagging.config import Project, load_projects
from .tagging.projects import Taggers
from .validation import RecordValidator
from .vocab import bundled
from .vocab.concepts import ConceptIndexCache
from .vocab.kmgbf import KmgbfCache

CATALOGUE = ROOT / "examples/catalogue/sample-catalogue.ttl"
TYPE = ox.NamedNode("http://purl.org/dc/terms/type")


@dataclass
class Services:
    store: Store
    validator: RecordValidator
    concepts: ConceptIndexCache
    records: RecordService
    taggers: Taggers
    curator: Curator
    kmgbf: KmgbfCache  # the official KMGBF graph, as metadata.cbd.int's API reads it
    documents: DocumentValidator  # the clearing-house's KM documents
    thesaurus: ThesaurusCache  # the CBD thesaurus API's domains and terms
    recovered: list[str]  # what opening repaired (unfinished vocabulary loads)


ARCHIVE_SUFFIX = ".versions"  # vocabulary version archives, beside the store
INDEX_SUFFIX = ".index"  # the retrieval index (derived: rebuilt from the store when missing)
MODELS_SUFFIX = ".models"  # tagging models (derived: trained again when missing or stale)


def beside(path: Path | None, suffix: str) -> Path | None:
    """The folder named ``path`` + ``suffix`` next to ``path`` (``None`` without a path)."""
    return path.with_name(path.name + suffix) if path is not None else None


def beside_store(store: Store, suffix: str) -> Path | None:
    """A folder beside an embedded store on disk (``None`` for a store in memory or remote)."""
    return beside(getattr(store, "path", None), suffix)


def build_services(store: Store, projects: dict[str, Project] | None = None) -> Services:
    """Every service over ``store``; ``projects``: the tagging projects (default: the bundled file)."""
    validator = RecordValidator(store)
    concepts = ConceptIndexCache(store)
    index = beside(store.index_home, INDEX_SUFFIX)
    records = RecordService(store, validator, concepts, RetrievalIndex(index / "retrieval.sqlite" if index else None))
    curator = Curator(store, beside_store(store, ARCHIVE_SUFFIX))
    recovered = [] if store.read_only else curator.recover()  # a read-only view leaves that to the writer
    # Models derive from the store's data, as the index does: kept beside it, a remote store's too.
    taggers = Taggers(store, concepts, projects or load_projects(), curator.catalog.vocabularies,
                      beside(store.index_home, MODELS_SUFFIX))
    return Services(store, validator, concepts, records, taggers, curator, KmgbfCache(store),
                    DocumentValidator(validator, concepts), ThesaurusCache(store, concepts), recovered)


def query_indexes(services: Services, *, check: bool = False) -> dict[str, TextIndex]:
    """The indexes named queries may use (``index:`` in a query's header). With ``check``, those over
    records only when the retrieval index has followed every record write: a command reading beside
    a running service, or after a crash, may find it behind, and then runs the queries without it."""
    indexes = services.concepts.text_indexes()
    records = services.records
    if not check or records.index.writes() == records.statistics()[1]:
        indexes |= records.text_indexes()
    return indexes


SYSTEM = Actor(name="kmgraph init", role="system", client="bundled vocabularies", rights=frozenset(Right))


def load_bundled_versions(services: Services, progress: Callable[[str, int], None] | None = None) -> int:
    """Load the ontology, then each bundled vocabulary as a version through the quality gate.

    The bundled files are official data: findings the gate reports in them (the CBD list gives
    GBF-INDICATOR-219 to two indicators, the SDG KOS has two labels per language for one target)
    are kept as reported and the versions recorded as forced, not edited away.
    """
    total = services.store.replace_graph(str(ONTOLOGY_GRAPH), ONTOLOGY_FILE, ox.RdfFormat.TURTLE)
    for item in bundled.bundled_graphs()[1:]:
        result = services.curator.load([source_for_path(item.path)], SYSTEM, item.id, force=True,
                                       comment="bundled vocabulary")
        total += result.summary.triples
        if progress:
            progress(item.id, result.summary.triples)
    return total


def initialise(services: Services, progress: Callable[[str, int], None] | None = None) -> tuple[int, int]:
    """Load the bundled ontology and vocabularies, then the sample catalogue; (triples, records)."""
    triples = load_bundled_versions(services, progress)
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
    actor = replace(SYSTEM, client="bundled sample catalogue")
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
