"""SPARQL 1.1 Protocol: ``/sparql`` (query) and ``/update``, over ``kmgraph.querying``."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..access import Right
from ..errors import (
    InputError,
    NotAcceptableError,
    UnsupportedMediaTypeError,
    UriTooLongError,
)
from ..formats import GRAPH_FORMATS, RESULT_FORMATS, documented, negotiate, parse_accept
from ..querying import run_query_async, run_update
from ..sparql import description
from ..sparql.execution import QueryOutput
from ..sparql.lexer import DatasetConflictError, with_using
from . import html
from .auth import authorise, principal
from .bodies import decode_utf8, media_type, read_body
from .openapi import DocumentedRoute

QUERY_DOC = """SPARQL 1.1 Protocol query operation. `GET ?query=`, `POST` form-encoded (`query=`) or
`POST application/sparql-query`; `default-graph-uri` and `named-graph-uri` override FROM / FROM NAMED.
Without them the default graph is the union of all graphs. Results by content negotiation (or
`?format=json|xml|csv|tsv|turtle|ntriples|jsonld|rdfxml`). Anonymous SELECTs are capped
(header `X-Kmgraph-Truncated: true` when rows were cut); every query has a time limit. A browser
without a query gets the query editor; `Accept: text/turtle` without a query gets the service description."""


class SparqlRequest:
    """The parameters of one protocol request, wherever they came from (URL, form, body)."""

    def __init__(self, params: dict[str, list[str]], text_key: str, body_text: str | None) -> None:
        values = params.get(text_key, [])
        if body_text is not None:
            values = values + [body_text]
        if len(values) > 1:
            raise InputError(f"exactly one {text_key} is allowed; this request has {len(values)}")
        self.text = values[0] if values else None
        self.params = params

    def graphs(self, key: str) -> list[str]:
        iris = self.params.get(key, [])
        for iri in iris:
            try:
                ox.NamedNode(iri)
            except ValueError as exc:
                raise InputError(f"{key}: {iri!r} is not a valid IRI") from exc
        return iris


async def _protocol_request(request: Request, text_key: str, direct_type: str) -> SparqlRequest:
    params = _parse_form(request.url.query)
    if request.method == "GET":
        return SparqlRequest(params, text_key, None)
    settings = request.app.state.settings
    body = await read_body(request, settings.max_query_bytes + 1024)
    kind = media_type(request)
    if kind == "application/x-www-form-urlencoded":
        form = _parse_form(decode_utf8(body, request))
        for key, values in form.items():
            params.setdefault(key, []).extend(values)
        return SparqlRequest(params, text_key, None)
    if kind == direct_type:
        return SparqlRequest(params, text_key, decode_utf8(body, request))
    raise UnsupportedMediaTypeError(
        f"send the {text_key} as application/x-www-form-urlencoded or {direct_type}, not {kind or 'no media type'}")


def _parse_form(text: str) -> dict[str, list[str]]:
    """Form or query-string fields; percent-encoded bytes must be UTF-8 (no silent replacement)."""
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise InputError(f"a percent-encoded parameter is not UTF-8: {exc.reason} at byte {exc.start}") from exc


def _check_url(request: Request) -> None:
    limit = request.app.state.settings.max_url_bytes
    if len(request.scope.get("raw_path", b"")) + len(request.scope.get("query_string", b"")) > limit:
        raise UriTooLongError(f"the request URL is longer than {limit} bytes: send the query with POST "
                         "(application/sparql-query or a form) instead of GET")


def _endpoint(request: Request) -> str:
    """The service's own URL: the base IRI of requests (SPARQL 1.1 Protocol 2.1.4)."""
    scope = request.scope
    host = request.headers.get("host") or "{}:{}".format(*scope.get("server") or ("localhost", 80))
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"


def output_response(out: QueryOutput) -> Response:
    headers = {"Vary": "Accept"}
    if out.truncated:
        headers["X-Kmgraph-Truncated"] = "true"
    return Response(out.body, media_type=out.media_type, headers=headers)


async def _query(request: Request) -> Response:
    _check_url(request)
    req = await _protocol_request(request, "query", "application/sparql-query")
    accept = request.headers.get("accept")
    if req.text is None:
        return _no_query(request, accept)
    explicit = (req.params.get("format") or [None])[0]
    browser = explicit is None and html.wants_page(request)
    out = await run_query_async(
        request.app.state.store, request.app.state.settings, req.text, accept=BROWSER_ACCEPT if browser else accept,
        explicit_format=explicit,
        default_graph=req.graphs("default-graph-uri"), named_graphs=req.graphs("named-graph-uri"),
        capped=principal(request) is None, base_iri=_endpoint(request))
    return _results_page(request, req.text, out) if browser else output_response(out)


