"""Curator workflow: the quality gate, loads as versions, diff, rollback, spreadsheets, SSSOM, HTTP."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from kmgraph.access import Actor
from kmgraph.app import create_app
from kmgraph.cli import main
from kmgraph.config import Settings
from kmgraph.curation import Curator, checks, source_for_path, source_for_upload
from kmgraph.curation.gate import load_checks
from kmgraph.curation.mappings import export_mappings, import_mappings
from kmgraph.services import build_services
from kmgraph.store import EmbeddedStore, Store
from kmgraph.vocab.sssom import read_sssom

from .conftest import REPO

SDG_KOS = REPO / "vendor/sources/data/sdg/sdg-kos-goals-targets-indicators.ttl"
CURATOR = Actor.of_role("alice", "curator")
PREFIXES = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <https://example.org/v/> .
"""
GOOD = PREFIXES + """
ex:scheme a skos:ConceptScheme ; skos:prefLabel "Example"@en .
ex:a a skos:Concept ; skos:inScheme ex:scheme ; skos:topConceptOf ex:scheme ; skos:notation "EX-A" ;
  skos:prefLabel "Alpha"@en , "Alpha"@fr ; skos:definition "First."@en ; dcterms:source "test" .
ex:b a skos:Concept ; skos:inScheme ex:scheme ; skos:broader ex:a ; skos:notation "EX-B" ;
  skos:prefLabel "Beta"@en , "Bêta"@fr ; skos:definition "Second."@en ; dcterms:source "test" ;
  skos:relatedMatch <http://metadata.un.org/sdg/15> .
ex:c a skos:Concept ; skos:inScheme ex:scheme ; skos:broader ex:a ; skos:notation "EX-C" ;
  skos:prefLabel "Gamma"@en , "Gamma"@fr ; skos:definition "Third."@en ; dcterms:source "test" .
"""
# One file that breaks every check, each on its own concept.
BAD = PREFIXES + """
ex:scheme a skos:ConceptScheme ; skos:prefLabel "Bad"@en ; skos:hasTopConcept ex:top .
ex:top a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Top"@en ; skos:definition "d"@en ;
  skos:broader ex:s13 ; dcterms:source "t" .
ex:s13 a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Same"@en ; skos:altLabel "Same"@en ; dcterms:source "t" .
ex:s14 a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "One"@en , "Two"@en ; skos:broader ex:top ; dcterms:source "t" .
ex:s27 a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Rel"@en ; skos:broader ex:top ; skos:related ex:top ; dcterms:source "t" .
ex:s46 a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Map"@en ; skos:broader ex:top ;
  skos:exactMatch <https://example.org/o/1> ; skos:relatedMatch <https://example.org/o/1> ; dcterms:source "t" .
ex:orphan a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Orphan"@en ; dcterms:source "t" .
ex:loose a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Loose"@en ; skos:broader ex:cycle1 ; dcterms:source "t" .
ex:cycle1 a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Cycle one"@en ; skos:broader ex:cycle2 ; dcterms:source "t" .
ex:cycle2 a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Cycle two"@en ; skos:broader ex:cycle1 ; dcterms:source "t" .
ex:nolabel a skos:Concept ; skos:inScheme ex:scheme ; skos:broader ex:top ; dcterms:source "t" .
ex:empty a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel " "@en ; skos:broader ex:top ; dcterms:source "t" .
ex:french a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Français"@fr ; skos:broader ex:top ; dcterms:source "t" .
ex:plain a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Plain" ; skos:broader ex:top ; dcterms:source "t" .
ex:badtag a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Bad tag"@english ; skos:broader ex:top ; dcterms:source "t" .
ex:redundant a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Redundant"@en ; skos:broader ex:s14 , ex:top ; dcterms:source "t" .
ex:oneway a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "One way"@en ; skos:broader ex:top ; skos:related ex:s14 ; dcterms:source "t" .
ex:overlap a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "top"@en ; skos:broader ex:top ; dcterms:source "t" .
ex:noscheme a skos:Concept ; skos:prefLabel "No scheme"@en ; skos:broader ex:top ; dcterms:source "t" .
<urn:example:urn> a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "URN"@en ; skos:broader ex:top ; dcterms:source "t" .
ex:zwsp a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Zero\u200bwidth"@en ; skos:broader ex:top ; dcterms:source "t" .
ex:spaces a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Spaces "@en ; skos:broader ex:top ; dcterms:source "t" .
ex:dup1 a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Dup one"@en ; skos:notation "D-1" ; skos:broader ex:top ; dcterms:source "t" .
ex:dup2 a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Dup two"@en ; skos:notation "D-1" ; skos:broader ex:top ; dcterms:source "t" .
ex:old a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "Old"@en ; owl:deprecated true ; skos:broader ex:top ; dcterms:source "t" .
ex:nosource a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "No source"@en ; skos:broader ex:top .
ex:ClassOne <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:ClassTwo , skos:Concept .
ex:ClassTwo <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:ClassOne .
"""
EXPECTED = {
    "skos-s13-disjoint-labels": "https://example.org/v/s13",
    "skos-s14-one-preflabel-per-language": "https://example.org/v/s14",
    "skos-s27-related-broader-clash": "https://example.org/v/s27",
    "skos-s46-exact-match-clash": "https://example.org/v/s46",
    "orphan-concepts": "https://example.org/v/orphan",
    "disconnected-clusters": "https://example.org/v/loose",
    "cyclic-hierarchy": "https://example.org/v/cycle1",
    "missing-labels": "https://example.org/v/nolabel",
    "empty-labels": "https://example.org/v/empty",
    "incomplete-language-coverage": "https://example.org/v/french",
    "omitted-language-tags": "https://example.org/v/plain",
    "invalid-language-tags": "https://example.org/v/badtag",
    "undocumented-concepts": "https://example.org/v/s13",
    "top-concept-having-broader": "https://example.org/v/top",
    "hierarchical-redundancy": "https://example.org/v/redundant",
    "unidirectional-related": "https://example.org/v/oneway",
    "overlapping-labels": "https://example.org/v/overlap",
    "concepts-not-in-scheme": "https://example.org/v/noscheme",
    "http-iri-scheme-violation": "urn:example:urn",
    "unprintable-characters": "https://example.org/v/zwsp",
    "surrounding-whitespace": "https://example.org/v/spaces",
    "ambiguous-notations": "https://example.org/v/dup1",
    "deprecated-without-replacement": "https://example.org/v/old",
    "missing-source": "https://example.org/v/nosource",
    "subclass-cycle": "https://example.org/v/ClassOne",
}


