"""Store backends behind one interface; ``open_store`` picks one from the settings."""

from __future__ import annotations

from ..config import Settings
from .base import GraphInfo, QueryResult, Store
from .embedded import EmbeddedStore

__all__ = ["GraphInfo", "QueryResult", "Store", "EmbeddedStore", "open_store"]


def open_store(settings: Settings) -> Store:
    return EmbeddedStore(settings.store)
