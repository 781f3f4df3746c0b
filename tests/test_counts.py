"""Record counts kept with every write (issue 19, item 2): after random writes, deletions, tag
changes and concurrent writers, the statistics graph equals a recount by SPARQL; reindex and a start
that finds it missing rebuild it. (A kill -9 during writes: the integrity check `record-counts`
runs after every kill in tests/test_durability.py.)"""

from __future__ import annotations

import random
import threading

import pyoxigraph as ox
import pytest

from kmgraph.access import Actor
from kmgraph.records.counts import STATISTICS_GRAPH
from kmgraph.resources import query_text
from kmgraph.services import CATALOGUE, build_services, load_catalogue
from kmgraph.store import EmbeddedStore
from kmgraph.vocab import bundled

KMID = "https://w3id.org/kmgraph/id/"
ADMIN = Actor.of_role("tester", "admin", "tests")
DCT = "http://purl.org/dc/terms/"


def kept(store) -> dict[str, int]:
    return {r["concept"].value: int(r["records"].value) for r in store.query(query_text("records/statistics"))
            if int(r["records"].value)}


def recounted(store) -> dict[str, int]:
    return {r["concept"].value: int(r["records"].value) for r in store.query(query_text("records/recount"))}


@pytest.fixture
def services():
    store = EmbeddedStore(None)
    bundled.load_bundled(store)
    services = build_services(store)
    load_catalogue(services, CATALOGUE)
    return services


def tags(store) -> list[str]:
    rows = store.query("SELECT ?c WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> ?n "
                       "FILTER(REGEX(?n, \"^GBF-(GOAL|TARGET|INDICATOR)-\")) }")
    return sorted(r["c"].value for r in rows)


def template(records) -> list[ox.Triple]:
    """A valid record of the sample catalogue without its tags: new records are copies of it."""
    rows = records.store.query("SELECT ?id WHERE { GRAPH ?g { ?r <https://w3id.org/kmgraph/ontology#recordId> ?id ; "
                               "<http://purl.org/dc/terms/subject> ?s } } ORDER BY ?id LIMIT 1")
    triples = records.triples(next(iter(rows))["id"].value)
    node = next(t.subject for t in triples if t.predicate.value == DCT + "type")
    return [t for t in triples if t.subject == node and t.predicate.value not in
            (DCT + "subject", "https://w3id.org/kmgraph/ontology#recordId")]


def new_record(rng: random.Random, concepts: list[str], base: list[ox.Triple], node: ox.NamedNode) -> list[ox.Triple]:
    old = base[0].subject
    triples = [ox.Triple(node if t.subject == old else t.subject, t.predicate, t.object) for t in base]
    return triples + [ox.Triple(node, ox.NamedNode(DCT + "subject"), ox.NamedNode(c)) for c in rng.sample(concepts, 2)]


def node_of(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"https://example.org/counted/{name}")


def test_counts_equal_a_recount_after_random_writes(services):
    store, records = services.store, services.records
    assert kept(store) == recounted(store) and records.counted_records() == 122
    rng = random.Random(19)
    concepts = tags(store)
    ids = [r["id"].value for r in store.query(
        "SELECT ?id WHERE { GRAPH ?g { ?r <https://w3id.org/kmgraph/ontology#recordId> ?id "
        "FILTER NOT EXISTS { ?r <https://w3id.org/kmgraph/ontology#deletedAt> ?d } } "
        "FILTER(STRSTARTS(STR(?g), \"https://w3id.org/kmgraph/graph/record/\")) }")]
    live = list(ids)
    base = template(records)
    for step in range(80):
        action = rng.choice(["create", "replace", "delete", "tag", "untag"])
        if action == "create" or not live:
            record_id, _ = records.create(new_record(rng, concepts, base, node_of(f"r{step}")), ADMIN)
            live.append(record_id)
        elif action == "replace":
            record_id = rng.choice(live)
            node = next(t.subject for t in records.triples(record_id) if t.predicate.value == DCT + "type")
            records.replace(record_id, new_record(rng, concepts, base, node), ADMIN)
        elif action == "delete":
            record_id = live.pop(rng.randrange(len(live)))
            records.delete(record_id, ADMIN)
        elif action == "tag":
            record_id = rng.choice(live)
            records.add_tags(record_id, [rng.choice(concepts)], ADMIN)
        else:
            record_id = rng.choice(live)
            subjects = [t.object.value for t in records.triples(record_id) if t.predicate.value == DCT + "subject"]
            if subjects:
                records.remove_tag(record_id, rng.choice(subjects), ADMIN)
    assert kept(store) == recounted(store)
    graphs = int(next(iter(store.query(query_text("system/record-graph-count"), union_default_graph=False)))["n"].value)
    assert records.counted_records() == graphs


def test_counts_equal_a_recount_after_concurrent_writers(services):
    store, records = services.store, services.records
    concepts = tags(store)
    base = template(records)
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            mine = []
            for i in range(12):
                record_id, _ = records.create(new_record(rng, concepts, base, node_of(f"w{seed}-{i}")), ADMIN)
                mine.append(record_id)
                if i % 3 == 2:
                    records.delete(mine.pop(0), ADMIN)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert kept(store) == recounted(store)
    assert records.counted_records() == 122 + 4 * 12


def test_reindex_and_a_start_rebuild_missing_counts(services):
    store, records = services.store, services.records
    before = kept(store)
    store.update(f"DROP GRAPH <{STATISTICS_GRAPH}>")
    assert kept(store) == {} and records.counted_records() == 0
    assert records.ensure_index()  # what a start does: the counts count no record, so they are rebuilt
    assert kept(store) == before == recounted(store)
    store.update(f"DROP GRAPH <{STATISTICS_GRAPH}>")
    assert records.reindex() == 122 and kept(store) == before


