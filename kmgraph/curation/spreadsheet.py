"""Vocabularies kept in spreadsheets (CSV or xlsx), one row per concept, turned into SKOS.

The template (``examples/vocabularies/template.csv`` and ``.xlsx``; documented in
``docs/curation.md``) has a header row; column names are case-insensitive:

- ``type``: ``Concept`` (default), ``ConceptScheme`` (exactly one row) or ``Collection``;
- ``iri`` or ``notation`` (the IRI is minted as base + notation when absent);
- ``prefLabel@en``, ``altLabel@fr``, ``hiddenLabel@es``, ``definition@en``, ``scopeNote@en``: one
  column per property and language; several values in a cell are separated by `` | ``;
- ``broader``, ``narrower``, ``related``, ``member``, ``exactMatch``, ``closeMatch``, ``broadMatch``,
  ``narrowMatch``, ``relatedMatch``, ``isReplacedBy``: notations of rows of the sheet or absolute IRIs;
- ``source`` (IRI or text), ``deprecated`` (true/false).

Every concept is put in the scheme; concepts without a broader concept become its top concepts.
"""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import ID, PREFIXES

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OWL_DEPRECATED = ox.NamedNode("http://www.w3.org/2002/07/owl#deprecated")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TYPES = {"concept": "Concept", "conceptscheme": "ConceptScheme", "collection": "Collection"}
LITERAL_COLUMNS = {"preflabel": "prefLabel", "altlabel": "altLabel", "hiddenlabel": "hiddenLabel",
                   "definition": "definition", "scopenote": "scopeNote"}
LINK_COLUMNS = {"broader": SKOS + "broader", "narrower": SKOS + "narrower", "related": SKOS + "related",
                "member": SKOS + "member", "exactmatch": SKOS + "exactMatch", "closematch": SKOS + "closeMatch",
                "broadmatch": SKOS + "broadMatch", "narrowmatch": SKOS + "narrowMatch",
                "relatedmatch": SKOS + "relatedMatch", "isreplacedby": DCTERMS + "isReplacedBy"}
OTHER_COLUMNS = {"type", "iri", "notation", "source", "deprecated"}
_ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")
_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")


def read_spreadsheet(source, data: bytes, *, base: str | None = None) -> bytes:
    """The Turtle for a CSV or xlsx file in the template; InputError naming file, row and column."""
    rows = _xlsx_rows(source.name, data) if source.extension == ".xlsx" else _csv_rows(source.name, data)
    return _Sheet(source.name, rows, base or str(ID)).turtle()


