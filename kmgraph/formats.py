"""Output and input formats as a registry, and content negotiation over it.

Serialisation itself is always pyoxigraph's: this module only maps media types and short names to
pyoxigraph formats and picks one from an ``Accept`` header.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .errors import InputError, NotAcceptableError, UnsupportedMediaTypeError


@dataclass(frozen=True)
class Format:
    name: str  # short name for ?format= and --format
    media_type: str
    results: ox.QueryResultsFormat | None = None  # for SELECT/ASK
    rdf: ox.RdfFormat | None = None  # for graphs (CONSTRUCT/DESCRIBE, Graph Store)


RESULT_FORMATS = [
    Format("json", "application/sparql-results+json", results=ox.QueryResultsFormat.JSON),
    Format("xml", "application/sparql-results+xml", results=ox.QueryResultsFormat.XML),
    Format("csv", "text/csv", results=ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", results=ox.QueryResultsFormat.TSV),
]
GRAPH_FORMATS = [
    Format("turtle", "text/turtle", rdf=ox.RdfFormat.TURTLE),
    Format("ntriples", "application/n-triples", rdf=ox.RdfFormat.N_TRIPLES),
    Format("jsonld", "application/ld+json", rdf=ox.RdfFormat.JSON_LD),
    Format("rdfxml", "application/rdf+xml", rdf=ox.RdfFormat.RDF_XML),
]


def documented(formats: list[Format], description: str = "OK") -> dict:
    """The ``responses`` entry of an endpoint that answers in any of ``formats`` (for OpenAPI)."""
    return {200: {"description": description, "content": {f.media_type: {} for f in formats}}}


# Media types accepted as input for RDF bodies (Graph Store Protocol, loading, validation).
INPUT_RDF = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
# Media types clients send for a family of formats, tried in order when the type itself is not offered:
# plain application/json means SPARQL JSON results on /sparql, JSON-LD for a graph, JSON elsewhere.
# N3 is answered as Turtle, its subset (SPARQLWrapper's N3 asks for text/rdf+n3).
ALIASES = {
    "application/json": ("application/sparql-results+json", "application/ld+json"),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/javascript": ("application/sparql-results+json",),
    "application/javascript": ("application/sparql-results+json",),
    "application/turtle": ("text/turtle",),
    "application/x-turtle": ("text/turtle",),
    "text/n3": ("text/turtle",),
    "text/rdf+n3": ("text/turtle",),
    "application/n3": ("text/turtle",),
}
# Short names clients put in ?format= (SPARQLWrapper sends format=xml or json for every query form,
# rdf+xml or n3 for a CONSTRUCT in RDFXML or N3).
NAME_ALIASES = {"xml": ("xml", "rdfxml"), "json": ("json", "jsonld"), "rdf": ("rdfxml",), "rdf+xml": ("rdfxml",),
                "ttl": ("turtle",), "n3": ("turtle",), "nt": ("ntriples",), "n-triples": ("ntriples",),
                "json-ld": ("jsonld",), "srx": ("xml",), "srj": ("json",)}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal quality)."""
    if not header:
        return [("*/*", 1.0)]
    ranges = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q, -i))
    ranges.sort(key=lambda r: (r[1], r[2]), reverse=True)
    return [(m, q) for m, q, _ in ranges if q > 0]


def negotiate(accept: str | None, candidates: list[Format], *, explicit: str | None = None) -> Format:
    """Pick the format: an explicit ``format`` name or media type wins, then the Accept header.

    The first candidate is the default for ``*/*``. Raises ``NotAcceptableError`` (406).
    """
    by_name = {f.name: f for f in candidates} | {f.media_type: f for f in candidates}
    if explicit:
        key = explicit.lower()
        match = _offered(key, by_name) or next(
            (by_name[a] for a in NAME_ALIASES.get(key, ()) if a in by_name), None)
        if match:
            return match
        raise NotAcceptableError(f"format {explicit!r} is not offered here; choose one of "
                                 f"{', '.join(f.name for f in candidates)}")
    for media, _ in parse_accept(accept):
        if media in ("*/*", "application/*", "text/*"):
            prefix = media.split("/")[0]
            match = next((f for f in candidates if prefix == "*" or f.media_type.startswith(prefix + "/")), None)
        else:
            match = _offered(media, by_name)
        if match:
            return match
    raise NotAcceptableError(f"none of the accepted media types ({accept}) is offered; available: "
                             f"{', '.join(f.media_type for f in candidates)}")


def _offered(media: str, by_name: dict[str, Format]) -> Format | None:
    """The format named by ``media`` itself, else by the first of its aliases that is offered."""
    if media in by_name:
        return by_name[media]
    return next((by_name[a] for a in ALIASES.get(media, ()) if a in by_name), None)


def input_rdf_format(content_type: str | None) -> ox.RdfFormat:
    media = (content_type or "").split(";")[0].strip().lower()
    if not media:
        raise UnsupportedMediaTypeError("a Content-Type header naming the RDF syntax is required")
    if media not in INPUT_RDF:
        raise UnsupportedMediaTypeError(f"Content-Type {media} is not an RDF syntax kmgraph reads; use one of "
                                        f"{', '.join(sorted(INPUT_RDF))}")
    return INPUT_RDF[media]


def rdf_format_for_path(path: str) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_extension(path.rsplit(".", 1)[-1].lower()) if "." in path else None
    if fmt is None:
        raise InputError(f"{path}: cannot tell the RDF syntax from the file name (use .ttl, .nt, .rdf, .jsonld, .trig, .nq)")
    return fmt
