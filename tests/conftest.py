"""Shared fixtures: a freshly initialised store for the whole session, and helpers to query it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kmgraph.config import Settings
from kmgraph.store import EmbeddedStore, Store
from kmgraph.vocab.bundled import load_bundled

# Tests fire requests far faster than any client should; the rate-limit tests switch limits back on.
os.environ["KMGRAPH_RATE_LIMIT"] = os.environ["KMGRAPH_RATE_LIMIT_TOKEN"] = "off"
# Each test's app would train every tagging project in the background; tests of training ahead
# start their own server with KMGRAPH_TRAIN_AT_START=true.
os.environ["KMGRAPH_TRAIN_AT_START"] = "false"

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


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):
    """A throw-away Virtuoso server (see tests/services/virtuoso.py); fails clearly when absent."""
    from .services import virtuoso as service

    reason = service.missing_reason()
    if reason:
        pytest.fail(reason)
    server = service.start(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(params=["embedded", "virtuoso"])
def backend(request, tmp_path: Path) -> Store:
    """Each store backend, empty, for the contract tests every backend must pass."""
    if request.param == "embedded":
        s = EmbeddedStore(tmp_path / "db")
    else:
        from kmgraph.store.remote import RemoteStore

        server = request.getfixturevalue("virtuoso")
        s = RemoteStore(server.sparql, graph_store_url=server.graph_store)
        for g in s.graphs():  # the server is shared by the session: start each test empty
            s.drop_graph(g.iri)
    yield s
    s.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory):
    """A running `kmgraph serve` on the bundled vocabularies, shared by read-only HTTP tests."""
    from .services import server

    s = server.start(tmp_path_factory.mktemp("live") / "store")
    yield s
    s.stop()


@pytest.fixture
def scratch_server(tmp_path: Path):
    """A running `kmgraph serve` of its own, for tests that write or wipe the store."""
    from .services import server

    s = server.start(tmp_path / "store")
    yield s
    s.stop()


# Conformance figures collected during the run, printed at the end of the test output.
CONFORMANCE_REPORT: list[str] = []
# Tests that skipped: in CI (CI set) any skip fails the run, so that nothing is silently left out.
SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") and SKIPPED and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if CONFORMANCE_REPORT:
        terminalreporter.section("conformance")
        for line in CONFORMANCE_REPORT:
            terminalreporter.write_line(line)
    if os.environ.get("CI") and SKIPPED:
        terminalreporter.section("skipped tests fail the run in CI")
        for nodeid in SKIPPED:
            terminalreporter.write_line(nodeid)
