"""Server-rendered pages (Jinja2) and their bundled static assets; no CDN, works offline."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"


def templates() -> Jinja2Templates:
    return Jinja2Templates(directory=str(TEMPLATES_DIR))
