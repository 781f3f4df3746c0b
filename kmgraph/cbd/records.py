"""A KM document stored as a kmgraph record, and given back as the document it was.

The record holds what ``queries/km-documents/to-record.rq`` maps to DCTERMS (title, summary, GBF and
Aichi targets and indicators as ``dcterms:subject``, countries as ``dcterms:spatial``, the date, the
identifier, the schema as the record type) and the document itself, whole, as an ``rdf:JSON``
literal: nothing of it is lost, and the document read back equals the one submitted.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from ..errors import RecordInvalidError
from ..records.service import KM_DOCUMENT
from ..resources import query_text
from .documents import Prepared

RDF_JSON = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")


def to_record(prepared: Prepared) -> list[ox.Triple]:
    view = ox.Store()
    view.extend(ox.Quad(t.subject, t.predicate, t.object) for t in prepared.triples)
    triples = list(view.query(query_text("km-documents/to-record")))
    node = ox.NamedNode(prepared.iri)
    document = json.dumps(prepared.document, ensure_ascii=False, separators=(",", ":"))
    return triples + [ox.Triple(node, KM_DOCUMENT, ox.Literal(document, datatype=RDF_JSON))]


def document_of(triples: list[ox.Triple]) -> dict | None:
    """The KM document a record was imported from (None for a record submitted as RDF)."""
    literal = next((t.object for t in triples if t.predicate == KM_DOCUMENT), None)
    return json.loads(literal.value) if literal is not None else None


TAGGED_SCHEMAS = ("resource", "capacityBuildingInitiative")


def suggest_gbf_targets(prepared: Prepared, taggers, max_chars: int, limit: int = 5) -> list[dict]:
    """GBF targets the tagger suggests for a resource or initiative that names none (from its title
    and summary, in the first of its languages the tagger reads); empty otherwise."""
    doc = prepared.document
    if prepared.schema.name not in TAGGED_SCHEMAS or doc.get("gbfTargets"):
        return []
    lang = next((x for x in prepared.languages if x in ("en", "fr", "es")), "en")
    parts = [doc.get(field) for field in ("title", "summary", "description")]
    text = " ".join(p[lang] for p in parts if isinstance(p, dict) and isinstance(p.get(lang), str)).strip()
    if not text:
        return []
    _, found = taggers.suggest("gbf-targets", text[:max_chars], lang, limit * 2, 0.0, max_chars)
    return [{"identifier": s.notation, "label": s.label, "score": round(s.score, 4)}
            for s in found if s.notation.startswith("GBF-TARGET-")][:limit]


def import_document(documents, records, document: object, actor, *, replace: str | None = None) -> tuple[str, str, dict]:
    """Validate a KM document against its schema and store it as a record (or replace record
    ``replace`` with it): (record id, record IRI, CBD report). An invalid document is not stored:
    RecordInvalidError carries the CBD report."""
    prepared = documents.reader().prepare(document)
    report = documents.validate([prepared])[0]
    if not report.valid:
        raise RecordInvalidError("the KM document does not conform to its schema; nothing was stored",
                                 detail={"report": report.as_cbd()})
    triples = to_record(prepared)
    if replace is not None:
        records.replace(replace, triples, actor, shapes=False)
        return replace, prepared.iri, report.as_cbd()
    record_id, uri = records.create(triples, actor, shapes=False)
    return record_id, uri, report.as_cbd()
