"""The retrieval index against a plain-Python reference: filters, order, totals and facets agree,
before and after writes that reach the in-memory columns (added, replaced and deleted records)."""

from __future__ import annotations

import random
import threading
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
    for q in QUERIES:  # builds the in-memory columns, so the writes below update them in place, and
        index.search(q)  # caches the matches of each query's words, which the writes must drop
    for i in range(writes):
        n = rng.randrange(800)
        changed = record(rng, n, deleted=rng.random() < 0.2)
        records[changed.id] = changed
        index.upsert([changed])
    for q in QUERIES + QUERIES:  # the second time, the words' matches come from the cache
        total, hits, facets = index.search(q)
        expected_total, expected_ids, expected_facets = reference(records, q)
        assert total == expected_total, q
        assert [h["id"] for h in hits] == expected_ids, q
        assert facets == expected_facets, q


def test_replacing_the_newest_record_reuses_its_rid_without_stale_hits():
    """SQLite gives a row inserted after the one with the largest rid was deleted that same rid:
    the record replaced twice is found once, by its new tags only, not its old ones."""
    rng = random.Random(7)
    records = [record(rng, n) for n in range(50)]
    newest = records[-1]
    newest.tags = newest.targets = ["GBF-TARGET-01"]
    index = RetrievalIndex(None)
    index.upsert(records)
    index.search(Query())  # the in-memory columns exist, so the replacements below update them
    rids = set()
    for tags in (["GBF-TARGET-02"], ["GBF-TARGET-03"]):
        index.upsert([IndexedRecord(**{**newest.__dict__, "tags": tags, "targets": tags})])
        rids.add(index._db.execute("SELECT rid FROM records WHERE id = ?", (newest.id,)).fetchone()[0])
    assert len(rids) == 1  # the rid was reused: the case this test is about
    total, hits, _ = index.search(Query(limit=100))
    assert total == 50 and [h["id"] for h in hits].count(newest.id) == 1
    for old in ("GBF-TARGET-01", "GBF-TARGET-02"):
        assert newest.id not in [h["id"] for h in index.search(Query(concepts=[{old}], limit=100))[1]]
    assert newest.id in [h["id"] for h in index.search(Query(concepts=[{"GBF-TARGET-03"}], limit=100))[1]]


def test_columns_are_built_in_the_background_and_searches_wait_for_them():
    rng = random.Random(3)
    records = {r.id: r for r in (record(rng, n) for n in range(300))}
    index = RetrievalIndex(None)
    index.upsert(list(records.values()))
    assert index._view is None
    warming = index.warm()
    assert index.search(QUERIES[1])[0] == reference(records, QUERIES[1])[0]  # under the same lock
    warming.join(10)
    assert not warming.is_alive() and index._view is not None


def test_warming_a_closed_index_ends_quietly(monkeypatch):
    failures = []
    monkeypatch.setattr(threading, "excepthook", failures.append)
    index = RetrievalIndex(None)
    index.upsert([record(random.Random(4), 1)])
    index.close()
    index.warm().join(10)
    assert failures == [] and index._view is None
