"""Validating metadata records: shapes compiled once, vocabularies as a cached background index.

``RecordValidator.validate`` takes the triples of one or many records and returns a ``Report``
with one entry per record, each result carrying a stable code and a message in the requested
language. It only reads the store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, NoRecordError
from ..resources import RECORD_SHAPES, query_text
from ..store import Store
from . import messages
from .engine import with_pyshacl as engine_validate_with_pyshacl
from .graph import RDF_TYPE, TripleIndex, UnionView
from .shacl import (
    SH,
    Result,
    Shape,
    ShapesError,
    ShapesGraph,
    Unsupported,
    report_triples,
)
from .shacl import Path as ShaclPath

KMSH = "https://w3id.org/kmgraph/shapes#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS_NOTATION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
IS_REPLACED_BY = ox.NamedNode("http://purl.org/dc/terms/isReplacedBy")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
RECORD_SHAPE = ox.NamedNode(KMSH + "KnowledgeObjectShape")
SEVERITY_NAMES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}


@dataclass
class Finding:
    record: str
    focus: str
    path: str | None
    value: str | None
    severity: str
    constraint: str
    shape: str
    code: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class RecordReport:
    record: str
    title: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)


@dataclass
class Report:
    records: list[RecordReport]
    lang: str
    engine: str
    triples: list[ox.Triple] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return all(r.conforms for r in self.records)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.records for f in r.findings if f.severity == severity)

    def as_dict(self) -> dict:
        return {
            "conforms": self.conforms,
            "lang": self.lang,
            "summary": {"records": len(self.records), "violations": self.count("Violation"),
                        "warnings": self.count("Warning")},
            "records": [{"record": r.record, "title": r.title, "conforms": r.conforms,
                         "results": [f.as_dict() for f in r.findings]} for r in self.records],
        }


def no_record(triple_count: int) -> NoRecordError:
    """The error for a body with no record in it, saying what is missing."""
    if triple_count == 0:
        why = ("the body holds no statements (JSON-LD without an \"@context\", or an empty list); use "
               "\"@context\": \"https://w3id.org/kmgraph/context.jsonld\"")
    else:
        why = (f"none of its {triple_count} statements gives a record a type: a record is a node with "
               "dcterms:type (\"type\" in JSON-LD)")
    return NoRecordError(f"no record found: {why}", detail={"code": "Error.NoRecord"})


def _term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return term.value if not isinstance(term, ox.BlankNode) else f"_:{term.value}"


class RecordValidator:
    """Compiled shapes plus the vocabulary background of one store."""

    def __init__(self, store: Store, extra_shapes: list[Path] | None = None) -> None:
        self.store = store
        triples: list = []
        for path in [RECORD_SHAPES, *(extra_shapes or [])]:
            try:
                triples += ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            except (SyntaxError, OSError) as exc:
                raise InputError(f"{path}: cannot read shapes: {exc}") from exc
        self.shapes_index = TripleIndex(triples)
        try:
            self.shapes: ShapesGraph | None = ShapesGraph(self.shapes_index)
        except Unsupported:
            self.shapes = None  # beyond SHACL Core: pySHACL validates (slower)
        except ShapesError as exc:
            raise InputError(f"the shapes cannot be used: {exc}") from exc
        self._lock = threading.Lock()
        self._background: TripleIndex | None = None
        self._rules: list[tuple[ox.NamedNode, ox.Term, ox.NamedNode]] = []
        self._version: object = None

    def shapes_serialized(self, rdf_format: ox.RdfFormat) -> bytes:
        return ox.serialize([ox.Triple(s, p, o) for s, p, o in self.shapes_index.triples()], format=rdf_format)

    # background --------------------------------------------------------------------------------

    def background(self) -> tuple[TripleIndex, list]:
        version = self.store.vocabulary_version
        with self._lock:
            if self._background is None or version != self._version:
                index = TripleIndex(self.store.query(query_text("system/validation-background")))
                self._rules = _has_value_rules(index)
                self._background, self._version = index, version
            return self._background, self._rules

    # validation --------------------------------------------------------------------------------

    def validate(self, triples: list[ox.Triple], lang: str = "en") -> Report:
        background, rules = self.background()
        data = TripleIndex(triples)
        for prop, value, cls in rules:  # owl:hasValue class definitions, e.g. dcterms:type -> kmo:GoodPractice
            for s in data.subjects(prop, value):
                data.add(s, RDF_TYPE, cls)
        view = UnionView(data, background)
        if self.shapes is not None:
            records = self.shapes.focus_nodes(self.shapes.shape(RECORD_SHAPE), view)
        else:
            records = list(dict.fromkeys(data.subjects_of(ox.NamedNode("http://purl.org/dc/terms/type"))))
        if not records:  # before any engine runs: pySHACL would take seconds to say nothing
            raise no_record(len(triples))
        if self.shapes is not None:
            results, engine = self.shapes.validate(view), "kmgraph"
        else:
            results, engine = self._with_pyshacl(data, background), "pyshacl"
        report = Report([], lang, engine)
        by_record: dict = {r: RecordReport(_term_text(r), self._title(data, r, lang)) for r in records}
        pairs = []
        for result in results:
            record = _owner(result.focus, records, data)
            if record not in by_record:
                by_record[record] = RecordReport(_term_text(record), self._title(data, record, lang))
            finding = self._finding(result, record, view, lang)
            by_record[record].findings.append(finding)
            pairs.append((result, finding))
        report.records = list(by_record.values())
        report.triples = self._report_triples(pairs, lang)
        return report

    def _with_pyshacl(self, data: TripleIndex, background: TripleIndex) -> list[Result]:
        """Shapes beyond SHACL Core: pySHACL validates, its report is read back into results."""
        outcome = engine_validate_with_pyshacl(data, self.shapes_index, background)
        report = TripleIndex(outcome.report)
        results = []
        for node in report.subjects(ox.NamedNode(SH + "resultSeverity"), ox.NamedNode(SH + "Violation")) + \
                report.subjects(ox.NamedNode(SH + "resultSeverity"), ox.NamedNode(SH + "Warning")) + \
                report.subjects(ox.NamedNode(SH + "resultSeverity"), ox.NamedNode(SH + "Info")):
            shape_node = report.value(node, ox.NamedNode(SH + "sourceShape"))
            stub = Shape(shape_node)
            stub.messages = [m for m in self.shapes_index.objects(shape_node, ox.NamedNode(SH + "message"))]
            stub.annotations = {p.value: self.shapes_index.objects(shape_node, p)
                                for p in self.shapes_index.predicates(shape_node)}
            path = report.value(node, ox.NamedNode(SH + "resultPath"))
            if path is not None:
                stub.path = ShaclPath("pred", path, predicate=path) if isinstance(path, ox.NamedNode) else ShaclPath("other", path)
            results.append(Result(report.value(node, ox.NamedNode(SH + "focusNode")), stub.path,
                                  report.value(node, ox.NamedNode(SH + "value")), stub,
                                  report.value(node, ox.NamedNode(SH + "sourceConstraintComponent")),
                                  report.value(node, ox.NamedNode(SH + "resultSeverity"))))
        return results

    def _title(self, data: TripleIndex, record, lang: str) -> str:
        titles = [t for t in data.objects(record, TITLE) if isinstance(t, ox.Literal)]
        for t in titles:
            if t.language == lang:
                return t.value
        if titles:
            return titles[0].value
        ident = data.value(record, IDENTIFIER)
        return ident.value if ident is not None else _term_text(record)

    def _finding(self, r: Result, record, view: UnionView, lang: str) -> Finding:
        component = r.component.value[len(SH):]
        shape_code = _annotation(r.shape, "code")
        if component in messages.SPECIFIC:
            code = messages.DEFAULT_CODES[component]
        else:
            code = shape_code or messages.DEFAULT_CODES.get(component, "Error.InvalidValue")
        field_name = _localized(r.shape.node, self.shapes_index, SH + "name", lang) or (
            _path_text(r) or "record")
        value_text = self._display(r.value, view) if r.value is not None else ""
        replacement = ""
        if code == "Error.DeprecatedTerm" and r.value is not None:
            new = view.value(r.value, IS_REPLACED_BY)
            replacement = self._display(new, view) if new is not None else messages.NO_REPLACEMENT[lang]
        template = None
        if component not in messages.SPECIFIC:
            template = _pick(r.shape.messages, lang)
        if template is None:
            template = messages.MESSAGES.get(code, messages.MESSAGES["Error.InvalidValue"])[lang]
        text = (template.replace("{?value}", value_text).replace("{$value}", value_text)
                .replace("{value}", value_text).replace("{field}", field_name)
                .replace("{replacement}", replacement))
        return Finding(
            record=_term_text(record), focus=_term_text(r.focus), path=_path_text(r),
            value=_term_text(r.value) if r.value is not None else None,
            severity=SEVERITY_NAMES.get(r.severity.value, r.severity.value),
            constraint="sh:" + component, shape=_term_text(r.shape.node), code=code, field=field_name, message=text)

    def _display(self, term, view: UnionView) -> str:
        if isinstance(term, ox.NamedNode):
            notation = next((n.value for n in view.objects(term, SKOS_NOTATION) if isinstance(n, ox.Literal)), None)
            return notation or term.value
        return _term_text(term)

    def _report_triples(self, pairs: list[tuple[Result, Finding]], lang: str) -> list[ox.Triple]:
        """``sh:ValidationReport`` plus kmgraph's code, record and localized message per result."""
        triples = report_triples([r for r, _ in pairs], self.shapes_index)
        result_nodes = [t.object for t in triples if t.predicate.value == SH + "result"]
        out = [t for t in triples if t.predicate.value != SH + "resultMessage"]
        for node, (_, finding) in zip(result_nodes, pairs):
            out += [ox.Triple(node, ox.NamedNode(KMSH + "code"), ox.Literal(finding.code)),
                    ox.Triple(node, ox.NamedNode(SH + "resultMessage"), ox.Literal(finding.message, language=lang)),
                    ox.Triple(node, ox.NamedNode(KMSH + "record"), _node(finding.record))]
        return out


