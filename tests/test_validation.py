"""Record validation: the bundled examples, codes and localized messages, inputs, limits, extras."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.resources import SHAPES_DIR
from kmgraph.store import EmbeddedStore
from kmgraph.validation import RecordValidator
from kmgraph.validation.inputs import parse_body, read_file
from kmgraph.validation.messages import LANGUAGES, MESSAGES

from .conftest import REPO

EXAMPLES = REPO / "examples/records"
VALID = sorted((EXAMPLES / "valid").iterdir())
INVALID = sorted((EXAMPLES / "invalid").iterdir())
MEDIA = {".ttl": "text/turtle", ".jsonld": "application/ld+json"}
RECORD = """@prefix dcterms: <http://purl.org/dc/terms/> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix kmid: <https://w3id.org/kmgraph/id/> .
@prefix kmo: <https://w3id.org/kmgraph/ontology#> .
<https://example.org/r/{n}> dcterms:type kmid:KO-{type} ; dcterms:title "Record {n}"@en ;
  dcterms:date "2024"^^xsd:gYear ; dcterms:publisher <https://example.org/p> ; dcterms:language "en" ;
  dcterms:rights "r" ; dcat:landingPage <https://example.org/r/{n}> {extra} .
"""


def record(n: int = 1, type_: str = "REPORT", extra: str = "") -> bytes:
    return RECORD.format(n=n, type=type_, extra=extra).encode()


def expected_code(path: Path) -> str:
    return re.search(r"Expected: (Error\.\w+)", path.read_text()).group(1)


@pytest.fixture(scope="module")
def validator(store):
    return RecordValidator(store)


@pytest.fixture(scope="module")
def client(store, tmp_path_factory):
    settings = Settings.load(store=tmp_path_factory.mktemp("v"), admin_token="t", max_validate_bytes=200_000)
    with TestClient(create_app(settings, store)) as c:
        yield c


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_examples_conform(validator, path):
    report = validator.validate(read_file(path))
    assert report.conforms, report.as_dict()
    assert len(report.records) == 1


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_examples_fail_in_the_documented_way(validator, path):
    report = validator.validate(read_file(path))
    findings = [f for r in report.records for f in r.findings]
    assert not report.conforms
    assert [f.code for f in findings] == [expected_code(path)], findings


def test_there_are_enough_examples():
    assert len(VALID) >= 3 and len(INVALID) >= 5
    assert {p.suffix for p in VALID} == {".ttl", ".jsonld"}


@pytest.mark.parametrize("lang,fragment", [("en", "must not be after"), ("es", "no debe ser posterior"),
                                           ("fr", "ne doit pas être postérieure"), ("de", "must not be after")])
def test_messages_in_the_requested_language(validator, lang, fragment):
    report = validator.validate(read_file(EXAMPLES / "invalid/capacity-building-dates-reversed.jsonld"),
                                lang if lang in LANGUAGES else "en")
    assert fragment in report.records[0].findings[0].message


def test_every_shape_message_exists_in_three_languages():
    shapes = list(ox.parse(path=str(SHAPES_DIR / "records.ttl"), format=ox.RdfFormat.TURTLE))
    by_shape: dict = {}
    for q in shapes:
        if q.predicate.value == "http://www.w3.org/ns/shacl#message":
            by_shape.setdefault(q.subject, set()).add(q.object.language)
    assert len(by_shape) > 20
    assert all(langs == {"en", "es", "fr"} for langs in by_shape.values()), by_shape
    assert all(set(texts) == set(LANGUAGES) for texts in MESSAGES.values())


def test_many_records_in_one_pass(validator):
    body = b"\n".join(record(i) for i in range(5)) + b"\n" + record(99, extra='; dcterms:subject kmid:NOPE')
    report = validator.validate(list(ox.parse(body, format=ox.RdfFormat.TURTLE)))
    assert len(report.records) == 6
    failing = [r for r in report.records if not r.conforms]
    assert [r.record for r in failing] == ["https://example.org/r/99"]
    assert failing[0].findings[0].value == "https://w3id.org/kmgraph/id/NOPE"


def test_deprecated_tag_is_a_warning_naming_the_replacement(tmp_path):
    from kmgraph.vocab.bundled import load_bundled

    store = EmbeddedStore(tmp_path / "db", query_workers=0)
    load_bundled(store)
    store.update("""PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX dcterms: <http://purl.org/dc/terms/>
        INSERT DATA { GRAPH <https://w3id.org/kmgraph/graph/vocab/gbf> {
          <https://w3id.org/kmgraph/id/GBF-TARGET-21> owl:deprecated true ;
             dcterms:isReplacedBy <https://w3id.org/kmgraph/id/GBF-TARGET-20> } }""")
    v = RecordValidator(store)
    report = v.validate(list(ox.parse(record(extra="; dcterms:subject kmid:GBF-TARGET-21"), format=ox.RdfFormat.TURTLE)))
    (finding,) = report.records[0].findings
    assert report.conforms and finding.severity == "Warning" and finding.code == "Error.DeprecatedTerm"
    assert "GBF-TARGET-20" in finding.message
    store.close()


@pytest.mark.parametrize("ircc,ok", [("ABSCH-IRCC-MX-207443-2", True), ("absch-ircc-mx-207443-12", True),
                                     ("ABSCH-IRCC-MEX-207443-2", False), ("ABSCH-IRCC-MX-207443", False)])
def test_ircc_identifier_pattern(validator, ircc, ok):
    extra = (f'; kmo:countryOfOrigin <https://w3id.org/kmgraph/id/country/MX> ; kmo:irccIdentifier "{ircc}"')
    report = validator.validate(list(ox.parse(record(type_="DSI-RECORD", extra=extra), format=ox.RdfFormat.TURTLE)))
    assert report.conforms is ok


def test_dsi_provenance_unknown_statement(validator):
    bare = validator.validate(list(ox.parse(record(type_="DSI-RECORD"), format=ox.RdfFormat.TURTLE)))
    assert [f.code for r in bare.records for f in r.findings] == ["Error.MissingProvenance"]
    stated = record(type_="DSI-RECORD", extra='; kmo:provenanceUnknown "Collected before 1993, origin not recorded"')
    assert validator.validate(list(ox.parse(stated, format=ox.RdfFormat.TURTLE))).conforms


def test_http_validate_formats_and_language(client):
    body = (EXAMPLES / "invalid/missing-title.ttl").read_bytes()
    r = client.post("/validate", content=body, headers={"Content-Type": "text/turtle", "Accept-Language": "fr;q=0.9, de"})
    data = r.json()
    assert r.status_code == 200 and data["conforms"] is False and r.headers["content-language"] == "fr"
    result = data["records"][0]["results"][0]
    assert result["code"] == "Error.Mandatory" and result["message"] == "Le titre est obligatoire."
    assert result["constraint"] == "sh:MinCountConstraintComponent" and result["path"].endswith("/title")
    r = client.post("/validate?lang=es", content=body, headers={"Content-Type": "text/turtle", "Accept": "text/turtle"})
    report = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert any(q.object.value == "http://www.w3.org/ns/shacl#ValidationReport" for q in report)
    assert any(q.predicate.value.endswith("resultMessage") and q.object.language == "es" for q in report)
    r = client.post("/validate", content=body, headers={"Content-Type": "text/turtle", "Accept": "text/plain"})
    assert "DOES NOT CONFORM" in r.text


@pytest.mark.parametrize("content,media,status,fragment", [
    (b"", "text/turtle", 400, "empty"),
    (b"<https://e.org/a> <https://e.org/b> .", "text/turtle", 400, "line 1 column"),
    (b'{"@context": "http://example.org/ctx.jsonld", "title": "x"}', "application/ld+json", 400, "remote context"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r/>', "application/rdf+xml", 400, "DOCTYPE"),
    (b"x", "application/pdf", 415, "not an RDF syntax"),
    (b"{not json", "application/ld+json", 400, "malformed JSON"),
    (b"[" * 5000 + b"]" * 5000, "application/ld+json", 400, "nested"),
])
def test_http_bad_input(client, content, media, status, fragment):
    r = client.post("/validate", content=content, headers={"Content-Type": media})
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json" and fragment in r.json()["detail"]


def test_http_body_over_limit_is_413(client):
    r = client.post("/validate", content=b"#" * 300_000, headers={"Content-Type": "text/turtle"})
    assert r.status_code == 413


def test_validation_never_writes(client, store):
    before = [(g.iri, g.triples) for g in store.graphs()]
    for path in VALID + INVALID:
        client.post("/validate", content=path.read_bytes(), headers={"Content-Type": MEDIA[path.suffix]})
    assert [(g.iri, g.triples) for g in store.graphs()] == before


def test_shapes_and_context_endpoints(client):
    r = client.get("/shapes")
    assert r.status_code == 200 and b"kmsh:KnowledgeObjectShape" in r.content
    r = client.get("/shapes", headers={"Accept": "application/n-triples"})
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))) > 200
    ctx = client.get("/context.jsonld").json()
    assert ctx["@context"]["tags"]["@id"] == "dcterms:subject"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kmgraph", "validate", *args], check=False, capture_output=True, text=True)


