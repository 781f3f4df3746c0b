"""Record retrieval: filters, facets, and expansion down the hierarchy and across crosswalks.

A search for a concept can take in the concepts below it (a goal finds records tagged with its
targets and their indicators) and the concepts mapped to it (an Aichi target finds records tagged
with the related GBF targets); each hit says which tag matched and through which expansion.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..vocab.concepts import ConceptIndex
from .index import Query, RetrievalIndex

EXPANSIONS = ("none", "narrower", "crosswalk")


@dataclass
class SearchParams:
    target: str | None = None
    concept: str | None = None
    expand: str = "none"
    q: str | None = None
    lang: str = "en"
    type: str | None = None
    country: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    page: int = 1
    size: int = 20


def expand(concepts: ConceptIndex, key: str, mode: str) -> dict[str, tuple[str, str]]:
    """Concept IRI -> (expansion, the concept asked for) for one requested concept."""
    if mode not in EXPANSIONS:
        raise InputError(f"expand must be one of {', '.join(EXPANSIONS)}")
    root = concepts.get(key)
    found = {root.iri: ("exact", root.notation)}
    if mode in ("narrower", "crosswalk"):
        for iri in concepts.descendants(root.iri):
            found.setdefault(iri, ("narrower", root.notation))
    if mode == "crosswalk":
        for iri in list(found):
            for other in concepts.crosswalk(iri):
                found.setdefault(other, ("crosswalk", root.notation))
                for below in concepts.descendants(other):
                    found.setdefault(below, ("crosswalk", root.notation))
    return found


def search(index: RetrievalIndex, concepts: ConceptIndex, p: SearchParams) -> dict:
    if p.page < 1 or not 1 <= p.size <= 100:
        raise InputError("page must be >= 1 and size between 1 and 100")
    if p.year_from is not None and p.year_to is not None and p.year_from > p.year_to:
        raise InputError("from must not be after to")
    expansions: dict[str, tuple[str, str]] = {}
    query = Query(text=p.q, country=p.country.upper() if p.country else None, year_from=p.year_from,
                  year_to=p.year_to, offset=(p.page - 1) * p.size, limit=p.size)
    if p.type:
        kind = p.type.upper()
        query.type = kind if kind.startswith("KO-") else "KO-" + kind
    for key in (p.target, p.concept):
        if key:
            found = expand(concepts, key, p.expand)
            expansions.update({k: v for k, v in found.items() if k not in expansions})
            query.concepts.append(set(found))
    total, hits, facets = index.search(query)
    results = []
    for hit in hits:
        title, title_lang = _pick(hit["titles"], p.lang)
        via = [{"tag": _notation(concepts, t), "expansion": expansions[t][0], "for": expansions[t][1]}
               for t in hit["tags"] if t in expansions]
        results.append({"id": hit["id"], "uri": hit["uri"], "title": title, "titleLang": title_lang,
                        "type": hit["type"], "date": hit["date"], "country": hit["country"],
                        "tags": [_notation(concepts, t) for t in hit["tags"]], "via": via})
    return {"total": total, "page": p.page, "size": p.size, "results": results, "facets": facets,
            "expansion": {"mode": p.expand, "concepts": len(expansions)}}


def _pick(titles: dict[str, str], lang: str) -> tuple[str, str]:
    for candidate in (lang, "en", ""):
        if candidate in titles:
            return titles[candidate], candidate
    return next(iter(titles.items()))[::-1] if titles else ("", "")


def _notation(concepts: ConceptIndex, iri: str) -> str:
    c = concepts.find(iri)
    return c.notation if c else iri
