"""Named queries rewritten so the engine can plan them (issue 19, item 3) still give the answers
they gave: the gap analysis, now read from the kept counts, on a store whose records were written
through kmgraph (tagged directly, through an indicator, or only on a record since deleted)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kmgraph.access import Actor
from kmgraph.queries import QueryCatalog
from kmgraph.records.index import Query
from kmgraph.services import build_services, query_indexes
from kmgraph.store import EmbeddedStore
from kmgraph.vocab import bundled

KMID = "https://w3id.org/kmgraph/id/"
RECORDS = "https://example.org/records/"
CURATOR = Actor.of_role("tester", "curator", "tests")
SUBJECT = ox.NamedNode("http://purl.org/dc/terms/subject")
TYPE = ox.NamedNode("http://purl.org/dc/terms/type")


def record(name: str, tag: ox.NamedNode) -> list[ox.Triple]:
    node = ox.NamedNode(RECORDS + name)
    return [ox.Triple(node, TYPE, ox.NamedNode(KMID + "KO-CAPACITY-BUILDING-INITIATIVE")), ox.Triple(node, SUBJECT, tag)]


@pytest.fixture(scope="module")
def tagged_store():
    store = EmbeddedStore(None)
    bundled.load_bundled(store)
    indicator = next(iter(store.query(
        "SELECT ?i WHERE { ?i <http://www.w3.org/2004/02/skos/core#broader> ?t . "
        "?t <http://www.w3.org/2004/02/skos/core#notation> \"GBF-TARGET-03\" } LIMIT 1")))["i"]
    records = build_services(store).records
    records.create(record("a", ox.NamedNode(KMID + "GBF-TARGET-01")), CURATOR, shapes=False)
    records.create(record("b", indicator), CURATOR, shapes=False)
    gone, _ = records.create(record("c", ox.NamedNode(KMID + "GBF-TARGET-05")), CURATOR, shapes=False)
    records.delete(gone, CURATOR)
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


def rows_of(store, text: str) -> list[tuple]:
    return [tuple(None if t is None else str(t) for t in r) for r in store.query(text)]


@pytest.mark.parametrize("values", [
    {"text": "restoration"}, {"text": "RESTOR"}, {"text": "storat", "lang": "en"}, {"text": "forêt"},
    {"text": "foret", "lang": "fr"}, {"text": "Biodiversidad", "lang": "es"}, {"text": "target-0"},
    {"text": "é"}, {"text": " "}, {"text": "zzz-no-such-label"}, {"text": "ß"}, {"text": "İ"},
])
def test_label_lookup_through_the_concept_labels_index_answers_as_the_full_scan(tagged_store, values):
    """The index only narrows the concepts the FILTER is checked on: the rows, in order, stay the same
    (substrings inside words, other cases, accents, notations, nothing found)."""
    named = QueryCatalog().get("label-lookup")
    concepts = build_services(tagged_store).concepts
    indexed = named.bind(values, concepts.text_indexes())
    assert "VALUES ?concept" in indexed
    assert rows_of(tagged_store, indexed) == rows_of(tagged_store, named.bind(values))
    if values["text"] == "restoration":
        assert len(rows_of(tagged_store, indexed)) > 5


def test_an_index_on_a_parameter_is_checked_when_the_catalogue_is_read():
    from kmgraph.errors import InputError
    from kmgraph.queries import parse_named_query

    header = "#+ params:\n#+   - name: text\n#+     type: literal\n#+     index: {index}\n#+     narrows: {var}\n"
    body = "SELECT * WHERE { ?concept ?p ?text }"
    assert parse_named_query("ok", header.format(index="concept-labels", var="concept") + body).params[0].narrowing == (
        ("concept-labels", "concept"),)
    both = parse_named_query("ok", header.format(index="[records-newest, concepts-below]", var="[s, p]") + body)
    assert both.params[0].narrowing == (("records-newest", "s"), ("concepts-below", "p"))
    for index, var in (("no-such-index", "concept"), ("concept-labels", "not a variable"),
                       ("[records-newest, concepts-below]", "[s]"), ("[records-newest]", "[s, p]")):
        with pytest.raises(InputError, match="index must be one of concept-labels, records-newest"):
            parse_named_query("bad", header.format(index=index, var=var) + body)


DATE = ox.NamedNode("http://purl.org/dc/terms/date")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
SPATIAL = ox.NamedNode("http://purl.org/dc/terms/spatial")
COUNTRY = KMID + "country/"
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


@pytest.fixture(scope="module")
def dated_store():
    """Records under GBF targets 1 to 4 and their indicators: shared dates, no date, two dates, two
    titles and two tags (more than one row a record), deleted ones; about no country, one or two.
    The last 40 are written after the index's in-memory columns were built (they wait as pending)."""
    import random

    store = EmbeddedStore(None)
    bundled.load_bundled(store)
    indicators = {r["t"].value: r["i"] for r in store.query(
        "SELECT ?t (SAMPLE(?x) AS ?i) WHERE { ?x <http://www.w3.org/2004/02/skos/core#broader> ?c . "
        "?c <http://www.w3.org/2004/02/skos/core#notation> ?t FILTER(STRSTARTS(?t, 'GBF-TARGET-0')) } GROUP BY ?t")}
    services = build_services(store)
    records = services.records
    rnd = random.Random(19)
    for n in range(120):
        if n == 80:
            records.index.search(Query())
        target = f"GBF-TARGET-0{rnd.randint(1, 4)}"
        node = ox.NamedNode(f"{RECORDS}{rnd.randrange(10**6):06d}-{n}")
        triples = record(node.value[len(RECORDS):], ox.NamedNode(KMID + target))
        if rnd.random() < 0.3 and target in indicators:
            triples.append(ox.Triple(node, SUBJECT, indicators[target]))
        for _ in range(rnd.choice([0, 1, 1, 1, 2])):
            triples.append(ox.Triple(node, DATE, ox.Literal(f"20{rnd.randint(20, 23)}-0{rnd.randint(1, 3)}-01",
                                                            datatype=XSD_DATE)))
        for lang in rnd.choice([["en"], ["en", "fr"]]):
            triples.append(ox.Triple(node, TITLE, ox.Literal(f"record {n}", language=lang)))
        for country in rnd.sample(["FR", "PE", "KE"], rnd.choice([0, 1, 1, 2])):
            triples.append(ox.Triple(node, SPATIAL, ox.NamedNode(COUNTRY + country)))
        made, _ = records.create(triples, CURATOR, shapes=False)
        if rnd.random() < 0.1:
            records.delete(made, CURATOR)
    return store, services