def test_cli_exit_codes_and_formats(tmp_path):
    ok = run_cli(*map(str, VALID))
    assert ok.returncode == 0 and "4 records, 0 violations" in ok.stdout
    bad = run_cli("--lang", "fr", "--format", "json", str(INVALID[0]))
    assert bad.returncode == 1 and json.loads(bad.stdout)["records"][0]["results"][0]["message"]
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://e.org/> .\nex:a ex:b .\n")
    err = run_cli(str(broken))
    assert err.returncode == 2 and "broken.ttl at line 2 column" in err.stderr and "Traceback" not in err.stderr


def test_cli_extra_shapes_core_and_sparql(tmp_path):
    core = tmp_path / "identifier.ttl"
    core.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcterms: <http://purl.org/dc/terms/> .
    <urn:x:IdShape> a sh:NodeShape ; sh:targetSubjectsOf dcterms:type ;
      sh:property [ sh:path dcterms:identifier ; sh:minCount 1 ; sh:message "An identifier is needed."@en ] .""")
    r = run_cli("--shapes", str(core), "--format", "json", str(VALID[0]), str(VALID[1]))
    results = [x for rec in json.loads(r.stdout)["records"] for x in rec["results"]]
    assert r.returncode == 1 and [x["message"] for x in results] == ["An identifier is needed."]
    sparql = tmp_path / "sparql.ttl"
    sparql.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
    <urn:x:NoExample> a sh:NodeShape ; sh:targetSubjectsOf <http://purl.org/dc/terms/type> ;
      sh:sparql [ sh:message "example.org records are not accepted"@en ;
        sh:select "SELECT $this WHERE { FILTER(STRSTARTS(STR($this), 'https://example.org/')) }" ] .""")
    r = run_cli("--shapes", str(sparql), "--format", "json", *map(str, VALID))
    results = [x for rec in json.loads(r.stdout)["records"] for x in rec["results"]]
    assert r.returncode == 1 and len(results) == 3 and all("example.org" in x["message"] for x in results)


