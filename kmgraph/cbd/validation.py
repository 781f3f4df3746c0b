"""KM documents validated by kmgraph's SHACL engine, reported as the CBD's validation call reports.

The shapes are ``shapes/km-documents.ttl`` (generated from the schemas), compiled once; the vocabulary
background is the record validator's. A batch of documents is validated in one pass over one view.
Each finding becomes a CBD error ``{code, property, parameters}`` with, in keys that CBD clients
ignore, its severity and kmgraph's message in English, French and Spanish. Errors are what makes a
document invalid; deprecated terms are warnings, and terms of domains kmgraph does not hold are
listed as not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..resources import DOCUMENT_SHAPES
from ..validation import RecordValidator, messages
from ..validation.graph import TripleIndex, UnionView
from ..validation.shacl import SH, Result, ShapesGraph
from ..vocab.concepts import ConceptIndexCache
from .documents import Batch, DocumentReader, Prepared, Problem

KMSH = "https://w3id.org/kmgraph/shapes#"
IS_REPLACED_BY = ox.NamedNode("http://purl.org/dc/terms/isReplacedBy")
SKOS_NOTATION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
# CBD codes for what the shapes say about types; the rest follows the record validator's table.
# Components whose CBD code does not depend on the shape (a missing value is missing, whatever the
# shape says about the values it checks).
FIXED_CODES = {"MinCountConstraintComponent": "Error.Mandatory", "ClosedConstraintComponent": "Error.InvalidProperty",
               "MaxCountConstraintComponent": "Error.InvalidType"}
TYPE_COMPONENTS = {"DatatypeConstraintComponent", "NodeKindConstraintComponent", "PatternConstraintComponent",
                   "OrConstraintComponent"}
MESSAGES = {**messages.MESSAGES, "Error.InvalidType": {
    "en": "{field}: {value} is not of the documented type ({expected}).",
    "es": "{field}: {value} no es del tipo documentado ({expected}).",
    "fr": "{field} : {value} n'est pas du type documenté ({expected})."},
    "Error.UnexpectedTerm": {
        "en": "{field}: {value} is not a term of the domain this field takes ({domain}).",
        "fr": "{field} : {value} n'est pas un terme du domaine de ce champ ({domain}).",
        "es": "{field}: {value} no es un término del dominio de este campo ({domain})."},
    "Locale.Undeclared": {
        "en": "{field}: text in {value}, a language that header.languages does not declare.",
        "fr": "{field} : texte en {value}, une langue que header.languages ne déclare pas.",
        "es": "{field}: texto en {value}, un idioma que header.languages no declara."},
    "Locale.NotUN": {
        "en": "{field}: text in {value}, which is not a United Nations language (ar, en, es, fr, ru, zh).",
        "fr": "{field} : texte en {value}, qui n'est pas une langue des Nations Unies (ar, en, es, fr, ru, zh).",
        "es": "{field}: texto en {value}, que no es un idioma de las Naciones Unidas (ar, en, es, fr, ru, zh)."}}
LANGUAGES = ("en", "fr", "es")
# What the documented type is, in words, for Error.InvalidType.
EXPECTED = {
    "lstring": {"en": "a text by language, such as {\"en\": \"...\"}", "fr": "un texte par langue, tel que {\"fr\": \"...\"}",
                "es": "un texto por idioma, como {\"es\": \"...\"}"},
    "lstring[]": {"en": "a list of texts by language", "fr": "une liste de textes par langue",
                  "es": "una lista de textos por idioma"},
    "list": {"en": "a list", "fr": "une liste", "es": "una lista"},
    "term": {"en": "a term {\"identifier\": \"...\"}", "fr": "un terme {\"identifier\": \"...\"}",
             "es": "un término {\"identifier\": \"...\"}"},
    "reference": {"en": "a reference {\"identifier\": \"<uid>@<revision>\"}",
                  "fr": "une référence {\"identifier\": \"<uid>@<révision>\"}",
                  "es": "una referencia {\"identifier\": \"<uid>@<revisión>\"}"},
    "link": {"en": "a link {\"url\": \"...\"}", "fr": "un lien {\"url\": \"...\"}", "es": "un enlace {\"url\": \"...\"}"},
    "boolean": {"en": "true or false", "fr": "true ou false", "es": "true o false"},
    "integer": {"en": "a whole number", "fr": "un nombre entier", "es": "un número entero"},
    "number": {"en": "a number", "fr": "un nombre", "es": "un número"},
    "string": {"en": "a string", "fr": "une chaîne de caractères", "es": "una cadena de caracteres"},
    "date": {"en": "a date such as 2024, 2024-05 or 2024-05-17", "fr": "une date telle que 2024, 2024-05 ou 2024-05-17",
             "es": "una fecha como 2024, 2024-05 o 2024-05-17"},
    "object": {"en": "an object", "fr": "un objet", "es": "un objeto"},
}


@dataclass
class DocumentReport:
    """The CBD validation report of one document, with kmgraph's extra keys."""

    prepared: Prepared
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_cbd(self) -> dict:
        doc = self.prepared.document
        return {"identifier": self.prepared.identifier or None, "schema": self.prepared.schema.name,
                "locales": self.prepared.languages, "title": _lstring(doc.get("title")),
                "summary": _lstring(doc.get("summary")), "errors": self.errors or None,
                "warnings": self.warnings, "notChecked": self.prepared.not_checked}


