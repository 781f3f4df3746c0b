"""Read and write SSSOM mapping tables (TSV with a YAML metadata header) and turn them into SKOS.

A faithful reader of the SSSOM/TSV format (https://mapping-commons.github.io/sssom/): the header is
the block of ``#``-prefixed YAML lines, the body a TSV whose columns are SSSOM slots. CURIEs are
expanded with the table's ``curie_map``. Mappings become SKOS mapping triples, and each triple is
annotated (OWL axiom annotation, as in SSSOM's own RDF/OWL output) with its justification, source,
author and confidence so that provenance stays queryable.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, XSD

from ..errors import InputError
from ..namespaces import SSSOM

MAPPING_PREDICATES = {
    str(SKOS.exactMatch),
    str(SKOS.closeMatch),
    str(SKOS.broadMatch),
    str(SKOS.narrowMatch),
    str(SKOS.relatedMatch),
}

# Slots kept on every mapping annotation, in SSSOM column order.
ANNOTATION_SLOTS = (
    "mapping_justification",
    "author_id",
    "mapping_date",
    "confidence",
    "mapping_provider",
    "comment",
)


@dataclass
class MappingSet:
    metadata: dict
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def curie_map(self) -> dict[str, str]:
        return self.metadata.get("curie_map", {})

    def expand(self, curie: str) -> str:
        if curie.startswith(("http://", "https://", "urn:")):
            return curie
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in self.curie_map:
            raise InputError(f"SSSOM: CURIE {curie!r} has no prefix in curie_map")
        return self.curie_map[prefix] + local


def read_sssom(path: Path | str) -> MappingSet:
    text = Path(path).read_text(encoding="utf-8")
    header = [line[1:] for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    try:
        metadata = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: SSSOM metadata header is not valid YAML: {exc}") from exc
    rows = list(csv.DictReader(io.StringIO(body), delimiter="\t"))
    required = {"subject_id", "predicate_id", "object_id", "mapping_justification"}
    if rows and not required <= set(rows[0]):
        raise InputError(f"{path}: SSSOM table lacks columns {sorted(required - set(rows[0]))}")
    return MappingSet(metadata, rows)


def write_sssom(mapping_set: MappingSet, path: Path | str, columns: list[str]) -> None:
    out = io.StringIO()
    for line in yaml.safe_dump(mapping_set.metadata, sort_keys=False, allow_unicode=True).splitlines():
        out.write(f"#{line}\n")
    writer = csv.DictWriter(out, fieldnames=columns, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    for row in mapping_set.rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    Path(path).write_text(out.getvalue(), encoding="utf-8")


def to_skos(mapping_set: MappingSet) -> Graph:
    """SKOS mapping triples plus one annotated axiom per mapping carrying its provenance."""
    graph = Graph()
    set_id = mapping_set.metadata.get("mapping_set_id")
    for row in mapping_set.rows:
        subject = URIRef(mapping_set.expand(row["subject_id"]))
        predicate = URIRef(mapping_set.expand(row["predicate_id"]))
        obj = URIRef(mapping_set.expand(row["object_id"]))
        if str(predicate) not in MAPPING_PREDICATES:
            raise InputError(f"SSSOM: predicate {row['predicate_id']} is not a SKOS mapping property")
        graph.add((subject, predicate, obj))
        # A blank node named after the mapping keeps serialisations stable from run to run.
        axiom = BNode("m" + hashlib.sha1(f"{subject} {predicate} {obj}".encode()).hexdigest()[:20])
        graph.add((axiom, RDF.type, OWL.Axiom))
        graph.add((axiom, OWL.annotatedSource, subject))
        graph.add((axiom, OWL.annotatedProperty, predicate))
        graph.add((axiom, OWL.annotatedTarget, obj))
        for slot in ANNOTATION_SLOTS:
            value = (row.get(slot) or "").strip()
            if not value:
                continue
            if slot == "mapping_justification":
                term = URIRef(mapping_set.expand(value))
            elif slot == "confidence":
                term = Literal(value, datatype=XSD.double)
            elif slot == "mapping_date":
                term = Literal(value, datatype=XSD.date)
            elif slot in ("author_id", "mapping_provider") and ":" in value:
                term = URIRef(mapping_set.expand(value))
            else:
                term = Literal(value)
            graph.add((axiom, SSSOM[slot], term))
        source = (row.get("source") or mapping_set.metadata.get("mapping_provider") or "").strip()
        if source:
            graph.add((axiom, DCTERMS.source, Literal(source)))
        if set_id:
            graph.add((axiom, SSSOM.mapping_set_id, URIRef(set_id)))
    return graph
