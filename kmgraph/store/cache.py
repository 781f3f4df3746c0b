"""A value derived from the vocabularies of a store, built again when a vocabulary changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from .base import Store

T = TypeVar("T")


class VocabularyCache(Generic[T]):
    """``build(store)`` once per vocabulary version of the store (thread-safe, built on first use)."""

    def __init__(self, store: Store, build: Callable[[Store], T]) -> None:
        self.store = store
        self._build = build
        self._lock = threading.Lock()
        self._value: T | None = None
        self._version: object = None

    def get(self) -> T:
        version = self.store.vocabulary_version
        with self._lock:
            if self._value is None or version != self._version:
                self._value, self._version = self._build(self.store), version
            return self._value
