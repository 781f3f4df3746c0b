"""The web interface in the reader's language: message catalogues, language choice, direction.

The interface's own strings are gettext messages (``{{ _("Search") }}`` in the templates), translated
in ``locale/<lang>/LC_MESSAGES/messages.po`` and compiled in memory at start. The page language is
``?lang=`` when it names one of the six UN languages, else the best of the ``Accept-Language``
header, else English. Vocabulary labels are shown in that language wherever the data has it (the
six UN languages); interface strings without a catalogue (ar, ru, zh today) fall back to English.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Query, Request
from jinja2 import pass_context

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The six UN languages, in the order of the language switcher.
UI_LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский", "zh": "中文"}
RIGHT_TO_LEFT = {"ar"}


@lru_cache(maxsize=1)
def catalogues() -> dict[str, Translations]:
    """Every catalogue of ``locale/``, compiled from its ``.po`` file (no compiled files in the tree)."""
    found: dict[str, Translations] = {}
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parts[-3])
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        found[po.parts[-3]] = Translations(compiled)
    return found


def translations(lang: str) -> NullTranslations:
    return catalogues().get(lang) or NullTranslations()


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


# Installed in Jinja2's i18n extension (new style: Jinja fills in %(name)s and escapes); the page's
# ``lang`` comes from the template context, so one environment serves every language.
@pass_context
def gettext(context, message: str) -> str:
    return translations(context.get("lang") or "en").gettext(message)


@pass_context
def ngettext(context, singular: str, plural: str, n: int) -> str:
    return translations(context.get("lang") or "en").ngettext(singular, plural, n)
