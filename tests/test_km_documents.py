"""CBD KM documents: the schemas as shapes, the CBD validation report, the thesaurus API, import and
export as records, the CLI.

The complete documents are ``examples/km-documents/<schema>.json`` (written from the field tables);
each test below changes one thing in one of them and expects the CBD error that change must give.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.cbd.schemas import catalogue
from kmgraph.cbd.validation import DocumentValidator
from kmgraph.config import Settings
from kmgraph.store import EmbeddedStore
from kmgraph.validation import RecordValidator
from kmgraph.vocab.bundled import load_bundled
from kmgraph.vocab.concepts import ConceptIndexCache

from .conftest import REPO

EXAMPLES = REPO / "examples/km-documents"
DATA = REPO / "vendor/sources/data/cbd"
SCHEMAS = sorted(catalogue().schemas)
CBD_CODES = {"Error.Mandatory", "Error.MandatoryAnyOf", "Error.InvalidValue", "Error.InvalidProperty",
             "Error.UnspecifiedLocale", "Error.UnexpectedTerm", "Error.InvalidType"}
TOKEN = "km-admin"


def example(schema: str) -> dict:
    return json.loads((EXAMPLES / f"{schema}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def store():
    s = EmbeddedStore(None, query_workers=0)
    load_bundled(s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def checker(store) -> DocumentValidator:
    return DocumentValidator(RecordValidator(store), ConceptIndexCache(store))


def report(checker: DocumentValidator, document: dict) -> dict:
    return checker.validate([checker.reader().prepare(document)])[0].as_cbd()


def errors(checker, document) -> set[tuple[str, str]]:
    return {(e["code"], e["property"]) for e in report(checker, document)["errors"] or []}


def test_every_schema_has_a_complete_example():
    assert SCHEMAS == sorted(p.stem for p in EXAMPLES.glob("*.json"))
    assert len(SCHEMAS) == 11


@pytest.mark.parametrize("schema", SCHEMAS)
def test_complete_document_is_valid(checker, schema):
    body = report(checker, example(schema))
    assert body["errors"] is None, body["errors"]
    assert body["schema"] == schema and body["identifier"] == example(schema)["header"]["identifier"]


def mandatory_cases():
    for schema in SCHEMAS:
        for f in catalogue().schemas[schema].fields:
            if f.mandatory:
                yield pytest.param(schema, f.path, id=f"{schema}-{f.path}")


def remove(document: dict, path: str) -> dict:
    doc = copy.deepcopy(document)
    *parents, name = path.split(".")
    node = doc
    for parent in parents:
        node = node[parent]
        node = node[0] if isinstance(node, list) else node
    assert name in node, f"the example lacks the mandatory {path}"
    del node[name]
    return doc


@pytest.mark.parametrize("schema,path", list(mandatory_cases()))
def test_each_mandatory_field_missing_is_error_mandatory(checker, schema, path):
    found = errors(checker, remove(example(schema), path))
    assert ("Error.Mandatory", path) in found, found
    assert all(code == "Error.Mandatory" for code, _ in found), found


@pytest.mark.parametrize("schema", SCHEMAS)
def test_unknown_field_is_invalid_property_and_older_fields_are_tolerated(checker, schema):
    doc = example(schema) | {"colourOfTheCover": "green", "libraries": [{"identifier": "cbdLibrary:chm"}],
                             "notes": "an older form's field"}
    assert errors(checker, doc) == {("Error.InvalidProperty", "colourOfTheCover")}


WRONG = {"lstring": "plain text", "term": "GBF-TARGET-03", "reference": "ORG-1", "link": "https://example.org",
         "boolean": "yes", "integer": "twelve", "number": "1,5", "string": 12, "date": "next spring",
         "section": "text", "object": 3}


def typed_cases():
    for schema in SCHEMAS:
        doc = example(schema)
        for f in catalogue().schemas[schema].fields:
            if "." in f.path or f.name not in doc or f.kind == "header":
                continue
            yield pytest.param(schema, f.name, f.kind, f.array, id=f"{schema}-{f.name}")


@pytest.mark.parametrize("schema,name,kind,array", list(typed_cases()))
def test_wrong_type_is_invalid_type(checker, schema, name, kind, array):
    doc = example(schema)
    doc[name] = [12] if array and kind == "string" else WRONG[kind]
    found = errors(checker, doc)
    assert ("Error.InvalidType", name) in found, found


def domain_cases():
    for schema in SCHEMAS:
        doc = example(schema)
        for f in catalogue().schemas[schema].fields:
            if f.kind == "term" and f.held and not f.open and "." not in f.path and f.name in doc:
                yield pytest.param(schema, f.name, f.array, f.held, id=f"{schema}-{f.name}")


@pytest.mark.parametrize("schema,name,array,held", list(domain_cases()))
def test_wrong_domain_term_is_unexpected_term(checker, schema, name, array, held):
    wrong = "GBF-TARGET-03" if "countries" in held or any("INDICATORS" in d for d in held) else "GBF-INDICATOR-A.1"
    for identifier in ("GBF-TARGET-99", wrong):
        doc = example(schema)
        doc[name] = [{"identifier": identifier}] if array else {"identifier": identifier}
        body = report(checker, doc)
        unexpected = [e for e in body["errors"] or [] if e["code"] == "Error.UnexpectedTerm"]
        assert [(e["property"], e["parameters"]["value"]) for e in unexpected] == [(name, identifier)], body["errors"]


def test_domain_cases_cover_the_held_domains():
    covered = {d for p in domain_cases() for d in p.values[3]}
    assert covered >= {"GBF-GOALS", "GBF-TARGETS", "GBF-HEADLINE-INDICATORS", "AICHI-TARGETS", "countries"}


# A text field of each schema's example: a top-level one, else one inside a block.
TEXT_FIELDS = {"nationalReport7": "sectionI.processUndertaken", "nationalReport7IndicatorData": "data.comments"}


def text_of(doc: dict, path: str) -> dict:
    node = doc
    for part in path.split("."):
        node = node[part][0] if isinstance(node[part], list) else node[part]
    return node


@pytest.mark.parametrize("schema", SCHEMAS)
def test_foreign_and_undeclared_locales(checker, schema):
    doc = example(schema)
    undeclared = next(lang for lang in ("ar", "ru", "zh") if lang not in doc["header"]["languages"])
    path = TEXT_FIELDS.get(schema) or next((f.name for f in catalogue().schemas[schema].fields
                                           if f.kind == "lstring" and not f.array and "." not in f.path
                                           and f.name in doc), None)
    if path is None:  # a schema with no text at all: only the header can name a language
        doc["header"]["languages"] = doc["header"]["languages"] + ["de"]
        assert errors(checker, doc) == {("Error.UnspecifiedLocale", "header.languages")}
        return
    text_of(doc, path).update({"de": "Deutsch", undeclared: "text"})
    body = report(checker, doc)
    locales = {(e["property"], e["parameters"]["value"]) for e in body["errors"] if e["code"] == "Error.UnspecifiedLocale"}
    assert locales == {(path, "de"), (path, undeclared)}, body["errors"]


def test_form_rules_custom_value_and_fixed_terms(checker):
    cbi = example("capacityBuildingInitiative")
    del cbi["geographicScope"]["customValue"]
    assert ("Error.Mandatory", "geographicScope.customValue") in errors(checker, cbi)
    cbi = example("capacityBuildingInitiative")
    del cbi["categories"][0]["customValue"]  # the "Other" term
    assert ("Error.Mandatory", "categories.customValue") in errors(checker, cbi)
    target = example("nationalTarget7")
    target["additionalImplementation"] = {"identifier": "additionalImplementationRequired"}
    assert ("Error.Mandatory", "additionalImplementation.customValue") in errors(checker, target)
    target["additionalImplementation"] = {"identifier": "additionalImplementationNever"}
    assert ("Error.UnexpectedTerm", "additionalImplementation") in errors(checker, target)


def test_deprecated_term_is_a_warning_naming_its_replacement(tmp_path):
    s = EmbeddedStore(None, query_workers=0)
    load_bundled(s)
    s.update("""INSERT DATA { GRAPH <https://w3id.org/kmgraph/graph/vocab/gbf> {
        <https://w3id.org/kmgraph/id/GBF-TARGET-05> <http://www.w3.org/2002/07/owl#deprecated> true ;
            <http://purl.org/dc/terms/isReplacedBy> <https://w3id.org/kmgraph/id/GBF-TARGET-04> } }""",
             graphs=["https://w3id.org/kmgraph/graph/vocab/gbf"])
    checker = DocumentValidator(RecordValidator(s), ConceptIndexCache(s))
    doc = example("resource")
    doc["gbfTargets"] = [{"identifier": "GBF-TARGET-05"}]
    body = report(checker, doc)
    assert body["errors"] is None
    assert [(w["code"], w["property"], w["parameters"]) for w in body["warnings"]] == [
        ("Error.DeprecatedTerm", "gbfTargets", {"value": "GBF-TARGET-05", "replacedBy": "GBF-TARGET-04"})]
    assert "GBF-TARGET-04" in body["warnings"][0]["message"]["fr"]
    s.close()


