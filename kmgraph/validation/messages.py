"""Error codes and their default messages in English, Spanish and French.

A shape's own ``sh:message`` (in the requested language) wins; these are used where a shape has
none, and for the constraint components whose meaning is always the same (one value at most, one
text per language). ``{field}``, ``{value}`` and ``{replacement}`` are filled in by the report.
"""

from __future__ import annotations

LANGUAGES = ("en", "es", "fr")

# Code by constraint component, when the shape does not name one.
DEFAULT_CODES = {
    "MinCountConstraintComponent": "Error.Mandatory",
    "QualifiedMinCountConstraintComponent": "Error.Mandatory",
    "MaxCountConstraintComponent": "Error.TooManyValues",
    "QualifiedMaxCountConstraintComponent": "Error.TooManyValues",
    "ClassConstraintComponent": "Error.UnexpectedTerm",
    "InConstraintComponent": "Error.UnexpectedTerm",
    "HasValueConstraintComponent": "Error.UnexpectedTerm",
    "LanguageInConstraintComponent": "Error.UnspecifiedLocale",
    "UniqueLangConstraintComponent": "Error.DuplicateLocale",
    "LessThanConstraintComponent": "Error.DateOrder",
    "LessThanOrEqualsConstraintComponent": "Error.DateOrder",
    "ClosedConstraintComponent": "Error.InvalidProperty",
}
# Components whose code (and message) is fixed whatever the shape says.
SPECIFIC = {"MaxCountConstraintComponent", "UniqueLangConstraintComponent"}

MESSAGES = {
    "Error.Mandatory": {
        "en": "{field} is mandatory.", "es": "{field}: campo obligatorio.", "fr": "{field} : champ obligatoire."},
    "Error.TooManyValues": {
        "en": "{field}: only one value is allowed.", "es": "{field}: solo se admite un valor.",
        "fr": "{field} : une seule valeur est admise."},
    "Error.UnexpectedTerm": {
        "en": "{field}: {value} is not a known term.", "es": "{field}: {value} no es un término conocido.",
        "fr": "{field} : {value} n'est pas un terme connu."},
    "Error.UnspecifiedLocale": {
        "en": "{field}: {value} needs a language tag of a United Nations language.",
        "es": "{field}: {value} necesita una etiqueta de idioma de las Naciones Unidas.",
        "fr": "{field} : {value} doit porter une étiquette de langue des Nations Unies."},
    "Error.DuplicateLocale": {
        "en": "{field}: at most one value per language.", "es": "{field}: como máximo un valor por idioma.",
        "fr": "{field} : au plus une valeur par langue."},
    "Error.DeprecatedTerm": {
        "en": "{value} is deprecated; use {replacement} instead.",
        "es": "{value} está obsoleto; utilice {replacement} en su lugar.",
        "fr": "{value} est obsolète ; utilisez {replacement} à la place."},
    "Error.DateOrder": {
        "en": "{field}: {value} must not be after the end date.",
        "es": "{field}: {value} no debe ser posterior a la fecha de fin.",
        "fr": "{field} : {value} ne doit pas être postérieure à la date de fin."},
    "Error.InvalidProperty": {
        "en": "{field} is not allowed here.", "es": "{field} no está permitido aquí.",
        "fr": "{field} n'est pas admis ici."},
    "Error.InvalidValue": {
        "en": "{field}: {value} is not a valid value.", "es": "{field}: {value} no es un valor válido.",
        "fr": "{field} : {value} n'est pas une valeur valide."},
}
NO_REPLACEMENT = {"en": "a current concept (no replacement is recorded)",
                  "es": "un concepto vigente (no se indica reemplazo)",
                  "fr": "un concept en vigueur (aucun remplacement n'est indiqué)"}


def pick_language(requested: str | None) -> str:
    """The first supported language of a ``--lang`` value or an Accept-Language header; else English."""
    if not requested:
        return "en"
    ranked = []
    for i, part in enumerate(requested.split(",")):
        fields = part.strip().split(";")
        tag = fields[0].strip().lower().split("-")[0]
        q = 1.0
        for f in fields[1:]:
            if f.strip().startswith("q="):
                try:
                    q = float(f.strip()[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, tag))
    for _, _, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return "en"
