"""Checks on RDF a user sends, before any parser sees it.

The parsers must never fetch anything or expand entities: RDF/XML with a DOCTYPE (entity
declarations, external entities) is refused, and a JSON-LD ``@context`` may only be inline or the
bundled kmgraph context; a remote context is refused rather than fetched.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from .errors import InputError

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_JSON_DEPTH = 64


def check_rdf_input(body: bytes, rdf_format: ox.RdfFormat) -> None:
    if rdf_format == ox.RdfFormat.RDF_XML and _DOCTYPE.search(body):
        raise InputError("RDF/XML with a DOCTYPE or entity declarations is refused (entity expansion "
                         "and external entities are not allowed)")
    if rdf_format == ox.RdfFormat.JSON_LD:
        check_json_ld(body)


def check_json_ld(body: bytes) -> object:
    try:
        document = json.loads(body)
    except RecursionError as exc:
        raise InputError("JSON nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"malformed JSON: {exc}") from exc
    _walk(document, 0)
    return document


def _walk(node: object, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                _check_context(value)
            _walk(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            _walk(item, depth + 1)


def _check_context(value: object) -> None:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            raise InputError(f"JSON-LD remote context {item!r} is refused: kmgraph never fetches contexts; "
                             "inline the context")