def test_terms_of_domains_not_held_are_listed_not_errors(checker):
    body = report(checker, example("resource"))
    assert {(n["property"], n["identifier"]) for n in body["notChecked"]} == {
        ("resourceTypes", "A762DF7E-B8D1-40D6-9DAC-D25E48C65528"), ("cbdSubjects", "CBD-SUBJECT-MARINE")}


# --- The CBD's samples and the report's shape ------------------------------------------------------------

def test_cbd_test_resource_sample(checker):
    body = report(checker, json.loads((DATA / "km-documents/samples/resource.scbd-common-test.json").read_text()))
    assert {(e["code"], e["property"]) for e in body["errors"]} == {
        ("Error.Mandatory", "resourceTypes"), ("Error.Mandatory", "organizations"), ("Error.Mandatory", "cbdSubjects")}
    assert {(n["property"], n["identifier"]) for n in body["notChecked"]} == {("countryRegions", "eu")}


def test_report_has_the_shape_of_the_captured_cbd_report(checker):
    captured = json.loads((DATA / "km-documents/samples/validation-report.authority.scbd-common.json").read_text())
    document = {"header": {"identifier": captured["identifier"], "schema": "authority", "languages": captured["locales"]}}
    body = report(checker, document)
    assert set(captured) <= set(body)
    assert {k: body[k] for k in ("identifier", "schema", "locales", "title", "summary")} == \
        {k: captured[k] for k in ("identifier", "schema", "locales", "title", "summary")}
    theirs = {(e["code"], e["property"]) for e in captured["errors"]}
    ours = {(e["code"], e["property"]) for e in body["errors"]}
    assert theirs <= ours
    documented = {("Error.Mandatory", f.path) for f in catalogue().schemas["authority"].fields if f.mandatory}
    assert ours - theirs <= documented  # the rest are fields the documentation marks mandatory
    for e in body["errors"]:
        assert e["code"] in CBD_CODES and isinstance(e["property"], str)
        assert set(e) <= {"code", "property", "properties", "parameters", "severity", "message"}
        assert set(e["message"]) == {"en", "fr", "es"} and e["severity"] == "error"