def test_national_target_alignment(validator):
    base = record(type_="NATIONAL-TARGET", extra="; dcterms:spatial <https://w3id.org/kmgraph/id/country/CO>")
    missing = validator.validate(list(ox.parse(base, format=ox.RdfFormat.TURTLE)))
    assert [f.code for r in missing.records for f in r.findings] == ["Error.Mandatory"]
    aligned = record(type_="NATIONAL-TARGET", extra="""; dcterms:spatial <https://w3id.org/kmgraph/id/country/CO> ;
        kmo:hasAlignment [ kmo:alignedTo kmid:GBF-TARGET-03 ; kmo:alignmentDegree "high" ] ,
                         [ kmo:alignedTo kmid:GBF-TARGET-02 ; kmo:alignmentDegree "medium" ]""")
    assert validator.validate(list(ox.parse(aligned, format=ox.RdfFormat.TURTLE))).conforms
    wrong = record(type_="NATIONAL-TARGET", extra="""; dcterms:spatial <https://w3id.org/kmgraph/id/country/CO> ;
        kmo:hasAlignment [ kmo:alignedTo kmid:AICHI-TARGET-11 ; kmo:alignmentDegree "total" ]""")
    assert not validator.validate(list(ox.parse(wrong, format=ox.RdfFormat.TURTLE))).conforms


