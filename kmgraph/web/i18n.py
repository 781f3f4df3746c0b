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
from jinja2 import pass_context

from ..api.language import UI_LANGUAGES, direction, negotiate, page_language

__all__ = ["UI_LANGUAGES", "catalogues", "direction", "gettext", "negotiate", "ngettext", "page_language",
           "translations"]
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


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


# Installed in Jinja2's i18n extension (new style: Jinja fills in %(name)s and escapes); the page's
# ``lang`` comes from the template context, so one environment serves every language.
@pass_context
def gettext(context, message: str) -> str:
    return translations(context.get("lang") or "en").gettext(message)


@pass_context
def ngettext(context, singular: str, plural: str, n: int) -> str:
    return translations(context.get("lang") or "en").ngettext(singular, plural, n)
