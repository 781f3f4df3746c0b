"""The application: the API's routers and the web interface over one set of services.

The composition root, above both layers: the API never imports the web interface; this module
hands the web's page renderer to the API (for concept pages, SPARQL results and error pages).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from . import __version__
from .access import AuditLog, TokenRegistry
from .api import (
    audit,
    cbd,
    concepts,
    docs,
    graph_store,
    kmgbf,
    named_queries,
    openapi,
    problems,
    records,
    sparql,
    system,
    tagging,
    validation,
    vocabularies,
)
from .api.cors import CORS_PREFIXES, PathCORSMiddleware
from .api.guards import (
    AuditMiddleware,
    ExpensiveSlots,
    RateLimitMiddleware,
    rate_limiter,
)
from .config import AUDIT_SUFFIX, Settings
from .queries import QueryCatalog
from .services import Services, beside_store, build_services, initialise
from .store import Store, open_store
from .tagging.config import load_projects
from .web import STATIC_DIR, forms, pages, render, templates

DESCRIPTION = """Knowledge graph and ontology service for the CBD biodiversity vocabularies:
the Kunming-Montreal Global Biodiversity Framework, the knowledge management strategy and the
clearing-house mechanism programme of work. Errors are RFC 9457 problem+json."""


def _attach(app: FastAPI, services: Services) -> None:
    app.state.services = services
    app.state.validator = services.validator
    app.state.concepts = services.concepts
    app.state.records = services.records
    app.state.taggers = services.taggers
    app.state.curator = services.curator


def create_app(settings: Settings, store: Store | None = None, services: Services | None = None) -> FastAPI:
    """The app; with no ``store`` given it opens (and, if empty, initialises) the configured one."""
    projects = load_projects(settings.projects_file)  # a wrong projects file stops here, before any request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store or open_store(settings)
        if owned:
            _attach(app, build_services(app.state.store, projects))
            if app.state.store.is_empty():
                initialise(app.state.services)
        app.state.store.start()
        app.state.records.ensure_index()
        app.state.records.index.warm()
        if settings.train_at_start:
            app.state.taggers.start()
        try:
            yield
        finally:
            if owned:
                app.state.store.close()
                app.state.audit.close()

    limiter = rate_limiter(settings.rate_limit_storage)  # a storage that cannot be used stops here, not per request
    app = FastAPI(title="kmgraph", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # docs.install serves /docs from the bundled Swagger UI
    app.state.settings = settings
    app.state.queries = QueryCatalog()
    app.state.templates = templates()
    app.state.pages = render  # the API's HTML answers (see api/html.py)
    app.state.tokens = TokenRegistry(settings.tokens_path, settings.tokens, settings.admin_token)
    app.state.audit = AuditLog(settings.audit_path if store is None or store.remote
                               else beside_store(store, AUDIT_SUFFIX))
    app.state.expensive = ExpensiveSlots(settings.max_expensive, settings.query_wait)
    if store is not None:
        app.state.store = store
        _attach(app, services or build_services(store, projects))
    problems.install(app)
    openapi.install(app)
    docs.install(app)
    app.add_middleware(AuditMiddleware, log=app.state.audit)
    app.add_middleware(PathCORSMiddleware, prefixes=CORS_PREFIXES)
    app.add_middleware(RateLimitMiddleware, tokens=app.state.tokens, anonymous=settings.rate_limit,
                       per_token=settings.rate_limit_token, limiter=limiter)
    app.router.routes.extend(sparql.ROUTES)  # first: the hottest routes are matched without trying the others
    for module in (named_queries, system, graph_store, validation, concepts, records, tagging, vocabularies, audit,
                   kmgbf, cbd, pages, forms):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
