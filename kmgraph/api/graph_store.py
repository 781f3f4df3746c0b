"""SPARQL 1.1 Graph Store HTTP Protocol at ``/store`` (``?graph=IRI`` or ``?default``)."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..access import Right
from ..errors import InputError, NotFoundError
from ..formats import GRAPH_FORMATS, documented, input_rdf_format, negotiate
from ..rdfinput import check_rdf_input
from .auth import authorise
from .bodies import read_body
from .guards import expensive

router = APIRouter(tags=["graph store"])


DOC = ("Graph Store Protocol. Name the graph with `?graph=IRI`, or `?default` for the store's default graph. "
       "GET (anyone) negotiates Turtle, N-Triples, JSON-LD or RDF/XML; PUT replaces the graph atomically "
       "(201 created, 204 replaced), POST adds triples, DELETE removes the graph (204, or 404): these need a "
       "write token.")


def _target(request: Request) -> str | None:
    """The graph IRI, or None for the default graph."""
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and not graphs:
        return None
    if len(graphs) != 1 or "default" in params:
        raise InputError("name exactly one graph: ?graph=IRI or ?default")
    try:
        ox.NamedNode(graphs[0])
    except ValueError as exc:
        raise InputError(f"graph: {graphs[0]!r} is not a valid IRI") from exc
    if ":" not in graphs[0]:
        raise InputError(f"graph: {graphs[0]!r} is not an absolute IRI")
    return graphs[0]


@router.get("/store", summary="Get a graph (Graph Store Protocol)", description=DOC, response_class=Response,
            responses=documented(GRAPH_FORMATS))
def get_graph(request: Request) -> Response:
    graph = _target(request)
    fmt = negotiate(request.headers.get("accept"), GRAPH_FORMATS,
                    explicit=request.query_params.get("format"))
    store = request.app.state.store
    if graph is not None and not store.has_graph(graph):
        raise NotFoundError(f"no graph {graph}")
    body = store.dump_graph(graph, fmt.rdf)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


async def _write(request: Request, method: str) -> Response:
    """PUT (``replace_graph``) or POST (``add_to_graph``): 201 when the graph is new, else 204."""
    authorise(request, Right.WRITE)
    graph = _target(request)
    fmt = input_rdf_format(request.headers.get("content-type"))
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        raise InputError("a graph body must be a triple syntax (Turtle, N-Triples, JSON-LD, RDF/XML)")
    body = await read_body(request, request.app.state.settings.max_body_bytes)
    check_rdf_input(body, fmt)
    store = request.app.state.store
    existed = graph is None or store.has_graph(graph)
    await run_in_threadpool(getattr(store, method), graph, body, fmt)
    return Response(status_code=204 if existed else 201)


@router.put("/store", summary="Replace a graph (write token)", description=DOC, status_code=204,
            dependencies=[Depends(expensive)],
            responses={201: {"description": "Graph created"}, 204: {"description": "Graph replaced"}})
async def put_graph(request: Request) -> Response:
    return await _write(request, "replace_graph")


@router.post("/store", summary="Add triples to a graph (write token)", description=DOC, status_code=204,
             dependencies=[Depends(expensive)],
             responses={201: {"description": "Graph created"}, 204: {"description": "Triples added"}})
async def post_graph(request: Request) -> Response:
    return await _write(request, "add_to_graph")


@router.delete("/store", summary="Delete a graph (write token)", description=DOC, status_code=204)
def delete_graph(request: Request) -> Response:
    authorise(request, Right.WRITE)
    graph = _target(request)
    store = request.app.state.store
    if graph is None:
        store.update("CLEAR DEFAULT")
        return Response(status_code=204)
    if not store.drop_graph(graph):
        raise NotFoundError(f"no graph {graph}")
    return Response(status_code=204)