# --- The HTTP faces ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(store, tmp_path_factory):
    app = create_app(Settings.load(store=tmp_path_factory.mktemp("km") / "s", admin_token=TOKEN), store=store)
    with TestClient(app) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_validate_call_put_post_and_schema_parameter(client):
    doc = example("nationalTarget7")
    for method in ("put", "post"):
        r = getattr(client, method)("/api/v2013/documents/x/validate", json=doc)
        assert r.status_code == 200 and r.json()["errors"] is None
    header_less = {k: v for k, v in doc.items()}
    header_less["header"] = {"identifier": "NT-X", "languages": doc["header"]["languages"]}
    r = client.put("/api/v2013/documents/x/validate", params={"schema": "nationalTarget7"}, json=header_less)
    assert r.status_code == 200 and r.json()["schema"] == "nationalTarget7" and r.json()["errors"] is None
    wrong = client.put("/api/v2013/documents/x/validate", params={"schema": "resource"}, json=doc).json()
    assert ("Error.Mandatory", "resourceTypes") in {(e["code"], e["property"]) for e in wrong["errors"]}


def test_validate_suggests_gbf_targets_for_a_resource_without_them(client):
    doc = example("resource")
    del doc["gbfTargets"]
    doc["title"] = {"en": "Removing invasive alien species from island ecosystems"}
    doc["summary"] = {"en": "Eradication of invasive alien rats and goats to protect native birds on islands."}
    body = client.put("/api/v2013/documents/x/validate", params={"suggest": "true"}, json=doc).json()
    suggested = [s["identifier"] for s in body["suggestions"]["gbfTargets"]]
    assert "GBF-TARGET-06" in suggested[:3]