def _lstring(value: object) -> dict:
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


class DocumentValidator:
    """The KM document shapes plus the vocabulary background of one store."""

    def __init__(self, records: RecordValidator, concepts: ConceptIndexCache) -> None:
        self.records = records
        self.concepts = concepts
        self.shapes_index = TripleIndex(ox.parse(path=str(DOCUMENT_SHAPES), format=ox.RdfFormat.TURTLE))
        self.shapes = ShapesGraph(self.shapes_index)  # SHACL Core only: the generator writes nothing else

    def reader(self) -> DocumentReader:
        index = self.concepts.get()

        def resolve(identifier: str) -> str | None:
            concept = index.by_notation.get(identifier) or index.by_notation.get(identifier.upper())
            return concept.iri if concept else None

        return DocumentReader(resolve)

    def validate(self, prepared: list[Prepared]) -> list[DocumentReport]:
        """Documents prepared one by one (each with its own view), in one pass when their
        identifiers differ."""
        seen: set[str] = set()
        if any(p.iri in seen or seen.add(p.iri) for p in prepared):
            return [self._validate([p], p.triples)[0] for p in prepared]
        return self._validate(prepared, [t for p in prepared for t in p.triples])

    def validate_batches(self, batches: list[Batch]) -> list[DocumentReport]:
        """What ``DocumentReader.prepare_batch`` read: one pass of the engine per batch."""
        return [report for batch in batches for report in self._validate(batch.prepared, batch.triples)]

    def check(self, documents: list[object], schema: str | None = None) -> list[DocumentReport]:
        """Read and validate documents; the reports in the order of the documents."""
        reports = self.validate_batches(self.reader().prepare_batch(documents, schema))
        return sorted(reports, key=lambda r: r.prepared.position)

    def _validate(self, prepared: list[Prepared], triples: list[ox.Triple]) -> list[DocumentReport]:
        background, _ = self.records.background()
        data = TripleIndex(triples)
        view = UnionView(data, background)
        reports = {p.iri: DocumentReport(p) for p in prepared}
        for p in prepared:
            for problem in p.problems:
                _add(reports[p.iri], self._from_problem(problem))
        for result in self.shapes.validate(view):
            root, where = _locate(result.focus, data, reports)
            if root is None:
                continue
            report = reports[root]
            _add(report, self._from_result(result, where, report.prepared, view))
        return [reports[p.iri] for p in prepared]

    def _from_problem(self, problem: Problem) -> dict:
        parameters = {k: v for k, v in problem.parameters.items() if k != "expected"}
        if problem.value is not None:
            parameters["value"] = problem.value
        return _error(problem.code, problem.property, problem.value, "error", parameters or None,
                      expected=str(problem.parameters.get("expected", "")), message=problem.message)

    def _from_result(self, r: Result, where: str, prepared: Prepared, view: UnionView) -> dict:
        component = r.component.value[len(SH):]
        shape_code = r.shape.annotations.get(KMSH + "code")
        if component in FIXED_CODES:
            code = FIXED_CODES[component]
        elif shape_code:
            code = shape_code[0].value
        elif component in TYPE_COMPONENTS:
            code = "Error.InvalidType"
        else:
            code = messages.DEFAULT_CODES.get(component, "Error.InvalidValue")
        name = _name(r.shape.node, self.shapes_index)
        if component == "ClosedConstraintComponent" and r.path is not None and r.path.kind == "pred":
            name = _local(r.path.predicate.value)
        prop = name if "." in name or not where else f"{where}.{name}"
        value, parameters = None, None
        if r.value is not None and component != "ClosedConstraintComponent":
            value = prepared.terms.get(r.value.value) or _display(r.value, view)
            parameters = {"value": value}
        message = None
        if component == "LanguageInConstraintComponent" and isinstance(r.value, ox.Literal):
            value, message = r.value.language or "", "Locale.NotUN"
            parameters = {"value": value}
        spec = next((f for f in prepared.schema.fields if f.path == prop), None)
        if code == "Error.DeprecatedTerm" and r.value is not None:
            replacement = view.value(r.value, IS_REPLACED_BY)
            parameters = {"value": value, "replacedBy": _display(replacement, view) if replacement else None}
        severity = "warning" if r.severity.value == SH + "Warning" else "error"
        return _error(code, prop, value, severity, parameters, replacement=(parameters or {}).get("replacedBy") or "",
                      template=_own_message(r), message=message, domain=spec.domain if spec else "")