@pytest.mark.parametrize("fmt,media", [(ox.RdfFormat.N_TRIPLES, "application/n-triples"),
                                       (ox.RdfFormat.RDF_XML, "application/rdf+xml")])
def test_other_syntaxes_over_http(client, fmt, media):
    triples = read_file(VALID[0])
    body = ox.serialize(triples, format=fmt)
    r = client.post("/validate", content=body, headers={"Content-Type": media})
    assert r.status_code == 200 and r.json()["conforms"] is True


def test_validation_through_the_remote_backend(virtuoso):
    from kmgraph.store.remote import RemoteStore
    from kmgraph.vocab.bundled import load_bundled

    remote = RemoteStore(virtuoso.sparql, graph_store_url=virtuoso.graph_store)
    if not remote.has_graph("https://w3id.org/kmgraph/graph/vocab/gbf"):
        load_bundled(remote)
    v = RecordValidator(remote)
    for path in VALID:
        assert v.validate(read_file(path)).conforms, path.name
    for path in INVALID:
        findings = [f.code for r in v.validate(read_file(path)).records for f in r.findings]
        assert findings == [expected_code(path)], path.name
    remote.close()


DSI = json.loads((EXAMPLES / "valid/dsi-record-with-ircc.jsonld").read_text())


@pytest.mark.parametrize("body", [
    {k: v for k, v in DSI.items() if k != "type"},
    {k: v for k, v in DSI.items() if k != "@context"},
    [],
], ids=["no-type", "no-context", "empty-list"])
def test_no_record_is_an_error_not_a_conforming_report(client, tmp_path, body):
    content = json.dumps(body).encode()
    r = client.post("/validate", content=content, headers={"Content-Type": "application/ld+json"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", r.text
    assert r.json()["type"].endswith("/no-record") and r.json()["code"] == "Error.NoRecord"
    r = client.post("/records", content=content, headers={"Content-Type": "application/ld+json",
                                                          "Authorization": "Bearer t"})
    assert r.status_code == 422 and r.json()["type"].endswith("/no-record")
    path = tmp_path / "record.jsonld"
    path.write_bytes(content)
    cli = run_cli(str(path))
    assert cli.returncode == 2 and "no record found" in cli.stderr and "conforms" not in cli.stdout


@pytest.mark.parametrize("date,datatype", [("2024", "gYear"), ("2024-05", "gYearMonth"), ("2024-05-29", "date")])
def test_json_ld_dates_in_every_form_the_message_offers(client, date, datatype):
    body = json.dumps(DSI | {"date": date}).encode()
    triples = parse_body(body, "application/ld+json")
    dates = [t.object for t in triples if t.predicate.value == "http://purl.org/dc/terms/date"]
    assert [d.datatype.value.rsplit("#")[-1] for d in dates] == [datatype]
    r = client.post("/validate", content=body, headers={"Content-Type": "application/ld+json"})
    assert r.status_code == 200 and r.json()["conforms"] is True, r.text


@pytest.mark.parametrize("title", [{"en_US": "A title"}, {"en": "A title", "fr_FR": "Un titre"},
                                   {"@value": "A title", "@language": "en_US"}])
def test_json_ld_bad_language_tag_is_reported_as_such(client, title):
    body = json.dumps(DSI | {"title": title}).encode()
    r = client.post("/validate", content=body, headers={"Content-Type": "application/ld+json"})
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert "invalid language tag" in detail and "_" in r.json()["language"] and "mandatory" not in detail


def test_accept_application_json_gets_json(client):
    body = (EXAMPLES / "valid/dsi-record-with-ircc.jsonld").read_bytes()
    r = client.post("/validate", content=body, headers={"Content-Type": "application/ld+json",
                                                        "Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), r.text
    r = client.get("/records", headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