def test_thesaurus_answers_the_cbd_terms_of_gbf_targets_json(client):
    ours = {t["identifier"]: t for t in client.get("/api/v2013/thesaurus/domains/GBF-TARGETS/terms").json()}
    theirs = json.loads((DATA / "gbf-targets.json").read_text())
    assert set(ours) == {t["identifier"] for t in theirs}

    def text(value: str) -> str:  # typography and footnotes: the CBD thesaurus and the KMGBF texts differ there
        value = re.sub(r"\s*\*\*\*\s*\[\d+\].*$", "", value.replace("’", "'"), flags=re.DOTALL)
        return " ".join(re.sub(r"\[\d+\]", "", value).replace(" .", ".").split())

    for term in theirs:
        mine = ours[term["identifier"]]
        for key in ("termId", "identifier", "broaderTerms", "narrowerTerms", "relatedTerms", "nonPreferedTerms"):
            assert mine[key] == term[key], (term["identifier"], key)
        assert text(mine["name"]) == text(term["name"])
        assert text(mine["title"]["en"]) == text(term["title"]["en"])
        assert mine["shortTitle"]["en"] == term["shortTitle"]["en"]
        assert text(mine["longDescription"]["en"]) == text(term["longDescription"]["en"])
        assert {"fr", "es"} <= set(mine["longDescription"]) and {"fr", "es"} <= set(mine["shortTitle"])
    one = client.get("/api/v2013/thesaurus/terms/GBF-TARGET-03").json()
    assert one == ours["GBF-TARGET-03"]


def test_thesaurus_domains_and_other_terms(client):
    domains = {d["identifier"]: d for d in client.get("/api/v2013/thesaurus/domains").json()}
    assert {"GBF-GOALS", "GBF-TARGETS", "GBF-GOALS-TARGETS", "GBF-HEADLINE-INDICATORS", "KMGBF-BINARY-INDICATORS",
            "GBF-COMPONENT-INDICATORS", "GBF-COMPLEMENTARY-INDICATORS", "AICHI-TARGETS", "countries"} <= set(domains)
    assert all(isinstance(d["domainId"], int) for d in domains.values())
    goals = json.loads((DATA / "gbf-goals.json").read_text())
    mine = {t["identifier"]: t for t in client.get("/api/v2013/thesaurus/domains/GBF-GOALS/terms").json()}
    assert {g["identifier"]: g["termId"] for g in goals} == {k: v["termId"] for k, v in mine.items()}
    counts = {d: len(client.get(f"/api/v2013/thesaurus/domains/{d}/terms").json()) for d in domains}
    assert counts["GBF-HEADLINE-INDICATORS"] == 27 and counts["AICHI-TARGETS"] == 20 and counts["GBF-GOALS-TARGETS"] == 27
    assert client.get("/api/v2013/thesaurus/terms/ao").json()["identifier"] == "ao"
    km = client.get("/api/v2013/thesaurus/domains/KMGRAPH-KM-STRATEGY/terms").json()
    objective = next(t for t in km if t["identifier"] == "KM-A")
    assert "KM-A.1" in objective["narrowerTerms"]
    both = {t["identifier"]: t for t in client.get("/api/v2013/thesaurus/domains/GBF-GOALS-TARGETS/terms").json()}
    assert both["GBF-TARGET-01"]["broaderTerms"] == ["GBF-GOAL-A"]


