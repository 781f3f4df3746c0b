"""Named queries: ``GET /queries`` lists them, ``GET /queries/{name}?param=...`` runs one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..errors import InputError
from ..querying import run_query_async
from .auth import principal
from .sparql import _endpoint, output_response

router = APIRouter(tags=["named queries"])

RESERVED = {"format"}


@router.get("/queries", summary="List the named queries with their parameters")
def list_queries(request: Request) -> list[dict]:
    return [q.describe() | {"url": str(request.url_for("run_named_query", name=q.name))}
            for q in request.app.state.queries]


@router.get("/queries/{name}", name="run_named_query",
            summary="Run a named query; parameters as query-string fields; results negotiated as for /sparql",
            responses={200: {"content": {"application/sparql-results+json": {}, "text/csv": {},
                                         "text/tab-separated-values": {}, "text/turtle": {}}}})
async def run_named_query(name: str, request: Request) -> Response:
    named = request.app.state.queries.get(name)
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in RESERVED]
    values = dict(pairs)
    if len(values) != len(pairs):
        raise InputError("each parameter may be given once")
    text = named.bind(values)
    out = await run_query_async(request.app.state.store, request.app.state.settings, text,
                    accept=request.headers.get("accept"), explicit_format=request.query_params.get("format"),
                    capped=principal(request) is None, base_iri=_endpoint(request))
    return output_response(out)
