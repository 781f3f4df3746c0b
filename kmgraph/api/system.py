"""Health and administration: reloading the bundled vocabularies, online backups."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..access import Right
from ..backup import backup
from ..errors import InputError
from ..services import load_bundled_versions
from ..vocab import bundled
from .auth import require

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    version: str
    backend: str
    tagging: dict[str, str] = Field(description="per tagging project: ready; training (503 until then); updating "
                                                "(a new vocabulary version: the previous model answers); stale; "
                                                "untrained (trains on first use); failed")


class ReloadOut(BaseModel):
    graphs: int
    triples: int


@router.get("/health", response_model=Health, summary="Service health: 200 when the store answers")
def health(request: Request) -> Health:
    store = request.app.state.store
    store.ping()
    tagging = {pid: s["state"] for pid, s in request.app.state.taggers.status().items()}
    return Health(status="ok", version=__version__, backend=type(store).__name__, tagging=tagging)


@router.post("/admin/reload-bundled", response_model=ReloadOut, dependencies=[Depends(require(Right.ADMIN))],
             summary="Reload the bundled ontology and vocabularies, each as a new version (admin token)")
def reload_bundled(request: Request) -> ReloadOut:
    total = load_bundled_versions(request.app.state.services)
    return ReloadOut(graphs=len(bundled.bundled_graphs()), triples=total)


class BackupIn(BaseModel):
    directory: str = Field(..., max_length=4096, description="absolute path of a new directory on the server")


class BackupOut(BaseModel):
    directory: str
    quads: int
    fingerprint: str
    created: str
    kmgraph: str


@router.post("/admin/backup", response_model=BackupOut, dependencies=[Depends(require(Right.ADMIN))],
             summary="Back up the store, archives, audit log and tokens into a new server directory (admin token)")
async def make_backup(request: Request, body: BackupIn) -> dict:
    target = Path(body.directory)
    if not target.is_absolute():
        raise InputError("give the backup directory as an absolute path on the server")
    state = request.app.state
    async with state.expensive:
        return await run_in_threadpool(backup, state.store, state.audit, state.settings, target)


class FingerprintOut(BaseModel):
    quads: int
    fingerprint: str


@router.get("/admin/fingerprint", response_model=FingerprintOut, dependencies=[Depends(require(Right.ADMIN))],
            summary="Quad count and order-independent SHA-256 fingerprint of the whole store (admin token)",
            description="Compare with a backup's manifest, or before and after an operation; reads every quad.")
async def fingerprint(request: Request) -> FingerprintOut:
    quads, digest = await run_in_threadpool(request.app.state.store.fingerprint)
    return FingerprintOut(quads=quads, fingerprint=digest)
