"""Named queries: ``GET /queries`` lists them, ``GET /queries/{name}?param=...`` runs one, a page at a time."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ..errors import InputError
from ..querying import Page, run_query_async
from ..services import query_indexes
from .sparql import _endpoint, output_response

router = APIRouter(tags=["named queries"])

RESERVED = {"format", "limit", "offset"}


@router.get("/queries", summary="List the named queries with their parameters")
def list_queries(request: Request) -> list[dict]:
    return [q.describe() | {"url": str(request.url_for("run_named_query", name=q.name))}
            for q in request.app.state.queries]


@router.get("/queries/{name}", name="run_named_query",
            summary="Run a named query, a page of rows at a time; parameters as query-string fields; results "
                    "negotiated as for /sparql; a `Link` header gives the next and previous pages",
            responses={200: {"content": {"application/sparql-results+json": {}, "text/csv": {},
                                         "text/tab-separated-values": {}, "text/turtle": {}}}})
async def run_named_query(name: str, request: Request,
                          limit: int | None = Query(None, description="rows per page (default 100; at most the "
                                                                         "configured maximum, 10,000 by default)"),
                          offset: int | None = Query(None, description="rows to skip (default 0)")) -> Response:
    named = request.app.state.queries.get(name)
    settings = request.app.state.settings
    page = Page.of(settings, limit, offset)
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in RESERVED]
    values = dict(pairs)
    if len(values) != len(pairs):
        raise InputError("each parameter may be given once")
    text = named.bind(values, query_indexes(request.app.state.services), rows=page.offset + page.limit + 1)
    out = await run_query_async(request.app.state.store, settings, text,
                    accept=request.headers.get("accept"), explicit_format=request.query_params.get("format"),
                    base_iri=_endpoint(request), page=page)
    response = output_response(out)
    links = [(out.truncated and out.form == "SELECT" and page.next, "next"), (page.previous, "prev")]
    header = ", ".join(f'<{_page_url(request, p)}>; rel="{rel}"' for p, rel in links if p)
    if header:
        response.headers["Link"] = header
    return response


def _page_url(request: Request, page: Page) -> str:
    """This request's URL for another page: the same parameters, another window."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]
    return str(request.url.replace_query_params(**dict(kept), limit=page.limit, offset=page.offset))
