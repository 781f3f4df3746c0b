"""Generate kmgraph's view of the CBD clearing-house's KM document schemas from their field tables.

Reads ``../shared/data/cbd/km-documents/schemas/*.json`` (field names, types, the documented Mandatory
flag and the thesaurus domain of each term field: facts from the CBD's API documentation) and writes:

- ``ontology/km-documents/schemas.json``: the fields of every schema, normalised (kind, array,
  mandatory, domains held by kmgraph, form rules), which the document reader uses;
- ``ontology/km-documents/contexts/<schema>.jsonld``: the published JSON-LD context of each schema,
  which gives the RDF view of a KM document (``kmdoc:`` properties named after the fields);
- ``shapes/km-documents.ttl``: the schemas as SHACL shapes over that view, checked by the same engine
  as records.

The output is committed, so a clone works without ``../shared``. Run: ``make km-documents``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from paths import default_sources

ROOT = Path(__file__).resolve().parents[1]
KMDOC = "https://w3id.org/kmgraph/km-document#"
UNKNOWN = "https://w3id.org/kmgraph/km-document/unknown-field#"
UN_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
OTHER_TERM = "5B6177DD-5E5E-434E-8CB7-D63D67D5EBED"

# Documented types -> (kind, array). E-types are the national reporting forms' variants of the same.
KINDS = {
    "lstring": ("lstring", False), "lstring[]": ("lstring", True),
    "Term": ("term", False), "Eterm": ("term", False), "Lterm": ("term", False),
    "Term[]": ("term", True), "Eterm[]": ("term", True),
    "Reference": ("reference", False), "Reference[]": ("reference", True),
    "Link[]": ("link", True), "Elink[]": ("link", True),
    "bool": ("boolean", False), "Boolean": ("boolean", False),
    "int": ("integer", False), "decimal": ("number", False),
    "string": ("string", False), "string[]": ("string", True),
    "DateTime": ("date", False), "Datetime": ("date", False),
    "Header": ("header", False), "Eheader": ("header", False),
    "Nagoya": ("object", False), "Biosafety": ("object", False), "MapLocation": ("object", False),
    "IndicatorData": ("object", False), "NationalIndicators[]": ("object", True),
}
# Where the documentation's type is not what the clearing-house sends: the resource form and the CBD's
# own test document (samples/resource.scbd-common-test.json) give publicationDate as a date string.
TYPE_FIXES = {("resource", "publicationDate"): "DateTime"}
# Where a term field documents no domain: a field whose documentation names a domain kmgraph holds
# in one schema (government: countries in nationalTarget7) takes it wherever it is undocumented; and
# a report's goal (nationalReport7 section IV) is a GBF goal.
DOMAIN_FIXES = {"gbfGoal": "GBF-GOALS"}


def documented_domains(sources: list[dict]) -> dict[str, str]:
    """Field name -> the documented domain, where every schema that documents one agrees on it and it
    is a domain kmgraph holds."""
    seen: dict[str, set[str]] = {}
    for source in sources:
        for entry in source["fields"]:
            if entry.get("domain"):
                seen.setdefault(entry["field"], set()).add(entry["domain"])
    return {name: next(iter(d)) for name, d in seen.items() if len(d) == 1 and domains_of(next(iter(d)))[0]}
# Thesaurus domains kmgraph holds, and what a term of each must be (a class, or a notation pattern).
HELD_DOMAINS = {
    "GBF-GOALS": {"class": "https://w3id.org/kmgraph/ontology#Goal"},
    "GBF-TARGETS": {"class": "https://w3id.org/kmgraph/ontology#Target"},
    "GBF-HEADLINE-INDICATORS": {"class": "https://w3id.org/kmgraph/ontology#HeadlineIndicator"},
    "KMGBF-BINARY-INDICATORS": {"class": "https://w3id.org/kmgraph/ontology#BinaryIndicator"},
    "GBF-COMPONENT-INDICATORS": {"class": "https://w3id.org/kmgraph/ontology#ComponentIndicator"},
    "GBF-COMPLEMENTARY-INDICATORS": {"class": "https://w3id.org/kmgraph/ontology#ComplementaryIndicator"},
    "AICHI-TARGETS": {"notation": "^AICHI-TARGET-"},
    "countries": {"class": "https://w3id.org/kmgraph/ontology#Country"},
}
# Fields that real records carry from older forms (the README of the formats): tolerated everywhere.
TOLERATED = ("libraries", "regions", "publicationYear", "notes")
# Form rules the CBD's forms apply: terms that need a customValue (identifiers from the forms).
CUSTOM_VALUE_TERMS = {
    ("capacityBuildingInitiative", "geographicScope"): ["DEBB019D-8647-40EC-8AE5-10CA88572F6E",  # sub-national
                                                        "9627DF2B-FFAC-4F85-B075-AF783FF2A0B5"],  # community
    ("nationalTarget7", "additionalImplementation"): ["additionalImplementationRequired",
                                                      "additionalImplementationOther"],
}
FIXED_TERMS = {("nationalTarget7", "additionalImplementation"): [
    "additionalImplementationRequired", "additionalImplementationAvailable", "additionalImplementationOther"]}


def domains_of(text: str) -> tuple[list[str], list[str]]:
    """(domains kmgraph holds, other domains) that a term field takes, from its documented domain:
    "GBF-TARGETS", "countries + regions", "GBF-GOALS or GBF-TARGETS", "<GUID> + Other", "GBF-TARGETS,
    each with degreeOfAlignment from GBF-DEGREE-OF-ALIGNMENT" (the part after a comma or a parenthesis
    is about something else)."""
    own = re.split(r"[,(]", text, maxsplit=1)[0]
    names = re.findall(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}|[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+|"
                       r"\bcountries\b|\bregions\b|\bOrganization Types\b|\bcbdClearingHouses\b|"
                       r"Capacity Building Project Funding Types", own)
    held = [n for n in names if n in HELD_DOMAINS]
    return held, [n for n in names if n not in HELD_DOMAINS]


def normalise(source: dict, inherited: dict[str, str]) -> dict:
    """One schema's fields as the reader and the shapes need them."""
    schema, fields, section = source["schema"], [], None
    for entry in source["fields"]:
        name, documented = entry["field"], entry.get("type")
        if name == "header":
            fields.append({"path": "header", "kind": "header", "array": False, "mandatory": False})
            continue
        if documented is None:  # a block (a report's section, indicator data rows): the fields after it are its own
            section = name
            fields.append({"path": name, "kind": "section", "array": None, "mandatory": bool(entry["mandatory"])})
            continue
        if (schema, name) in TYPE_FIXES:
            documented = TYPE_FIXES[(schema, name)]
        kind, array = KINDS[documented]
        path = name if "." in name or section is None else f"{section}.{name}"
        if path in {f["path"] for f in fields}:  # the same block documented twice (indicatorData)
            continue
        field = {"path": path, "kind": kind, "array": array, "mandatory": bool(entry["mandatory"])}
        if kind == "term":
            if not entry.get("domain") and name in {**inherited, **DOMAIN_FIXES}:
                entry = {**entry, "domain": {**inherited, **DOMAIN_FIXES}[name]}
            held, other = domains_of(entry.get("domain", ""))
            if entry.get("domain"):
                field["domain"] = entry["domain"]
            field["held"] = held
            # countries + regions: a country is checked, anything else is a region kmgraph does not hold
            field["open"] = bool(other) or not held
            if (schema, name) in CUSTOM_VALUE_TERMS:
                field["customValueFor"] = CUSTOM_VALUE_TERMS[(schema, name)]
            if "+ Other" in entry.get("domain", ""):
                field["customValueFor"] = [OTHER_TERM]
            if (schema, name) in FIXED_TERMS:
                field["fixed"] = FIXED_TERMS[(schema, name)]
        fields.append(field)
    return {"schema": schema, "source": source["source"], "fields": fields}


