"""Running users' SPARQL: safety checks, format choice and limits around the store, for every face.

The HTTP endpoint, the named queries and the CLI all call ``run_query`` / ``run_update``. It sits
above the store, which runs the jobs with the engine pieces of ``kmgraph.sparql``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyoxigraph as ox

from .config import Settings
from .errors import (
    BusyError,
    InputError,
    InvalidParameterError,
    QueryRefusedError,
    QueryTimeout,
    SparqlSyntaxError,
    TooLargeError,
)
from .formats import GRAPH_FORMATS, RESULT_FORMATS, Format, negotiate
from .sparql.execution import QueryEvaluationError, QueryJob, QueryOutput
from .sparql.lexer import (
    code_tokens,
    has_word,
    query_form,
    service_endpoints,
    with_offset,
    without_fetches,
)
from .sparql.workers import QueryTimeoutError, WorkersBusyError
from .store import Store


def check_text(text: str, settings: Settings, *, what: str = "query", base_iri: str | None = None) -> list:
    if not text or not text.strip():
        raise InputError(f"the {what} is empty")
    if len(text.encode("utf-8")) > settings.max_query_bytes:
        raise TooLargeError(f"the {what} is larger than {settings.max_query_bytes} bytes")
    tokens = code_tokens(text)
    for endpoint in service_endpoints(tokens):
        if endpoint.startswith("?") or endpoint.strip("<>") not in settings.allowed_services:
            check_syntax(text, update=what == "update", base_iri=base_iri)
            raise QueryRefusedError(
                f"SERVICE {endpoint} is not allowed: kmgraph never fetches an endpoint a user names "
                "unless it is on the configured allow-list (KMGRAPH_SERVICE_ALLOWLIST)")
    return tokens


def check_syntax(text: str, *, update: bool, base_iri: str | None) -> None:
    """SparqlSyntaxError where pyoxigraph would reject ``text``: checked before a policy refusal.

    The engine parses the text with its fetches removed, on an empty store of its own, so a
    malformed request is a syntax error (as pyoxigraph alone says) and a well-formed one reaches
    the refusal; nothing is fetched and the service's data is never touched.
    """
    probe, scratch = without_fetches(text), ox.Store()
    try:
        if update:
            scratch.update(probe, base_iri=base_iri)
        else:
            scratch.query(probe, base_iri=base_iri)
    except SyntaxError as exc:
        raise SparqlSyntaxError(str(exc)) from exc
    except (OSError, RuntimeError, ValueError):
        pass  # valid syntax; evaluating it on nothing may fail, which says nothing about the text


def formats_for(form: str) -> list[Format]:
    return RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS


def choose_format(text: str, accept: str | None, explicit: str | None) -> Format:
    form = query_form(code_tokens(text)) or "SELECT"
    return negotiate(accept, formats_for(form), explicit=explicit)


@dataclass(frozen=True)
class Page:
    """A window on a SELECT's rows: the answer then says whether more rows follow (``truncated``)."""

    limit: int
    offset: int = 0

    @classmethod
    def of(cls, settings: Settings, limit: int | None, offset: int | None) -> Page:
        limit = min(settings.page_size, settings.max_page_size) if limit is None else limit
        if not 1 <= limit <= settings.max_page_size:
            raise InvalidParameterError(f"limit must be between 1 and {settings.max_page_size}, not {limit}")
        if offset is not None and offset < 0:
            raise InvalidParameterError(f"offset must be 0 or more, not {offset}")
        return cls(limit, offset or 0)

    @property
    def next(self) -> Page:
        return Page(self.limit, self.offset + self.limit)

    @property
    def previous(self) -> Page | None:
        return Page(self.limit, max(self.offset - self.limit, 0)) if self.offset else None


def prepare_query(settings: Settings, text: str, *, accept: str | None = None,
                  explicit_format: str | None = None, default_graph: list[str] | None = None,
                  named_graphs: list[str] | None = None, capped: bool = True,
                  base_iri: str | None = None, page: Page | None = None) -> QueryJob:
    """Check a user's query and turn it into a job; ``capped`` applies the row cap, a ``page`` its
    own window instead (a SELECT's rows, in the query's order)."""
    tokens = check_text(text, settings, base_iri=base_iri)
    form = query_form(tokens)
    if form is None:
        if has_word(tokens, "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"):
            raise SparqlSyntaxError("this is a SPARQL Update, not a query: send it to /update (POST, with a write token)")
        raise SparqlSyntaxError("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")
    fmt = negotiate(accept, formats_for(form), explicit=explicit_format)
    row_cap = settings.row_cap if capped else None
    if page is not None and form == "SELECT":
        text, row_cap = with_offset(text, page.offset), page.limit
    return QueryJob(
        text,
        results_media_type=fmt.media_type if fmt.results else "application/sparql-results+json",
        graph_media_type=fmt.media_type if fmt.rdf else "text/turtle",
        default_graph=tuple(default_graph) if default_graph else None,
        named_graphs=tuple(named_graphs) if named_graphs else None,
        row_cap=row_cap,
        base_iri=base_iri,
    )


def run_query(store: Store, settings: Settings, text: str, **options) -> QueryOutput:
    """Check, then run a user's query in a killable worker (options as for ``prepare_query``)."""
    job = prepare_query(settings, text, **options)
    with _reported(settings):
        return store.run_job(job, timeout=settings.query_timeout, wait=settings.query_wait)


async def run_query_async(store: Store, settings: Settings, text: str, **options) -> QueryOutput:
    job = prepare_query(settings, text, **options)
    with _reported(settings):
        return await store.run_job_async(job, timeout=settings.query_timeout, wait=settings.query_wait)


@contextmanager
def _reported(settings: Settings) -> Iterator[None]:
    """Engine and worker failures as the service's errors."""
    try:
        yield
    except QueryTimeoutError as exc:
        raise QueryTimeout(f"{exc}; narrow the pattern or add LIMIT (the limit is "
                           f"{settings.query_timeout:g} s)") from exc
    except WorkersBusyError as exc:
        raise BusyError(f"{exc}; retry in a moment") from exc
    except QueryEvaluationError as exc:
        if exc.syntax:
            raise SparqlSyntaxError(str(exc)) from exc
        raise InputError(f"query evaluation failed: {exc}") from exc


def run_update(store: Store, settings: Settings, text: str, *, base_iri: str | None = None) -> None:
    tokens = check_text(text, settings, what="update", base_iri=base_iri)
    if has_word(tokens, "LOAD"):
        check_syntax(text, update=True, base_iri=base_iri)
        raise QueryRefusedError("LOAD is refused: kmgraph never fetches a document a user names; "
                                "send the data with the Graph Store Protocol (/store) instead")
    if query_form(tokens) is not None and not has_word(tokens, "INSERT", "DELETE", "WITH"):
        raise SparqlSyntaxError("this is a query, not an update: send it to /sparql")
    store.update(text, base_iri=base_iri)
