"""Records: submit, read, replace, delete, tag, history; and retrieval with facets and expansion."""

from __future__ import annotations

import json

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..access import Actor, Right
from ..cbd.documents import is_km_document, load_json
from ..cbd.records import document_of, import_document, suggest_gbf_targets
from ..errors import InvalidParameterError, NotAcceptableError
from ..formats import Format, documented, negotiate
from ..records.search import SearchParams, search
from ..validation.inputs import CONTEXT_URL, parse_body
from ..validation.messages import pick_language
from .auth import require
from .bodies import read_body
from .params import declared_only

router = APIRouter(tags=["records"])

RECORD_FORMATS = [Format("jsonld", "application/ld+json", rdf=ox.RdfFormat.JSON_LD),
                  Format("turtle", "text/turtle", rdf=ox.RdfFormat.TURTLE),
                  Format("ntriples", "application/n-triples", rdf=ox.RdfFormat.N_TRIPLES),
                  Format("rdfxml", "application/rdf+xml", rdf=ox.RdfFormat.RDF_XML)]
LIST_FORMATS = [Format("json", "application/json"), Format("jsonld", "application/ld+json")]
RECORD_BODY = {"requestBody": {"required": True, "content": {
    m: {"schema": {"type": "string"}} for m in ("text/turtle", "application/ld+json", "application/n-triples")}}}
KM_RECORD_BODY = {"requestBody": {"required": True, "content": {
    **RECORD_BODY["requestBody"]["content"],
    "application/json": {"schema": {"type": "object", "description": "A CBD KM document (header.schema)"}}}}}
# A record imported from a KM document, given back as that document (?format=km-document).
KM_DOCUMENT = Format("km-document", "application/vnd.cbd.km-document+json")


class Tags(BaseModel):
    concepts: list[str] = Field(..., min_length=1, max_length=50,
                                description="Notations (GBF-TARGET-02) or IRIs of the concepts to add")


SUBMITTER = Depends(require(Right.SUBMIT))


def _lang(request: Request) -> str:
    return pick_language(request.query_params.get("lang") or request.headers.get("accept-language"))


async def _submission(request: Request) -> tuple[list | None, dict | None]:
    """(triples, None) for an RDF record; (None, document) for a CBD KM document (JSON with header.schema)."""
    limit = request.app.state.settings.max_validate_bytes
    body = await read_body(request, limit)
    content_type = request.headers.get("content-type")
    if (content_type or "").split(";")[0].strip().lower() == "application/json" and body.lstrip()[:1] == b"{":
        document = load_json(body, limit)
        if is_km_document(document):
            return None, document
    return parse_body(body, content_type), None


@router.post("/records", status_code=201, summary="Submit a record (node token; validated, invalid ones are not stored)",
             description="An RDF record (Turtle, JSON-LD ...) is validated against the record shapes; a CBD KM "
                         "document (application/json with header.schema) against its clearing-house schema, then "
                         "stored mapped to DCTERMS with the whole document kept (GET ?format=km-document).",
             openapi_extra=KM_RECORD_BODY, responses={201: {"description": "Stored"}, 422: {"description": "Invalid"}})
async def create_record(request: Request, actor: Actor = SUBMITTER) -> Response:
    triples, document = await _submission(request)
    state = request.app.state
    extra = {}
    if document is not None:
        record_id, uri, report = await run_in_threadpool(import_document, state.services.documents, state.records,
                                                         document, actor)
        extra = {"report": report}
        suggested = await run_in_threadpool(_suggested, state, document)
        if suggested:
            extra["suggestedGbfTargets"] = suggested
    else:
        record_id, uri = await run_in_threadpool(state.records.create, triples, actor, _lang(request))
    return JSONResponse({"id": record_id, "uri": uri, **extra}, status_code=201,
                        headers={"Location": str(request.url_for("get_record", record_id=record_id))})


def _suggested(state, document: dict) -> list[dict]:
    documents = state.services.documents
    return suggest_gbf_targets(documents.reader().prepare(document), state.taggers, state.settings.max_tag_chars)


@router.get("/records/{record_id}", name="get_record", summary="One record (JSON-LD, Turtle, N-Triples, RDF/XML)",
            response_class=Response, responses=documented(RECORD_FORMATS + [KM_DOCUMENT]))
def get_record(request: Request, record_id: str) -> Response:
    fmt = negotiate(request.headers.get("accept"), RECORD_FORMATS + [KM_DOCUMENT],
                    explicit=request.query_params.get("format"))
    triples = request.app.state.records.triples(record_id)
    if fmt is KM_DOCUMENT:
        document = document_of(triples)
        if document is None:
            raise NotAcceptableError(f"record {record_id} was submitted as RDF, not as a KM document; "
                                     f"formats: {', '.join(f.name for f in RECORD_FORMATS)}")
        return JSONResponse(document, headers={"Vary": "Accept"})
    return Response(ox.serialize(triples, format=fmt.rdf), media_type=fmt.media_type, headers={"Vary": "Accept"})


@router.put("/records/{record_id}", summary="Replace a record (its submitter or an admin; a new version, validated)",
            openapi_extra=KM_RECORD_BODY)
async def replace_record(request: Request, record_id: str, actor: Actor = SUBMITTER) -> dict:
    triples, document = await _submission(request)
    state = request.app.state
    if document is not None:
        await run_in_threadpool(import_document, state.services.documents, state.records, document, actor,
                                replace=record_id)
    else:
        await run_in_threadpool(state.records.replace, record_id, triples, actor, _lang(request))
    return {"id": record_id, "history": state.records.history(record_id)}


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
            dependencies=[Depends(declared_only)], responses={200: {"content": {"application/json": {}, "application/ld+json": {}}}})
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
                 year: int | None = Query(None, ge=1000, le=9999, description="Exactly this year (from=year&to=year)"),
                 page: int = Query(1, ge=1, le=100_000), size: int = Query(20, ge=1, le=100)) -> Response:
    state = request.app.state
    if year is not None:
        if from_ is not None or to is not None:
            raise InvalidParameterError("give either year or from/to, not both")
        from_ = to = year
    result = search(state.records.index, state.concepts.get(), SearchParams(
        target=target, concept=concept, expand=expand, q=q, lang=lang, type=type, country=country,
        year_from=from_, year_to=to, page=page, size=size))
    fmt = negotiate(request.headers.get("accept"), LIST_FORMATS, explicit=request.query_params.get("format"))
    pages = [(page + 1, "next")] if page * size < result["total"] else []
    pages += [(page - 1, "prev")] if page > 1 else []
    headers = {"Link": ", ".join(f'<{request.url.include_query_params(page=n)}>; rel="{rel}"' for n, rel in pages)}
    headers = headers if pages else {}
    if fmt.name == "jsonld":
        graph = [{"id": r["uri"], "identifier": r["id"], "title": {r["titleLang"] or "en": r["title"]},
                  "type": (r["type"] or "")[3:], "country": r["country"], "tags": r["tags"]}
                 for r in result["results"]]
        body = {"@context": CONTEXT_URL, "@graph": graph}
        return Response(json.dumps(body), media_type="application/ld+json", headers=headers)
    return JSONResponse(result, headers=headers)