def _own_message(r: Result) -> dict[str, str] | None:
    """The shape's own sh:message by language, when it has one."""
    by_lang = {m.language: m.value for m in r.shape.messages if isinstance(m, ox.Literal) and m.language}
    return by_lang if all(lang in by_lang for lang in LANGUAGES) else None


def _error(code: str, prop: str, value: str | None, severity: str, parameters: dict | None, *,
           expected: str = "", replacement: str = "", template: dict[str, str] | None = None,
           message: str | None = None, domain: str = "") -> dict:
    texts = template or MESSAGES.get(message or code, MESSAGES["Error.InvalidValue"])
    localized = {}
    for lang in LANGUAGES:
        text = texts[lang] if template else texts.get(lang, texts["en"])
        replacement_text = replacement or messages.NO_REPLACEMENT.get(lang, "")
        expected_text = EXPECTED.get(expected, {}).get(lang, expected)
        localized[lang] = (text.replace("{field}", prop).replace("{value}", value or "")
                           .replace("{expected}", expected_text).replace("{replacement}", replacement_text)
                           .replace("{domain}", re.split(r"[,(]", domain)[0].strip() or "?"))
    error = {"code": code, "property": prop}
    if parameters:
        error["parameters"] = parameters
    error |= {"severity": severity, "message": localized}
    return error


def _add(report: DocumentReport, error: dict) -> None:
    """Add a finding once; a field of the wrong type is not also reported missing."""
    target = report.errors if error["severity"] == "error" else report.warnings
    if error["code"] == "Error.Mandatory" and any(
            e["code"] == "Error.InvalidType" and e["property"] == error["property"] for e in report.errors):
        return
    key = (error["code"], error["property"], (error.get("parameters") or {}).get("value"))
    if not any((e["code"], e["property"], (e.get("parameters") or {}).get("value")) == key for e in target):
        target.append(error)


def _locate(focus, data: TripleIndex, reports: dict[str, DocumentReport]) -> tuple[str | None, str]:
    """The document a focus node belongs to and the dotted path of fields that leads to it."""
    path: list[str] = []
    node, seen = focus, set()
    while not (isinstance(node, ox.NamedNode) and node.value in reports):
        if node in seen:
            return None, ""
        seen.add(node)
        parents = data._reverse().get(node, {})
        step = next(((p, subjects[0]) for p, subjects in parents.items() if subjects), None)
        if step is None:
            return None, ""
        path.append(_local(step[0].value))
        node = step[1]
    return node.value, ".".join(reversed(path))


def _name(shape: ox.NamedNode | ox.BlankNode, index: TripleIndex) -> str:
    names = [n for n in index.objects(shape, ox.NamedNode(SH + "name")) if isinstance(n, ox.Literal)]
    return names[0].value if names else ""


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def _display(term, view: UnionView) -> str:
    if isinstance(term, ox.NamedNode):
        notation = next((n.value for n in view.objects(term, SKOS_NOTATION) if isinstance(n, ox.Literal)), None)
        return notation or term.value
    return term.value
