"""Store backends behind one interface; ``open_store`` picks one from the settings."""

from __future__ import annotations

from ..config import Settings
from .base import GraphInfo, QueryResult, Store
from .embedded import EmbeddedStore

__all__ = ["GraphInfo", "QueryResult", "Store", "EmbeddedStore", "open_store"]


def open_store(settings: Settings) -> Store:
    """The remote backend when a SPARQL endpoint is configured, else the embedded store."""
    if settings.sparql_endpoint:
        from .remote import RemoteStore

        return RemoteStore.from_settings(settings)
    return EmbeddedStore(settings.store, query_workers=settings.query_workers)
