"""The store interface every backend implements.

Callers (loading, validation, queries, tagging, retrieval, the faces) only see this interface, so a
remote SPARQL 1.1 server can replace the embedded store without touching them. Results use
pyoxigraph's term and result types for every backend (a remote backend parses the server's answer
with ``pyoxigraph.parse_query_results``), so serialisation is always the store library's own.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Union

import pyoxigraph as ox

from ..errors import StoreError
from ..resources import query_text
from ..sparql.execution import QueryJob, QueryOutput

VOCABULARY_GRAPH_PREFIX = "https://w3id.org/kmgraph/graph/vocab/"
ONTOLOGY_GRAPH_IRI = "https://w3id.org/kmgraph/graph/ontology"

QueryResult = Union[ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples]
Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]


@dataclass(frozen=True)
class GraphInfo:
    iri: str
    triples: int


def fingerprint_of(quads: Iterable[tuple]) -> tuple[int, str]:
    """Count and sum (mod 2^256) of the SHA-256 digests of ``s p o g`` lines: independent of order."""
    count, total = 0, 0
    for s, p, o, g in quads:
        line = f"{s} {p} {o} {g or ''}".encode("utf-8")
        total = (total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % (1 << 256)
        count += 1
    return count, f"{total:064x}"


class Store(ABC):
    """A quad store with SPARQL 1.1 query and update and atomic whole-graph replacement."""

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
    ) -> QueryResult:
        """Run a SPARQL query. ``bindings`` pre-bind projected variables to RDF terms (SEP-0007
        substitution: the terms are never spliced into the query text).

        Without ``default_graph`` the default graph is the union of all named graphs, so queries see
        the ontology, every vocabulary and every record at once.
        """

    @abstractmethod
    def run_job(self, job: QueryJob, *, timeout: float, wait: float) -> QueryOutput:
        """Run a user's query under a time limit and serialise its result (see ``kmgraph.sparql``).

        ``wait`` bounds how long to wait for a free query slot. Raises ``QueryTimeoutError``,
        ``WorkersBusyError`` or ``QueryEvaluationError``.
        """

    async def run_job_async(self, job: QueryJob, *, timeout: float, wait: float) -> QueryOutput:
        """``run_job`` for an event loop; backends that can wait without a thread override it."""
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(self.run_job, job, timeout=timeout, wait=wait)

    @abstractmethod
    def update(self, sparql: str, *, base_iri: str | None = None, graphs: list[str] | None = None) -> None:
        """Run a SPARQL 1.1 Update request as one transaction; ``graphs`` declares the graphs it
        writes, when the caller knows them (else vocabulary caches are invalidated)."""

    @abstractmethod
    def replace_graph(self, graph: str | None, source: Path | bytes, rdf_format: ox.RdfFormat) -> int:
        """Replace the content of ``graph`` (``None``: the default graph) with ``source`` atomically;
        return its triple count.

        Readers see either the previous or the new graph, never a mix; if parsing fails or the
        process dies mid-load, the previous graph stays.
        """

    @abstractmethod
    def add_to_graph(self, graph: str | None, source: bytes, rdf_format: ox.RdfFormat) -> int:
        """Add the triples of ``source`` to ``graph`` in one transaction; return how many."""

    def bulk_add_to_graph(self, graph: str, source: Path | bytes, rdf_format: ox.RdfFormat) -> None:
        """Add triples to ``graph`` as fast as the backend can, without a transaction: readers may see
        the graph partly loaded and a crash leaves part of it. Callers make that recoverable (the
        curation catalog records a load before it starts)."""
        data = source.read_bytes() if isinstance(source, Path) else source
        self.add_to_graph(graph, data, rdf_format)

    @abstractmethod
    def _count(self, graph: str | None) -> int:
        """Triples in one graph."""

    @abstractmethod
    def has_graph(self, graph: str) -> bool:
        """Whether the named graph exists."""

    @abstractmethod
    def drop_graph(self, graph: str) -> bool:
        """Remove a named graph; return whether it existed."""

    @abstractmethod
    def graphs(self) -> list[GraphInfo]:
        """Named graphs with their triple counts, sorted by IRI."""

    @abstractmethod
    def dump_graph(self, graph: str | None, rdf_format: ox.RdfFormat) -> bytes:
        """Serialise one named graph (``None``: the default graph)."""

    def query_graphs(self, sparql: str, names: str, *, each: str | None = None) -> Iterable[ox.QuerySolution]:
        """The rows of ``sparql``, a SELECT over ``GRAPH ?g`` patterns that keeps to the graphs the
        query ``names`` lists (``?g`` after ``?after``, in order). A store whose answers a server caps
        runs ``each`` (default: ``sparql``), the same rows written for one page of graphs, over pages
        of those graphs; this one answers at once."""
        return self.query(sparql, union_default_graph=False)

    def fingerprint(self) -> tuple[int, str]:
        """Reads every quad once: their number and an order-independent SHA-256 sum of them, so two
        stores (or one store before and after a refused write) compare equal only with equal content.
        The quads of named graphs: a remote server's default graph is their union."""
        quads = self.query_graphs(query_text("system/graph-quads"), query_text("system/graph-name-page"))
        return fingerprint_of((r["s"], r["p"], r["o"], r["g"]) for r in quads)

    def backup(self, target: Path) -> None:
        """A consistent copy of the whole store in the new directory ``target``, while it serves."""
        raise StoreError("this backend is backed up with its server's own tools")

    @abstractmethod
    def close(self) -> None:
        """Flush and release the store."""

    @abstractmethod
    def ping(self) -> None:
        """Cheap check that the store answers (raises ``StoreError`` when it does not)."""

    @property
    def vocabulary_version(self) -> object:
        """Changes whenever the ontology or a vocabulary may have changed (caches key on it)."""
        return self._vocabulary_version

    _vocabulary_version: object = 0
    remote: bool = False  # the data lives on another server
    read_only: bool = False  # a view beside the process that writes (EmbeddedStore.open_read_only)

    @property
    def index_home(self) -> Path | None:
        """The path beside which the retrieval index of this store's records is kept (None: in
        memory, rebuilt at every start)."""
        return getattr(self, "path", None)

    def _vocabulary_changed(self, graph: str | None) -> None:
        """Record a write; only writes that may touch the ontology or a vocabulary invalidate caches
        (``None``: a write whose graphs are not known)."""
        if graph is None or graph.startswith(VOCABULARY_GRAPH_PREFIX) or graph == ONTOLOGY_GRAPH_IRI:
            self._vocabulary_version = (self._vocabulary_version or 0) + 1  # type: ignore[operator]

    def start(self) -> None:
        """Get ready to serve (start query workers); a no-op unless a backend needs it."""

    def is_empty(self) -> bool:
        return not self.graphs()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