@pytest.mark.parametrize("target", ["GBF-TARGET-01", "GBF-TARGET-03", "GBF-GOAL-A", "GBF-TARGET-20"])
@pytest.mark.parametrize("offset,limit", [(0, 1), (0, 10), (7, 5), (25, 30), (0, 500), (400, 10)])
def test_records_by_target_through_the_records_newest_index_pages_as_the_full_sort(dated_store, target, offset,
                                                                                     limit):
    """The index binds ?record to the newest records a page can hold; every page is the same as the
    full query's, row for row, though records have several rows, shared dates, no date or two."""
    store, services = dated_store
    named = QueryCatalog().get("records-by-target")
    rows = offset + limit + 1
    indexed = named.bind({"target": target}, query_indexes(services), rows=rows)
    assert "VALUES ?record" in indexed and "VALUES ?tag" not in indexed  # the first index that narrows
    window = f"\nLIMIT {limit} OFFSET {offset}"
    assert rows_of(store, indexed + window) == rows_of(store, named.bind({"target": target}) + window)
    narrowed = indexed.split("VALUES ?record {")[1].split("}")[0].split()
    assert len(narrowed) <= rows
    if target == "GBF-GOAL-A" and offset == 0 and limit == 10:
        assert len(narrowed) == rows and len(rows_of(store, named.bind({"target": target}))) > 100


@pytest.mark.parametrize("country,target", [("FR", ""), ("PE", "GBF-TARGET-02"), ("KE", "GBF-GOAL-A"), ("FR", "GBF-TARGET-20")])
@pytest.mark.parametrize("offset,limit", [(0, 1), (0, 10), (7, 5), (20, 30), (0, 500)])
def test_records_by_country_target_through_its_index_pages_as_the_full_sort(dated_store, country, target, offset,
                                                                              limit):
    """The same for the records about a country: with a target and without one (any tag)."""
    store, services = dated_store
    named = QueryCatalog().get("records-by-country-target")
    values = {"country": country, "target": target}
    indexed = named.bind(values, query_indexes(services), rows=offset + limit + 1)
    assert "VALUES ?record" in indexed
    window = f"\nLIMIT {limit} OFFSET {offset}"
    assert rows_of(store, indexed + window) == rows_of(store, named.bind(values) + window)
    if (country, target, offset, limit) == ("FR", "", 0, 10):
        assert len(indexed.split("VALUES ?record {")[1].split("}")[0].split()) == 11
        assert len(rows_of(store, named.bind(values))) > 11


def test_the_records_newest_index_does_not_narrow_without_a_page(dated_store):
    store, services = dated_store
    assert "VALUES ?record" not in QueryCatalog().get("records-by-target").bind({}, query_indexes(services))