# A browser asking for HTML (the editor's form without JavaScript) gets a page: the query runs for
# JSON results or Turtle, which the page shows as a table or as text.
BROWSER_ACCEPT = "application/sparql-results+json, text/turtle"


def _results_page(request: Request, query: str, out: QueryOutput) -> Response:
    context: dict = {"query": query, "truncated": out.truncated}
    if out.media_type == "application/sparql-results+json":
        data = json.loads(out.body)
        if "boolean" in data:
            context["boolean"] = data["boolean"]
        else:
            names = data["head"]["vars"]
            context["names"] = names
            context["rows"] = [[row.get(name) for name in names] for row in data["results"]["bindings"]]
    else:
        context["graph"] = out.body.decode("utf-8")
    page = html.page(request, "sparql-results.html", **context)
    page.headers["Vary"] = "Accept"
    return page


def _no_query(request: Request, accept: str | None) -> Response:
    if html.wants_page(request):
        return html.page(request, "sparql.html")
    best = parse_accept(accept)[0][0] if accept else ""
    try:
        fmt = negotiate(accept, GRAPH_FORMATS) if accept and best != "*/*" else None
    except NotAcceptableError:
        fmt = None
    if fmt is None:
        raise InputError("no query: pass one as ?query=, a form field or an application/sparql-query body "
                         "(or ask for text/turtle to get the service description)")
    body = description.service_description(_endpoint(request), str(request.url_for("update")), fmt.rdf)
    return Response(body, media_type=fmt.media_type)


async def sparql_get(request: Request) -> Response:
    return await _query(request)


async def sparql_post(request: Request) -> Response:
    if media_type(request) == "application/sparql-update" or "update=" in request.url.query:
        raise InputError("updates are not accepted at /sparql: POST them to /update with a write token")
    return await _query(request)


async def update(request: Request) -> Response:
    authorise(request, Right.WRITE)
    async with request.app.state.expensive:
        req = await _protocol_request(request, "update", "application/sparql-update")
        if req.text is None:
            raise InputError("no update: pass one as a form field update= or an application/sparql-update body")
        try:
            text = with_using(req.text, req.graphs("using-graph-uri"), req.graphs("using-named-graph-uri"))
        except DatasetConflictError as exc:
            raise InputError(str(exc)) from exc
        await run_in_threadpool(run_update, request.app.state.store, request.app.state.settings, text,
                                base_iri=_endpoint(request))
    return Response(status_code=204)


def _graph_parameters(*names: str) -> list[dict]:
    return [{"name": name, "in": "query", "required": False, "description": "a graph IRI (repeatable)",
             "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True}
            for name in names]


def _form_body(direct_type: str, field: str) -> dict:
    return {"content": {direct_type: {"schema": {"type": "string"}},
                        "application/x-www-form-urlencoded": {"schema": {
                            "type": "object", "properties": {field: {"type": "string"}}}}}}


_ANSWER = documented(RESULT_FORMATS + GRAPH_FORMATS, "Query results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE), "
                     "by content negotiation; the editor page or the service description without a query")[200]
_RESULTS = {"200": {**_ANSWER, "content": {**_ANSWER["content"], "text/html": {}}}}
_FORMAT = {"name": "format", "in": "query", "required": False, "description": "output format instead of Accept",
           "schema": {"type": "string"}}
_DATASET = _graph_parameters("default-graph-uri", "named-graph-uri")

# The protocol's routes are plain routes (see ``DocumentedRoute``): they are the service's hottest paths.
ROUTES = [
    DocumentedRoute("/sparql", sparql_get, name="sparql_get", operations={"get": {
        "tags": ["sparql"], "summary": "SPARQL query (GET)", "description": QUERY_DOC, "operationId": "sparql_get",
        "parameters": [{"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
                        "description": "the SPARQL query"}, *_DATASET, _FORMAT],
        "responses": _RESULTS}}),
    DocumentedRoute("/sparql", sparql_post, name="sparql_post", operations={"post": {
        "tags": ["sparql"], "summary": "SPARQL query (POST)", "description": QUERY_DOC, "operationId": "sparql_post",
        "parameters": [*_DATASET, _FORMAT], "requestBody": _form_body("application/sparql-query", "query"),
        "responses": _RESULTS}}),
    DocumentedRoute("/update", update, name="update", operations={"post": {
        "tags": ["sparql"], "summary": "SPARQL 1.1 Update (write token)", "operationId": "update",
        "description": "POST `application/sparql-update` or a form with `update=`; `using-graph-uri` and "
                       "`using-named-graph-uri` set the dataset of the WHERE clauses. LOAD is refused, and SERVICE "
                       "unless allow-listed. Needs a bearer token with the write right.",
        "parameters": _graph_parameters("using-graph-uri", "using-named-graph-uri"),
        "requestBody": _form_body("application/sparql-update", "update"),
        "responses": {"204": {"description": "Update applied"}}}}),
]