def _node(text: str):
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def _has_value_rules(background: TripleIndex) -> list[tuple]:
    """(property, value, class) for each ``C owl:equivalentClass [owl:onProperty P ; owl:hasValue V]``."""
    rules = []
    equivalent = ox.NamedNode(OWL + "equivalentClass")
    for s, p, restriction in list(background.triples()):
        if p != equivalent:
            continue
        prop = background.value(restriction, ox.NamedNode(OWL + "onProperty"))
        value = background.value(restriction, ox.NamedNode(OWL + "hasValue"))
        if prop is not None and value is not None:
            rules.append((prop, value, s))
    return rules


def _owner(node, records: list, data: TripleIndex):
    """The record a focus node belongs to: itself, or the record that links to it."""
    if node in records:
        return node
    seen, frontier = {node}, [node]
    while frontier:
        nxt = []
        for n in frontier:
            by_p = data._reverse().get(n, {})
            for subjects in by_p.values():
                for s in subjects:
                    if s in records:
                        return s
                    if s not in seen:
                        seen.add(s)
                        nxt.append(s)
        frontier = nxt
    return node


def _annotation(shape, name: str) -> str | None:
    values = shape.annotations.get(KMSH + name)
    return values[0].value if values else None


def _localized(node, index: TripleIndex, predicate: str, lang: str) -> str | None:
    return _pick(index.objects(node, ox.NamedNode(predicate)), lang)


def _pick(literals, lang: str) -> str | None:
    literals = [m for m in literals if isinstance(m, ox.Literal)]
    for wanted in (lang, "en", None):
        for m in literals:
            if (m.language or None) == wanted:
                return m.value
    return literals[0].value if literals else None


def _path_text(r: Result) -> str | None:
    if r.path is None:
        return None
    if r.path.kind == "pred":
        return r.path.predicate.value
    if r.path.kind == "seq":
        return "/".join(p.predicate.value if p.kind == "pred" else "…" for p in r.path.parts)
    if r.path.kind == "alt":
        return "|".join(p.predicate.value if p.kind == "pred" else "…" for p in r.path.parts)
    return None
