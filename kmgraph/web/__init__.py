"""Server-rendered pages (Jinja2) and their bundled static assets; no CDN, works offline."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"
# The six UN languages, in the order of the language switcher.
LANG = Query("en", pattern=r"^[a-z]{2}$", description="language of the page")  # every page's ?lang=
UI_LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский", "zh": "中文"}


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
    env = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env.env.filters["highlight"] = highlight
    env.env.globals["ui_languages"] = UI_LANGUAGES
    return env


def render(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    """A page of the web interface (the language switcher keeps the other query parameters)."""
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)
