"""Running one user query to serialised bytes, with the row cap, for any backend.

This module must stay light: query worker processes import it (and pyoxigraph) only.
"""

from __future__ import annotations

import csv
import io
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .lexer import cap_rows, code_tokens, has_dataset_clause, query_form


@dataclass(frozen=True)
class QueryJob:
    """One user query with everything that decides its answer (hashable: equal jobs do equal work)."""

    query: str
    results_media_type: str = "application/sparql-results+json"
    graph_media_type: str = "text/turtle"
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    row_cap: int | None = None
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryOutput:
    body: bytes
    media_type: str
    form: str
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class QueryEvaluationError(Exception):
    """The engine rejected or failed the query (syntax, evaluation); carries its message."""

    def __init__(self, message: str, *, syntax: bool) -> None:
        super().__init__(message)
        self.syntax = syntax


# What reading a row back and serialising it again costs, about: a first page is read back when
# running the query once more would take longer (10,000 rows: 0.16 s against a re-run of a query
# that streams them in 0.02 s, or of a sorted one over a million records in seconds).
SECONDS_PER_ROW_READ_BACK = 20e-6

Runner = Callable[[str, dict], "ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples"]


def query_kwargs(job: QueryJob, tokens: list) -> dict:
    """Engine options: the protocol's dataset, else the query's FROM, else the union of all graphs."""
    kwargs: dict = {"base_iri": job.base_iri}
    if job.default_graph is None:
        if not has_dataset_clause(tokens):
            kwargs["use_default_graph_as_union"] = True
    else:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graph]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return kwargs


def execute(run: Runner, job: QueryJob) -> QueryOutput:
    """Evaluate ``job`` with ``run`` and serialise with pyoxigraph's own writers.

    With a row cap, a SELECT runs with ``LIMIT cap+1``; when more than ``cap`` rows come back the
    output says it was truncated and holds the first ``cap``: the engine serialises them again from
    the first answer, or, when the query was quicker than that would be (or its rows cannot be
    read back), runs it again with ``LIMIT cap``. Serialisation stays the engine's own: rows are
    never rewritten by hand.
    """
    tokens = code_tokens(job.query)
    form = query_form(tokens) or "SELECT"
    kwargs = query_kwargs(job, tokens)
    if form in ("SELECT", "ASK"):
        fmt = ox.QueryResultsFormat.from_media_type(job.results_media_type)
        media = job.results_media_type
        if form == "SELECT" and job.row_cap is not None:
            started = time.perf_counter()
            body = _serialize(run(cap_rows(job.query, job.row_cap + 1), kwargs), fmt)
            if _count_rows(body, fmt) <= job.row_cap:
                return QueryOutput(body, media, form)
            quick = time.perf_counter() - started < job.row_cap * SECONDS_PER_ROW_READ_BACK
            first = None if quick else _first_rows(body, fmt, job.row_cap)
            if first is None:
                first = _serialize(run(cap_rows(job.query, job.row_cap), kwargs), fmt)
            return QueryOutput(first, media, form, truncated=True)
        return QueryOutput(_serialize(run(job.query, kwargs), fmt), media, form)
    fmt = ox.RdfFormat.from_media_type(job.graph_media_type)
    return QueryOutput(_serialize(run(job.query, kwargs), fmt), job.graph_media_type, form)


def _serialize(result: object, fmt: object) -> bytes:
    try:
        return result.serialize(format=fmt)  # type: ignore[attr-defined]
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryEvaluationError(str(exc), syntax=False) from exc


def _first_rows(body: bytes, fmt: ox.QueryResultsFormat, count: int) -> bytes | None:
    """The first ``count`` rows of a serialised answer, serialised by the engine from a VALUES block
    on an empty store; None when the answer cannot be read back (CSV) or a term cannot stand in
    VALUES (a blank node, a quoted triple)."""
    if fmt == ox.QueryResultsFormat.CSV:
        return None
    solutions = ox.parse_query_results(body, format=fmt)
    names = [v.value for v in solutions.variables]
    if not names:
        return None
    rows = []
    for solution in itertools.islice(solutions, count):
        terms = []
        for name in names:
            term = solution[name]
            if term is not None and not isinstance(term, (ox.NamedNode, ox.Literal)):
                return None
            terms.append("UNDEF" if term is None else str(term))
        rows.append(f"({' '.join(terms)})")
    variables = " ".join("?" + n for n in names)
    return _serialize(ox.Store().query(f"SELECT {variables} WHERE {{}} VALUES ({variables}) {{ {' '.join(rows)} }}"), fmt)


def _count_rows(body: bytes, fmt: ox.QueryResultsFormat) -> int:
    if fmt == ox.QueryResultsFormat.CSV:  # lossy, so pyoxigraph cannot read it back: count records
        return max(sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1, 0)
    return sum(1 for _ in ox.parse_query_results(body, format=fmt))


def run_on(store: ox.Store) -> Runner:
    """A runner over a pyoxigraph store that reports engine errors as ``QueryEvaluationError``."""

    def run(query: str, kwargs: dict):
        try:
            return store.query(query, **kwargs)
        except SyntaxError as exc:
            raise QueryEvaluationError(str(exc), syntax=True) from exc
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            raise QueryEvaluationError(str(exc), syntax=False) from exc

    return run