def test_a_page_too_deep_for_the_records_newest_index_is_narrowed_by_its_tags(dated_store, monkeypatch):
    from kmgraph.records import service

    store, services = dated_store
    monkeypatch.setattr(service, "NARROW_MAX", 50)
    named = QueryCatalog().get("records-by-target")
    indexed = named.bind({"target": "GBF-GOAL-A"}, query_indexes(services), rows=71)
    assert "VALUES ?record" not in indexed and "VALUES ?tag" in indexed
    window = "\nLIMIT 10 OFFSET 60"
    assert rows_of(store, indexed + window) == rows_of(store, named.bind({"target": "GBF-GOAL-A"}) + window)
    assert len(rows_of(store, indexed + window)) == 10


def test_the_record_indexes_wait_for_a_retrieval_index_behind_the_store(dated_store):
    """A command reading beside a running service checks that the index has followed every write."""
    store, services = dated_store
    assert "records-newest" in query_indexes(services, check=True)
    services.records.index.upsert([], writes=(services.records.index.writes() or 0) - 1)
    try:
        assert "records-newest" not in query_indexes(services, check=True)
        assert "records-newest" in query_indexes(services)
    finally:
        services.records.index.upsert([], writes=services.records.statistics()[1])


ROLE_PROPERTIES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX kmo: <https://w3id.org/kmgraph/ontology#>
SELECT ?indicator ?identifier ?code ?role ?title WHERE {
  ?goalOrTarget skos:notation ?target .
  VALUES (?roleProperty ?role) { (kmo:headlineIndicatorFor "headline") (kmo:binaryIndicatorFor "binary")
                                 (kmo:componentIndicatorFor "component") (kmo:complementaryIndicatorFor "complementary") }
  ?indicator ?roleProperty ?goalOrTarget ; skos:notation ?identifier ; kmo:indicatorCode ?code ; skos:prefLabel ?title .
  FILTER(lang(?title) = "en")
}
ORDER BY ?role ?code"""


@pytest.mark.parametrize("target", ["GBF-TARGET-01", "GBF-TARGET-03", "GBF-TARGET-08", "GBF-GOAL-A", "GBF-TARGET-23"])
def test_target_indicators_with_a_branch_per_role_answers_as_the_role_as_a_variable(dated_store, target):
    """The rewrite (issue 19, item 3) against the query it replaced, beside records tagged with the targets."""
    store, _ = dated_store
    named = QueryCatalog().get("target-indicators")
    expected = rows_of(store, ROLE_PROPERTIES.replace("?target", f'"{target}"'))
    assert rows_of(store, named.bind({"target": target})) == expected
    for kind in ("headline", "complementary"):
        assert rows_of(store, named.bind({"target": target, "kind": kind})) == [r for r in expected if r[3] == f'"{kind}"']
    assert target == "GBF-TARGET-23" or expected


STRAIGHT_VOCABULARY_STATISTICS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme ?schemeLabel ?labelLang ?concepts ?prefLabels WHERE {
  { SELECT ?scheme ?labelLang (COUNT(DISTINCT ?concept) AS ?concepts) (COUNT(?label) AS ?prefLabels) WHERE {
      ?concept skos:inScheme ?scheme .
      OPTIONAL { ?concept skos:prefLabel ?label BIND(lang(?label) AS ?labelLang) } }
    GROUP BY ?scheme ?labelLang }
  OPTIONAL { ?scheme skos:prefLabel ?schemeLabel FILTER(lang(?schemeLabel) = "en") }
}
ORDER BY ?scheme ?labelLang"""


def test_vocabulary_statistics_counts_as_the_straight_formulation():
    """The labels joined by one hashed scan count as when each concept's labels are looked up: on the
    bundled vocabularies and on the odd cases (no label, two labels in a language, a label without
    a language, a concept in two schemes, a label on a node in no scheme)."""
    store = EmbeddedStore(None)
    bundled.load_bundled(store)
    store.update("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        INSERT DATA { GRAPH <https://example.org/odd> {
          <https://example.org/s> skos:prefLabel "Odd"@en .
          <https://example.org/a> skos:inScheme <https://example.org/s> .
          <https://example.org/b> skos:inScheme <https://example.org/s>, <https://example.org/t> ;
              skos:prefLabel "b"@en, "bee"@en, "b" , "bé"@fr .
          <https://example.org/c> skos:prefLabel "not in a scheme"@en } }""")
    rows = rows_of(store, QueryCatalog().get("vocabulary-statistics").bind({}))
    assert rows == rows_of(store, STRAIGHT_VOCABULARY_STATISTICS)
    odd = [r for r in rows if r[0] == "<https://example.org/s>"]
    assert [(r[2], r[3], r[4]) for r in odd] == [
        (None, '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"0"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ('""', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ('"en"', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"2"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ('"fr"', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>')]
    assert len({r[0] for r in rows}) > 5
