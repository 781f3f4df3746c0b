"""The embedded store: one pyoxigraph (RocksDB) database on disk, locked by one process."""

from __future__ import annotations

import errno
import os
import shutil
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from ..errors import (
    InputError,
    SparqlSyntaxError,
    StoreError,
    StoreLockedError,
    StoreReadOnlyError,
)
from ..resources import query_text
from ..sparql.execution import QueryJob, QueryOutput, execute, run_on
from ..sparql.workers import SnapshotLease, WorkerPool
from .base import GraphInfo, QueryResult, Store, Term, fingerprint_of

STAGING_PREFIX = "urn:kmgraph:staging:"
STAGING_SUFFIX = ".staging"  # beside the store: the staging graph of the load in progress, if any
NO_SNAPSHOTS = Path("/nonexistent/kmgraph-no-snapshots")  # stores that never lease worker snapshots


class EmbeddedStore(Store):
    """Writes go through one lock and bump a generation; user queries run in worker processes on
    snapshots of the latest generation (see ``kmgraph.sparql.workers``)."""

    def __init__(self, path: Path | None, *, query_workers: int = 2, fast_lane: float = 0.0) -> None:
        """``path=None`` makes a throw-away in-memory store (queries run in-process); ``fast_lane``
        is the ``FastLane`` limit of the worker pool."""
        self.path = Path(path) if path is not None else None
        self.query_workers = query_workers if path is not None else 0
        self.fast_lane = fast_lane
        self.read_only = False
        if self.path is None:
            self._store = ox.Store()
            self._init_state(NO_SNAPSHOTS)
            return
        _check_writable(self.path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreLockedError(
                    f"store {self.path} is locked by another process (is `kmgraph serve` running on it?)"
                ) from exc
            raise StoreError(f"cannot open store {self.path}: {text}") from exc
        self._init_state(self.path.with_name(self.path.name + ".snapshots"))
        self._drop_stale_staging()

    @classmethod
    def open_read_only(cls, path: Path) -> EmbeddedStore:
        """The store as it is now, while another process (a running service) holds it for writing.

        RocksDB's read-only mode takes no lock and sees every committed write up to the moment it
        opens; writes are refused with a ``StoreReadOnlyError``. Queries run in-process, and the
        service's worker snapshots are left alone."""
        self = cls.__new__(cls)
        self.path, self.query_workers, self.fast_lane, self.read_only = Path(path), 0, 0.0, True
        if not (self.path / "CURRENT").exists():
            raise StoreError(f"no store at {self.path}")
        try:
            self._store = ox.Store.read_only(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open store {self.path} read-only: {exc}") from exc
        self._init_state(NO_SNAPSHOTS)
        self._write_lock = _RefuseWrites(self.path)
        return self

    def _init_state(self, snapshots: Path) -> None:
        self._write_lock = threading.RLock()
        self._generation = 0
        self._snapshots = _Snapshots(snapshots)
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
    ) -> QueryResult:
        kwargs: dict = {}
        if bindings:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in bindings.items()}
        if default_graph is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        elif union_default_graph:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise SparqlSyntaxError(str(exc)) from exc

    def run_job(self, job: QueryJob, *, timeout: float, wait: float) -> QueryOutput:
        if self.query_workers == 0:  # in-process, no time limit: the command line, where Ctrl-C stops
            return execute(run_on(self._store), job)
        return self._workers().run(job, timeout=timeout, wait=wait)

    async def run_job_async(self, job: QueryJob, *, timeout: float, wait: float) -> QueryOutput:
        if self.query_workers == 0:
            return await super().run_job_async(job, timeout=timeout, wait=wait)
        return await self._workers().run_async(job, timeout=timeout, wait=wait)

    def update(self, sparql: str, *, base_iri: str | None = None, graphs: list[str] | None = None) -> None:
        with self._write_lock:
            try:
                self._store.update(sparql, base_iri=base_iri)
            except SyntaxError as exc:
                raise SparqlSyntaxError(f"SPARQL update syntax error: {exc}") from exc
            except (OSError, RuntimeError, ValueError) as exc:
                raise InputError(f"SPARQL update failed: {exc}") from exc
            finally:
                self._generation += 1
                for graph in graphs if graphs is not None else [None]:
                    self._vocabulary_changed(graph)

    def replace_graph(self, graph: str | None, source: Path | bytes, rdf_format: ox.RdfFormat) -> int:
        with self._write_lock:
            try:
                return self._replace_graph(graph, source, rdf_format)
            finally:
                self._generation += 1
                self._vocabulary_changed(graph)

    def add_to_graph(self, graph: str | None, source: bytes, rdf_format: ox.RdfFormat) -> int:
        try:
            quads = list(_into_graph(_parse(source, rdf_format), _graph_node(graph)))
        except SyntaxError as exc:
            raise InputError(f"input: {exc}") from exc
        with self._write_lock:
            self._store.extend(quads)
            self._generation += 1
            self._vocabulary_changed(graph)
        return len(quads)

    def bulk_add_to_graph(self, graph: str, source: Path | bytes, rdf_format: ox.RdfFormat) -> None:
        node = ox.NamedNode(graph)
        with self._write_lock:
            try:
                if rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
                    self._store.bulk_extend(_into_graph(_parse(source, rdf_format), node))
                elif isinstance(source, Path):
                    self._store.bulk_load(path=str(source), format=rdf_format, to_graph=node)
                else:
                    self._store.bulk_load(source, format=rdf_format, to_graph=node)
            except SyntaxError as exc:
                raise InputError(f"input: {exc}") from exc
            finally:
                self._generation += 1
                self._vocabulary_changed(graph)

    def _replace_graph(self, graph: str | None, source: Path | bytes, rdf_format: ox.RdfFormat) -> int:
        target = "DEFAULT" if graph is None else f"GRAPH {ox.NamedNode(graph)}"
        staging = ox.NamedNode(f"{STAGING_PREFIX}{uuid.uuid4()}")
        self._note_staging(staging.value)
        try:
            try:
                self._store.bulk_extend(_into_graph(_parse(source, rdf_format), staging))
            except SyntaxError as exc:
                self._store.remove_graph(staging)
                name = source if isinstance(source, Path) else "input"
                raise InputError(f"{name}: {exc}") from exc
            except BaseException:
                self._store.remove_graph(staging)
                raise
            # One update request is one transaction: the swap is all or nothing.
            self._store.update(f"DROP SILENT {target}; ADD SILENT {staging} TO {target.replace('GRAPH ', '')}; "
                               f"DROP SILENT GRAPH {staging}")
        finally:
            self._note_staging("")  # the staging graph is gone, swapped or removed
        return self._count(graph)

    def drop_graph(self, graph: str) -> bool:
        node = ox.NamedNode(graph)
        with self._write_lock:
            if not self._store.contains_named_graph(node):
                return False
            self._store.remove_graph(node)
            self._generation += 1
            self._vocabulary_changed(graph)
            return True

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def is_empty(self) -> bool:
        """Stops at the first named graph (``graphs()`` counts every quad: seconds on a large store)."""
        return not any(not g.value.startswith(STAGING_PREFIX) for g in self._store.named_graphs())

    def graphs(self) -> list[GraphInfo]:
        counts = {
            sol["g"].value: int(sol["n"].value)
            for sol in self._store.query(query_text("system/graph-counts"))
        }
        names = {g.value for g in self._store.named_graphs() if not g.value.startswith(STAGING_PREFIX)}
        return [GraphInfo(iri, counts.get(iri, 0)) for iri in sorted(names)]

    def dump_graph(self, graph: str | None, rdf_format: ox.RdfFormat) -> bytes:
        return self._store.dump(format=rdf_format, from_graph=_graph_node(graph))

    def fingerprint(self) -> tuple[int, str]:
        quads = self._store.quads_for_pattern(None, None, None, None)
        return fingerprint_of((q.subject, q.predicate, q.object, None if q.graph_name == ox.DefaultGraph() else q.graph_name)
                              for q in quads)

    def backup(self, target: Path) -> None:
        """RocksDB checkpoint (hard links where it can): consistent, and cheap on the same disk."""
        if self.path is None:
            raise StoreError("a store in memory has no backup")
        with self._write_lock:
            self._store.backup(str(target))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self.path is not None and not self.read_only:
            self._snapshots.clear()
            self._store.flush()
        del self._store

    def ping(self) -> None:
        self._store.query("ASK {}")

    def start(self) -> None:
        self._workers()

    def _workers(self) -> WorkerPool:
        with self._pool_lock:
            if self._pool is None:
                self._pool = WorkerPool(self.query_workers, self._lease_snapshot, fast_limit=self.fast_lane)
            return self._pool

    def _lease_snapshot(self) -> SnapshotLease:
        """A checkpoint of the latest committed generation, made under the write lock if needed."""
        lease = self._snapshots.lease_current(self._generation)
        if lease is None:
            with self._write_lock:
                lease = self._snapshots.lease_current(self._generation) or self._snapshots.create(
                    self._generation, self._store.backup)
        return lease

    def _count(self, graph: str | None) -> int:
        result = self._store.query(query_text("system/triple-count"), default_graph=_graph_node(graph))
        return int(next(iter(result))["n"].value)

    def _staging_file(self) -> Path | None:
        return self.path.with_name(self.path.name + STAGING_SUFFIX) if self.path is not None else None

    def _note_staging(self, iri: str) -> None:
        """Name the staging graph of the load that starts (``""``: none) in the file beside the store,
        on disk before the graph is written, so that a start finds it without reading every graph
        name (4 s for 1,000,000 record graphs)."""
        marker = self._staging_file()
        if marker is None:
            return
        with open(marker, "w", encoding="utf-8") as f:
            f.write(iri)
            f.flush()
            os.fsync(f.fileno())

    def _drop_stale_staging(self) -> None:
        """Remove the staging graph of a load that died before its swap: the one the file beside the
        store names, or, for a store no version with that file has opened (or a restored backup),
        every graph in the staging namespace, found by reading every graph name once."""
        marker = self._staging_file()
        if marker is not None and marker.exists():
            stale = [ox.NamedNode(iri) for iri in marker.read_text(encoding="utf-8").split()]
        else:
            stale = [g for g in self._store.named_graphs() if g.value.startswith(STAGING_PREFIX)]
        for g in stale:
            self._store.remove_graph(g)
        self._note_staging("")


