"""The retrieval index against a plain-Python reference: filters, order, totals and facets agree,
before and after writes that reach the in-memory columns (added, replaced and deleted records)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from kmgraph.records.index import IndexedRecord, Query, RetrievalIndex

TYPES = ["KO-REPORT", "KO-DATASET", "KO-EVENT"]
COUNTRIES = ["FR", "KE", "BR", None]
TARGETS = [f"GBF-TARGET-{n:02d}" for n in range(1, 8)]


def record(rng: random.Random, n: int, *, deleted: bool = False) -> IndexedRecord:
    targets = rng.sample(TARGETS, rng.randint(0, 2))
    date = rng.choice([None, f"{rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}-01"])
    return IndexedRecord(id=f"r{n:05d}", iri=f"https://example.org/r/{n}", type=rng.choice(TYPES + [None]),
                         country=rng.choice(COUNTRIES), date=date, titles={"en": f"record {n} forest" if n % 3 else f"record {n}"},
                         summaries={"en": "wetland" if n % 2 else "marine"}, tags=list(targets), targets=targets,
                         deleted=deleted)


def reference(records: dict[str, IndexedRecord], q: Query) -> tuple[int, list[str], dict]:
    hits = [r for r in records.values() if not r.deleted
            and all(set(r.tags) & concepts for concepts in q.concepts)
            and (not q.type or r.type == q.type) and (not q.country or r.country == q.country)
            and (q.year_from is None or (r.year or 0) >= q.year_from)
            and (q.year_to is None or 0 < (r.year or 0) <= q.year_to)
            and (not q.text or q.text in (r.titles["en"] + " " + r.summaries["en"]))]
    hits.sort(key=lambda r: r.id)
    hits.sort(key=lambda r: r.date or "", reverse=True)
    facets = {"type": Counter(r.type for r in hits if r.type), "country": Counter(r.country for r in hits if r.country),
              "year": Counter(str(r.year) for r in hits if r.year), "target": Counter(t for r in hits for t in r.targets)}
    return len(hits), [r.id for r in hits][q.offset:q.offset + q.limit], {k: dict(v) for k, v in facets.items()}


QUERIES = [Query(), Query(concepts=[{"GBF-TARGET-02", "GBF-TARGET-03"}]), Query(type="KO-REPORT", country="FR"),
           Query(year_from=2015, year_to=2020), Query(text="forest", offset=20), Query(text="marine", type="KO-EVENT"),
           Query(concepts=[{"GBF-TARGET-01"}, {"GBF-TARGET-05"}]), Query(country="ZZ"), Query(offset=5, limit=7)]


@pytest.mark.parametrize("writes", [0, 40, 1500], ids=["built", "pending", "rebuilt"])
def test_index_agrees_with_reference(writes):
    rng = random.Random(writes)
    records = {f"r{n:05d}": record(rng, n) for n in range(600)}
    index = RetrievalIndex(None)
    index.upsert(list(records.values()))
    index.search(Query())  # builds the in-memory columns, so the writes below update them in place
    for i in range(writes):
        n = rng.randrange(800)
        changed = record(rng, n, deleted=rng.random() < 0.2)
        records[changed.id] = changed
        index.upsert([changed])
    for q in QUERIES:
        total, hits, facets = index.search(q)
        expected_total, expected_ids, expected_facets = reference(records, q)
        assert total == expected_total, q
        assert [h["id"] for h in hits] == expected_ids, q
        assert facets == expected_facets, q
