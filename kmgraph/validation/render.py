"""Validation reports as JSON, Turtle (``sh:ValidationReport``) or readable text: a format registry."""

from __future__ import annotations

import json
from collections.abc import Callable

import pyoxigraph as ox

from .records import Report

PREFIXES = {"sh": "http://www.w3.org/ns/shacl#", "kmsh": "https://w3id.org/kmgraph/shapes#",
            "dcterms": "http://purl.org/dc/terms/", "kmid": "https://w3id.org/kmgraph/id/",
            "kmo": "https://w3id.org/kmgraph/ontology#", "xsd": "http://www.w3.org/2001/XMLSchema#"}


def as_json(report: Report) -> bytes:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")


def as_turtle(report: Report) -> bytes:
    return ox.serialize(report.triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def as_text(report: Report) -> bytes:
    lines = []
    for record in report.records:
        status = "conforms" if record.conforms else "DOES NOT CONFORM"
        lines.append(f"{record.record} ({record.title}): {status}")
        for f in record.findings:
            lines.append(f"  {f.severity:<9} {f.code:<24} {f.field}: {f.message}")
    lines.append(f"{len(report.records)} records, {report.count('Violation')} violations, "
                 f"{report.count('Warning')} warnings")
    return ("\n".join(lines) + "\n").encode("utf-8")


RENDERERS: dict[str, tuple[str, Callable[[Report], bytes]]] = {
    "json": ("application/json", as_json),
    "turtle": ("text/turtle", as_turtle),
    "text": ("text/plain; charset=utf-8", as_text),
}
MEDIA_TYPES = {"application/json": "json", "text/turtle": "turtle", "text/plain": "text"}
