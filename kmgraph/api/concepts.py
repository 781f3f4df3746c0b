"""Concepts: search (autocomplete) and one concept with everything about it; concept IRIs resolve here."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from ..formats import Format, negotiate
from ..records.index import Query as RecordQuery
from ..records.search import SearchParams, search
from ..vocab.detail import LANG_FALLBACK, concept_detail
from . import html
from .language import LANG as PAGE_LANG

router = APIRouter(tags=["concepts"])

CONCEPT_FORMATS = [Format("json", "application/json"), Format("html", "text/html"),
                   Format("turtle", "text/turtle", rdf=ox.RdfFormat.TURTLE),
                   Format("jsonld", "application/ld+json", rdf=ox.RdfFormat.JSON_LD),
                   Format("ntriples", "application/n-triples", rdf=ox.RdfFormat.N_TRIPLES)]


@router.get("/concepts/search", summary="Search concepts by label or notation (autocomplete)",
            description="Prefix and `*` wildcard search over preferred, alternative and hidden labels and notations "
                        "in every language, case- and accent-insensitive, ranked exact > prefix > word match.")
def search_concepts(request: Request, query: str = Query(..., min_length=1, max_length=200),
                    lang: str | None = Query(None, pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]+)*$"),
                    vocab: str | None = Query(None, max_length=64), type: str | None = Query(None, max_length=200),
                    maxhits: int = Query(20, ge=1, le=200), offset: int = Query(0, ge=0)) -> dict:
    index = request.app.state.concepts.get()
    hits, total = index.search(query, lang=lang, vocab=vocab, type_=type, maxhits=maxhits, offset=offset,
                               fallback=LANG_FALLBACK)
    results = []
    for h in hits:
        label, label_lang = h.concept.label(lang or "en", LANG_FALLBACK)
        results.append({"uri": h.concept.iri, "notation": h.concept.notation, "prefLabel": label,
                        "lang": label_lang, "matchedLabel": h.matched, "matchedLang": h.matched_lang,
                        "matchedField": h.field, "vocab": h.concept.vocab, "type": h.concept.types})
    return {"query": query, "total": total, "offset": offset, "results": results}


def _concept_response(request: Request, key: str, lang: str) -> Response:
    state = request.app.state
    index = state.concepts.get()
    concept = index.get(key)
    fmt = negotiate(request.headers.get("accept"), CONCEPT_FORMATS, explicit=request.query_params.get("format"))
    if fmt.rdf is not None:
        body = state.store.query(f"DESCRIBE {ox.NamedNode(concept.iri)}").serialize(format=fmt.rdf)
        return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})
    records = state.records.index.search(RecordQuery(concepts=[{concept.iri}], limit=1))[0]
    detail = concept_detail(state.store, index, concept, lang, records)
    if fmt.name == "html":
        related = search(state.records.index, index, SearchParams(concept=concept.iri, lang=lang, size=10))["results"]
        page = html.page(request, "concept.html", c=detail, lang=lang, related=related)
        page.headers["Vary"] = "Accept"
        return page
    return JSONResponse(detail, headers={"Vary": "Accept"})


@router.get("/concepts", summary="One concept by IRI: labels, definition, hierarchy, mappings, indicators, records",
            responses={200: {"content": {"application/json": {}, "text/html": {}, "text/turtle": {},
                                         "application/ld+json": {}}}})
def concept_by_uri(request: Request, uri: str = Query(..., max_length=2000),
                   lang: str = PAGE_LANG) -> Response:
    return _concept_response(request, uri, lang)


@router.get("/concepts/{notation}", summary="One concept by notation (GBF-TARGET-02, KM-D.1, CHM-2.2.C ...)")
def concept_by_notation(request: Request, notation: str,
                        lang: str = PAGE_LANG) -> Response:
    return _concept_response(request, notation, lang)


@router.get("/id/{path:path}", summary="Dereference a kmgraph concept IRI (https://w3id.org/kmgraph/id/...)")
def dereference(request: Request, path: str,
                lang: str = PAGE_LANG) -> Response:
    return _concept_response(request, "https://w3id.org/kmgraph/id/" + path, lang)
