"""The CBD clearing-house's own API paths: validating a KM document, and the thesaurus.

``PUT /api/v2013/documents/x/validate?schema=S`` answers the CBD's validation report (200 with the
errors, none for a valid document), so that a node's tools check a document against kmgraph before
they submit it to the CBD. ``/api/v2013/thesaurus/...`` answers CBD term JSON for every domain kmgraph
holds. The JSON-LD context of each schema (the RDF view the shapes check) is published beside them.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from ..cbd import thesaurus as cbd_thesaurus
from ..cbd.documents import load_json
from ..cbd.records import suggest_gbf_targets
from ..cbd.schemas import KM_DIR, catalogue
from ..errors import NotFoundError, NotReadyError
from .bodies import read_body

router = APIRouter(tags=["CBD clearing-house API"])

DOCUMENT_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["header"], "description": "A KM document: header {identifier, schema, languages} "
    "and the fields of its schema"}}}}}
REPORT_RESPONSES = {200: {"description": "The CBD validation report: identifier, schema, locales, errors "
                                         "[{code, property, parameters}], plus kmgraph's severity and messages"},
                    400: {"description": "Not JSON, not an object, no header, unknown schema, too deeply nested"},
                    413: {"description": "Larger than KMGRAPH_MAX_VALIDATE_BYTES"}}
SCHEMA = Query(None, max_length=64, pattern=r"^[A-Za-z0-9]+$", description="Schema name (default: header.schema)")
SUGGEST = Query(False, description="For a resource or initiative without gbfTargets, suggest some from its text")


async def _report(request: Request, schema: str | None, suggest: bool) -> JSONResponse:
    state = request.app.state
    body = await read_body(request, state.settings.max_validate_bytes)
    document = load_json(body, state.settings.max_validate_bytes)
    documents = state.services.documents

    def check() -> dict:
        prepared = documents.reader().prepare(document, schema)
        report = documents.validate([prepared])[0].as_cbd()
        if suggest:
            try:  # the report does not wait for a tagging model still in training
                report["suggestions"] = {"gbfTargets": suggest_gbf_targets(prepared, state.taggers,
                                                                          state.settings.max_tag_chars)}
            except NotReadyError as exc:
                report["suggestions"] = {"gbfTargets": None, "notReady": exc.message}
        return report

    return JSONResponse(await run_in_threadpool(check))


@router.put("/api/v2013/documents/x/validate", summary="Validate a KM document as the CBD does (report, nothing stored)",
            openapi_extra=DOCUMENT_BODY, responses=REPORT_RESPONSES)
async def validate_put(request: Request, schema: str | None = SCHEMA, suggest: bool = SUGGEST) -> JSONResponse:
    return await _report(request, schema, suggest)


@router.post("/api/v2013/documents/x/validate", summary="Validate a KM document (POST, same as PUT)",
             openapi_extra=DOCUMENT_BODY, responses=REPORT_RESPONSES)
async def validate_post(request: Request, schema: str | None = SCHEMA, suggest: bool = SUGGEST) -> JSONResponse:
    return await _report(request, schema, suggest)


@router.get("/api/v2013/documents/schemas", summary="The KM document schemas kmgraph validates, with their fields")
def document_schemas() -> list[dict]:
    return [{"schema": s.name, "source": s.source, "context": f"/km-documents/{s.name}.context.jsonld",
             "fields": [{"field": f.path, "kind": f.kind, "list": f.array, "mandatory": f.mandatory,
                         "domain": f.domain or None, "checkedDomains": list(f.held)} for f in s.fields]}
            for s in catalogue().schemas.values()]


@router.get("/km-documents/{schema}.context.jsonld", summary="The JSON-LD context that gives a schema's RDF view",
            response_class=FileResponse, responses={200: {"content": {"application/ld+json": {}}}})
def document_context(schema: str) -> FileResponse:
    if schema not in catalogue().schemas:
        raise NotFoundError(f"no schema {schema!r}; GET /api/v2013/documents/schemas lists them")
    return FileResponse(KM_DIR / "contexts" / f"{schema}.jsonld", media_type="application/ld+json")


RELATIONS = Query(None, description="Accepted as the CBD API takes it; every term carries its relations")


@router.get("/api/v2013/thesaurus/domains", summary="Thesaurus domains kmgraph holds (CBD format)")
def thesaurus_domains() -> list[dict]:
    return cbd_thesaurus.domains()


@router.get("/api/v2013/thesaurus/domains/{domain}", summary="One thesaurus domain")
def thesaurus_domain(domain: str) -> dict:
    d = cbd_thesaurus.domain(domain)
    return {"domainId": d.domain_id, "identifier": d.identifier, "name": d.name}


@router.get("/api/v2013/thesaurus/domains/{domain}/terms", summary="The terms of a domain (CBD term JSON)")
def thesaurus_terms(request: Request, domain: str, relations: str | None = RELATIONS) -> list[dict]:
    return request.app.state.services.thesaurus.get().terms(cbd_thesaurus.domain(domain))


@router.get("/api/v2013/thesaurus/terms/{identifier}", summary="One term by identifier (CBD term JSON)")
def thesaurus_term(request: Request, identifier: str, relations: str | None = RELATIONS) -> dict:
    return request.app.state.services.thesaurus.get().one(identifier)
