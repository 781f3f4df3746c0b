"""Health, store overview and administration of the bundled vocabularies."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from .. import __version__
from ..vocab import bundled
from .auth import require_admin

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    version: str
    backend: str


class VocabularyOut(BaseModel):
    id: str
    title: str
    version: str
    graph: str
    triples: int


class ReloadOut(BaseModel):
    graphs: int
    triples: int


@router.get("/health", response_model=Health, summary="Service health: 200 when the store answers")
def health(request: Request) -> Health:
    store = request.app.state.store
    store.ping()
    return Health(status="ok", version=__version__, backend=type(store).__name__)


@router.get("/vocabularies", response_model=list[VocabularyOut], tags=["vocabularies"],
            summary="Vocabularies loaded in the store, with version and triple count")
def list_vocabularies(request: Request) -> list[VocabularyOut]:
    store = request.app.state.store
    counts = {g.iri: g.triples for g in store.graphs()}
    return [VocabularyOut(**v.__dict__, triples=counts.get(v.graph, 0)) for v in bundled.vocabularies(store)]


@router.post("/admin/reload-bundled", response_model=ReloadOut, dependencies=[Depends(require_admin)],
             summary="Reload the bundled ontology and vocabularies (admin token)")
def reload_bundled(request: Request) -> ReloadOut:
    store = request.app.state.store
    total = bundled.load_bundled(store)
    return ReloadOut(graphs=len(bundled.bundled_graphs()), triples=total)
