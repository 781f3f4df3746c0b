"""Record counts kept, not recomputed: one count per concept in the statistics graph.

A record counts for every concept it is tagged with (``dcterms:subject``), of whose type or country
it is (``dcterms:type``, ``dcterms:spatial``), and for every concept above those (``skos:broader``,
all paths): a record tagged with an indicator counts for its target and goal. Each record write
moves the counts by the difference between the concepts its old and new content count for, in the
same update request as the write itself, so the counts and the records never disagree, whatever
stops the process. The graph also counts every record write: the retrieval index keeps the number it
has followed, so a start tells whether the index missed a write. ``rebuild`` recounts everything (``kmgraph reindex``, or a start that finds the
graph missing or counting another number of records). SPARQL users read it as
``GRAPH <https://w3id.org/kmgraph/graph/system/statistics> { ?concept kmo:recordCount ?n }``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pyoxigraph as ox

from ..namespaces import GRAPH, KMO
from ..resources import QUERIES_DIR
from ..vocab.concepts import ConceptIndex

STATISTICS_GRAPH = str(GRAPH) + "system/statistics"
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
RECORD_COUNT = ox.NamedNode(str(KMO) + "recordCount")
COUNTED = ox.NamedNode(str(KMO) + "countedRecords")  # on the graph itself: how many records it counts
WRITES = ox.NamedNode(str(KMO) + "recordWrites")  # on the graph itself: record writes so far (the index's fingerprint)
DCT = "http://purl.org/dc/terms/"
COUNTED_PREDICATES = frozenset(DCT + p for p in ("subject", "type", "spatial"))
DELETED_AT = str(KMO) + "deletedAt"


def counted_concepts(node: ox.NamedNode, triples: Iterable[ox.Triple], concepts: ConceptIndex) -> set[str]:
    """The concepts one record's content counts for (none for a deleted record)."""
    triples = list(triples)
    if any(t.subject == node and t.predicate.value == DELETED_AT for t in triples):
        return set()
    out: set[str] = set()
    todo = [t.object.value for t in triples
            if t.subject == node and t.predicate.value in COUNTED_PREDICATES and isinstance(t.object, ox.NamedNode)]
    while todo:
        iri = todo.pop()
        if iri in out:
            continue
        out.add(iri)
        concept = concepts.concepts.get(iri)
        if concept is not None:
            todo.extend(concept.broader)
    return out


def count_update(old: set[str], new: set[str], *, new_record: bool) -> str:
    """The update that moves the counts from a record's old content to its new one and counts the
    write; ``new_record`` when the write makes a record graph that did not exist."""
    rows = [(ox.NamedNode(iri), RECORD_COUNT, -1) for iri in sorted(old - new)]
    rows += [(ox.NamedNode(iri), RECORD_COUNT, 1) for iri in sorted(new - old)]
    rows += [(ox.NamedNode(STATISTICS_GRAPH), COUNTED, 1)] if new_record else []
    rows.append((ox.NamedNode(STATISTICS_GRAPH), WRITES, 1))
    values = " ".join(f"({s} {p} {ox.Literal(str(d), datatype=_INTEGER)})" for s, p, d in rows)
    return (QUERIES_DIR / "records" / "count-delta.ru").read_text(encoding="utf-8").replace(
        "<urn:kmgraph:param:rows>", values)


def rebuild_update(per_record: Iterable[set[str]], records: int, writes: int) -> str:
    """Replace the statistics graph with counts of these records' concept sets; ``records`` is the
    number of record graphs they come from, ``writes`` the write sequence (kept across rebuilds)."""
    counts: Counter[str] = Counter()
    for concepts in per_record:
        counts.update(concepts)
    graph = ox.NamedNode(STATISTICS_GRAPH)
    triples = [ox.Triple(ox.NamedNode(iri), RECORD_COUNT, ox.Literal(str(n), datatype=_INTEGER))
               for iri, n in sorted(counts.items())]
    triples.append(ox.Triple(graph, COUNTED, ox.Literal(str(records), datatype=_INTEGER)))
    triples.append(ox.Triple(graph, WRITES, ox.Literal(str(writes), datatype=_INTEGER)))
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n{data}}} }}"

