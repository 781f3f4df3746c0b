"""Tag suggestions: ``POST /tag`` with evidence, and the Annif-compatible ``/v1`` API."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import InputError, NotFoundError
from ..tagging.projects import PROJECTS
from .bodies import decode_utf8, read_body

router = APIRouter(tags=["tagging"])
SCHEME_PROJECTS = {"gbf": "gbf-targets", "aichi": "aichi-targets"}


class TagRequest(BaseModel):
    text: str = Field(..., min_length=1, description="The text to tag (English, French or Spanish)")
    lang: str = Field("en", pattern=r"^(en|fr|es)$")
    limit: int = Field(10, ge=1, le=100)
    threshold: float = Field(0.0, ge=0.0, le=1.0)
    schemes: list[str] = Field(default_factory=lambda: ["gbf"], description="Vocabularies to suggest from: gbf, aichi")


def _suggest(request: Request, project_id: str, text: str, lang: str, limit: int, threshold: float):
    state = request.app.state
    return state.taggers.suggest(project_id, text, lang, limit, threshold, state.settings.max_tag_chars)


@router.post("/tag", summary="Suggest concepts for a text, with the evidence and the path that led to each")
async def tag(request: Request, body: TagRequest) -> dict:
    results = []
    for scheme in body.schemes:
        if scheme not in SCHEME_PROJECTS:
            raise InputError(f"schemes: {scheme!r} is not taggable; use {', '.join(SCHEME_PROJECTS)}")
        results += await run_in_threadpool(_suggest, request, SCHEME_PROJECTS[scheme], body.text, body.lang,
                                           body.limit, body.threshold)
    results.sort(key=lambda s: -s.score)
    return {"lang": body.lang, "results": [s.as_dict() for s in results[: body.limit]]}


# --- Annif-compatible API ----------------------------------------------------------------------

@router.get("/v1/", summary="Annif-compatible API information", tags=["annif"])
def annif_info() -> dict:
    return {"title": "kmgraph (Annif-compatible REST API)", "version": "1.0"}


@router.get("/v1/projects", summary="Projects (Annif-compatible): is_trained says whether a model answers",
            tags=["annif"])
def annif_projects(request: Request) -> dict:
    status = request.app.state.taggers.status()
    return {"projects": [p.describe(status[p.id]) for p in PROJECTS.values()]}


@router.get("/v1/projects/{project_id}", summary="One project (Annif-compatible)", tags=["annif"])
def annif_project(project_id: str, request: Request) -> dict:
    if project_id not in PROJECTS:
        raise NotFoundError(f"Project '{project_id}' not found")
    return PROJECTS[project_id].describe(request.app.state.taggers.status()[project_id])


def _annif_results(suggestions) -> list[dict]:
    return [{"uri": s.uri, "label": s.label, "notation": s.notation, "score": round(s.score, 6)} for s in suggestions]


@router.post("/v1/projects/{project_id}/suggest", summary="Suggest subjects (Annif-compatible; form fields)",
             tags=["annif"], openapi_extra={"requestBody": {"content": {"application/x-www-form-urlencoded": {
                 "schema": {"type": "object", "required": ["text"], "properties": {
                     "text": {"type": "string"}, "limit": {"type": "integer"}, "threshold": {"type": "number"},
                     "language": {"type": "string"}}}}}}})
async def annif_suggest(project_id: str, request: Request) -> dict:
    request.app.state.taggers.get(project_id)  # 404 for an unknown project before reading the body
    form = parse_qs(decode_utf8(await read_body(request, request.app.state.settings.max_tag_chars * 4), request))
    text = (form.get("text") or [""])[0]
    if not text.strip():
        raise InputError("text is required")
    limit, threshold, lang = _options(form.get("limit", [None])[0], form.get("threshold", [None])[0],
                                      form.get("language", ["en"])[0])
    suggestions = await run_in_threadpool(_suggest, request, project_id, text, lang, limit, threshold)
    return {"results": _annif_results(suggestions)}


class BatchDocument(BaseModel):
    text: str
    document_id: str | None = None


class Batch(BaseModel):
    documents: list[BatchDocument] = Field(..., max_length=32)


@router.post("/v1/projects/{project_id}/suggest-batch", summary="Suggest subjects for up to 32 documents (Annif-compatible)",
             tags=["annif"])
async def annif_suggest_batch(project_id: str, request: Request, batch: Batch, limit: str | None = Query(None),
                              threshold: str | None = Query(None), language: str = Query("en")) -> list[dict]:
    request.app.state.taggers.get(project_id)
    n, t, lang = _options(limit, threshold, language)
    out = []
    for doc in batch.documents:
        suggestions = await run_in_threadpool(_suggest, request, project_id, doc.text, lang, n, t)
        out.append({"document_id": doc.document_id, "results": _annif_results(suggestions)})
    return out


def _options(limit: str | None, threshold: str | None, language: str) -> tuple[int, float, str]:
    try:
        n = int(limit) if limit not in (None, "") else 10
        t = float(threshold) if threshold not in (None, "") else 0.0
    except ValueError as exc:
        raise InputError("limit must be an integer and threshold a number") from exc
    if not 1 <= n <= 1000 or not 0.0 <= t <= 1.0:
        raise InputError("limit must be 1..1000 and threshold 0..1")
    if language not in ("en", "fr", "es"):
        raise InputError("language must be en, fr or es")
    return n, t, language