def top_level(fields: list[dict]) -> list[dict]:
    return [f for f in fields if "." not in f["path"]]


def children(fields: list[dict], parent: str) -> list[dict]:
    return [f for f in fields if f["path"].startswith(parent + ".") and "." not in f["path"][len(parent) + 1:]]


# --- JSON-LD context ------------------------------------------------------------------------------

TERM_CONTEXT = {"identifier": "@id", "customValue": {"@id": "kmdoc:customValue", "@container": "@language"}}
LINK_CONTEXT = {"url": "kmdoc:url", "name": "kmdoc:name", "language": "kmdoc:linkLanguage"}


def term_definition(field: dict) -> dict:
    name = field["path"].rsplit(".", 1)[-1]
    definition: dict = {"@id": f"kmdoc:{name}"}
    kind = field["kind"]
    if kind == "lstring":
        definition["@container"] = "@language"
    elif kind in ("term", "reference"):
        definition["@context"] = TERM_CONTEXT
    elif kind == "link":
        definition["@context"] = LINK_CONTEXT
    elif kind == "header":
        definition["@context"] = {"identifier": "kmdoc:identifier", "schema": "kmdoc:schema",
                                  "languages": {"@id": "kmdoc:language", "@container": "@set"}}
    return definition


def build_context(schema: dict) -> dict:
    """The context of one schema (a field name can mean different things in two schemas: ``data``)."""
    terms: dict[str, dict] = {}
    for field in schema["fields"]:
        name = field["path"].rsplit(".", 1)[-1]
        definition = term_definition(field)
        if name in terms and terms[name] != definition:
            raise SystemExit(f"{schema['schema']}.{field['path']}: field {name!r} has two meanings in one schema")
        terms[name] = definition
    return {"@context": {"@version": 1.1, "@vocab": UNKNOWN, "kmdoc": KMDOC,
                         "xsd": "http://www.w3.org/2001/XMLSchema#", **dict(sorted(terms.items()))}}


