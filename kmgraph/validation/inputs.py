"""Reading submitted records: Turtle, JSON-LD (with the bundled context), N-Triples and RDF/XML.

Parse errors become ``InputError`` naming the source, line and column. Nothing is ever fetched:
a JSON-LD document may use the bundled kmgraph context by its URL (it is substituted locally) or
an inline one; any other remote context is refused.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..formats import input_rdf_format
from ..rdfinput import check_rdf_input
from ..resources import ONTOLOGY_DIR
from .shacl import XSD, well_formed

CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"
CONTEXT_URL = "https://w3id.org/kmgraph/context.jsonld"
CONTEXT_URLS = {CONTEXT_URL, "/context.jsonld", "context.jsonld"}
SUBMISSION_BASE = "urn:kmgraph:submission:"


@lru_cache(maxsize=1)
def bundled_context() -> dict:
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def _with_bundled_context(node: object) -> object:
    """Replace references to the kmgraph context URL by the bundled context itself."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "@context":
                items = value if isinstance(value, list) else [value]
                items = [bundled_context() if isinstance(i, str) and i in CONTEXT_URLS else i for i in items]
                value = items if isinstance(value, list) else items[0]
            out[key] = _with_bundled_context(value)
        return out
    if isinstance(node, list):
        return [_with_bundled_context(i) for i in node]
    return node


# The bundled context types dates as xsd:date; "2024" and "2024-05", which the date message offers,
# are read as the xsd:gYear and xsd:gYearMonth they are (by the engine's own lexical forms).
_DATE_TYPES = {XSD + "date", XSD + "dateTime"}
_SHORT_DATES = (ox.NamedNode(XSD + "gYear"), ox.NamedNode(XSD + "gYearMonth"))


def _short_date(triple: ox.Triple) -> ox.Triple:
    o = triple.object
    if isinstance(o, ox.Literal) and o.datatype.value in _DATE_TYPES and not well_formed(o):
        for datatype in _SHORT_DATES:
            short = ox.Literal(o.value, datatype=datatype)
            if well_formed(short):
                return ox.Triple(triple.subject, triple.predicate, short)
    return triple


def _language_maps(context: object, into: set[str]) -> set[str]:
    """Terms a context declares with ``"@container": "@language"``."""
    for item in context if isinstance(context, list) else [context]:
        if isinstance(item, dict):
            into.update(k for k, v in item.items() if isinstance(v, dict) and v.get("@container") == "@language")
    return into


def _check_language_tags(node: object, maps: set[str], source: str, key: str | None = None) -> None:
    """A bad language tag is an error naming it: the JSON-LD parser would drop the text silently."""
    if isinstance(node, list):
        for item in node:
            _check_language_tags(item, maps, source, key)
        return
    if not isinstance(node, dict):
        return
    if "@context" in node:
        maps = _language_maps(node["@context"], set(maps))
    tags = [(key, node["@language"])] if isinstance(node.get("@language"), str) else []
    if key in maps and "@value" not in node:
        tags += [(key, tag) for tag in node if tag != "@none"]
    for where, tag in tags:
        try:
            ox.Literal("", language=tag)
        except ValueError as exc:
            raise InputError(f"{source}: invalid language tag {tag!r} in {where or 'the document'}: {exc} "
                             f"(use a BCP 47 tag such as en, fr, es or es-419)",
                             detail={"property": where, "language": tag}) from exc
    for k, value in node.items():
        if k != "@context" and not (key in maps and "@value" not in node):
            _check_language_tags(value, maps, source, k)


def parse_records(body: bytes, rdf_format: ox.RdfFormat, *, source: str = "input",
                  base_iri: str = SUBMISSION_BASE) -> list[ox.Triple]:
    """Triples of a submitted document; InputError with source, line and column on bad syntax."""
    if not body.strip():
        raise InputError(f"{source}: empty document")
    if rdf_format == ox.RdfFormat.JSON_LD:
        try:
            document = json.loads(body)
        except RecursionError as exc:
            raise InputError(f"{source}: JSON nested too deeply") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            col = getattr(exc, "colno", None)
            where = f" at line {line} column {col}" if line else ""
            raise InputError(f"{source}: malformed JSON{where}: {getattr(exc, 'msg', exc)}",
                             detail={"line": line, "column": col}) from exc
        document = _with_bundled_context(document)
        _check_language_tags(document, set(), source)
        body = json.dumps(document).encode("utf-8")
    check_rdf_input(body, rdf_format)
    try:
        quads = ox.parse(body, format=rdf_format, base_iri=base_iri, without_named_graphs=True,
                         rename_blank_nodes=True)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        return [_short_date(t) for t in triples] if rdf_format == ox.RdfFormat.JSON_LD else triples
    except SyntaxError as exc:
        line, col = getattr(exc, "lineno", None), getattr(exc, "offset", None)
        where = f" at line {line} column {col}" if line else ""
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(exc).split(" (line")[0])
        raise InputError(f"{source}{where}: {message}", detail={"line": line, "column": col}) from exc
    except ValueError as exc:
        raise InputError(f"{source}: {exc}") from exc


def read_file(path: Path) -> list[ox.Triple]:
    """Records from a file; the syntax comes from the extension (.ttl, .jsonld, .nt, .rdf ...)."""
    from ..formats import rdf_format_for_path

    fmt = rdf_format_for_path(str(path))
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_records(body, fmt, source=str(path), base_iri=path.resolve().as_uri())


def parse_body(body: bytes, content_type: str | None) -> list[ox.Triple]:
    return parse_records(body, input_rdf_format(content_type), source="body")