def upload(name: str, text: str):
    return source_for_upload(name, "text/turtle", text.encode("utf-8"))


@pytest.fixture
def curator() -> Curator:
    return Curator(EmbeddedStore(None, query_workers=0), None)


def test_every_check_fires_on_its_own_defect(curator):
    report = curator.check([upload("bad.ttl", BAD)], "bad").report
    found = {(f.check, f.concept) for f in report.findings}
    for check_id, concept in EXPECTED.items():
        assert (check_id, concept) in found, check_id
    assert not report.passed


def test_every_check_has_a_documented_meaning_and_a_test():
    ids = {c.id for c in checks()}
    assert ids == set(EXPECTED) | {"removed-concepts"}
    for c in checks():
        assert c.title and len(c.description) > 40 and c.severity in ("error", "warning"), c.id


def test_a_value_failing_several_checks_of_one_pass_is_reported_by_each(curator):
    data = GOOD + 'ex:c skos:altLabel " " .\n'
    found = {f.check for f in curator.check([upload("blank.ttl", data)], "blank").report.findings
             if f.concept == "https://example.org/v/c"}
    assert found == {"empty-labels", "surrounding-whitespace", "omitted-language-tags"}


SHARED_PASS = """#+ checks:
#+   - id: no-label
#+     severity: error
#+     title: No label
#+     message: "no label"
#+   - id: no-source
#+     severity: warning
#+     title: No source
#+     message: "no source ({kind})"
SELECT ?check ?concept ?kind WHERE {
  ?concept a <http://www.w3.org/2004/02/skos/core#Concept> .
  VALUES (?check ?kind) { ("no-label" "") ("no-source" "dcterms") %s }
}
"""


