"""Health, store overview and administration of the bundled vocabularies."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from .. import __version__
from ..services import load_bundled_versions
from ..vocab import bundled
from .auth import require_admin

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    version: str
    backend: str


class ReloadOut(BaseModel):
    graphs: int
    triples: int


@router.get("/health", response_model=Health, summary="Service health: 200 when the store answers")
def health(request: Request) -> Health:
    store = request.app.state.store
    store.ping()
    return Health(status="ok", version=__version__, backend=type(store).__name__)


@router.post("/admin/reload-bundled", response_model=ReloadOut, dependencies=[Depends(require_admin)],
             summary="Reload the bundled ontology and vocabularies, each as a new version (admin token)")
def reload_bundled(request: Request) -> ReloadOut:
    total = load_bundled_versions(request.app.state.services)
    return ReloadOut(graphs=len(bundled.bundled_graphs()), triples=total)
