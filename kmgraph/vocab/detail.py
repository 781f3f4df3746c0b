"""Everything about one concept, as the concept page and ``GET /concepts`` show it."""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import vocabulary_graph
from ..resources import query_text
from ..store import Store
from .concepts import Concept, ConceptIndex

ROLE_ORDER = ("headline", "binary", "component", "complementary")

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
        other = row["other"].value
        # The concept's own other IRI (its official KMGBF IRI) is shown as that IRI, not as itself.
        brief = {"uri": other, "official": True} if index.find(other) is concept else _brief(index, other, lang)
        mappings.append(brief | {
            "property": "skos:" + row["property"].value.rsplit("#", 1)[-1],
            "justification": row["justification"].value if row["justification"] else None,
            "source": row["source"].value if row["source"] else None})
    sources = [row["source"].value for row in store.query(query_text("system/concept-sources"),
                                                          bindings={"concept": ox.NamedNode(concept.iri)})]
    concept_term = {"concept": ox.NamedNode(concept.iri)}
    roles: dict[str, list[dict]] = {"indicator": [], "monitors": []}
    for row in store.query(query_text("system/concept-roles"), bindings=concept_term):
        brief = _brief(index, row["other"].value, lang) | {"role": row["role"].value}
        roles[row["direction"].value].append(brief | {"code": row["code"].value if row["code"] else None})
    facts: dict[str, list] = {}
    for row in store.query(query_text("system/concept-facts"), bindings=concept_term):
        facts.setdefault(row["property"].value.rsplit("#", 1)[-1], []).append(row["value"])
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
        "indicators": sorted(roles["indicator"], key=lambda i: (ROLE_ORDER.index(i["role"]), i.get("code") or "")),
        "monitors": sorted(roles["monitors"], key=lambda i: (ROLE_ORDER.index(i["role"]), i.get("notation", ""))),
        "shortTitles": {t.language: t.value for t in facts.get("shortTitle", []) if t.language},
        "custodians": sorted(t.value for t in facts.get("custodianAgency", [])),
        "notice": vocabulary_notice(store, concept.vocab),
        "deprecated": concept.deprecated,
        "replacedBy": [_brief(index, r, lang) for r in concept.replaced_by],
        "records": records,
    }


def vocabulary_notice(store: Store, vocab_id: str) -> dict | None:
    """The citation, notice and licence a vocabulary's source asks to be shown with its data."""
    if not vocab_id:
        return None
    for row in store.query(query_text("system/vocabulary-notice"), union_default_graph=False,
                           bindings={"graph": ox.NamedNode(vocabulary_graph(vocab_id))}):
        return {"citation": row["citation"].value if row["citation"] else None, "text": row["notice"].value,
                "license": row["license"].value if row["license"] else None}
    return None