def test_a_query_file_may_declare_several_checks(tmp_path):
    (tmp_path / "shared.rq").write_text(SHARED_PASS % "", encoding="utf-8")
    dataset = ox.Store()
    dataset.load(GOOD.encode(), format=ox.RdfFormat.TURTLE)
    [query] = load_checks(tmp_path)
    assert [(c.id, c.severity) for c in query.checks] == [("no-label", "error"), ("no-source", "warning")]
    findings = query.run(dataset)
    assert {(f.check, f.severity, f.message) for f in findings} == {("no-label", "error", "no label"),
                                                                    ("no-source", "warning", "no source (dcterms)")}
    assert len(findings) == 6

    (tmp_path / "shared.rq").write_text(SHARED_PASS % '("no-such-check" "")', encoding="utf-8")
    with pytest.raises(ValueError, match="does not declare"):
        load_checks(tmp_path)[0].run(dataset)
    header = SHARED_PASS[:SHARED_PASS.index("SELECT")]
    (tmp_path / "shared.rq").write_text(header + "SELECT ?concept WHERE { ?concept ?p ?o }\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\?check"):
        load_checks(tmp_path)


def test_clean_vocabulary_passes(curator):
    report = curator.check([upload("good.ttl", GOOD)], "good").report
    assert report.findings == []


KMGBF_FILE = REPO / "ontology/vocabularies/kmgbf.ttl"


def test_concepts_typed_by_a_subclass_of_skos_concept_are_concepts(tmp_path):
    """The CBD's KMGBF files type goals, targets and indicators by subclasses of skos:Concept only:
    they load as 231 concepts and the checks run on them."""
    runner = CliRunner()
    store = str(tmp_path / "store")
    result = runner.invoke(main, ["check", str(KMGBF_FILE), "--vocab", "kmgbf-copy", "--format", "json",
                                  "--store", store])
    report = json.loads(result.output)
    # Indicators have no definition in the official data (only headline ones do): the checks saw them.
    undocumented = [f["concept"] for f in report["findings"] if f["check"] == "undocumented-concepts"]
    assert "http://metadata.cbd.int/kmgbf/indicator_A.CT.1" in undocumented
    assert "http://metadata.cbd.int/kmgbf/indicator_A.1" not in undocumented
    load = runner.invoke(main, ["load", str(KMGBF_FILE), "--vocab", "kmgbf-copy", "--force", "--store", store])
    assert load.exit_code == 0, load.output
    assert "231 concepts (231 new" in load.output
    # Nothing entailed is stored: the vocabulary graph holds exactly the file's triples.
    s = EmbeddedStore(tmp_path / "store")
    try:
        typed = s.query("""SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/kmgraph/graph/vocab/kmgbf-copy> {
            ?c a <http://www.w3.org/2004/02/skos/core#Concept> } }""")
        assert next(iter(typed))["n"].value == "0"
    finally:
        s.close()


def test_concept_classes_from_another_vocabulary_count(curator):
    """Instances of a class declared as a concept class in the store (not in the file) are concepts."""
    ontology = PREFIXES + "ex:Kind <http://www.w3.org/2000/01/rdf-schema#subClassOf> skos:Concept .\n"
    curator.load([upload("classes.ttl", ontology)], CURATOR, "classes", force=True)
    data = PREFIXES + """ex:scheme a skos:ConceptScheme ; skos:prefLabel "S"@en .
ex:k1 a ex:Kind ; skos:inScheme ex:scheme ; skos:topConceptOf ex:scheme ; skos:prefLabel "K one"@en ;
  skos:definition "d"@en ; dcterms:source "t" .
ex:k2 a ex:Kind ; skos:prefLabel "K two"@en ; skos:definition "d"@en ; dcterms:source "t" .
"""
    result = curator.check([upload("kinds.ttl", data)], "kinds")
    assert result.summary.concepts == 2
    assert {f.concept for f in result.report.findings if f.check == "concepts-not-in-scheme"} == {
        "https://example.org/v/k2"}


