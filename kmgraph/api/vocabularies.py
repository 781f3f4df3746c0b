"""Vocabularies: list, profile, load a new version through the quality gate, versions, diff, export, rollback."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from ..access import Actor, Right
from ..curation import source_for_upload
from ..curation.gate import describe_checks
from ..curation.sources import ID_PATTERN
from ..errors import GateRejectedError
from ..formats import GRAPH_FORMATS, documented, negotiate
from ..namespaces import vocabulary_graph
from ..vocab import bundled
from ..vocab.profile import vocabulary_profile
from .auth import require
from .bodies import media_type, read_body
from .guards import expensive

router = APIRouter(prefix="/vocabularies", tags=["vocabularies"])
VocabId = Annotated[str, Path(pattern=ID_PATTERN, description="vocabulary id (gbf, gbf-indicators ...)")]


def _curator(request: Request):
    return request.app.state.services.curator


@router.get("", summary="Vocabularies in the store: graph, triples, current version")
def list_vocabularies(request: Request) -> list[dict]:
    store = request.app.state.store
    counts = {g.iri: g.triples for g in store.graphs()}
    current = _curator(request).catalog.vocabularies()
    return [{**v.__dict__, "triples": counts.get(v.graph, 0), "current_version": current.get(v.id)}
            for v in bundled.vocabularies(store)]


@router.get("/checks", summary="The quality-gate checks: id, severity, meaning and the SPARQL file")
def list_checks() -> list[dict]:
    return describe_checks()


@router.get("/{vocab_id}", summary="One vocabulary: metadata, counts, language coverage, current version")
def get_vocabulary(request: Request, vocab_id: VocabId) -> dict:
    return vocabulary_profile(request.app.state.store, _curator(request), vocab_id)


@router.put("/{vocab_id}", dependencies=[Depends(expensive)],
            summary="Load a new version (RDF, CSV or xlsx body) through the quality gate (curator token)",
            responses={201: {"description": "first version loaded"}, 422: {"description": "gate failed"}})
async def put_vocabulary(request: Request, response: Response, vocab_id: VocabId,
                         force: bool = Query(False, description="make the version current despite gate errors (recorded)"),
                         dry_run: bool = Query(False, description="only run the gate and diff; store nothing"),
                         filename: str = Query("upload", description="file name recorded in the provenance"),
                         base: str | None = Query(None, description="base IRI for spreadsheet notations"),
                         who: Actor = Depends(require(Right.CURATE))) -> dict:
    body = await read_body(request, request.app.state.settings.max_body_bytes)
    source = source_for_upload(filename, media_type(request), body)
    curator = _curator(request)
    if dry_run:
        result = await run_in_threadpool(curator.check, [source], vocab_id, base=base)
        return result.to_dict()
    existed = request.app.state.store.has_graph(vocabulary_graph(vocab_id))
    result = await run_in_threadpool(curator.load, [source], who, vocab_id, force=force, base=base)
    _accepted_or_422(result, vocab_id)
    response.status_code = 200 if existed else 201
    return result.to_dict()


@router.get("/{vocab_id}/versions", summary="Versions of a vocabulary with provenance, newest first")
def versions(request: Request, vocab_id: VocabId) -> list[dict]:
    return [v.__dict__ for v in _curator(request).versions(vocab_id)]


@router.get("/{vocab_id}/diff", summary="Added, removed, deprecated concepts; label, hierarchy and mapping changes")
def diff(request: Request, vocab_id: VocabId, from_: int | None = Query(None, alias="from"),
         to: int | None = Query(None)) -> dict:
    return _curator(request).diff(vocab_id, from_, to)


@router.get("/{vocab_id}/changes", summary="Changes since a version number or an ISO date, up to the current version")
def changes(request: Request, vocab_id: VocabId, since: str = Query(..., description="version number or date")) -> dict:
    return _curator(request).changes_since(vocab_id, since)


@router.get("/{vocab_id}/export", summary="The current (or a given) version in an RDF syntax",
            response_class=Response, responses=documented(GRAPH_FORMATS))
def export(request: Request, vocab_id: VocabId, format: str | None = Query(None),
           version: int | None = Query(None)) -> Response:
    fmt = negotiate(request.headers.get("accept"), GRAPH_FORMATS, explicit=format)
    body = _curator(request).export(vocab_id, fmt.rdf, version)
    return Response(body, media_type=fmt.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{vocab_id}.{fmt.name}"'})


@router.post("/{vocab_id}/rollback",
             summary="Make an earlier version current again, as a new version, through the quality gate (curator token)",
             responses={422: {"description": "gate failed (e.g. concepts would disappear); nothing changed"}})
async def rollback(request: Request, vocab_id: VocabId, version: int = Query(..., ge=1),
                   force: bool = Query(False, description="roll back despite gate errors (recorded as forced)"),
                   who: Actor = Depends(require(Right.CURATE))) -> dict:
    result = await run_in_threadpool(_curator(request).rollback, vocab_id, version, who, force=force)
    _accepted_or_422(result, vocab_id)
    return result.to_dict()


def _accepted_or_422(result, vocab_id: str) -> None:
    if not result.accepted:
        raise GateRejectedError(f"version {result.version} of {vocab_id} failed the quality gate with "
                                f"{result.report.errors} errors; fix them or send force=true",
                                detail=result.to_dict())
