"""Shared fixtures: a freshly initialised store for the whole session, and helpers to query it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kmgraph.config import Settings
from kmgraph.store import EmbeddedStore, Store
from kmgraph.vocab.bundled import load_bundled

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store initialised exactly as `kmgraph init` does; read-only for tests."""
    s = EmbeddedStore(tmp_path_factory.mktemp("store") / "db")
    load_bundled(s)
    yield s
    s.close()


@pytest.fixture
def fresh_store(tmp_path: Path) -> Store:
    """An empty store of its own, for tests that write."""
    s = EmbeddedStore(tmp_path / "db")
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(store=tmp_path / "store", admin_token="test-admin-token")


def select(store: Store, sparql: str, **bindings) -> list[dict[str, str]]:
    """Rows of a SELECT as {variable: lexical value}."""
    result = store.query(sparql, bindings=bindings or None)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def scalar(store: Store, sparql: str) -> int:
    rows = select(store, sparql)
    return int(next(iter(rows[0].values())))