def test_sdg_kos_as_a_curator_loads_it(tmp_path):
    """The official UN SDG KOS: the gate reports its real defects (and blocks the load)."""
    runner = CliRunner()
    result = runner.invoke(main, ["check", str(SDG_KOS), "--vocab", "sdg-kos", "--format", "json",
                                  "--store", str(tmp_path / "none")])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    errors = {(f["concept"], f["message"]) for f in report["findings"] if f["severity"] == "error"}
    # Target 12.3 has two preferred labels in each of its three languages; two indicators too.
    assert ("http://metadata.un.org/sdg/12.3", "2 preferred labels in language en") in errors
    assert ("http://metadata.un.org/sdg/C200304", "3 preferred labels in language fr") in errors
    assert {f["check"] for f in report["findings"] if f["severity"] == "error"} == {"skos-s14-one-preflabel-per-language"}
    counts = report["counts"]
    assert counts["surrounding-whitespace"] >= 20  # French and Spanish labels ending in a space
    assert counts["missing-source"] == 418  # the KOS does not use dcterms:source
    assert "missing-labels" not in counts and "cyclic-hierarchy" not in counts
    load = runner.invoke(main, ["load", str(SDG_KOS), "--vocab", "sdg-kos", "--store", str(tmp_path / "store")])
    assert load.exit_code == 1 and "rejected" in load.output
    versions = runner.invoke(main, ["versions", "sdg-kos", "--json", "--store", str(tmp_path / "store")])
    assert [v["status"] for v in json.loads(versions.output)] == ["rejected"]


def test_versions_removal_deprecation_diff_rollback(curator):
    first = curator.load([upload("v1.ttl", GOOD)], CURATOR, "ex")
    assert (first.version, first.status, first.summary.added) == (1, "current", 3)
    removed = GOOD.split("ex:c a skos:Concept")[0]
    second = curator.load([upload("v2.ttl", removed)], CURATOR, "ex")
    assert second.status == "rejected" and second.report.counts() == {"removed-concepts": 1}
    assert "deprecate it" in second.report.findings[0].message
    assert _labels(curator, "ex") == {"Alpha", "Beta", "Gamma"}  # the current version is untouched
    deprecated = (GOOD.replace('skos:prefLabel "Beta"@en', 'skos:prefLabel "Beta prime"@en')
                  .replace('"Third."@en ;', '"Third."@en ; owl:deprecated true ; dcterms:isReplacedBy ex:b ;')
                  .replace("ex:c a skos:Concept ; skos:inScheme ex:scheme ; skos:broader ex:a",
                           "ex:c a skos:Concept ; skos:inScheme ex:scheme ; skos:broader ex:b")
                  .replace("skos:relatedMatch <http://metadata.un.org/sdg/15>", "skos:closeMatch <http://metadata.un.org/sdg/15>"))
    third = curator.load([upload("v3.ttl", deprecated)], CURATOR, "ex")
    assert (third.version, third.status, third.summary.changed) == (3, "current", 2)
    changes = curator.diff("ex")
    assert (changes["from"], changes["to"]) == (1, 3)
    assert {"change": "deprecated", "concept": "https://example.org/v/c", "label": "Gamma",
            "replacement": "https://example.org/v/b"} in changes["concepts"]
    assert {"concept": "https://example.org/v/b", "property": "prefLabel", "lang": "en", "old": "Beta",
            "new": "Beta prime"} in changes["labels"]
    assert {(h["change"], h["broader"]) for h in changes["hierarchy"]} == {
        ("broader added", "https://example.org/v/b"), ("broader removed", "https://example.org/v/a")}
    assert {(m["change"], m["relation"]) for m in changes["mappings"]} == {("added", "closeMatch"), ("removed", "relatedMatch")}
    rolled = curator.rollback("ex", 1, CURATOR)
    assert (rolled.version, rolled.status) == (4, "current")
    assert _labels(curator, "ex") == {"Alpha", "Beta", "Gamma"}
    history = curator.versions("ex")
    assert [(v.number, v.status) for v in history] == [(4, "current"), (3, "superseded"), (2, "rejected"), (1, "superseded")]
    assert history[0].rollback_of == 1 and history[0].agent == "alice" and len(history[0].checksums) == 64
    assert curator.changes_since("ex", "1")["concepts"] == []


def test_forced_load_is_recorded(curator):
    curator.load([upload("v1.ttl", GOOD)], CURATOR, "ex")
    result = curator.load([upload("v2.ttl", GOOD.split("ex:c a skos:Concept")[0])], CURATOR, "ex", force=True)
    assert result.status == "current" and result.report.forced
    assert curator.versions("ex")[0].forced and _labels(curator, "ex") == {"Alpha", "Beta"}


def test_blank_node_content_is_replaced_whole(curator):
    with_axiom = GOOD + "[] a owl:Axiom ; owl:annotatedSource ex:b ; dcterms:source \"one\" .\n"
    curator.load([upload("v1.ttl", with_axiom)], CURATOR, "ex")
    curator.load([upload("v2.ttl", with_axiom.replace('"one"', '"two"'))], CURATOR, "ex")
    rows = list(curator.store.query("SELECT ?s WHERE { ?a <http://purl.org/dc/terms/source> ?s FILTER(isBlank(?a)) }"))
    assert [r["s"].value for r in rows] == ["two"]


