"""KM documents (the clearing-house's JSON) read into their RDF view.

The view is what a document means under its schema's published JSON-LD context
(``ontology/km-documents/contexts/<schema>.jsonld``): ``kmdoc:`` properties named after the fields,
language maps for multilingual text. A context cannot say everything, so a schema-driven pass prepares
the document first:

- a term ``{"identifier": "GBF-TARGET-03"}`` gets the IRI of the concept with that notation (country
  codes in any case), or ``urn:cbd:term:<identifier>`` for terms of domains kmgraph does not hold,
  which are listed as not checked;
- a reference ``{"identifier": "<uid>@<revision>"}`` gets a document IRI;
- a list of multilingual texts becomes one language map;
- values of the wrong JSON type (a string where a term object is documented, ``"yes"`` for a boolean)
  are reported as ``Error.InvalidType`` and left out, and text in a language that ``header.languages``
  does not declare as ``Error.UnspecifiedLocale``: the shapes then see only well-typed values;
- a field the schema does not have is kept as a plain string, so that the closed shape reports it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

from ..errors import InputError, TooLargeError
from .schemas import UN_LANGUAGES, Catalogue, Field, Schema, catalogue

DOCUMENT_BASE = "https://w3id.org/kmgraph/cbd/document/"
TERM_BASE = "urn:cbd:term:"
MAX_DEPTH = 32
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?)?)?$")

Resolver = Callable[[str], str | None]  # a term identifier -> the IRI of the concept kmgraph holds, or None


@dataclass
class Problem:
    """A finding of the preparing pass, in the same terms as the shapes' findings (``message`` names
    the message when the code's usual one does not say what happened)."""

    code: str
    property: str
    value: str | None = None
    parameters: dict = field(default_factory=dict)
    message: str | None = None


@dataclass
class Prepared:
    """A document ready for validation: its RDF view and what the preparing pass found."""

    document: dict
    schema: Schema
    identifier: str
    iri: str
    languages: list[str]
    triples: list[ox.Triple]
    problems: list[Problem]
    not_checked: list[dict]  # terms of domains kmgraph does not hold
    terms: dict[str, str]  # IRI -> identifier as the document gave it
    position: int = 0  # in the batch it was read with


@dataclass
class Batch:
    """Documents with distinct identifiers and the RDF view of them all."""

    prepared: list[Prepared]
    triples: list[ox.Triple]


def document_iri(identifier: str) -> str:
    return DOCUMENT_BASE + quote(identifier, safe="@-._~")


def term_iri(identifier: str) -> str:
    return TERM_BASE + quote(identifier, safe="-._~")


