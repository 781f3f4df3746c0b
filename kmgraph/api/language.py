"""The reader's language for pages and localised JSON: ``?lang=``, else Accept-Language, else English.

The six UN languages are offered; interface strings without a catalogue fall back to English (the
web layer's message catalogues), vocabulary labels to whatever the data holds.
"""

from __future__ import annotations

from fastapi import Depends, Query, Request

# The six UN languages, in the order of the language switcher.
UI_LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский", "zh": "中文"}
RIGHT_TO_LEFT = {"ar"}


def negotiate(accept_language: str | None) -> str:
    """The best UI language of an Accept-Language header (quality, then order); English if none."""
    ranked = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        primary = tag.lower().split("-")[0]
        if primary in UI_LANGUAGES and q > 0:
            ranked.append((-q, i, primary))
    return min(ranked)[2] if ranked else "en"


def page_language(request: Request, lang: str | None = Query(
        None, pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]+)*$",
        description="language of the page: en, fr, es, ar, ru or zh (default: the browser's Accept-Language)")) -> str:
    """The language a page is shown in (a FastAPI dependency)."""
    if lang and lang.lower() in UI_LANGUAGES:
        return lang.lower()
    return negotiate(request.headers.get("accept-language"))


def direction(lang: str) -> str:
    return "rtl" if lang in RIGHT_TO_LEFT else "ltr"


LANG = Depends(page_language)  # every page's language