def test_spreadsheet_templates_load(curator):
    for name in ("template.csv", "template.xlsx"):
        result = curator.load([source_for_path(REPO / "examples/vocabularies" / name)], CURATOR, "wetlands",
                              base="https://example.org/wetlands/")
        assert result.status == "current" and result.report.errors == 0, result.report.findings
        assert result.summary.concepts == 3 and result.summary.languages["fr"]["prefLabels"] == 4
    rows = list(curator.store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?b WHERE { "
        "<https://example.org/wetlands/WET-02> skos:broader ?b ; skos:inScheme <https://example.org/wetlands/scheme> }"))
    assert [r["b"].value for r in rows] == ["https://example.org/wetlands/WET-01"]


def test_bad_spreadsheet_names_line_and_column(curator):
    bad = "type,notation,prefLabel@en,broader\nConceptScheme,S,Scheme,\nConcept,A,Alpha,NOPE\n"
    with pytest.raises(Exception) as info:
        curator.load([source_for_upload("bad.csv", "text/csv", bad.encode())], CURATOR, "bad")
    assert "bad.csv, line 3, column broader" in str(info.value)
    assert curator.catalog.vocabularies() == {}


def test_malformed_file_exits_2_with_position_and_no_version(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text(PREFIXES + 'ex:a a skos:Concept ;\n  skos:prefLabel "x .\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["load", str(bad), "--vocab", "broken", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "broken.ttl" in result.output and "line 6" in result.output and "Traceback" not in result.output
    listing = CliRunner().invoke(main, ["versions", "broken", "--store", str(tmp_path / "s")])
    assert listing.exit_code == 2 and "no vocabulary" in listing.output


def _by_triple(mapping_set):
    return {(m["subject_id"], m["predicate_id"], m["object_id"]): m for m in mapping_set.mappings}


def test_sssom_import_export_round_trip(curator, tmp_path):
    source = REPO / "ontology/mappings/gbf-crosswalks.sssom.tsv"
    imported = import_mappings(curator, source, CURATOR, "xw")
    assert imported.result.status == "current" and imported.ignored == []
    out = tmp_path / "out.sssom.tsv"
    assert export_mappings(curator, "xw", out) == 121
    again, original = read_sssom(out), read_sssom(source)
    assert _by_triple(again) == _by_triple(original)
    assert again.metadata == original.metadata


def test_sssom_negated_and_set_level_slots_survive_the_store(curator, tmp_path):
    source = REPO / "tests/data/sssom-features.sssom.tsv"
    imported = import_mappings(curator, source, CURATOR, "rich")
    assert imported.result.status == "current" and len(imported.ignored) == 2
    asserted = "ASK { GRAPH ?g { ?s ?p ?o } }"
    kmid = "https://w3id.org/kmgraph/id/"
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert bool(curator.store.query(asserted, bindings={
        "p": ox.NamedNode(skos + "relatedMatch"), "o": ox.NamedNode(kmid + "AICHI-TARGET-05")}))
    assert not bool(curator.store.query(asserted, bindings={  # the negated one
        "p": ox.NamedNode(skos + "exactMatch"), "o": ox.NamedNode(kmid + "AICHI-TARGET-11")}))
    out = tmp_path / "out.sssom.tsv"
    assert export_mappings(curator, "rich", out) == 2
    header = out.read_text(encoding="utf-8")
    assert "#mapping_provider: https://example.org/provider" in header  # condensed back to the set
    again = _by_triple(read_sssom(out))
    assert again == _by_triple(read_sssom(source))
    assert again["kmid:GBF-TARGET-01", "skos:exactMatch", "kmid:AICHI-TARGET-11"]["predicate_modifier"] == "Not"


def test_http_vocabulary_workflow(tmp_path):
    store = EmbeddedStore(None, query_workers=0)
    services = build_services(store)
    settings = Settings.load(store=tmp_path / "s", admin_token="curator-secret")
    client = TestClient(create_app(settings, store, services))
    auth = {"authorization": "Bearer curator-secret", "content-type": "text/turtle"}
    assert client.put("/vocabularies/ex", content=GOOD, headers={"content-type": "text/turtle"}).status_code == 401
    wrong = client.put("/vocabularies/ex", content=GOOD, headers={**auth, "authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["content-type"] == "application/problem+json"
    assert client.put("/vocabularies/ex", content=GOOD, headers=auth).status_code == 201
    assert client.put("/vocabularies/ex", content=GOOD, headers=auth).status_code == 200
    rejected = client.put("/vocabularies/ex", content=GOOD.split("ex:c a skos:Concept")[0], headers=auth)
    assert rejected.status_code == 422 and rejected.json()["gate"]["counts"] == {"removed-concepts": 1}
    dry = client.put("/vocabularies/ex?dry_run=true", content=BAD, headers=auth)
    assert dry.status_code == 200 and dry.json()["gate"]["errors"] > 10
    malformed = client.put("/vocabularies/ex", content=b"@prefix x: <http://a/> .\nx:a x:b .", headers=auth)
    assert malformed.status_code == 400 and "line 2" in malformed.json()["detail"]
    profile = client.get("/vocabularies/ex").json()
    assert profile["concepts"] == 3 and profile["languages"]["fr"]["coverage"] == 1.0
    assert profile["current_version"]["number"] == 2
    statuses = [v["status"] for v in client.get("/vocabularies/ex/versions").json()]
    assert statuses == ["rejected", "current", "superseded"]
    assert client.get("/vocabularies/ex/changes", params={"since": "1"}).json()["concepts"] == []
    exported = client.get("/vocabularies/ex/export", params={"format": "ntriples"})
    assert exported.status_code == 200 and b"<https://example.org/v/c>" in exported.content
    assert client.get("/vocabularies/nope").status_code == 404
    assert client.get("/vocabularies/nope/versions").status_code == 404
    assert client.post("/vocabularies/ex/rollback?version=1", headers=auth).json()["version"] == 4
    assert any(c["id"] == "removed-concepts" for c in client.get("/vocabularies/checks").json())


@pytest.mark.slow
def test_check_reason_reports_inconsistency(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://w3id.org/kmgraph/id/indicator/A.1> a "
                      "<https://w3id.org/kmgraph/ontology#BinaryIndicator> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(broken), "--vocab", "gbf-indicators", "--reason",
                                       "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "owl-inconsistent" in result.output


CATALOG_STATUSES = """SELECT ?vocab ?status WHERE { GRAPH <https://w3id.org/kmgraph/graph/system/vocabularies> {
    ?version <https://w3id.org/kmgraph/ontology#ofVocabulary> ?vocab ;
             <https://w3id.org/kmgraph/ontology#versionStatus> ?status } } ORDER BY ?status"""


def _statuses(store: Store, vocab: str) -> list[str]:
    """Every version status of a vocabulary in the catalog, a load under way included."""
    node = ox.NamedNode(f"https://w3id.org/kmgraph/vocabulary/{vocab}")
    return [r["status"].value for r in store.query(CATALOG_STATUSES, bindings={"vocab": node})]


def _statuses_seen_now(store_dir: Path, vocab: str) -> list[str]:
    """The statuses as another process sees them now (read-only, beside the loading process)."""
    reader = EmbeddedStore.open_read_only(store_dir)
    try:
        return _statuses(build_services(reader).store, vocab)
    finally:
        reader.close()


def _kill_while_loading(store_dir: Path, big: Path, vocab: str) -> bool:
    """Start `kmgraph load` and SIGKILL it as soon as the store shows its version "loading"; True when
    the kill landed there (the process was still running and died of the signal)."""
    kmgraph = Path(sys.executable).parent / "kmgraph"
    proc = subprocess.Popen([str(kmgraph), "load", str(big), "--vocab", vocab, "--force", "--store", str(store_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    try:
        while proc.poll() is None and time.time() < deadline:
            if (store_dir / "CURRENT").exists() and "loading" in _statuses_seen_now(store_dir, vocab):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None and time.time() >= deadline:
            proc.kill()
        proc.wait()
    return proc.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_killed_load_leaves_previous_version(tmp_path):
    """kill -9 a loading process inside its write: the store opens, the previous version is intact,
    nothing half-made. Each kill is proved to have landed inside the window it tests."""
    big = tmp_path / "big.ttl"
    lines = [PREFIXES, 'ex:scheme a skos:ConceptScheme ; skos:prefLabel "Big"@en .']
    for i in range(60000):
        lines.append(f'ex:c{i} a skos:Concept ; skos:inScheme ex:scheme ; skos:topConceptOf ex:scheme ; '
                     f'skos:prefLabel "c {i}"@en ; skos:definition "d"@en ; dcterms:source "t" .')
    big.write_text("\n".join(lines), encoding="utf-8")
    store_dir = tmp_path / "store"
    with EmbeddedStore(store_dir, query_workers=0) as s:
        build_services(s).curator.load([upload("v1.ttl", GOOD)], CURATOR, "ex")

    # A first load records its version "loading", then streams the file into the graph while the gate
    # runs: killed there, the version ends "failed" and the half-written graph goes.
    assert _kill_while_loading(store_dir, big, "fresh")
    with EmbeddedStore(store_dir, query_workers=0) as s:
        services = build_services(s)  # recovers unfinished loads
        assert services.recovered == [("fresh: unfinished load https://w3id.org/kmgraph/vocabulary/fresh/version/1 "
                                       "marked failed, its partial graph dropped")]
        assert _statuses(s, "fresh") == ["failed"] and _labels(services.curator, "fresh") == set()

    # A new version is recorded "loading", parsed and checked, then one transaction replaces the
    # graph: killed before that commit, the version ends "failed" and the previous one is untouched.
    assert _kill_while_loading(store_dir, big, "ex")
    with EmbeddedStore(store_dir, query_workers=0) as s:
        services = build_services(s)
        assert len(services.recovered) == 1 and "marked failed" in services.recovered[0]
        assert _statuses(s, "ex") == ["current", "failed"]
        assert _labels(services.curator, "ex") == {"Alpha", "Beta", "Gamma"}
        assert [v.status for v in services.curator.catalog.versions("ex")] == ["current"]


def _labels(curator: Curator, vocab: str) -> set[str]:
    graph = ox.NamedNode(f"https://w3id.org/kmgraph/graph/vocab/{vocab}")
    rows = curator.store.query("SELECT ?g ?l WHERE { GRAPH ?g { ?c a <http://www.w3.org/2004/02/skos/core#Concept> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
                               "FILTER(LANG(?l) = 'en') } }", bindings={"g": graph})
    return {r["l"].value for r in rows}


def test_overlapping_labels_in_a_large_scheme(curator):
    """Pairs come from the shared labels, never from all the concepts of a scheme paired up."""
    lines = [PREFIXES, "ex:scheme a skos:ConceptScheme ."]
    lines += [f'ex:c{i} a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "concept {i}"@en .'
              for i in range(3000)]
    lines += ['ex:c1 skos:altLabel "Concept 2"@en .', 'ex:c7 skos:altLabel "shared"@fr .',
              'ex:c8 skos:altLabel "SHARED"@fr .', 'ex:c9 skos:altLabel "shared"@en .']
    report = curator.check([upload("big.ttl", "\n".join(lines))], "big").report
    pairs = {(f.concept.rsplit("/", 1)[1], f.message.rsplit("/", 1)[1]) for f in report.findings
             if f.check == "overlapping-labels"}
    assert pairs == {("c1", "c2"), ("c2", "c1"), ("c7", "c8"), ("c8", "c7")}


def test_archive_is_the_file_read_or_else_what_was_parsed(curator, tmp_path):
    from kmgraph.curation.sources import read_candidate
    from kmgraph.curation.versions import VersionInfo

    path = tmp_path / "v.ttl"
    path.write_text(GOOD, encoding="utf-8")
    candidate = read_candidate([source_for_path(path)])
    catalog = curator.catalog
    verbatim = catalog.archive("v", 1, candidate)
    assert verbatim == "v/1.ttl.gz"
    path.write_text(GOOD.replace("Example", "Changed after reading"), encoding="utf-8")
    parsed = catalog.archive("v", 2, candidate)
    assert parsed == "v/2.nt.gz" and not (catalog.archive_dir / "v/2.ttl.gz").exists()
    for name, expected in ((verbatim, ox.RdfFormat.TURTLE), (parsed, ox.RdfFormat.N_TRIPLES)):
        info = VersionInfo("v", 1, "current", "", "", "", "", "", None, None, None, None, False, name, None, None)
        data, rdf_format = catalog.archived_content(info)
        assert rdf_format == expected
        assert {q.triple for q in ox.parse(data, format=rdf_format)} == {q.triple for q in candidate.store}


def test_trig_graphs_are_merged_into_the_vocabulary(curator):
    trig = GOOD.replace("ex:b a skos:Concept", "ex:g { ex:b a skos:Concept", 1)
    assert trig != GOOD
    trig = trig.rstrip() + " }\n"
    result = curator.load([source_for_upload("v.trig", "application/trig", trig.encode("utf-8"))], CURATOR, "tv")
    assert result.status == "current", result.report.counts()
    stored = {q.triple for q in ox.parse(curator.export("tv", ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)}
    expected = {q.triple for q in ox.parse(GOOD.encode("utf-8"), format=ox.RdfFormat.TURTLE)}
    assert stored == expected


def test_a_vocabulary_loaded_over_http_is_listed(tmp_path):
    """PUT /vocabularies/ID: the new vocabulary is in GET /vocabularies and on the home page."""
    store = EmbeddedStore(None, query_workers=0)
    settings = Settings.load(store=tmp_path / "s", admin_token="curator-secret")
    client = TestClient(create_app(settings, store, build_services(store)))
    auth = {"authorization": "Bearer curator-secret", "content-type": "text/turtle"}
    assert client.put("/vocabularies/wetland-terms", content=GOOD, headers=auth).status_code == 201
    listed = {v["id"]: v for v in client.get("/vocabularies").json()}
    assert listed["wetland-terms"]["title"] == "Example" and listed["wetland-terms"]["current_version"] == 1
    assert listed["wetland-terms"]["triples"] > 10
    assert "wetland-terms" in client.get("/", headers={"accept": "text/html"}).text
    assert client.put("/vocabularies/wetland-terms", content=GOOD.replace('"Example"@en', '"Example two"@en'),
                      headers=auth).status_code == 200
    again = {v["id"]: v for v in client.get("/vocabularies").json()}["wetland-terms"]
    assert again["title"] == "Example two" and again["current_version"] == 2


def test_rollback_goes_through_the_gate(tmp_path):
    """Rolling back to a version without a concept is a 422 with the findings, unless force=true (recorded)."""
    store = EmbeddedStore(None, query_workers=0)
    settings = Settings.load(store=tmp_path / "s", admin_token="curator-secret")
    client = TestClient(create_app(settings, store, build_services(store)))
    auth = {"authorization": "Bearer curator-secret", "content-type": "text/turtle"}
    without_c = GOOD.split("ex:c a skos:Concept")[0]
    assert client.put("/vocabularies/ex", content=without_c, headers=auth).status_code == 201
    assert client.put("/vocabularies/ex", content=GOOD, headers=auth).status_code == 200
    refused = client.post("/vocabularies/ex/rollback", params={"version": 1}, headers=auth)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["gate"]["counts"] == {"removed-concepts": 1}
    assert client.get("/vocabularies/ex").json()["concepts"] == 3  # nothing changed
    forced = client.post("/vocabularies/ex/rollback", params={"version": 1, "force": "true"}, headers=auth)
    assert forced.status_code == 200 and forced.json()["status"] == "current"
    assert client.get("/vocabularies/ex").json()["concepts"] == 2
    versions = client.get("/vocabularies/ex/versions").json()
    assert [(v["number"], v["status"], v["forced"], v["rollback_of"]) for v in versions] == [
        (4, "current", True, 1), (3, "rejected", False, 1), (2, "superseded", False, None), (1, "superseded", False, None)]


def test_cli_rollback_needs_force_past_the_gate(tmp_path):
    without_c, full = tmp_path / "v1.ttl", tmp_path / "v2.ttl"
    without_c.write_text(GOOD.split("ex:c a skos:Concept")[0], encoding="utf-8")
    full.write_text(GOOD, encoding="utf-8")
    store = ["--store", str(tmp_path / "s")]
    for path in (without_c, full):
        assert CliRunner().invoke(main, ["load", str(path), "--vocab", "ex", *store]).exit_code == 0
    refused = CliRunner().invoke(main, ["rollback", "ex", "1", *store])
    assert refused.exit_code == 1 and "removed-concepts" in refused.output and "rejected" in refused.output
    forced = CliRunner().invoke(main, ["rollback", "ex", "1", "--force", *store])
    assert forced.exit_code == 0 and "version 4 current" in forced.output
