"""RFC 9457 problem+json responses, for every error the service reports."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import KmgraphError
from . import html

PROBLEM_TYPE_BASE = "https://w3id.org/kmgraph/problems/"
MEDIA_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, *, slug: str, instance: str | None = None,
            extra: dict | None = None, headers: dict | None = None) -> JSONResponse:
    body = {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in (extra or {}).items() if k not in body})  # extensions never hide the members
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def wants_page(request: Request) -> bool:
    """A browser on a page of the web interface gets an error page, every other client a problem."""
    path = request.url.path
    return getattr(request.app.state, "pages", None) is not None and (
        path == "/" or path.startswith("/ui/") or (html.wants_page(request) and request.method == "GET"))


def _answer(request: Request, status: int, title: str, detail: str, *, slug: str, extra: dict | None = None,
            headers: dict | None = None) -> Response:
    if wants_page(request):
        return html.page(request, "error.html", status_code=status, title=title, detail=detail)
    return problem(status, title, detail, slug=slug, instance=request.url.path, extra=extra, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(KmgraphError)
    async def _kmgraph_error(request: Request, exc: KmgraphError) -> Response:
        challenge, retry_after = getattr(exc, "challenge", None), getattr(exc, "retry_after", None)
        headers = ({"WWW-Authenticate": challenge} if challenge else {}) | \
            ({"Retry-After": str(retry_after)} if retry_after is not None else {})
        return _answer(request, exc.status, exc.title, exc.message, slug=exc.type_slug, extra=exc.detail,
                       headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        return _answer(request, exc.status_code, title, str(exc.detail), slug=title.lower().replace(" ", "-"),
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return _answer(request, 422, "Invalid request",
                       "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors),
                       slug="invalid-request", extra={"errors": errors})