def load_json(body: bytes, max_bytes: int) -> object:
    """The parsed JSON of a request body or file; InputError (400) or TooLargeError (413)."""
    if len(body) > max_bytes:
        raise TooLargeError(f"the document is larger than {max_bytes} bytes")
    try:
        return json.loads(body)
    except RecursionError as exc:
        raise InputError("the JSON is nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        where = f" at line {line} column {col}" if line else ""
        raise InputError(f"not JSON{where}: {getattr(exc, 'msg', exc)}", detail={"line": line, "column": col}) from exc


def is_km_document(value: object) -> bool:
    """A JSON object with a ``header`` and no JSON-LD ``@context``: what the clearing-house's APIs take.

    A broken header still counts, so that the reader says what is wrong with it instead of the
    JSON-LD path answering "no record found".
    """
    return isinstance(value, dict) and "header" in value and "@context" not in value


def _depth(value: object, limit: int = MAX_DEPTH) -> int:
    stack, deepest = [(value, 1)], 1
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


class DocumentReader:
    """Prepares documents under the schemas; ``resolve`` names the concepts kmgraph holds."""

    def __init__(self, resolve: Resolver, schemas: Catalogue | None = None) -> None:
        self.resolve = resolve
        self.schemas = schemas or catalogue()

    def schema_of(self, document: object, schema: str | None = None) -> Schema:
        if not isinstance(document, dict):
            raise InputError(f"a KM document is a JSON object, not {type(document).__name__}")
        header = document.get("header")
        if not isinstance(header, dict):
            raise InputError("the document has no header object ({\"identifier\", \"schema\", \"languages\"})")
        name = schema or header.get("schema")
        if not isinstance(name, str) or not name:
            raise InputError("no schema: give ?schema= or header.schema")
        if _depth(document) > MAX_DEPTH:
            raise InputError(f"the document is nested deeper than {MAX_DEPTH} levels")
        return self.schemas.get(name)

    def prepare(self, document: object, schema: str | None = None) -> Prepared:
        """One document with its RDF view."""
        prepared, body = self._pass(document, schema)
        prepared.triples = _view(prepared.schema, [body])
        return prepared

    def prepare_batch(self, documents: list[object], schema: str | None = None) -> list[Batch]:
        """Many documents, their RDF views read one JSON-LD parse per schema (the context is processed
        once); a repeated identifier goes to another batch (two documents with one IRI would be one node)."""
        batches: list[tuple[set[str], list[tuple[Prepared, dict]]]] = []
        for i, document in enumerate(documents):
            try:
                prepared, body = self._pass(document, schema)
            except InputError as exc:
                raise InputError(f"document {i + 1}: {exc.message}", detail=exc.detail) from exc
            free = next((b for b in batches if prepared.iri not in b[0]), None)
            if free is None:
                batches.append(free := (set(), []))
            prepared.position = i
            free[0].add(prepared.iri)
            free[1].append((prepared, body))
        out = []
        for _, members in batches:
            by_schema: dict[str, list] = {}
            for prepared, body in members:
                by_schema.setdefault(prepared.schema.name, []).append((prepared, body))
            triples = [t for group in by_schema.values() for t in _view(group[0][0].schema, [b for _, b in group])]
            out.append(Batch([p for p, _ in members], triples))
        return out

    def _pass(self, document: object, schema: str | None) -> tuple[Prepared, dict]:
        chosen = self.schema_of(document, schema)
        header = document["header"]
        identifier = header.get("identifier") if isinstance(header.get("identifier"), str) else ""
        languages = [x for x in header.get("languages", []) if isinstance(x, str)] \
            if isinstance(header.get("languages"), list) else []
        run = _Pass(self, chosen, languages)
        body = run.object(document, "", top=True)
        iri = document_iri(identifier or "document")
        body.update({"@id": iri, "@type": chosen.class_iri})
        return Prepared(document, chosen, identifier, iri, languages, [], run.problems, run.not_checked, run.terms), body


def _view(schema: Schema, bodies: list[dict]) -> list[ox.Triple]:
    """The RDF view of prepared document bodies of one schema, under its context."""
    document = {"@context": schema.context, "@graph": bodies}
    try:
        quads = ox.parse(json.dumps(document).encode("utf-8"), format=ox.RdfFormat.JSON_LD,
                         base_iri=DOCUMENT_BASE, without_named_graphs=True, rename_blank_nodes=True)
        return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except (SyntaxError, ValueError) as exc:  # a value the preparing pass let through: a bug, said plainly
        raise InputError(f"the document cannot be read as JSON-LD: {exc}") from exc


class _Pass:
    """One walk over a document: well-typed values kept (terms as IRIs), the rest reported."""

    def __init__(self, reader: DocumentReader, schema: Schema, languages: list[str]) -> None:
        self.reader, self.schema, self.languages = reader, schema, set(languages)
        self.problems: list[Problem] = []
        self.not_checked: list[dict] = []
        self.terms: dict[str, str] = {}

    def problem(self, code: str, where: str, value: object = None, message: str | None = None, **parameters) -> None:
        shown = value if isinstance(value, str) or value is None else json.dumps(value, ensure_ascii=False)[:200]
        self.problems.append(Problem(code, where, shown, parameters, message))

    def object(self, value: dict, parent: str, top: bool = False) -> dict:
        fields = self.schema.children(parent)
        out: dict = {}
        for key, item in value.items():
            where = f"{parent}.{key}" if parent else key
            if key.startswith("@"):
                self.problem("Error.InvalidProperty", where)
                continue
            spec = fields.get(key)
            if spec is None:  # not in the schema: the closed shape reports it (tolerated ones pass)
                out[key] = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
                continue
            kept = self.field(spec, item, where)
            if kept is not None:
                out[key] = kept
        if top and "header" not in fields:
            out.pop("header", None)
        return out

    def field(self, spec: Field, value: object, where: str):
        if value is None:
            return None
        if spec.kind == "header":
            return self.header(value, where)
        if spec.kind == "lstring" and spec.array:
            if not isinstance(value, list):
                return self.wrong(where, value, "lstring[]")
            merged: dict[str, list[str]] = {}
            for i, item in enumerate(value):
                for lang, text in (self.lstring(item, self.item(where, i)) or {}).items():
                    merged.setdefault(lang, []).append(text)
            return merged or None
        if spec.array is True or (spec.array is None and isinstance(value, list)):
            if not isinstance(value, list):
                return self.wrong(where, value, "list")
            kept = [self.single(spec, item, self.item(where, i)) for i, item in enumerate(value)]
            kept = [k for k in kept if k is not None]
            return kept or None
        return self.single(spec, value, where)

    def single(self, spec: Field, value: object, where: str):
        kind = spec.kind
        if kind == "lstring":
            return self.lstring(value, where)
        if kind == "term":
            return self.term(spec, value, where)
        if kind == "reference":
            if not isinstance(value, dict) or not isinstance(value.get("identifier"), str) or not value["identifier"]:
                return self.wrong(where, value, "reference")
            return {"identifier": document_iri(value["identifier"])}
        if kind == "link":
            if not isinstance(value, dict):
                return self.wrong(where, value, "link")
            if "url" in value and not isinstance(value["url"], str):
                return self.wrong(f"{where}.url", value["url"], "string")
            return {k: (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in value.items()
                    if not k.startswith("@")}
        if kind == "boolean":
            return value if isinstance(value, bool) else self.wrong(where, value, "boolean")
        if kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
            return value if ok else self.wrong(where, value, "integer")
        if kind == "number":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            return value if ok else self.wrong(where, value, "number")
        if kind == "string":
            return value if isinstance(value, str) else self.wrong(where, value, "string")
        if kind == "date":
            ok = isinstance(value, str) and _DATE.match(value.strip())
            return value.strip() if ok else self.wrong(where, value, "date")
        if kind in ("object", "section"):
            if not isinstance(value, dict):
                return self.wrong(where, value, "object")
            return self.object(value, spec.path)
        return None

    def wrong(self, where: str, value: object, expected: str) -> None:
        self.problem("Error.InvalidType", where, value, expected=expected)

    @staticmethod
    def item(where: str, i: int) -> str:
        """Where an item of a list is: the list's field (the CBD names fields, not positions)."""
        return where

    def header(self, value: object, where: str):
        if not isinstance(value, dict):
            return self.wrong(where, value, "object")
        out = {}
        for key in ("identifier", "schema"):
            if isinstance(value.get(key), str):
                out[key] = value[key]
        languages = value.get("languages")
        if not isinstance(languages, list) or not languages or not all(isinstance(x, str) for x in languages):
            self.problem("Error.Mandatory", f"{where}.languages")
        else:
            for lang in languages:
                if lang not in UN_LANGUAGES:
                    self.problem("Error.UnspecifiedLocale", f"{where}.languages", lang, message="Locale.NotUN")
            out["languages"] = languages
        if not out.get("identifier"):
            self.problem("Error.Mandatory", f"{where}.identifier")
        return out

    def lstring(self, value: object, where: str):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return self.wrong(where, value, "lstring")
        out = {}
        for lang, text in value.items():
            if not text.strip():
                continue
            if not _LANGUAGE_TAG.match(lang):
                self.problem("Error.UnspecifiedLocale", where, lang, message="Locale.NotUN")
                continue
            if lang in UN_LANGUAGES and lang not in self.languages:
                self.problem("Error.UnspecifiedLocale", where, lang, message="Locale.Undeclared",
                             languages=sorted(self.languages))
            out[lang] = text  # a language outside the UN six is reported by the shape (sh:languageIn)
        return out or None

    def term(self, spec: Field, value: object, where: str):
        if not isinstance(value, dict) or not isinstance(value.get("identifier"), str) or not value["identifier"].strip():
            return self.wrong(where, value, "term")
        identifier = value["identifier"].strip()
        iri = self.reader.resolve(identifier) if spec.held else None
        if iri is None:
            iri = term_iri(identifier)
            if (spec.open or not spec.held) and not spec.fixed:
                self.not_checked.append({"property": where, "identifier": identifier,
                                         "domain": spec.domain or "not documented"})
        self.terms[iri] = identifier
        out: dict = {"identifier": iri}
        custom = value.get("customValue")
        if custom is not None:
            kept = self.lstring(custom, f"{where}.customValue")
            if kept:
                out["customValue"] = kept
        return out


def documents_in(path, max_bytes: int) -> list[object] | None:
    """The KM documents of a file: one JSON object, a JSON array of them, or JSON lines (one per line);
    None when the file holds no KM document (an RDF record in JSON-LD, say)."""
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    text = body.lstrip()
    if not text[:1] in (b"{", b"["):
        return None
    lines = [line for line in body.splitlines() if line.strip()]
    if len(lines) > 1 and all(line.lstrip()[:1] == b"{" and line.rstrip()[-1:] == b"}" for line in lines):
        try:
            found = [json.loads(line) for line in lines]
        except ValueError:
            found = None
        if found is not None and all(is_km_document(d) for d in found):
            return found
    try:
        value = load_json(body, max_bytes)
    except InputError as exc:
        raise InputError(f"{path}: {exc.message}", detail=exc.detail) from exc
    if is_km_document(value):
        return [value]
    if isinstance(value, list) and value and all(is_km_document(d) for d in value):
        return value
    return None
