"""Named queries rewritten so the engine can plan them (issue 19, item 3) still give the answers
they gave: the gap analysis, checked against a recount on a store where some targets have records
(directly, through an indicator, or only through a deleted record)."""

from __future__ import annotations

import pytest

from kmgraph.queries import QueryCatalog
from kmgraph.store import EmbeddedStore
from kmgraph.vocab import bundled

KMID = "https://w3id.org/kmgraph/id/"
RECORDS = "https://example.org/records/"


@pytest.fixture(scope="module")
def tagged_store():
    store = EmbeddedStore(None)
    bundled.load_bundled(store)
    indicator = next(iter(store.query(
        "SELECT ?i WHERE { ?i <http://www.w3.org/2004/02/skos/core#broader> ?t . ?t <http://www.w3.org/2004/02/skos/core#notation> \"GBF-TARGET-03\" } LIMIT 1")))["i"]
    store.update(f"""
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX kmo: <https://w3id.org/kmgraph/ontology#>
        INSERT DATA {{
          GRAPH <{RECORDS}a> {{ <{RECORDS}a> a kmo:KnowledgeObject ; dcterms:subject <{KMID}GBF-TARGET-01> }}
          GRAPH <{RECORDS}b> {{ <{RECORDS}b> a kmo:KnowledgeObject ; dcterms:subject {indicator} }}
          GRAPH <{RECORDS}c> {{ <{RECORDS}c> a kmo:KnowledgeObject ; dcterms:subject <{KMID}GBF-TARGET-05> ;
                                    kmo:deletedAt "2026-01-01T00:00:00Z" }}
        }}""")
    return store


def test_gap_analysis_lists_exactly_the_targets_without_live_records(tagged_store):
    text = QueryCatalog().get("targets-without-records").bind({})
    found = [r["notation"].value for r in tagged_store.query(text)]
    every = [f"GBF-TARGET-{n:02d}" for n in range(1, 24)]
    assert found == [n for n in every if n not in ("GBF-TARGET-01", "GBF-TARGET-03")]
    assert "GBF-TARGET-05" in found  # its only record is deleted


def test_records_by_target_follows_the_hierarchy(tagged_store):
    text = QueryCatalog().get("records-by-target").bind({"target": "GBF-GOAL-A"})
    records = {r["record"].value for r in tagged_store.query(text)}
    assert records == {f"{RECORDS}a", f"{RECORDS}b"}  # the deleted one is not listed
