"""HTML answers of API endpoints: concept pages, SPARQL results in a browser, error pages.

The templates belong to the web interface, above the API; the application hands its renderer to
``app.state.pages`` at start-up, so the API asks for a page by name and never imports the web layer.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from ..errors import NotAcceptableError

Renderer = Callable[..., Response]  # (request, template name, status_code=..., **context)


def page(request: Request, template: str, status_code: int = 200, **context: object) -> Response:
    """The web interface's ``template`` with ``context``; 406 when the app has no web interface."""
    renderer: Renderer | None = getattr(request.app.state, "pages", None)
    if renderer is None:
        raise NotAcceptableError("this service has no web interface: ask for JSON or RDF")
    return renderer(request, template, status_code=status_code, **context)


def wants_page(request: Request) -> bool:
    """Whether the client is a browser asking for a page: its first choice is HTML."""
    accept = request.headers.get("accept", "")
    return accept.split(",")[0].split(";")[0].strip() in ("text/html", "application/xhtml+xml")
