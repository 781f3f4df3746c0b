"""Knowledge-object records: submit (validated), read, replace, soft-delete, tag; history and provenance.

Each record lives in its own named graph with its provenance (who, when, from where). Every change
also appends a version to the history graph, holding a snapshot of the record as an N-Triples literal
(so old versions never show up in queries over the union of graphs). A change is one SPARQL Update,
hence one transaction, on either backend. The retrieval index follows every change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from collections.abc import Mapping

import pyoxigraph as ox

from ..access import Actor, Right
from ..errors import (
    InputError,
    NotFoundError,
    PermissionDeniedError,
    RecordConflictError,
    RecordGoneError,
    RecordInvalidError,
)
from ..namespaces import BASE, GRAPH, KMO
from ..queries import NARROW_MAX, TextIndex
from ..resources import query_text
from ..store import Store
from ..validation import RecordValidator
from ..validation.records import no_record
from ..vocab.concepts import ConceptIndex, ConceptIndexCache
from .counts import STATISTICS_GRAPH, count_update, counted_concepts, rebuild_update
from .index import IndexedRecord, RetrievalIndex

RECORD_BASE = BASE + "record/"
RECORD_GRAPH = str(GRAPH) + "record/"
HISTORY_GRAPH = str(GRAPH) + "system/record-history"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TYPE = ox.NamedNode(DCT + "type")
SUBJECT = ox.NamedNode(DCT + "subject")
DELETED_AT = ox.NamedNode(str(KMO) + "deletedAt")
KNOWLEDGE_OBJECT = ox.NamedNode(str(KMO) + "KnowledgeObject")
KM_DOCUMENT = ox.NamedNode(str(KMO) + "kmDocument")  # a record imported from a CBD KM document
TARGET_CLASS = str(KMO) + "Target"


def record_graph(record_id: str) -> str:
    return RECORD_GRAPH + record_id


def _now() -> ox.Literal:
    return ox.Literal(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                      datatype=ox.NamedNode(XSD + "dateTime"))


def _check_id(record_id: str) -> str:
    if not record_id or len(record_id) > 64 or not all(c.isalnum() or c in "-_" for c in record_id):
        raise NotFoundError(f"no record {record_id!r}")
    return record_id


class RecordService:
    def __init__(self, store: Store, validator: RecordValidator, concepts: ConceptIndexCache,
                 index: RetrievalIndex) -> None:
        self.store = store
        self.validator = validator
        self.concepts = concepts
        self.index = index
        # The counts move by the difference between a record's old and new content: the old content
        # read and the write made by one writer at a time.
        self._write_lock = threading.Lock()

    # reading -----------------------------------------------------------------------------------

    def triples(self, record_id: str, *, include_deleted: bool = False) -> list[ox.Triple]:
        graph = record_graph(_check_id(record_id))
        if not self.store.has_graph(graph):
            raise NotFoundError(f"no record {record_id!r}")
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in ox.parse(self.store.dump_graph(graph, ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)]
        if not include_deleted and any(t.predicate == DELETED_AT for t in triples):
            raise RecordGoneError(f"record {record_id} was deleted")
        return triples

    def history(self, record_id: str) -> list[dict]:
        _check_id(record_id)
        rows = self.store.query(query_text("system/record-history"),
                                bindings={"recordId": ox.Literal(record_id)}, default_graph=[HISTORY_GRAPH])
        return [{"version": int(r["version"].value), "action": r["action"].value, "at": r["at"].value,
                 "by": r["by"].value, "role": r["role"].value, "from": r["client"].value if r["client"] else ""}
                for r in rows]

    # writing -----------------------------------------------------------------------------------

    @staticmethod
    def id_for(node) -> str | None:
        """The stable id of a record named by an IRI (None for a blank node: one is minted)."""
        return hashlib.sha1(node.value.encode()).hexdigest()[:16] if isinstance(node, ox.NamedNode) else None

    def create(self, triples: list[ox.Triple], actor: Actor, lang: str = "en", *, shapes: bool = True) -> tuple[str, str]:
        """Store a new record; ``shapes=False`` when it was validated against other shapes already
        (a KM document, checked against its clearing-house schema)."""
        node = self._single_record(triples)
        if isinstance(node, ox.NamedNode):
            record_id = self.id_for(node)
            if self.store.has_graph(record_graph(record_id)):
                raise RecordConflictError(f"record {node.value} exists as {record_id}; replace it with PUT /records/{record_id}")
        else:
            record_id = secrets.token_hex(8)
            iri = ox.NamedNode(RECORD_BASE + record_id)
            triples = [_rename(t, node, iri) for t in triples]
            node = iri
        if shapes:
            self._validate(triples, lang)
        self._write(record_id, node, triples, actor, "create", version=1)
        return record_id, node.value

    def replace(self, record_id: str, triples: list[ox.Triple], actor: Actor, lang: str = "en", *,
                shapes: bool = True) -> None:
        current = self.triples(record_id)
        self._authorise(record_id, actor, Right.EDIT_ANY)
        node = self._subject_of(current)
        submitted = self._single_record(triples)
        triples = [_rename(t, submitted, node) for t in triples] if submitted != node else triples
        if shapes:
            self._validate(triples, lang)
        self._write(record_id, node, triples, actor, "replace", version=self._next_version(record_id))

    def delete(self, record_id: str, actor: Actor) -> None:
        current = self.triples(record_id)
        self._authorise(record_id, actor, Right.EDIT_ANY)
        node = self._subject_of(current)
        kept = [t for t in current if not t.predicate.value.startswith(PROV)]
        self._write(record_id, node, kept + [ox.Triple(node, DELETED_AT, _now())], actor, "delete",
                    version=self._next_version(record_id))

    def add_tags(self, record_id: str, concepts: list[str], actor: Actor, lang: str = "en") -> list[str]:
        index = self.concepts.get()
        resolved = [index.get(c).iri for c in concepts]
        current = [t for t in self.triples(record_id) if not t.predicate.value.startswith(PROV)]
        self._authorise(record_id, actor, Right.TAG_ANY)
        node = self._subject_of(current)
        new = current + [ox.Triple(node, SUBJECT, ox.NamedNode(iri)) for iri in resolved
                         if ox.Triple(node, SUBJECT, ox.NamedNode(iri)) not in current]
        if not any(t.predicate == KM_DOCUMENT for t in current):  # a KM document's shapes are its schema's
            self._validate(new, lang)
        self._write(record_id, node, new, actor, "tag-add " + " ".join(resolved), version=self._next_version(record_id))
        return resolved

    def remove_tag(self, record_id: str, concept: str, actor: Actor) -> None:
        index = self.concepts.get()
        known = index.find(concept)
        iri = known.iri if known else concept
        current = [t for t in self.triples(record_id) if not t.predicate.value.startswith(PROV)]
        self._authorise(record_id, actor, Right.TAG_ANY)
        node = self._subject_of(current)
        tag = ox.Triple(node, SUBJECT, ox.NamedNode(iri)) if ":" in iri else None
        if tag is None or tag not in current:
            raise NotFoundError(f"record {record_id} has no tag {concept}")
        self._write(record_id, node, [t for t in current if t != tag], actor, "tag-remove " + iri,
                    version=self._next_version(record_id))

    # internals ---------------------------------------------------------------------------------

    def owner(self, record_id: str) -> str:
        """The name that submitted the record's first version."""
        return min(self.history(record_id), key=lambda h: h["version"])["by"]

    def _authorise(self, record_id: str, actor: Actor, right_over_others: Right) -> None:
        """Its submitter may change a record; others need ``right_over_others``."""
        if not actor.can(right_over_others) and self.owner(record_id) != actor.name:
            raise PermissionDeniedError(f"record {record_id} was submitted by another account; "
                                        f"changing it needs the {right_over_others.value!r} right")

    def _single_record(self, triples: list[ox.Triple]):
        records = list(dict.fromkeys(t.subject for t in triples if t.predicate == TYPE))
        if not records:
            raise no_record(len(triples))
        if len(records) != 1:
            raise InputError(f"send exactly one record (a node with dcterms:type) per request; this body has {len(records)}")
        return records[0]

    def _subject_of(self, triples: list[ox.Triple]):
        return next(t.subject for t in triples if t.predicate == TYPE)

    def _validate(self, triples: list[ox.Triple], lang: str) -> None:
        report = self.validator.validate(triples, lang)
        if not report.conforms:
            raise RecordInvalidError("the record does not conform to the shapes; nothing was stored",
                                     detail={"report": report.as_dict()})

    def _next_version(self, record_id: str) -> int:
        versions = [h["version"] for h in self.history(record_id)]
        return max(versions, default=0) + 1

    def _write(self, record_id: str, node, triples: list[ox.Triple], actor: Actor, action: str, version: int) -> None:
        graph = ox.NamedNode(record_graph(record_id))
        now = _now()
        content = [t for t in triples if not t.predicate.value.startswith(PROV)]
        if ox.Triple(node, RDF_TYPE, KNOWLEDGE_OBJECT) not in content:
            content.append(ox.Triple(node, RDF_TYPE, KNOWLEDGE_OBJECT))
        content.append(ox.Triple(node, ox.NamedNode(str(KMO) + "recordId"), ox.Literal(record_id)))
        provenance = [
            ox.Triple(graph, ox.NamedNode(PROV + "wasAttributedTo"), ox.Literal(actor.name)),
            ox.Triple(graph, ox.NamedNode(PROV + "generatedAtTime"), now),
            ox.Triple(graph, ox.NamedNode(str(KMO) + "submittedFrom"), ox.Literal(actor.client)),
            ox.Triple(graph, ox.NamedNode(str(KMO) + "version"), ox.Literal(str(version), datatype=ox.NamedNode(XSD + "integer"))),
        ]
        snapshot = ox.serialize(content, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        v = ox.NamedNode(f"{RECORD_BASE}{record_id}/version/{version}")
        history = [
            ox.Triple(v, RDF_TYPE, ox.NamedNode(str(KMO) + "RecordVersion")),
            ox.Triple(v, ox.NamedNode(str(KMO) + "recordId"), ox.Literal(record_id)),
            ox.Triple(v, ox.NamedNode(str(KMO) + "version"), ox.Literal(str(version), datatype=ox.NamedNode(XSD + "integer"))),
            ox.Triple(v, ox.NamedNode(str(KMO) + "action"), ox.Literal(action)),
            ox.Triple(v, ox.NamedNode(PROV + "generatedAtTime"), now),
            ox.Triple(v, ox.NamedNode(PROV + "wasAttributedTo"), ox.Literal(actor.name)),
            ox.Triple(v, ox.NamedNode(str(KMO) + "role"), ox.Literal(actor.role)),
            ox.Triple(v, ox.NamedNode(str(KMO) + "submittedFrom"), ox.Literal(actor.client)),
            ox.Triple(v, ox.NamedNode(str(KMO) + "snapshot"), ox.Literal(snapshot)),
        ]
        concepts = self.concepts.get()
        with self._write_lock:
            existed = self.store.has_graph(graph.value)
            before = self.triples(record_id, include_deleted=True) if existed else []
            counting = count_update(counted_concepts(node, before, concepts), counted_concepts(node, content, concepts),
                                    new_record=not existed)
            # One update request, one transaction: the record, its provenance, its history and the
            # counts together.
            self.store.update(f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{ {_data(content + provenance)} }}\n"
                              f"GRAPH <{HISTORY_GRAPH}> {{ {_data(history)} }} }} ;\n{counting}",
                              graphs=[graph.value, HISTORY_GRAPH, STATISTICS_GRAPH])
            # Under the same lock, so the index's write number is that of every write it holds.
            self.index.upsert([indexed(record_id, node, content, concepts)], writes=self.statistics()[1])

    # the retrieval index -----------------------------------------------------------------------

    def ensure_index(self, *, full: bool = False) -> bool:
        """Rebuild the retrieval index and the counts when they are not in step with the store, and say
        if it did: the index has not followed the last record write (a process killed in between),
        or either holds another number of records than the store (records written behind kmgraph's
        back: a bulk load, SPARQL Update). A start counts the knowledge-object nodes, which is quick,
        and the record graphs (3 s per 200,000 records) only when those differ; ``full`` always
        counts the record graphs."""
        counted, writes = self.statistics()
        if self.index.writes() == writes and self.index.count(with_deleted=True) == counted:
            if ((not full and self._count("system/knowledge-object-count") == counted)
                    or self._count("system/record-graph-count") == counted):
                return False
        self.reindex()
        return True

    def text_indexes(self) -> dict[str, TextIndex]:
        """The indexes over records that named queries may use (``index:`` in a query's header)."""
        def page_records(tags: list[str], rows: int | None, places: list[str] | None = None) -> list[str] | None:
            return None if rows is None or rows > NARROW_MAX else self.index.newest(tags, rows, places)

        def newest(notation: str, rows: int | None, values: Mapping[str, str]) -> list[str] | None:
            return page_records(self.concepts.get().tagged_below(notation), rows)

        def newest_in_country(country: str, rows: int | None, values: Mapping[str, str]) -> list[str] | None:
            concepts, target = self.concepts.get(), values.get("target")
            tags = concepts.tagged_below(target) if target else concepts.with_notations()
            return page_records(tags, rows, concepts.having_notation(country))
        return {"records-newest": newest, "records-newest-in-country": newest_in_country}

    def _count(self, query: str) -> int:
        rows = list(self.store.query(query_text(query), union_default_graph=False))
        return int(rows[0]["n"].value)

    def statistics(self) -> tuple[int, int]:
        """How many records the statistics graph counts and how many record writes (0, 0 without it)."""
        rows = list(self.store.query(query_text("records/counted-records"), union_default_graph=False))
        if not rows:
            return 0, 0
        n, writes = rows[0]["n"], rows[0]["writes"]
        return int(n.value) if n is not None else 0, int(writes.value) if writes is not None else 0

    def counted_records(self) -> int:
        """How many records the statistics graph counts (0 when it has none)."""
        return self.statistics()[0]

    def reindex(self) -> int:
        """Rebuild the retrieval index and the counts from the records in the store (writes wait)."""
        concepts = self.concepts.get()
        with self._write_lock:
            by_graph: dict[str, list[ox.Triple]] = {}
            facts = self.store.query_graphs(  # a page of record graphs at a time, from a remote store
                query_text("system/records-for-index"), query_text("system/record-graph-page"),
                each=query_text("system/record-facts-per-graph"))
            for row in facts:
                by_graph.setdefault(row["g"].value, []).append(ox.Triple(row["s"], row["p"], row["o"]))
            records, counted = [], []
            for graph, triples in by_graph.items():
                node = next((t.subject for t in triples if t.predicate == TYPE), None)
                if node is not None:
                    records.append(indexed(graph[len(RECORD_GRAPH):], node, triples, concepts))
                    counted.append(counted_concepts(node, triples, concepts))
            writes = self.statistics()[1]
            self.store.update(rebuild_update(counted, self._count("system/record-graph-count"), writes), graphs=[STATISTICS_GRAPH])
            self.index.clear()
            self.index.upsert(records, writes=writes)
        return len(records)


