"""Baseline for the SPARQL benchmark: the thinnest FastAPI endpoint that hands a query to pyoxigraph."""

from __future__ import annotations

import os

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

store = ox.Store(os.environ["MINIMAL_STORE"])
app = FastAPI()


def _run(query: str) -> bytes:
    return store.query(query, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)


@app.post("/sparql")
async def sparql(request: Request) -> Response:
    body = await run_in_threadpool(_run, (await request.body()).decode())
    return Response(body, media_type="application/sparql-results+json")


@app.get("/health")
def health() -> dict:
    return {"ok": True}
