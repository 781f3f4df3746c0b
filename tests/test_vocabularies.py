"""The bundled vocabularies, asserted with SPARQL on a freshly initialised store.

The numbers come from the decisions (GBF: 4 goals, 23 targets; monitoring framework rows; KM
strategy: 8 objectives, 45 actions; CHM programme of work: 4 goals, 8 outcomes, 39 actions).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kmgraph.resources import query_text

from .conftest import scalar, select

PREFIXES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX kmo: <https://w3id.org/kmgraph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


def count_typed(store, cls: str) -> int:
    return scalar(store, PREFIXES + f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a {cls} }}")


def count_notation(store, regex: str) -> int:
    return scalar(store, PREFIXES + f"""SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{
        ?c a skos:Concept ; skos:notation ?code FILTER(REGEX(STR(?code), "{regex}")) }}""")


def test_gbf_goals_and_targets(store):
    assert count_typed(store, "kmo:Goal") == 4
    assert count_notation(store, "^GBF-GOAL-[A-D]$") == 4
    assert count_notation(store, "^GBF-TARGET-(0[1-9]|1[0-9]|2[0-3])$") == 23
    english = scalar(store, PREFIXES + """SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {
        ?t a kmo:Target ; skos:prefLabel ?l FILTER(lang(?l) = "en") }""")
    assert english == 23


def test_target_labels_are_official_short_titles(store):
    rows = select(store, PREFIXES + """SELECT ?lang ?label WHERE {
        ?t skos:notation "GBF-TARGET-02" ; skos:prefLabel ?label BIND(lang(?label) AS ?lang) } ORDER BY ?lang""")
    assert rows == [{"lang": "en", "label": "Restore 30% of all Degraded Ecosystems"},
                    {"lang": "es", "label": "Restaurar el 30 % de todos los ecosistemas degradados"},
                    {"lang": "fr", "label": "Restaurer 30 % des écosystèmes dégradés"}]
    alt = {r["alt"] for r in select(store, PREFIXES + """SELECT ?alt WHERE {
        ?t skos:notation "GBF-TARGET-02" ; skos:altLabel ?alt }""")}
    assert {"30% of degraded areas are under effective restoration", "Target 2", "Cible 2", "Meta 2"} <= alt


def test_official_texts_in_three_languages(store):
    """23 targets x 3 languages of definitions and short titles; 204 indicators x 3 labels."""
    for prop in ("skos:definition", "kmo:shortTitle"):
        rows = select(store, PREFIXES + f"""SELECT ?lang (COUNT(DISTINCT ?t) AS ?n) WHERE {{
            ?t a kmo:Target ; {prop} ?text BIND(lang(?text) AS ?lang) }} GROUP BY ?lang ORDER BY ?lang""")
        assert rows == [{"lang": lang, "n": "23"} for lang in ("en", "es", "fr")], prop
    goals = select(store, PREFIXES + """SELECT ?lang (COUNT(DISTINCT ?g) AS ?n) WHERE {
        ?g a kmo:Goal ; skos:definition ?text BIND(lang(?text) AS ?lang) } GROUP BY ?lang ORDER BY ?lang""")
    assert goals == [{"lang": lang, "n": "4"} for lang in ("en", "es", "fr")]
    labels = select(store, PREFIXES + """SELECT ?lang (COUNT(DISTINCT ?i) AS ?n) WHERE {
        ?i a kmo:Indicator ; skos:inScheme <https://w3id.org/kmgraph/scheme/gbf-indicators> ; skos:prefLabel ?l
        BIND(lang(?l) AS ?lang) } GROUP BY ?lang ORDER BY ?lang""")
    assert labels == [{"lang": lang, "n": "204"} for lang in ("en", "es", "fr")]
    target3 = select(store, PREFIXES + """SELECT ?text WHERE {
        ?t skos:notation "GBF-TARGET-03" ; skos:definition ?text FILTER(lang(?text) = "fr") }""")
    assert target3[0]["text"].startswith("Faire en sorte que, d'ici à 2030, au moins 30 %")


def test_concepts_link_their_official_iris(store):
    rows = select(store, PREFIXES + """SELECT ?n ?official WHERE {
        ?c skos:notation ?n ; skos:exactMatch ?official
        FILTER(STRSTARTS(STR(?official), "http://metadata.cbd.int/kmgbf/")) }""")
    assert len(rows) == 4 + 23 + 204
    by_notation = {r["n"]: r["official"] for r in rows}
    assert by_notation["GBF-TARGET-03"] == "http://metadata.cbd.int/kmgbf/target_3"
    assert by_notation["GBF-GOAL-A"] == "http://metadata.cbd.int/kmgbf/goal_A"
    assert by_notation["GBF-INDICATOR-B1"] == "http://metadata.cbd.int/kmgbf/indicator_B.1"


def test_indicator_role_links(store):
    """274 role links; 27 headline indicators in 37 headline links; 7.1 is also complementary for Target 8."""
    rows = select(store, PREFIXES + """SELECT ?role (COUNT(*) AS ?links) (COUNT(DISTINCT ?i) AS ?indicators) WHERE {
        VALUES ?role { kmo:headlineIndicatorFor kmo:binaryIndicatorFor kmo:componentIndicatorFor
                       kmo:complementaryIndicatorFor }
        ?i ?role ?goalOrTarget } GROUP BY ?role""")
    counts = {r["role"].rsplit("#")[-1]: (int(r["links"]), int(r["indicators"])) for r in rows}
    assert sum(links for links, _ in counts.values()) == 274
    assert counts["headlineIndicatorFor"] == (37, 27)
    seven = select(store, PREFIXES + """SELECT ?role ?t WHERE {
        ?i kmo:indicatorCode "7.1" ; ?role ?x . ?x skos:notation ?t
        VALUES ?role { kmo:headlineIndicatorFor kmo:complementaryIndicatorFor } } ORDER BY ?t""")
    assert [(r["role"].rsplit("#")[-1], r["t"]) for r in seven] == [
        ("headlineIndicatorFor", "GBF-TARGET-07"), ("complementaryIndicatorFor", "GBF-TARGET-08")]
    custodians = select(store, PREFIXES + """SELECT ?agency WHERE {
        ?i kmo:indicatorCode "A.3" ; kmo:custodianAgency ?agency } ORDER BY ?agency""")
    assert [r["agency"] for r in custodians] == ["BirdLife International (BLI)",
                                                  "International Union for Conservation of Nature (IUCN)"]


def test_kmgbf_vocabularies_cite_the_official_ontology(store):
    rows = select(store, PREFIXES + """SELECT DISTINCT ?id ?citation ?notice WHERE {
        ?v a kmo:Vocabulary ; dcterms:identifier ?id ; dcterms:bibliographicCitation ?citation ; kmo:notice ?notice }
        ORDER BY ?id""")
    assert [r["id"] for r in rows] == ["gbf", "gbf-indicators", "kmgbf"]
    assert all("KMGBF Monitoring Framework Ontology. Version 1.0.1" in r["citation"] for r in rows)
    assert all("not an official CBD version" in r["notice"] for r in rows)


def test_each_target_sits_under_its_goal(store):
    rows = select(store, PREFIXES + """SELECT ?t ?g WHERE {
        ?target a kmo:Target ; skos:notation ?t ; skos:broader ?goal . ?goal a kmo:Goal ; skos:notation ?g }""")
    parents = {r["t"]: r["g"] for r in rows}
    assert len(parents) == 23
    assert parents["GBF-TARGET-04"] == "GBF-GOAL-A"
    assert parents["GBF-TARGET-13"] == "GBF-GOAL-C"
    assert parents["GBF-TARGET-21"] == "GBF-GOAL-D"


def test_indicator_rows_by_kind(store):
    assert count_typed(store, "kmo:HeadlineIndicator") == 27
    assert count_typed(store, "kmo:BinaryIndicator") == 15
    assert count_typed(store, "kmo:ComponentIndicator") == 52
    assert count_typed(store, "kmo:ComplementaryIndicator") == 110
    gbf = PREFIXES + """SELECT (COUNT(DISTINCT ?i) AS ?rows) (COUNT(DISTINCT ?id) AS ?ids) WHERE {
        ?i a kmo:Indicator ; skos:inScheme <https://w3id.org/kmgraph/scheme/gbf-indicators> ; skos:notation ?id }"""
    assert select(store, gbf) == [{"rows": "204", "ids": "203"}]


def test_shared_indicator_identifier_is_modelled(store):
    rows = select(store, PREFIXES + """SELECT ?code ?note WHERE {
        ?i skos:notation "GBF-INDICATOR-219" ; kmo:indicatorCode ?code ; skos:editorialNote ?note }
        ORDER BY ?code""")
    assert [r["code"] for r in rows] == ["8.CY.2", "8.CY.3"]
    assert all("2 different indicators" in r["note"] for r in rows)


def test_indicator_code_differs_from_identifier(store):
    rows = select(store, PREFIXES + """SELECT ?id ?target WHERE {
        ?i kmo:indicatorCode "B.1" ; skos:notation ?id ; kmo:indicatorFor ?t . ?t skos:notation ?target }
        ORDER BY ?target""")
    assert rows == [{"id": "GBF-INDICATOR-B1", "target": "GBF-GOAL-B"},
                    {"id": "GBF-INDICATOR-B1", "target": "GBF-TARGET-11"}]


def test_km_strategy(store):
    assert count_typed(store, "kmo:StrategicObjective") == 8
    assert count_notation(store, "^KM-[A-H]$") == 8
    assert count_typed(store, "kmo:ComponentAction") == 45
    assert count_notation(store, r"^KM-[A-H]\\.[0-9]$") == 45
    assert count_typed(store, "kmo:KMComponent") == 4


def test_km_action_main_actors(store):
    rows = select(store, PREFIXES + """SELECT ?actor WHERE {
        ?a skos:notation "KM-D.1" ; kmo:mainActor ?x . ?x skos:prefLabel ?actor } ORDER BY ?actor""")
    assert {r["actor"] for r in rows} == {"organizations", "Parties", "subnational governments"}


def test_chm_programme_of_work(store):
    assert count_typed(store, "kmo:CHMGoal") == 4
    assert count_typed(store, "kmo:CHMOutcome") == 8
    assert count_typed(store, "kmo:StrategicAction") == 39
    assert count_notation(store, r"^CHM-[1-4]\\.[12]\\.[A-J]$") == 39


def test_chm_action_actors_and_time_frame(store):
    rows = select(store, PREFIXES + """SELECT ?start ?end
        (GROUP_CONCAT(DISTINCT ?lead; separator="|") AS ?leads)
        (GROUP_CONCAT(DISTINCT ?contrib; separator="|") AS ?contribs) WHERE {
        ?a skos:notation "CHM-2.2.C" ; kmo:startYear ?start ; kmo:endYear ?end ;
           kmo:leadActor/skos:notation ?lead ; kmo:contributingActor/skos:notation ?contrib }
        GROUP BY ?start ?end""")
    assert len(rows) == 1
    row = rows[0]
    assert (row["start"], row["end"]) == ("2024", "2026")
    assert set(row["leads"].split("|")) == {"ACTOR-SECRETARIAT", "ACTOR-TSCM"}
    assert row["contribs"] == "ACTOR-ORGANIZATIONS"


def test_aichi_targets_and_mappings(store):
    assert count_notation(store, "^AICHI-TARGET-(0[1-9]|1[0-9]|20)$") == 20
    assert count_notation(store, "^AICHI-GOAL-[A-E]$") == 5
    mapped = select(store, PREFIXES + """SELECT DISTINCT ?t WHERE {
        ?target a kmo:Target ; skos:notation ?t ; skos:relatedMatch ?a .
        ?a skos:notation ?an FILTER(STRSTARTS(STR(?an), "AICHI-TARGET-")) } ORDER BY ?t""")
    mapped = {r["t"] for r in mapped}
    assert len(mapped) == 21
    assert {f"GBF-TARGET-{n:02d}" for n in range(1, 24)} - mapped == {"GBF-TARGET-09", "GBF-TARGET-17"}


def test_sdg_reuses_un_iris_and_languages(store):
    rows = select(store, PREFIXES + """SELECT ?lang WHERE {
        <http://metadata.un.org/sdg/15.1> skos:prefLabel ?l ; skos:notation "SDG-TARGET-15.1" BIND(lang(?l) AS ?lang) }
        ORDER BY ?lang""")
    assert [r["lang"] for r in rows] == ["en", "es", "fr"]
    assert count_notation(store, "^SDG-GOAL-[0-9]+$") == 17
    assert count_notation(store, r"^SDG-TARGET-[0-9]+\\.[0-9a-z]+$") == 169


def test_crosswalks_are_related_match_with_provenance(store):
    # The only exact matches of GBF concepts are to their own official KMGBF IRIs, never a crosswalk.
    assert scalar(store, PREFIXES + """SELECT (COUNT(*) AS ?n) WHERE {
        ?s skos:exactMatch ?o . ?s skos:notation ?x FILTER(STRSTARTS(STR(?x), "GBF-"))
        FILTER(!STRSTARTS(STR(?o), "http://metadata.cbd.int/kmgbf/")) }""") == 0
    unannotated = scalar(store, PREFIXES + """SELECT (COUNT(*) AS ?n) WHERE {
        ?s skos:relatedMatch ?o . ?s skos:notation ?x FILTER(STRSTARTS(STR(?x), "GBF-"))
        FILTER NOT EXISTS { ?ax owl:annotatedSource ?s ; owl:annotatedTarget ?o ;
                            <https://w3id.org/sssom/mapping_justification> ?j ; dcterms:source ?src } }""")
    assert unannotated == 0
    dangling = scalar(store, PREFIXES + """SELECT (COUNT(*) AS ?n) WHERE {
        ?s skos:relatedMatch ?o FILTER NOT EXISTS { ?o a skos:Concept } }""")
    assert dangling == 0


def test_goal_d_maps_to_aichi_goal_e_and_cites(store):
    rows = select(store, PREFIXES + """SELECT ?n WHERE {
        ?d skos:notation "GBF-GOAL-D" ; skos:relatedMatch ?o . ?o skos:notation ?n } ORDER BY ?n""")
    assert [r["n"] for r in rows] == ["AICHI-GOAL-E"] + [
        f"CITES-SV-OBJ-{c}" for c in ("3.1", "3.2", "3.3", "3.7", "5.1", "5.2", "5.3")]


def test_actor_and_knowledge_object_schemes(store):
    for notation in ("ACTOR-PARTIES", "ACTOR-IPLC", "ACTOR-GEF", "ACTOR-IPBES", "ACTOR-CMS-SCIENTIFIC-COUNCIL",
                     "ACTOR-GLOBAL-COORDINATION-ENTITY", "ACTOR-PEOPLE-OF-AFRICAN-DESCENT"):
        assert count_notation(store, f"^{notation}$") == 1, notation
    types = scalar(store, PREFIXES + """SELECT (COUNT(?c) AS ?n) WHERE {
        ?c skos:inScheme <https://w3id.org/kmgraph/scheme/knowledge-object-types> }""")
    assert types == 21  # 14 kmgraph types and 7 for the clearing-house schemas that had none
    for notation in ("KO-NATIONAL-REPORT", "KO-NBSAP", "KO-CONTACT", "KO-COMPETENT-NATIONAL-AUTHORITY"):
        assert count_notation(store, f"^{notation}$") == 1, notation


@pytest.mark.parametrize("check", ["incomplete-concepts", "dangling-broader", "hierarchy-cycles"])
def test_integrity_checks_find_nothing(store, check):
    assert select(store, query_text(f"checks/{check}")) == []


def test_integrity_checks_can_fail(fresh_store):
    """The checks really detect problems (guards against a check that can never fire)."""
    import pyoxigraph as ox

    data = b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <urn:a> a skos:Concept ; skos:broader <urn:b> .
    <urn:b> a skos:Concept ; skos:broader <urn:a> ; skos:narrower <urn:missing> ."""
    fresh_store.replace_graph("urn:test", data, ox.RdfFormat.TURTLE)
    assert {r["concept"] for r in select(fresh_store, query_text("checks/hierarchy-cycles"))} == {"urn:a", "urn:b"}
    assert [r["target"] for r in select(fresh_store, query_text("checks/dangling-broader"))] == ["urn:missing"]
    missing = {(r["concept"], r["missing"]) for r in select(fresh_store, query_text("checks/incomplete-concepts"))}
    assert ("urn:a", "source") in missing and ("urn:b", "English prefLabel") in missing



VOCAB = 'FILTER(STRSTARTS(STR(?g), "https://w3id.org/kmgraph/graph/vocab/"))'
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
CONCEPT_FACTS = """skos:prefLabel skos:altLabel skos:hiddenLabel skos:notation skos:inScheme skos:broader
    skos:relatedMatch skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch owl:deprecated
    dcterms:isReplacedBy skos:definition"""
# The straight scans the system queries replaced: every fact of the vocabulary graphs with the asked
# predicates, records' types and titles included.
STRAIGHT = {
    "system/concept-index": PREFIXES + f"""SELECT ?g ?c ?p ?o WHERE {{
        VALUES ?p {{ {CONCEPT_FACTS} {RDF_TYPE} }} GRAPH ?g {{ ?c ?p ?o }} {VOCAB} }}""",
    "system/thesaurus-facts": PREFIXES + f"""SELECT DISTINCT ?c ?p ?o WHERE {{
        VALUES ?p {{ dcterms:title kmo:shortTitle kmo:termId dcterms:source skos:related }}
        GRAPH ?g {{ ?c ?p ?o }} {VOCAB} }}""",
    "system/validation-background": f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(?g = <https://w3id.org/kmgraph/graph/ontology> || (STRSTARTS(STR(?g), "https://w3id.org/kmgraph/graph/vocab/")
        && ?p IN ({RDF_TYPE}, <http://www.w3.org/2000/01/rdf-schema#subClassOf>,
        <http://www.w3.org/2004/02/skos/core#inScheme>, <http://www.w3.org/2002/07/owl#deprecated>,
        <http://purl.org/dc/terms/isReplacedBy>, <http://www.w3.org/2004/02/skos/core#notation>))) }}""",
}


