"""The embedded store: one pyoxigraph (RocksDB) database on disk, locked by one process."""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

from ..errors import InputError, StoreError, StoreLockedError
from ..resources import query_text
from .base import GraphInfo, QueryResult, Store, Term

STAGING_PREFIX = "urn:kmgraph:staging:"


class EmbeddedStore(Store):
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        _check_writable(self.path)
        try:
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreLockedError(
                    f"store {self.path} is locked by another process (is `kmgraph serve` running on it?)"
                ) from exc
            raise StoreError(f"cannot open store {self.path}: {text}") from exc
        self._drop_stale_staging()

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
            raise InputError(f"SPARQL syntax error: {exc}") from exc

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise InputError(f"SPARQL update syntax error: {exc}") from exc

    def replace_graph(self, graph: str, source: Path | bytes, rdf_format: ox.RdfFormat) -> int:
        target = ox.NamedNode(graph)
        staging = ox.NamedNode(f"{STAGING_PREFIX}{uuid.uuid4()}")
        try:
            if isinstance(source, Path):
                self._store.bulk_load(path=str(source), format=rdf_format, to_graph=staging)
            else:
                self._store.bulk_load(source, format=rdf_format, to_graph=staging)
        except SyntaxError as exc:
            self._store.remove_graph(staging)
            name = source if isinstance(source, Path) else "input"
            raise InputError(f"{name}: {exc}") from exc
        except BaseException:
            self._store.remove_graph(staging)
            raise
        # One update request is one transaction: the swap is all or nothing.
        self._store.update(f"DROP SILENT GRAPH {target}; ADD SILENT {staging} TO {target}; DROP SILENT GRAPH {staging}")
        return self._count(graph)

    def drop_graph(self, graph: str) -> bool:
        node = ox.NamedNode(graph)
        if not self._store.contains_named_graph(node):
            return False
        self._store.remove_graph(node)
        return True

    def graphs(self) -> list[GraphInfo]:
        counts = {
            sol["g"].value: int(sol["n"].value)
            for sol in self._store.query(query_text("system/graph-counts"))
        }
        names = {g.value for g in self._store.named_graphs() if not g.value.startswith(STAGING_PREFIX)}
        return [GraphInfo(iri, counts.get(iri, 0)) for iri in sorted(names)]

    def dump_graph(self, graph: str, rdf_format: ox.RdfFormat) -> bytes:
        return self._store.dump(format=rdf_format, from_graph=ox.NamedNode(graph))

    def close(self) -> None:
        self._store.flush()
        del self._store

    def _count(self, graph: str) -> int:
        return next(g.triples for g in self.graphs() if g.iri == graph)

    def _drop_stale_staging(self) -> None:
        """Remove staging graphs left by a load that died before its swap."""
        for g in list(self._store.named_graphs()):
            if g.value.startswith(STAGING_PREFIX):
                self._store.remove_graph(g)


def _check_writable(path: Path) -> None:
    """Fail early, with the path named, when the store directory cannot be created or written."""
    probe = path if path.exists() else next((p for p in path.parents if p.exists()), Path("/"))
    if probe.exists() and not probe.is_dir():
        raise StoreError(f"store path {path} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise StoreError(f"store path {path} is not writable ({os.strerror(errno.EACCES)})")
