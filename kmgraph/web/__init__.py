"""Server-rendered pages (Jinja2) and their bundled static assets; no CDN, works offline."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from ..api.language import LANG
from . import i18n

__all__ = ["LANG", "STATIC_DIR", "TEMPLATES_DIR", "highlight", "render", "templates"]

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"


def highlight(text: str, phrases: list[str]) -> Markup:
    """``text`` escaped, with every occurrence of ``phrases`` (case-insensitive) in ``<mark>``."""
    words = sorted({p for p in phrases if p.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last:match.start()]), Markup("<mark>"), escape(match.group(0)), Markup("</mark>")]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def templates() -> Jinja2Templates:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                                     extensions=["jinja2.ext.i18n"])
    env = Jinja2Templates(env=environment)
    env.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.env.filters["highlight"] = highlight
    env.env.globals["ui_languages"] = i18n.UI_LANGUAGES
    env.env.globals["direction"] = i18n.direction
    return env


def render(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    """A page of the web interface (the language switcher keeps the other query parameters); the page's
    language is ``lang`` when given, else the request's."""
    context.setdefault("lang", i18n.page_language(request, request.query_params.get("lang")))
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)
