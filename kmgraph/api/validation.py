"""``POST /validate`` (records in, coded localized report out), ``GET /shapes``, ``GET /context.jsonld``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from ..formats import GRAPH_FORMATS, Format, documented, negotiate
from ..resources import RECORD_SHAPES
from ..validation.inputs import CONTEXT_FILE, parse_body
from ..validation.messages import pick_language
from ..validation.render import RENDERERS
from .bodies import read_body
from .guards import expensive

router = APIRouter(tags=["validation"])

REPORT_FORMATS = [Format("json", "application/json"), Format("turtle", "text/turtle"), Format("text", "text/plain")]

DOC = """Validate one or many metadata records before submitting them. The body is Turtle, JSON-LD
(use `"@context": "https://w3id.org/kmgraph/context.jsonld"`; no other remote context is fetched),
N-Triples or RDF/XML, chosen by `Content-Type`. The report lists each record with its results: focus
node, path, value, severity, SHACL constraint, stable `code` (`Error.Mandatory`, `Error.UnexpectedTerm`,
`Error.DeprecatedTerm` ...) and a message in the language of `?lang` or `Accept-Language` (en, es, fr).
Report formats: JSON (default), Turtle (`sh:ValidationReport`), text. Nothing is stored."""


@router.post("/validate", summary="Validate metadata records", description=DOC, dependencies=[Depends(expensive)],
             responses={200: {"content": {"application/json": {}, "text/turtle": {}, "text/plain": {}}}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 media: {"schema": {"type": "string"}} for media in
                 ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")}}})
async def validate(request: Request) -> Response:
    settings = request.app.state.settings
    body = await read_body(request, settings.max_validate_bytes)
    lang = pick_language(request.query_params.get("lang") or request.headers.get("accept-language"))
    fmt = negotiate(request.headers.get("accept"), REPORT_FORMATS, explicit=request.query_params.get("format"))
    triples = parse_body(body, request.headers.get("content-type"))
    report = await run_in_threadpool(request.app.state.validator.validate, triples, lang)
    media, render = RENDERERS[fmt.name]
    return Response(render(report), media_type=media, headers={"Content-Language": lang, "Vary": "Accept, Accept-Language"})


@router.get("/shapes", summary="The SHACL shapes records are validated against (content negotiation)",
            response_class=Response, responses=documented(GRAPH_FORMATS))
def shapes(request: Request) -> Response:
    fmt = negotiate(request.headers.get("accept"), GRAPH_FORMATS, explicit=request.query_params.get("format"))
    if fmt.name == "turtle":
        body = RECORD_SHAPES.read_bytes()
    else:
        body = request.app.state.validator.shapes_serialized(fmt.rdf)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


@router.get("/context.jsonld", summary="The JSON-LD context for records (bundled; never fetched remotely)",
            response_class=FileResponse, responses=documented([Format("jsonld", "application/ld+json")]))
def context() -> FileResponse:
    return FileResponse(CONTEXT_FILE, media_type="application/ld+json")