# --- SHACL ----------------------------------------------------------------------------------------

def literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def shape_name(schema: str, path: str) -> str:
    return f"kmdocsh:{schema}-{path.replace('.', '-')}"


def property_shape(schema: str, field: dict) -> list[str]:
    """The property shape(s) of one field: presence, type, languages, terms of the domain."""
    name = field["path"].rsplit(".", 1)[-1]
    node = shape_name(schema, field["path"])
    lines = [f"{node} a sh:PropertyShape ;", f"    sh:path kmdoc:{name} ;", f"    sh:name {literal(field['path'])} ;"]
    if field["mandatory"]:
        lines.append("    sh:minCount 1 ;")
    if field["array"] is False and field["kind"] not in ("lstring",):
        lines.append("    sh:maxCount 1 ;")
    kind = field["kind"]
    extra: list[list[str]] = []
    if kind == "lstring":
        lines.append("    sh:datatype rdf:langString ;")
        lines.append(f"    sh:languageIn ( {' '.join(literal(x) for x in UN_LANGUAGES)} ) ;")
    elif kind in ("term", "reference"):
        lines.append("    sh:nodeKind sh:IRI ;")
    elif kind in ("link", "header", "object", "section"):
        lines.append("    sh:nodeKind sh:BlankNodeOrIRI ;")
    elif kind == "boolean":
        lines.append("    sh:datatype xsd:boolean ;")
    elif kind == "integer":
        lines.append("    sh:datatype xsd:integer ;")
    elif kind == "number":  # JSON-LD types a JSON number xsd:integer or xsd:double
        lines.append("    sh:or ( [ sh:datatype xsd:integer ] [ sh:datatype xsd:double ] ) ;")
    elif kind in ("string", "date"):
        lines.append("    sh:datatype xsd:string ;")
        if kind == "date":
            lines.append('    sh:pattern "^[0-9]{4}(-[0-9]{2}(-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?)?)?$" ;')
    if kind == "link":
        lines.append("    sh:node kmdocsh:Link ;")
    if kind == "term" and field.get("held") and not field.get("open"):
        held = field["held"]
        if len(held) == 1:
            lines.append(f"    sh:node kmdocsh:domain-{held[0]} ;")
        else:
            lines.append(f"    sh:or ( {' '.join(f'kmdocsh:domain-{d}' for d in held)} ) ;")
        lines.append('    kmsh:code "Error.UnexpectedTerm" ;')
        extra.append(deprecated_shape(schema, field))
    if kind == "term" and field.get("fixed"):
        values = " ".join(f"<urn:cbd:term:{v}>" for v in field["fixed"])
        lines.append(f"    sh:in ( {values} ) ;")
        lines.append('    kmsh:code "Error.UnexpectedTerm" ;')
    if kind == "term" and field.get("customValueFor"):
        extra.append(custom_value_shape(schema, field))
    lines[-1] = lines[-1][:-2] + " ."
    out = ["\n".join(lines)]
    out += ["\n".join(e) for e in extra]
    return out