def _csv_rows(name: str, data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from exc
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise InputError(f"{name}: malformed CSV: {exc}") from exc


def _xlsx_rows(name: str, data: bytes) -> list[list[str]]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{name}: not a readable xlsx workbook ({exc})") from exc
    sheet = book["concepts"] if "concepts" in book.sheetnames else book.active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


class _Sheet:
    def __init__(self, name: str, rows: list[list[str]], base: str) -> None:
        self.name = name
        self.base = base
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            raise InputError(f"{name}: empty spreadsheet (the first row names the columns)")
        self.header = [h.strip() for h in rows[0]]
        self.rows = rows[1:]
        self.columns = [self._column(i, h) for i, h in enumerate(self.header)]
        self.iris: dict[str, ox.NamedNode] = {}

    def _column(self, index: int, header: str) -> tuple[str, str | None]:
        key, _, lang = header.partition("@")
        key = key.strip().lower()
        if key in LITERAL_COLUMNS:
            if not _LANG.match(lang.strip()):
                raise InputError(f"{self.name}: column {header!r} needs a language, e.g. {LITERAL_COLUMNS[key]}@en")
            return key, lang.strip().lower()
        if lang or (key not in LINK_COLUMNS and key not in OTHER_COLUMNS):
            raise InputError(f"{self.name}: unknown column {header!r} (column {index + 1}); "
                             f"see docs/curation.md for the template")
        return key, None

    def _cells(self, row: list[str]):
        for (key, lang), value in zip(self.columns, row):
            for part in (p.strip() for p in value.split("|")):
                if part:
                    yield key, lang, part

    def turtle(self) -> bytes:
        kinds: dict[int, str] = {}
        for line, row in enumerate(self.rows, start=2):
            cells = {k: v for k, _, v in self._cells(row) if k in ("type", "iri", "notation")}
            kind = TYPES.get(cells.get("type", "concept").lower())
            if kind is None:
                raise InputError(f"{self.name}, line {line}, column type: {cells['type']!r} is not Concept, "
                                 f"ConceptScheme or Collection")
            iri = cells.get("iri") or (self.base + cells["notation"] if "notation" in cells else None)
            if iri is None or not _ABSOLUTE.match(iri):
                raise InputError(f"{self.name}, line {line}: give an absolute iri or a notation")
            node = _iri(self.name, line, "iri", iri)
            kinds[line] = kind
            self.iris[iri] = node
            if "notation" in cells:
                self.iris[cells["notation"]] = node
        schemes = [line for line, kind in kinds.items() if kind == "ConceptScheme"]
        if len(schemes) != 1:
            raise InputError(f"{self.name}: needs exactly one row of type ConceptScheme (found {len(schemes)})")
        scheme = self._node(self.rows[schemes[0] - 2])
        triples: list[ox.Triple] = []
        for line, row in enumerate(self.rows, start=2):
            triples += self._row_triples(line, row, kinds[line], scheme)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)

    def _node(self, row: list[str]) -> ox.NamedNode:
        cells = {k: v for k, _, v in self._cells(row) if k in ("iri", "notation")}
        return self.iris[cells.get("iri") or cells["notation"]]

    def _row_triples(self, line: int, row: list[str], kind: str, scheme: ox.NamedNode) -> list[ox.Triple]:
        node = self._node(row)
        out = [ox.Triple(node, RDF_TYPE, ox.NamedNode(SKOS + kind))]
        has_broader = False
        for key, lang, value in self._cells(row):
            if key in LITERAL_COLUMNS:
                out.append(ox.Triple(node, ox.NamedNode(SKOS + LITERAL_COLUMNS[key]), ox.Literal(value, language=lang)))
            elif key in LINK_COLUMNS:
                has_broader |= key == "broader"
                out.append(ox.Triple(node, ox.NamedNode(LINK_COLUMNS[key]), self._reference(line, key, value)))
            elif key == "notation":
                out.append(ox.Triple(node, ox.NamedNode(SKOS + "notation"), ox.Literal(value)))
            elif key == "source":
                obj = _iri(self.name, line, key, value) if _ABSOLUTE.match(value) else ox.Literal(value)
                out.append(ox.Triple(node, ox.NamedNode(DCTERMS + "source"), obj))
            elif key == "deprecated":
                if value.lower() not in ("true", "false", "yes", "no", "1", "0"):
                    raise InputError(f"{self.name}, line {line}, column deprecated: {value!r} is not true or false")
                if value.lower() in ("true", "yes", "1"):
                    out.append(ox.Triple(node, OWL_DEPRECATED, ox.Literal(True)))
        if kind == "Concept":
            out.append(ox.Triple(node, ox.NamedNode(SKOS + "inScheme"), scheme))
            if not has_broader:
                out.append(ox.Triple(node, ox.NamedNode(SKOS + "topConceptOf"), scheme))
                out.append(ox.Triple(scheme, ox.NamedNode(SKOS + "hasTopConcept"), node))
        return out

    def _reference(self, line: int, column: str, value: str) -> ox.NamedNode:
        if value in self.iris:
            return self.iris[value]
        if _ABSOLUTE.match(value):
            return _iri(self.name, line, column, value)
        raise InputError(f"{self.name}, line {line}, column {column}: {value!r} is neither a notation of "
                         f"this sheet nor an absolute IRI")


def _iri(name: str, line: int, column: str, value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise InputError(f"{name}, line {line}, column {column}: {value!r} is not a valid IRI") from exc
