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
        body = json.dumps(_with_bundled_context(document)).encode("utf-8")
    check_rdf_input(body, rdf_format)
    try:
        quads = ox.parse(body, format=rdf_format, base_iri=base_iri, without_named_graphs=True,
                         rename_blank_nodes=True)
        return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
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