def deprecated_shape(schema: str, field: dict) -> list[str]:
    name = field["path"].rsplit(".", 1)[-1]
    return [f"{shape_name(schema, field['path'])}-deprecated a sh:PropertyShape ;", f"    sh:path kmdoc:{name} ;",
            f"    sh:name {literal(field['path'])} ;", "    sh:severity sh:Warning ;",
            '    kmsh:code "Error.DeprecatedTerm" ;', "    sh:node kmdocsh:NotDeprecated ."]


def custom_value_shape(schema: str, field: dict) -> list[str]:
    name = field["path"].rsplit(".", 1)[-1]
    terms = " ".join(f"<urn:cbd:term:{v}>" for v in field["customValueFor"])
    return [f"{shape_name(schema, field['path'])}-customValue a sh:PropertyShape ;", f"    sh:path kmdoc:{name} ;",
            f"    sh:name {literal(field['path'] + '.customValue')} ;",
            '    kmsh:code "Error.Mandatory" ;',
            f"    sh:or ( [ sh:not [ sh:in ( {terms} ) ] ] [ sh:path kmdoc:customValue ; sh:minCount 1 ] ) ;",
            '    sh:message "This choice needs its own text: give customValue ({field})."@en ,',
            '        "Cette option demande un texte : renseignez customValue ({field})."@fr ,',
            '        "Esta opción requiere un texto: indique customValue ({field})."@es .']


def node_shape(schema: str, node: str, fields: list[dict], target: str | None, closed: bool,
               objects_of: str | None = None) -> str:
    lines = [f"{node} a sh:NodeShape ;"]
    if target:
        lines.append(f"    sh:targetClass {target} ;")
    if objects_of:  # the content of a block: each finding names the field inside it
        lines.append(f"    sh:targetObjectsOf kmdoc:{objects_of} ;")
    shapes = []
    for f in fields:
        shapes.append(shape_name(schema, f["path"]))
        if f["kind"] == "term" and f.get("held") and not f.get("open"):
            shapes.append(shape_name(schema, f["path"]) + "-deprecated")
        if f["kind"] == "term" and f.get("customValueFor"):
            shapes.append(shape_name(schema, f["path"]) + "-customValue")
    if shapes:
        lines.append("    sh:property " + " ,\n        ".join(shapes) + " ;")
    if closed:
        ignored = " ".join(["rdf:type", *[f"kmdoc:{t}" for t in TOLERATED], *[f"<{UNKNOWN}{t}>" for t in TOLERATED]])
        lines += ["    sh:closed true ;", f"    sh:ignoredProperties ( {ignored} ) ;",
                  '    kmsh:code "Error.InvalidProperty" ;']
    lines[-1] = lines[-1][:-2] + " ."
    return "\n".join(lines)


