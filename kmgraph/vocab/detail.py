"""Everything about one concept, as the concept page and ``GET /concepts`` show it."""

from __future__ import annotations

import pyoxigraph as ox

from ..resources import query_text
from ..store import Store
from .concepts import Concept, ConceptIndex

LANG_FALLBACK = ("en", "fr", "es", "ar", "ru", "zh")


def _brief(index: ConceptIndex, iri: str, lang: str) -> dict:
    c = index.find(iri)
    if c is None:
        return {"uri": iri}
    label, label_lang = c.label(lang, LANG_FALLBACK)
    return {"uri": iri, "notation": c.notation, "label": label, "lang": label_lang}


def concept_detail(store: Store, index: ConceptIndex, concept: Concept, lang: str, records: int | None) -> dict:
    label, label_lang = concept.label(lang, LANG_FALLBACK)
    mappings = []
    for row in store.query(query_text("system/concept-mappings"), bindings={"concept": ox.NamedNode(concept.iri)}):
        mappings.append(_brief(index, row["other"].value, lang) | {
            "property": "skos:" + row["property"].value.rsplit("#", 1)[-1],
            "justification": row["justification"].value if row["justification"] else None,
            "source": row["source"].value if row["source"] else None})
    sources = [row["source"].value for row in store.query(query_text("system/concept-sources"),
                                                          bindings={"concept": ox.NamedNode(concept.iri)})]
    indicators = [_brief(index, c.iri, lang) for c in index.concepts.values()
                  if concept.iri in c.broader and any(t.endswith("#Indicator") for t in c.types)]
    return {
        "uri": concept.iri,
        "notation": concept.notation,
        "notations": concept.notations,
        "vocab": concept.vocab,
        "prefLabel": label,
        "prefLabelLang": label_lang,
        "prefLabels": concept.pref,
        "altLabels": [{"label": t, "lang": lng} for t, lng in concept.alt],
        "definition": concept.definition,
        "sources": sources,
        "types": concept.types,
        "schemes": concept.schemes,
        "broader": [_brief(index, b, lang) for b in concept.broader],
        "narrower": [_brief(index, n, lang) for n in concept.narrower],
        "path": [_brief(index, a, lang) for a in reversed(index.ancestors(concept.iri))],
        "mappings": sorted(mappings, key=lambda m: m.get("notation", m["uri"])),
        "indicators": sorted(indicators, key=lambda i: i.get("notation", "")),
        "deprecated": concept.deprecated,
        "replacedBy": [_brief(index, r, lang) for r in concept.replaced_by],
        "records": records,
    }