def test_records_written_behind_kmgraphs_back_are_caught_at_the_next_start(services):
    """A record graph copied in by SPARQL Update (as a bulk load beside kmgraph would add one): the
    next start counts one knowledge object more than the index holds, rebuilds the index and the
    counts, and search finds the copy."""
    from kmgraph.records.index import Query

    store, records = services.store, services.records
    source = next(h["id"] for h in records.index.search(Query())[1])
    graph = "https://w3id.org/kmgraph/graph/record/"
    store.update(f"INSERT {{ GRAPH <{graph}copied> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}{source}> {{ ?s ?p ?o }} }}")
    assert records.counted_records() == 122
    assert records.ensure_index()
    assert records.counted_records() == 123 and records.index.count(with_deleted=True) == 123
    assert [h["id"] for h in records.index.search(Query(limit=200))[1]].count("copied") == 1
    assert not records.ensure_index() and not records.ensure_index(full=True)


def test_a_knowledge_object_outside_the_record_graphs_does_not_rebuild_the_index(services):
    """The quick count differs, the record graphs agree: nothing to rebuild, at a start or in
    check-store."""
    from kmgraph.integrity import check_store

    store, records = services.store, services.records
    store.update("INSERT DATA { GRAPH <https://example.org/elsewhere> { <https://example.org/ko> a "
                 "<https://w3id.org/kmgraph/ontology#KnowledgeObject> } }")
    rebuilt = []
    real = records.reindex
    records.reindex = lambda: rebuilt.append(1) or real()
    assert not records.ensure_index() and not records.ensure_index(full=True)
    assert "retrieval index rebuilt from the store" not in check_store(services).repaired
    assert rebuilt == []


def test_an_index_written_by_an_older_version_is_rebuilt_at_the_next_start(services):
    """An index from before the places table (schema 1: no places, no schema number) is in step by
    its write number, but lacks a column: a start rebuilds it."""
    records, node = services.records, node_of("about-peru")
    about = ox.Triple(node, ox.NamedNode(DCT + "spatial"), ox.NamedNode(KMID + "country/PE"))
    records.create([*new_record(random.Random(5), tags(services.store), template(records), node), about], ADMIN)
    with_places = records.index._db.execute("SELECT COUNT(*) FROM places").fetchone()[0]
    assert with_places == 1 and not records.ensure_index()
    with records.index._db as db:
        db.execute("DELETE FROM places")
        db.execute("DELETE FROM meta WHERE key = 'schema'")
    assert records.ensure_index()
    assert records.index._db.execute("SELECT COUNT(*) FROM places").fetchone()[0] == with_places
    assert not records.ensure_index()


def test_the_gap_analysis_reads_the_counts(services):
    """With the counts, the gap analysis never looks at a record: kept counts moved by hand show."""
    from kmgraph.queries import QueryCatalog

    store = services.store
    text = QueryCatalog().get("targets-without-records").bind({})
    gaps = {r["notation"].value for r in store.query(text)}
    target = ox.NamedNode(KMID + "GBF-TARGET-01")
    store.update(f"DELETE WHERE {{ GRAPH <{STATISTICS_GRAPH}> {{ {target} "
                 f"<https://w3id.org/kmgraph/ontology#recordCount> ?n }} }}")
    assert {r["notation"].value for r in store.query(text)} == gaps | {"GBF-TARGET-01"}


def test_counts_on_every_backend(backend):
    """The same writes on the embedded store and on Virtuoso (the remote backend) keep the same counts."""
    bundled.load_bundled(backend)
    services = build_services(backend)
    load_catalogue(services, CATALOGUE)
    records, concepts, base = services.records, tags(backend), template(services.records)
    rng = random.Random(7)
    made = [records.create(new_record(rng, concepts, base, node_of(f"b{i}")), ADMIN)[0] for i in range(5)]
    records.delete(made[0], ADMIN)
    records.add_tags(made[1], [concepts[0]], ADMIN)
    assert kept(backend) == recounted(backend)
    assert records.counted_records() == 122 + 5


def test_a_write_the_index_missed_is_caught_at_the_next_start(tmp_path, monkeypatch):
    """A process killed after a record write committed but before the retrieval index followed: the
    numbers of records still agree, the write sequence kept with the counts does not, so the next
    start rebuilds the index and search finds the record's new tags."""
    from kmgraph.records.index import Query

    store = EmbeddedStore(tmp_path / "store")
    bundled.load_bundled(store)
    services = build_services(store)
    load_catalogue(services, CATALOGUE)
    records, concepts = services.records, tags(store)
    record_id, node = records.create(new_record(random.Random(3), concepts, template(records), node_of("missed")), ADMIN)
    unused = next(c for c in concepts if not records.index.search(Query(concepts=[{c}]))[0])

    def killed(*args, **kwargs):
        raise SystemExit("killed before the index followed")

    monkeypatch.setattr(records.index, "upsert", killed)
    with pytest.raises(SystemExit):
        records.add_tags(record_id, [unused], ADMIN)
    monkeypatch.undo()
    records.index.close()
    store.close()

    store = EmbeddedStore(tmp_path / "store")
    records = build_services(store).records
    assert records.ensure_index()
    total, hits, _ = records.index.search(Query(concepts=[{unused}]))
    assert [h["id"] for h in hits] == [record_id]
    assert not records.ensure_index()  # in step now: the next start rebuilds nothing
    store.close()
