"""SSSOM tables: the bundled crosswalk table reads back, and turns into annotated SKOS mappings."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from kmgraph.errors import InputError
from kmgraph.namespaces import SSSOM
from kmgraph.resources import MAPPINGS_DIR
from kmgraph.vocab.sssom import MappingSet, read_sssom, to_skos, write_sssom

TABLE = MAPPINGS_DIR / "gbf-crosswalks.sssom.tsv"


def test_bundled_table_reads():
    mset = read_sssom(TABLE)
    assert mset.metadata["license"].startswith("https://")
    assert len(mset.rows) == 121
    assert {r["predicate_id"] for r in mset.rows} == {"skos:relatedMatch"}
    assert all(r["source"] and r["mapping_justification"] for r in mset.rows)


def test_to_skos_keeps_provenance():
    g = to_skos(read_sssom(TABLE))
    subject = URIRef("https://w3id.org/kmgraph/id/GBF-TARGET-02")
    aichi = URIRef("https://w3id.org/kmgraph/id/AICHI-TARGET-15")
    assert (subject, SKOS.relatedMatch, aichi) in g
    axioms = [a for a in g.subjects(OWL.annotatedSource, subject) if (a, OWL.annotatedTarget, aichi) in g]
    assert len(axioms) == 1
    assert g.value(axioms[0], SSSOM.mapping_justification) == URIRef("https://w3id.org/semapv/vocab/ManualMappingCuration")
    assert "gbf-sameas" in str(g.value(axioms[0], DCTERMS.source))


def test_round_trip(tmp_path):
    mset = read_sssom(TABLE)
    out = tmp_path / "copy.sssom.tsv"
    write_sssom(mset, out, list(mset.rows[0].keys()))
    again = read_sssom(out)
    assert again.rows == mset.rows and again.metadata == mset.metadata


def test_unknown_prefix_is_an_input_error(tmp_path):
    mset = MappingSet({"curie_map": {"skos": str(SKOS)}},
                      [{"subject_id": "nope:x", "predicate_id": "skos:exactMatch", "object_id": "nope:y",
                        "mapping_justification": "semapv:ManualMappingCuration"}])
    with pytest.raises(InputError, match="nope:x"):
        to_skos(mset)


def test_non_mapping_predicate_refused():
    mset = MappingSet({"curie_map": {"skos": str(SKOS), "ex": "https://example.org/"}},
                      [{"subject_id": "ex:a", "predicate_id": "skos:broader", "object_id": "ex:b",
                        "mapping_justification": "ex:j"}])
    with pytest.raises(InputError, match="not a SKOS mapping property"):
        to_skos(mset)
