"""Store backends behind one interface; ``open_store`` picks one from the settings."""

from __future__ import annotations

from ..config import Settings
from .base import GraphInfo, QueryResult, Store
from .embedded import EmbeddedStore

__all__ = ["GraphInfo", "QueryResult", "Store", "EmbeddedStore", "open_store"]


def open_store(settings: Settings, *, query_workers: int | None = None) -> Store:
    """The remote backend when a SPARQL endpoint is configured, else the embedded store.

    ``query_workers=0`` runs user queries in-process (for one-shot commands).
    """
    if settings.sparql_endpoint:
        from .remote import RemoteStore

        return RemoteStore.from_settings(settings)
    workers = settings.query_workers if query_workers is None else query_workers
    return EmbeddedStore(settings.store, query_workers=workers, fast_lane=settings.query_fast_lane)
