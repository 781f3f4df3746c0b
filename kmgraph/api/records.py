"""Records: submit, read, replace, delete, tag, history; and retrieval with facets and expansion."""

from __future__ import annotations

import json

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..formats import Format, documented, negotiate
from ..records.search import SearchParams, search
from ..validation.inputs import CONTEXT_URL, parse_body
from ..validation.messages import pick_language
from ..access import Actor, Right
from .auth import require
from .bodies import read_body

router = APIRouter(tags=["records"])

RECORD_FORMATS = [Format("jsonld", "application/ld+json", rdf=ox.RdfFormat.JSON_LD),
                  Format("turtle", "text/turtle", rdf=ox.RdfFormat.TURTLE),
                  Format("ntriples", "application/n-triples", rdf=ox.RdfFormat.N_TRIPLES),
                  Format("rdfxml", "application/rdf+xml", rdf=ox.RdfFormat.RDF_XML)]
LIST_FORMATS = [Format("json", "application/json"), Format("jsonld", "application/ld+json")]
RECORD_BODY = {"requestBody": {"required": True, "content": {
    m: {"schema": {"type": "string"}} for m in ("text/turtle", "application/ld+json", "application/n-triples")}}}


class Tags(BaseModel):
    concepts: list[str] = Field(..., min_length=1, max_length=50,
                                description="Notations (GBF-TARGET-02) or IRIs of the concepts to add")


SUBMITTER = Depends(require(Right.SUBMIT))


def _lang(request: Request) -> str:
    return pick_language(request.query_params.get("lang") or request.headers.get("accept-language"))


async def _triples(request: Request):
    body = await read_body(request, request.app.state.settings.max_validate_bytes)
    return parse_body(body, request.headers.get("content-type"))


@router.post("/records", status_code=201, summary="Submit a record (node token; validated, invalid ones are not stored)",
             openapi_extra=RECORD_BODY, responses={201: {"description": "Stored"}, 422: {"description": "Invalid"}})
async def create_record(request: Request, actor: Actor = SUBMITTER) -> Response:
    triples = await _triples(request)
    record_id, uri = await run_in_threadpool(request.app.state.records.create, triples, actor, _lang(request))
    return JSONResponse({"id": record_id, "uri": uri}, status_code=201,
                        headers={"Location": str(request.url_for("get_record", record_id=record_id))})


@router.get("/records/{record_id}", name="get_record", summary="One record (JSON-LD, Turtle, N-Triples, RDF/XML)",
            response_class=Response, responses=documented(RECORD_FORMATS))
def get_record(request: Request, record_id: str) -> Response:
    fmt = negotiate(request.headers.get("accept"), RECORD_FORMATS, explicit=request.query_params.get("format"))
    triples = request.app.state.records.triples(record_id)
    return Response(ox.serialize(triples, format=fmt.rdf), media_type=fmt.media_type, headers={"Vary": "Accept"})


@router.put("/records/{record_id}", summary="Replace a record (its submitter or an admin; a new version, validated)", openapi_extra=RECORD_BODY)
async def replace_record(request: Request, record_id: str, actor: Actor = SUBMITTER) -> dict:
    triples = await _triples(request)
    await run_in_threadpool(request.app.state.records.replace, record_id, triples, actor, _lang(request))
    return {"id": record_id, "history": request.app.state.records.history(record_id)}


@router.delete("/records/{record_id}", status_code=204, summary="Delete a record (its submitter or an admin; soft delete, audited)")
def delete_record(request: Request, record_id: str, actor: Actor = SUBMITTER) -> Response:
    request.app.state.records.delete(record_id, actor)
    return Response(status_code=204)


@router.get("/records/{record_id}/history", summary="The versions of a record: who changed what, when, from where")
def record_history(request: Request, record_id: str) -> list[dict]:
    request.app.state.records.triples(record_id, include_deleted=True)
    return request.app.state.records.history(record_id)


@router.post("/records/{record_id}/tags", summary="Add tags to a record (its submitter or a curator; validated against the vocabularies)")
def add_tags(request: Request, record_id: str, tags: Tags, actor: Actor = SUBMITTER) -> dict:
    added = request.app.state.records.add_tags(record_id, tags.concepts, actor, _lang(request))
    return {"id": record_id, "added": added}


@router.delete("/records/{record_id}/tags/{concept:path}", status_code=204, summary="Remove a tag from a record (its submitter or a curator)")
def remove_tag(request: Request, record_id: str, concept: str, actor: Actor = SUBMITTER) -> Response:
    request.app.state.records.remove_tag(record_id, concept, actor)
    return Response(status_code=204)


@router.get("/records", summary="Find records: filters, full text, facets, hierarchy and crosswalk expansion",
            responses={200: {"content": {"application/json": {}, "application/ld+json": {}}}})
def list_records(request: Request,
                 target: str | None = Query(None, max_length=200, description="GBF goal or target notation"),
                 concept: str | None = Query(None, max_length=2000, description="Any concept notation or IRI"),
                 expand: str = Query("none", pattern="^(none|narrower|crosswalk)$"),
                 q: str | None = Query(None, max_length=500, description="Full text over titles and summaries"),
                 lang: str = Query("en", pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]+)*$"),
                 type: str | None = Query(None, max_length=100, pattern=r"^[A-Za-z-]+$"),
                 country: str | None = Query(None, pattern=r"^[A-Za-z]{2}$"),
                 from_: int | None = Query(None, alias="from", ge=1000, le=9999),
                 to: int | None = Query(None, ge=1000, le=9999),
                 page: int = Query(1, ge=1, le=100_000), size: int = Query(20, ge=1, le=100)) -> Response:
    state = request.app.state
    result = search(state.records.index, state.concepts.get(), SearchParams(
        target=target, concept=concept, expand=expand, q=q, lang=lang, type=type, country=country,
        year_from=from_, year_to=to, page=page, size=size))
    fmt = negotiate(request.headers.get("accept"), LIST_FORMATS, explicit=request.query_params.get("format"))
    if fmt.name == "jsonld":
        graph = [{"id": r["uri"], "identifier": r["id"], "title": {r["titleLang"] or "en": r["title"]},
                  "type": (r["type"] or "")[3:], "country": r["country"], "tags": r["tags"]}
                 for r in result["results"]]
        body = {"@context": CONTEXT_URL, "@graph": graph}
        return Response(json.dumps(body), media_type="application/ld+json")
    return JSONResponse(result)
