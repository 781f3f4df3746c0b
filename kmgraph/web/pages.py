"""Browsing pages: home, vocabulary trees (children loaded lazily), record search, tagging.

Each page calls the functions the JSON API calls (concept index, record search, taggers) and only
renders their results; the forms that change or check data are in ``forms.py``.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ..curation.sources import ID_PATTERN
from ..records.search import SearchParams, search
from ..vocab import bundled
from ..vocab.concepts import Concept, ConceptIndex
from ..vocab.detail import LANG_FALLBACK
from . import LANG, render

router = APIRouter(include_in_schema=False)
BROWSE_FIRST = ("gbf", "gbf-indicators", "km", "chm")


def node(c: Concept, lang: str) -> dict:
    """What a tree or a list shows of a concept: label with the language it is in, link, children."""
    label, label_lang = c.label(lang, LANG_FALLBACK)
    href = (f"/concepts/{quote(c.notation)}?lang={lang}" if c.notation
            else f"/concepts?{urlencode({'uri': c.iri, 'lang': lang})}")
    return {"iri": c.iri, "notation": c.notation, "label": label, "lang": label_lang,
            "fallback": label_lang != lang, "href": href, "children": len(c.narrower)}


def _sorted(concepts: list[Concept]) -> list[Concept]:
    """Targets before the indicators that hang on the same goal, each in notation order."""
    return sorted(concepts, key=lambda c: (any(t.endswith("Indicator") for t in c.types), c.notation or "~", c.iri))


def top_concepts(index: ConceptIndex, vocab: str) -> list[Concept]:
    """Concepts of ``vocab`` with no broader concept in it: the first level of its tree."""
    members = [c for c in index.concepts.values() if c.vocab == vocab]
    inside = {c.iri for c in members}
    return _sorted([c for c in members if not any(b in inside for b in c.broader)])


@router.get("/", response_class=HTMLResponse)
def home(request: Request, lang: str = LANG) -> HTMLResponse:
    state = request.app.state
    counts = {g.iri: g.triples for g in state.store.graphs()}
    current = state.curator.catalog.vocabularies()
    vocabularies = [{"id": v.id, "title": v.title, "edition": v.version, "triples": counts.get(v.graph, 0),
                     "current": current.get(v.id)} for v in bundled.vocabularies(state.store)]
    return render(request, "home.html", lang=lang, vocabularies=vocabularies,
                  records=state.records.index.count(with_deleted=False))


@router.get("/ui/browse", response_class=HTMLResponse)
def browse(request: Request, vocab: str = Query("gbf", pattern=ID_PATTERN), lang: str = LANG) -> HTMLResponse:
    index = request.app.state.concepts.get()
    available = sorted({c.vocab for c in index.concepts.values()},
                       key=lambda v: (BROWSE_FIRST.index(v) if v in BROWSE_FIRST else 99, v))
    roots = [node(c, lang) for c in top_concepts(index, vocab)]
    return render(request, "browse.html", lang=lang, vocab=vocab, vocabularies=available, roots=roots)


@router.get("/ui/tree", response_class=HTMLResponse)
def tree_children(request: Request, concept: str = Query(..., max_length=2000), lang: str = LANG) -> HTMLResponse:
    """One level of a tree, as an HTML fragment the browse page inserts when a node opens."""
    index = request.app.state.concepts.get()
    parent = index.get(concept)
    children = _sorted([index.get(n) for n in parent.narrower if index.find(n)])
    return render(request, "tree_children.html", lang=lang, nodes=[node(c, lang) for c in children])


@router.get("/ui/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = Query("", max_length=500), target: str = Query("", max_length=200),
                type: str = Query("", max_length=100), country: str = Query("", max_length=2),
                year: str = Query("", pattern=r"^(\d{4})?$"), expand: str = Query("narrower", pattern="^(none|narrower|crosswalk)$"),
                page: int = Query(1, ge=1, le=10_000), lang: str = LANG) -> HTMLResponse:
    state = request.app.state
    params = SearchParams(target=target or None, q=q or None, type=type or None, country=country or None,
                          year_from=int(year) if year else None, year_to=int(year) if year else None,
                          expand=expand, lang=lang, page=page, size=20)
    result = search(state.records.index, state.concepts.get(), params)
    filters = {"q": q, "target": target, "type": type, "country": country, "year": year, "expand": expand}
    return render(request, "search.html", lang=lang, result=result, filters=filters)


@router.get("/ui/tag", response_class=HTMLResponse)
def tag_form(request: Request, lang: str = LANG) -> HTMLResponse:
    return render(request, "tag.html", lang=lang, text="", text_lang="", project="gbf-targets",
                  projects=request.app.state.taggers.projects, suggestions=None)


@router.post("/ui/tag", response_class=HTMLResponse)
async def tag_page(request: Request, lang: str = LANG) -> HTMLResponse:
    form = await request.form()
    text, text_lang = str(form.get("text", "")), str(form.get("text_lang", "")) or None
    project = str(form.get("project", "gbf-targets"))
    state = request.app.state
    text_lang, suggestions = await run_in_threadpool(state.taggers.suggest, project, text, text_lang, 10, 0.0,
                                                     state.settings.max_tag_chars)
    return render(request, "tag.html", lang=lang, text=text, text_lang=text_lang, project=project,
                  projects=state.taggers.projects, suggestions=suggestions)

