"""Pages with forms that check or change data: record validation and the curator's upload.

Validation runs the record validator ``POST /validate`` uses; the curator page runs the quality gate
and diff of ``PUT /vocabularies/{id}?dry_run=true``, keeps the upload for a confirmation, then loads
it as ``PUT`` does. The curator token is typed into the form (pages send no bearer header).
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..access import Actor, Right
from ..api.auth import PRINCIPAL, authorise
from ..cbd.documents import is_km_document
from ..curation import source_for_upload, vocabulary_id
from ..errors import InputError, NotFoundError, TooLargeError
from ..validation.inputs import parse_body
from ..validation.messages import pick_language
from ..validation.render import RENDERERS
from . import LANG, render

router = APIRouter(include_in_schema=False)
SYNTAXES = {"turtle": "text/turtle", "jsonld": "application/ld+json"}
STAGED_SECONDS = 900


async def _upload_or_text(form, settings, text_field: str) -> tuple[bytes, str]:
    """The bytes of an uploaded file, else of the pasted text; and the file name ('' for text)."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(settings.max_validate_bytes + 1)
        name = upload.filename
    else:
        data, name = str(form.get(text_field, "")).encode("utf-8"), ""
    if len(data) > settings.max_validate_bytes:
        raise TooLargeError(f"the document is larger than {settings.max_validate_bytes} bytes")
    if not data.strip():
        raise InputError("paste a record or choose a file")
    return data, name


@router.get("/ui/validate", response_class=HTMLResponse)
def validate_form(request: Request, lang: str = LANG) -> HTMLResponse:
    return render(request, "validate.html", lang=lang, text="", syntax="turtle", message_lang=pick_language(lang),
                  report=None)


@router.post("/ui/validate", response_class=HTMLResponse)
async def validate_page(request: Request, lang: str = LANG) -> Response:
    state = request.app.state
    form = await request.form()
    data, name = await _upload_or_text(form, state.settings, "record")
    syntax = "jsonld" if name.endswith((".jsonld", ".json")) else str(form.get("syntax", "turtle"))
    message_lang = pick_language(str(form.get("message_lang", "en")))
    document = _km_document(data) if syntax in ("jsonld", "km-document") else None
    if document is not None:
        return await _document_page(request, lang, data, document, message_lang, str(form.get("download", "")))
    try:
        triples = parse_body(data, SYNTAXES.get(syntax, "text/turtle"))
        report = await run_in_threadpool(state.validator.validate, triples, message_lang)
    except InputError as exc:  # the page comes back with the pasted record and the reason beside it
        return render(request, "validate.html", status_code=exc.status, lang=lang,
                      text=data.decode("utf-8", "replace"), syntax=syntax, message_lang=message_lang, report=None,
                      error=exc.message)
    download = str(form.get("download", ""))
    if download in ("json", "turtle"):
        media, renderer = RENDERERS[download]
        extension = "json" if download == "json" else "ttl"
        return Response(renderer(report), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="validation-report.{extension}"'})
    return render(request, "validate.html", lang=lang, text=data.decode("utf-8", "replace"), syntax=syntax,
                  message_lang=message_lang, report=report.as_dict())


def _km_document(data: bytes) -> dict | None:
    """The KM document pasted or uploaded (a JSON object with header.schema), else None."""
    if data.lstrip()[:1] != b"{":
        return None
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value if is_km_document(value) else None


async def _document_page(request: Request, lang: str, data: bytes, document: dict, message_lang: str,
                         download: str) -> Response:
    """A KM document checked as the CBD's validation call does; the report shown beside it."""
    documents = request.app.state.services.documents
    report = await run_in_threadpool(lambda: documents.validate([documents.reader().prepare(document)])[0])
    cbd = report.as_cbd()
    if download == "json":
        return Response(json.dumps(cbd, ensure_ascii=False, indent=1), media_type="application/json",
                        headers={"Content-Disposition": 'attachment; filename="validation-report.json"'})
    severity = {"error": "Violation", "warning": "Warning"}
    shown = {"kind": "km-document", "conforms": report.valid, "lang": message_lang,
             "summary": {"records": 1, "violations": len(report.errors), "warnings": len(report.warnings)},
             "records": [{"title": f"{report.prepared.identifier} ({report.prepared.schema.name})",
                          "results": [{"field": e["property"], "message": e["message"][message_lang],
                                       "severity": severity[e["severity"]], "code": e["code"]}
                                      for e in report.errors + report.warnings]}],
             "notChecked": report.prepared.not_checked}
    return render(request, "validate.html", lang=lang, text=data.decode("utf-8", "replace"), syntax="km-document",
                  message_lang=message_lang, report=shown)


@dataclass
class Staged:
    """An upload the gate has checked, waiting for the curator to confirm or abandon it."""

    actor: Actor
    vocab: str
    name: str
    media_type: str
    data: bytes
    created: float


def _staged(request: Request) -> dict[str, Staged]:
    state = request.app.state
    if not hasattr(state, "staged_uploads"):
        state.staged_uploads = {}
    now = time.monotonic()
    for key in [k for k, s in state.staged_uploads.items() if now - s.created > STAGED_SECONDS]:
        del state.staged_uploads[key]
    return state.staged_uploads


@router.get("/ui/curate", response_class=HTMLResponse)
def curate_form(request: Request, lang: str = LANG) -> HTMLResponse:
    return render(request, "curate.html", lang=lang, result=None, staged=None, vocab="", loaded=None)


@router.post("/ui/curate", response_class=HTMLResponse)
async def curate_check(request: Request, lang: str = LANG) -> HTMLResponse:
    state = request.app.state
    form = await request.form()
    actor = authorise(request, Right.CURATE, str(form.get("token", "")).strip() or None)
    vocab = vocabulary_id(str(form.get("vocab", "")).strip())
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InputError("choose the vocabulary file to upload")
    data = await upload.read(state.settings.max_body_bytes + 1)
    if len(data) > state.settings.max_body_bytes:
        raise TooLargeError(f"the file is larger than {state.settings.max_body_bytes} bytes")
    source = source_for_upload(upload.filename, upload.content_type or "", data)
    result = await run_in_threadpool(state.curator.check, [source], vocab)
    key = secrets.token_urlsafe(16)
    _staged(request)[key] = Staged(actor, vocab, upload.filename, source.media_type, data, time.monotonic())
    return render(request, "curate.html", lang=lang, result=result.to_dict(), staged=key, vocab=vocab, loaded=None)


@router.post("/ui/curate/decide", response_class=HTMLResponse)
async def curate_decide(request: Request, lang: str = LANG) -> HTMLResponse:
    """Confirm (load the staged upload as a new version) or abandon it; the staging id is the proof
    that the curator who uploaded it is the one deciding."""
    form = await request.form()
    staged = _staged(request).pop(str(form.get("staged", "")), None)
    if staged is None:
        raise NotFoundError("this upload is no longer waiting (confirmed, abandoned or older than 15 minutes)")
    if form.get("decision") != "confirm":
        return render(request, "curate.html", lang=lang, result=None, staged=None, vocab=staged.vocab,
                      loaded={"abandoned": True, "vocabulary": staged.vocab})
    request.scope[PRINCIPAL] = staged.actor
    authorise(request, Right.CURATE)
    source = source_for_upload(staged.name, staged.media_type, staged.data)
    result = await run_in_threadpool(request.app.state.curator.load, [source], staged.actor, staged.vocab,
                                     force=form.get("force") == "yes")
    return render(request, "curate.html", lang=lang, result=result.to_dict(), staged=None, vocab=staged.vocab,
                  loaded=result.to_dict())