def facts_of(store, text: str) -> set[tuple[str, ...]]:
    return {tuple(str(t) for t in (row if isinstance(row, ox.QuerySolution) else (row.subject, row.predicate, row.object)))
            for row in store.query(text)}


def described(store, *more: str) -> set[str]:
    """Subjects the vocabulary graphs say something of beyond their types, or type skos:Concept."""
    text = PREFIXES + f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {VOCAB}
        FILTER(?p IN ({", ".join(CONCEPT_FACTS.split() + list(more))}) || (?p = {RDF_TYPE} && ?o = skos:Concept)) }}"""
    return {str(row["s"]) for row in store.query(text)}


def test_the_concept_index_reads_every_fact_of_every_concept(store):
    """The system queries look facts up per described subject instead of scanning every type or title
    in the store (all records have both): they still read all that the straight scans read about
    anything that has a label, notation, scheme, hierarchy, mapping or deprecation fact, or is a
    skos:Concept, in any vocabulary graph."""
    concepts = described(store)
    straight = facts_of(store, STRAIGHT["system/concept-index"])
    assert facts_of(store, query_text("system/concept-index")) == {
        (g, c, p, o) for g, c, p, o in straight if p != RDF_TYPE or c in concepts}
    assert len(concepts) > 1000
    straight = facts_of(store, STRAIGHT["system/thesaurus-facts"])
    assert facts_of(store, query_text("system/thesaurus-facts")) == {fact for fact in straight if fact[0] in concepts}
    assert {p for _, p, _ in straight} >= {"<http://purl.org/dc/terms/title>", "<https://w3id.org/kmgraph/ontology#termId>"}


def test_validation_reads_the_types_of_every_described_subject(store):
    concepts = described(store, "rdfs:label", "rdfs:subClassOf")
    ontology = facts_of(store, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/kmgraph/graph/ontology> { ?s ?p ?o } }")
    straight = facts_of(store, STRAIGHT["system/validation-background"])
    assert facts_of(store, query_text("system/validation-background")) == {
        (s, p, o) for s, p, o in straight if p != RDF_TYPE or s in concepts or (s, p, o) in ontology}


def test_the_concept_index_keeps_a_concept_known_only_by_its_type(backend):
    backend.add_to_graph("https://w3id.org/kmgraph/graph/vocab/t", b"""
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <urn:t:bare> a skos:Concept , <urn:t:Kind> .
        <urn:t:labelled> skos:prefLabel "Labelled"@en .
        <urn:t:axiom> a owl:Axiom .""", ox.RdfFormat.TURTLE)
    backend.add_to_graph("https://w3id.org/kmgraph/graph/vocab/u", b"<urn:t:labelled> a <urn:t:Kind> .", ox.RdfFormat.TURTLE)
    backend.add_to_graph("https://w3id.org/kmgraph/graph/record/r", b"<urn:t:r> a <urn:t:Kind> .", ox.RdfFormat.TURTLE)
    facts = facts_of(backend, query_text("system/concept-index"))
    types = {(g, c, o) for g, c, p, o in facts if p == RDF_TYPE}
    vocab = "<https://w3id.org/kmgraph/graph/vocab/"
    assert types == {(vocab + "t>", "<urn:t:bare>", "<http://www.w3.org/2004/02/skos/core#Concept>"),
                     (vocab + "t>", "<urn:t:bare>", "<urn:t:Kind>"), (vocab + "u>", "<urn:t:labelled>", "<urn:t:Kind>")}