def class_name(schema: str) -> str:
    return "kmdoc:" + schema[0].upper() + schema[1:]


SHAPES_HEADER = """# SHACL shapes of the CBD clearing-house's KM documents, over their RDF view (the JSON-LD context
# ontology/km-documents/contexts/<schema>.jsonld). Generated by scripts/build_km_documents.py from the schemas'
# field tables; do not edit by hand. One node shape per schema (closed: a field the schema does not
# have is Error.InvalidProperty, apart from fields older records carry), one property shape per field
# (the documented Mandatory flag as sh:minCount, its type, UN languages for text, and for the thesaurus
# domains kmgraph holds, the class or notation every term must have).

@prefix sh:      <http://www.w3.org/ns/shacl#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix kmsh:    <https://w3id.org/kmgraph/shapes#> .
@prefix kmdoc:   <https://w3id.org/kmgraph/km-document#> .
@prefix kmdocsh: <https://w3id.org/kmgraph/km-document/shapes#> .

kmdocsh:Link a sh:NodeShape ;
    sh:property [ sh:path kmdoc:url ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ; sh:name "url" ;
                  kmsh:code "Error.Mandatory" ] .

kmdocsh:NotDeprecated a sh:NodeShape ;
    sh:not [ sh:property [ sh:path owl:deprecated ; sh:hasValue true ] ] .
"""


def build_shapes(schemas: list[dict]) -> str:
    parts = [SHAPES_HEADER]
    for domain, rule in HELD_DOMAINS.items():
        if "class" in rule:
            parts.append(f"kmdocsh:domain-{domain} a sh:NodeShape ;\n    sh:class <{rule['class']}> .")
        else:
            parts.append(f"kmdocsh:domain-{domain} a sh:NodeShape ;\n    sh:property [ sh:path skos:notation ; "
                         f"sh:minCount 1 ; sh:pattern {literal(rule['notation'])} ] .")
    for schema in schemas:
        name, fields = schema["schema"], schema["fields"]
        parts.append(f"# --- {name} ({schema['source']})")
        parts.append(node_shape(name, f"kmdocsh:{name}", top_level(fields), class_name(name), closed=True))
        for f in fields:
            parts += property_shape(name, f)
            if f["kind"] in ("section", "object") and children(fields, f["path"]):
                parts.append(node_shape(name, shape_name(name, f["path"]) + "-content", children(fields, f["path"]),
                                        None, closed=False, objects_of=f["path"].rsplit(".", 1)[-1]))
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=default_sources(), help="folder with data/ (default: ../shared, else vendor/sources)")
    parser.add_argument("--out", type=Path, default=ROOT, help="checkout to write into (ontology/, shapes/)")
    args = parser.parse_args(argv)
    source_dir = args.shared / "data/cbd/km-documents/schemas"
    if not source_dir.is_dir():
        print(f"error: {source_dir} not found: the generator needs ../shared (or use vendor/sources)",
              file=sys.stderr)
        return 2
    sources = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(source_dir.glob("*.json"))]
    inherited = documented_domains(sources)
    schemas = [normalise(source, inherited) for source in sources]
    out = args.out / "ontology/km-documents"
    out.mkdir(parents=True, exist_ok=True)
    (out / "schemas.json").write_text(json.dumps({"otherTerm": OTHER_TERM, "tolerated": list(TOLERATED),
                                                  "heldDomains": HELD_DOMAINS, "schemas": schemas},
                                                 indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "contexts").mkdir(exist_ok=True)
    for schema in schemas:
        (out / "contexts" / f"{schema['schema']}.jsonld").write_text(
            json.dumps(build_context(schema), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / "shapes").mkdir(exist_ok=True)
    (args.out / "shapes/km-documents.ttl").write_text(build_shapes(schemas), encoding="utf-8")
    print(f"wrote {len(schemas)} schemas: ontology/km-documents/schemas.json, contexts/*.jsonld, shapes/km-documents.ttl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