def _graph_node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


def _parse(source: Path | bytes, rdf_format: ox.RdfFormat):
    """Triples of one graph document; blank nodes renamed so that documents never share one."""
    if isinstance(source, Path):
        return ox.parse(path=str(source), format=rdf_format, without_named_graphs=True, rename_blank_nodes=True)
    return ox.parse(source, format=rdf_format, without_named_graphs=True, rename_blank_nodes=True)


def _into_graph(quads, graph: ox.NamedNode):
    for q in quads:
        yield ox.Quad(q.subject, q.predicate, q.object, graph)


class _RefuseWrites:
    """Stands in for the write lock of a read-only store: every write path takes the lock first."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        raise StoreReadOnlyError(f"store {self.path} is open read-only (a running service holds it): "
                                 "send the write to the service")

    def __exit__(self, *exc: object) -> None:
        return None


class _Snapshots:
    """Checkpoints of the store, reference-counted and removed once no job uses them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._current: tuple[int, str] | None = None
        self._refs: dict[str, int] = {}
        self.clear()

    def lease_current(self, generation: int) -> SnapshotLease | None:
        with self._lock:
            if self._current is None or self._current[0] != generation:
                return None
            return self._lease(self._current[1])

    def create(self, generation: int, backup) -> SnapshotLease:
        self.root.mkdir(parents=True, exist_ok=True)
        path = str(self.root / f"{generation:010d}-{uuid.uuid4().hex[:8]}")
        backup(path)
        with self._lock:
            previous = self._current
            self._current = (generation, path)
            self._refs[path] = 0
            if previous is not None:
                self._collect(previous[1])
            return self._lease(path)

    def _lease(self, path: str) -> SnapshotLease:
        self._refs[path] += 1

        def release() -> None:
            with self._lock:
                self._refs[path] -= 1
                self._collect(path)

        return SnapshotLease(path, release)

    def _collect(self, path: str) -> None:
        if self._refs.get(path) == 0 and (self._current is None or self._current[1] != path):
            del self._refs[path]
            shutil.rmtree(path, ignore_errors=True)

    def clear(self) -> None:
        with self._lock:
            self._current = None
            self._refs.clear()
            shutil.rmtree(self.root, ignore_errors=True)


def _check_writable(path: Path) -> None:
    """Fail early, with the path named, when the store directory cannot be created or written."""
    probe = path if path.exists() else next((p for p in path.parents if p.exists()), Path("/"))
    if probe.exists() and not probe.is_dir():
        raise StoreError(f"store path {path} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise StoreError(f"store path {path} is not writable ({os.strerror(errno.EACCES)})")