def _data(triples: list[ox.Triple]) -> str:
    return " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


def _rename(t: ox.Triple, old, new) -> ox.Triple:
    return ox.Triple(new if t.subject == old else t.subject, t.predicate, new if t.object == old else t.object)


def indexed(record_id: str, node, triples: list[ox.Triple], concepts: ConceptIndex) -> IndexedRecord:
    """What the retrieval index keeps of one record."""
    def objects(pred: str) -> list:
        return [t.object for t in triples if t.subject == node and t.predicate.value == pred]

    def notation(term) -> str | None:
        c = concepts.find(term.value) if isinstance(term, ox.NamedNode) else None
        return c.notation if c else None

    titles, summaries = {}, {}
    for lit in objects(DCT + "title"):
        titles.setdefault(getattr(lit, "language", None) or "", lit.value)
    for lit in objects(DCT + "description"):
        summaries.setdefault(getattr(lit, "language", None) or "", lit.value)
    tags = [t.value for t in objects(DCT + "subject") if isinstance(t, ox.NamedNode)]
    targets = []
    for tag in tags:
        for candidate in [tag, *concepts.ancestors(tag)]:
            c = concepts.find(candidate)
            if c and TARGET_CLASS in c.types:
                targets.append(c.notation)
                break
    types, countries, dates = objects(DCT + "type"), objects(DCT + "spatial"), objects(DCT + "date")
    return IndexedRecord(
        id=record_id, iri=node.value, type=notation(types[0]) if types else None,
        country=notation(countries[0]) if countries else None, date=max((d.value for d in dates), default=None),
        titles=titles, summaries=summaries, tags=tags, targets=targets,
        deleted=bool(objects(str(KMO) + "deletedAt")), places=[p.value for p in countries if isinstance(p, ox.NamedNode)])