def test_import_export_round_trip_search_and_sparql(client):
    doc = example("resource")
    doc["header"] = dict(doc["header"], identifier="VLR-ROUND-TRIP")
    r = client.post("/records", json=doc, headers=AUTH)
    assert r.status_code == 201, r.text
    record_id = r.json()["id"]
    back = client.get(f"/records/{record_id}", params={"format": "km-document"})
    assert back.status_code == 200 and back.json() == doc
    assert client.get("/records", params={"q": "Saloum"}).json()["total"] >= 1
    found = client.get("/records", params={"target": "GBF-TARGET-02", "country": "SN"}).json()
    assert record_id in {x["id"] for x in found["results"]}
    rows = client.get("/sparql", params={"query": f"""PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?subject ?type ?date ?id WHERE {{ <{r.json()['uri']}> dcterms:subject ?subject ; dcterms:type ?type ;
        dcterms:date ?date ; dcterms:identifier ?id }}"""}).json()["results"]["bindings"]
    assert {b["subject"]["value"].rsplit("/", 1)[-1] for b in rows} == {"GBF-TARGET-02", "GBF-TARGET-03", "AICHI-TARGET-15"}
    assert rows[0]["type"]["value"].endswith("KO-PUBLICATION") and rows[0]["date"]["value"] == "2024-05"
    assert rows[0]["id"]["value"] == "VLR-ROUND-TRIP"
    assert client.post("/records", json=doc, headers=AUTH).status_code == 409
    changed = dict(doc, title={"en": "Restoring mangroves, second edition"})
    assert client.put(f"/records/{record_id}", json=changed, headers=AUTH).status_code == 200
    assert client.get(f"/records/{record_id}", params={"format": "km-document"}).json() == changed
    tagged = client.post(f"/records/{record_id}/tags", json={"concepts": ["GBF-TARGET-11"]}, headers=AUTH)
    assert tagged.status_code == 200


def test_invalid_document_is_not_stored(client):
    doc = example("resource")
    doc["header"] = dict(doc["header"], identifier="VLR-INVALID")
    del doc["title"]
    before = client.get("/records", params={"q": "Saloum"}).json()["total"]
    r = client.post("/records", json=doc, headers=AUTH)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert ("Error.Mandatory", "title") in {(e["code"], e["property"]) for e in r.json()["report"]["errors"]}
    assert client.get("/records", params={"q": "Saloum"}).json()["total"] == before


def test_rdf_record_has_no_km_document_form(client):
    record = (REPO / "examples/records/valid/cbd-decision-15-4.ttl").read_bytes()
    r = client.post("/records", content=record, headers={**AUTH, "Content-Type": "text/turtle"})
    assert r.status_code == 201
    assert client.get(f"/records/{r.json()['id']}", params={"format": "km-document"}).status_code == 406


def test_contexts_and_schema_listing(client):
    listing = client.get("/api/v2013/documents/schemas").json()
    assert sorted(s["schema"] for s in listing) == SCHEMAS
    context = client.get("/km-documents/resource.context.jsonld")
    assert context.status_code == 200 and context.json()["@context"]["title"]["@container"] == "@language"


def test_web_form_validates_a_km_document(client):
    r = client.post("/ui/validate?lang=fr", data={"record": json.dumps({"header": {"identifier": "W", "schema": "resource",
                                                                                "languages": ["en"]}}),
                                                  "syntax": "km-document", "message_lang": "fr"})
    assert r.status_code == 200
    assert "Non conforme" in r.text and "resourceTypes : champ obligatoire." in r.text


def test_curator_loads_a_cbd_term_array_through_the_gate(tmp_path):
    from click.testing import CliRunner

    from kmgraph.cli import main

    result = CliRunner().invoke(main, ["load", str(DATA / "gbf-targets.json"), "--vocab", "cbd-gbf-targets",
                                       "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "23 concepts" in result.output


# --- The CLI ------------------------------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kmgraph", "validate", *args], capture_output=True, text=True,
                          check=False)


def test_cli_validates_files_and_json_lines(tmp_path):
    ok = run_cli(*[str(p) for p in sorted(EXAMPLES.glob("*.json"))], "--store", str(tmp_path / "none"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count(": valid") == 11
    bad = example("nationalTarget7Mapping")
    del bad["elementOfGlobalTargetsInfo"]
    lines = tmp_path / "batch.jsonl"
    lines.write_text(json.dumps(example("nationalTarget7Mapping")) + "\n" + json.dumps(bad) + "\n")
    result = run_cli(str(lines), "--format", "cbd", "--store", str(tmp_path / "none"))
    assert result.returncode == 1
    reports = json.loads(result.stdout)
    assert [r["errors"] is None for r in reports] == [True, False]
    assert reports[1]["errors"][0]["property"] == "elementOfGlobalTargetsInfo"
    broken = tmp_path / "broken.json"
    broken.write_text('{"header": {"schema": "resource"')
    assert run_cli(str(broken), "--store", str(tmp_path / "none")).returncode == 2
