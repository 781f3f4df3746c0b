"""Tag suggestions: ``POST /tag`` with evidence, and the Annif-compatible ``/v1`` API."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..tagging.config import LANGUAGES
from .bodies import decode_utf8, read_body

router = APIRouter(tags=["tagging"])
LANGUAGE = r"^(en|fr|es)$"


class TagRequest(BaseModel):
    text: str = Field(..., min_length=1, description="The text to tag (English, French or Spanish)")
    lang: str | None = Field(None, pattern=LANGUAGE, description="The text's language; detected when not given")
    limit: int = Field(10, ge=1, le=100)
    threshold: float = Field(0.0, ge=0.0, le=1.0, description="Lowest score (a calibrated probability) to return")
    schemes: list[str] = Field(default_factory=lambda: ["gbf"],
                               description="Vocabularies to suggest from, each that of a tagging project: gbf, aichi, "
                                           "km-strategy, chm-pow with the bundled projects file")


def _suggest(request: Request, project_id: str, text: str, lang: str | None, limit: int, threshold: float):
    state = request.app.state
    return state.taggers.suggest(project_id, text, lang, limit, threshold, state.settings.max_tag_chars)


@router.post("/tag", summary="Suggest concepts for a text, with the evidence and the path that led to each")
async def tag(request: Request, body: TagRequest) -> dict:
    by_vocab = {p.vocab: p.id for p in request.app.state.taggers.projects.values()}
    results, lang = [], body.lang
    for scheme in body.schemes:
        if scheme not in by_vocab:
            raise InputError(f"schemes: {scheme!r} is not taggable; use {', '.join(by_vocab)}")
        lang, found = await run_in_threadpool(_suggest, request, by_vocab[scheme], body.text, body.lang,
                                              body.limit, body.threshold)
        results += found
    results.sort(key=lambda s: -s.score)
    return {"lang": lang, "results": [s.as_dict() for s in results[: body.limit]]}


# --- Annif-compatible API ----------------------------------------------------------------------

@router.get("/v1/", summary="Annif-compatible API information", tags=["annif"])
def annif_info() -> dict:
    return {"title": "kmgraph (Annif-compatible REST API)", "version": "1.0"}


@router.get("/v1/projects", summary="Projects (Annif-compatible): is_trained says whether a model answers",
            tags=["annif"])
def annif_projects(request: Request) -> dict:
    taggers = request.app.state.taggers
    status = taggers.status()
    return {"projects": [p.describe(status[p.id]) for p in taggers.projects.values()]}


@router.get("/v1/projects/{project_id}", summary="One project (Annif-compatible)", tags=["annif"])
def annif_project(project_id: str, request: Request) -> dict:
    taggers = request.app.state.taggers
    return taggers.project(project_id).describe(taggers.status()[project_id])


def _annif_results(suggestions) -> list[dict]:
    return [{"uri": s.uri, "label": s.label, "notation": s.notation, "score": round(s.score, 6)} for s in suggestions]


@router.post("/v1/projects/{project_id}/suggest", summary="Suggest subjects (Annif-compatible; form fields)",
             tags=["annif"], openapi_extra={"requestBody": {"content": {"application/x-www-form-urlencoded": {
                 "schema": {"type": "object", "required": ["text"], "properties": {
                     "text": {"type": "string"}, "limit": {"type": "integer"}, "threshold": {"type": "number"},
                     "language": {"type": "string"}}}}}}})
async def annif_suggest(project_id: str, request: Request) -> dict:
    request.app.state.taggers.project(project_id)  # 404 for an unknown project before reading the body
    form = parse_qs(decode_utf8(await read_body(request, request.app.state.settings.max_tag_chars * 4), request))
    text = (form.get("text") or [""])[0]
    if not text.strip():
        raise InputError("text is required")
    limit, threshold, lang = _options(form.get("limit", [None])[0], form.get("threshold", [None])[0],
                                      form.get("language", [None])[0])
    state = request.app.state
    found = await run_in_threadpool(state.taggers.suggest_batch, project_id, [text], lang, limit, threshold,
                                    state.settings.max_tag_chars)
    return {"results": _annif_results(found[0][1])}


class BatchDocument(BaseModel):
    text: str
    document_id: str | None = None


class Batch(BaseModel):
    documents: list[BatchDocument] = Field(..., max_length=32)


@router.post("/v1/projects/{project_id}/suggest-batch", summary="Suggest subjects for up to 32 documents (Annif-compatible)",
             tags=["annif"])
async def annif_suggest_batch(project_id: str, request: Request, batch: Batch, limit: str | None = Query(None),
                              threshold: str | None = Query(None), language: str | None = Query(None)) -> list[dict]:
    n, t, lang = _options(limit, threshold, language)
    state = request.app.state
    found = await run_in_threadpool(state.taggers.suggest_batch, project_id, [d.text for d in batch.documents],
                                    lang, n, t, state.settings.max_tag_chars)
    return [{"document_id": doc.document_id, "results": _annif_results(suggestions)}
            for doc, (_, suggestions) in zip(batch.documents, found)]


class DetectLanguage(BaseModel):
    text: str
    languages: list[str] = Field(..., min_length=1, max_length=5, description="Candidate languages: en, fr, es")


@router.post("/v1/detect-language", summary="The language of a text among candidates (Annif-compatible)",
             tags=["annif"])
def annif_detect_language(request: Request, body: DetectLanguage) -> dict:
    state = request.app.state
    ranked = state.taggers.detect(body.text, tuple(body.languages), state.settings.max_tag_chars)
    return {"results": [{"language": lang, "score": round(score, 4)} for lang, score in ranked]}


def _options(limit: str | None, threshold: str | None, language: str | None) -> tuple[int, float, str | None]:
    try:
        n = int(limit) if limit not in (None, "") else 10
        t = float(threshold) if threshold not in (None, "") else 0.0
    except ValueError as exc:
        raise InputError("limit must be an integer and threshold a number") from exc
    if not 1 <= n <= 1000 or not 0.0 <= t <= 1.0:
        raise InputError("limit must be 1..1000 and threshold 0..1")
    if language in (None, ""):
        return n, t, None  # detected
    if language not in LANGUAGES:
        raise InputError(f"language must be one of {', '.join(LANGUAGES)}")
    return n, t, language
