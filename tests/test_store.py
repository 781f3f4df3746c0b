"""The embedded store: atomic graph replacement, crash safety, and clear errors for bad store paths."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kmgraph.errors import InputError, StoreError, StoreLockedError
from kmgraph.store import EmbeddedStore
from kmgraph.store.embedded import STAGING_PREFIX, STAGING_SUFFIX

GRAPH = "https://example.org/g"
V1 = b'<urn:s> <urn:p> "one" .\n<urn:s> <urn:p> "two" .\n'
V2 = b'<urn:s> <urn:p> "three" .\n'


def values(store) -> set[str]:
    return {r["o"].value for r in store.query(f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")}


def test_replace_graph_replaces_whole_graph(fresh_store):
    assert fresh_store.replace_graph(GRAPH, V1, ox.RdfFormat.N_TRIPLES) == 2
    assert fresh_store.replace_graph(GRAPH, V2, ox.RdfFormat.N_TRIPLES) == 1
    assert values(fresh_store) == {"three"}


def test_malformed_input_keeps_previous_graph(fresh_store):
    fresh_store.replace_graph(GRAPH, V1, ox.RdfFormat.N_TRIPLES)
    with pytest.raises(InputError) as err:
        fresh_store.replace_graph(GRAPH, b'<urn:s> <urn:p> "x" .\n<urn:s> <urn:p> .\n', ox.RdfFormat.N_TRIPLES)
    assert "2" in str(err.value)  # names the line
    assert values(fresh_store) == {"one", "two"}
    assert [g.iri for g in fresh_store.graphs()] == [GRAPH]


def test_bindings_are_terms_not_text(fresh_store):
    fresh_store.replace_graph(GRAPH, V1, ox.RdfFormat.N_TRIPLES)
    hostile = ox.Literal("one' } UNION { ?s ?p ?o } #")
    rows = list(fresh_store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"o": hostile}))
    assert rows == []
    rows = list(fresh_store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"o": ox.Literal("one")}))
    assert [r["s"].value for r in rows] == ["urn:s"]


def test_killed_load_leaves_previous_version(tmp_path):
    """kill -9 a process in the middle of loading a large graph: the old graph survives intact."""
    path = tmp_path / "db"
    with EmbeddedStore(path) as s:
        s.replace_graph(GRAPH, V1, ox.RdfFormat.N_TRIPLES)
    big = tmp_path / "big.nt"
    with big.open("w") as f:
        for i in range(600_000):
            f.write(f'<urn:s{i}> <urn:p> "value {i}" .\n')
    script = textwrap.dedent(f"""
        import pyoxigraph as ox, sys
        from pathlib import Path
        from kmgraph.store import EmbeddedStore
        s = EmbeddedStore(Path({str(path)!r}))
        print("loading", flush=True)
        s.replace_graph({GRAPH!r}, Path({str(big)!r}), ox.RdfFormat.N_TRIPLES)
        print("done", flush=True)
    """)
    landed = False
    for delay in (0.3, 0.1, 0.0):  # shorter waits until the kill lands while the load runs
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "loading"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        landed = proc.returncode == -signal.SIGKILL and "done" not in rest  # killed before the load finished
        if landed:
            break
        with EmbeddedStore(path) as s:  # it finished first: put the old graph back and try again
            s.replace_graph(GRAPH, V1, ox.RdfFormat.N_TRIPLES)
    assert landed, "every kill came after the load had finished: nothing was tested"
    with EmbeddedStore(path) as s:
        assert not [g for g in s.graphs() if g.iri.startswith(STAGING_PREFIX)]
        names = {g.value for g in s._store.named_graphs()}
        assert not [n for n in names if n.startswith(STAGING_PREFIX)], "stale staging graph not cleaned"
        # Either the swap never happened (old graph) or it completed (new graph), never a mix.
        count = next(g.triples for g in s.graphs() if g.iri == GRAPH)
        assert count in (2, 600_000)
        if count == 2:
            assert values(s) == {"one", "two"}


def test_a_start_drops_the_staging_graph_the_file_beside_the_store_names(tmp_path):
    """Issue 19, start-up: a store this version opened names its load's staging graph in a file, so a
    start reads that, not every graph name; a store without the file (an earlier version's, a
    restored backup) is scanned once."""
    path = tmp_path / "db"
    left, named = ox.NamedNode(STAGING_PREFIX + "left-by-an-old-version"), ox.NamedNode(STAGING_PREFIX + "killed")
    triple = (ox.NamedNode("urn:x"), ox.NamedNode("urn:y"), ox.NamedNode("urn:z"))
    with EmbeddedStore(path) as s:
        s.replace_graph(GRAPH, V1, ox.RdfFormat.N_TRIPLES)
        s._store.add(ox.Quad(*triple, left))
    marker = path.with_name(path.name + STAGING_SUFFIX)
    marker.unlink()  # as an earlier version left the store
    with EmbeddedStore(path) as s:
        assert not s._store.contains_named_graph(left)  # found by the scan
        assert marker.read_text() == ""
        s._store.add(ox.Quad(*triple, named))
        s._store.add(ox.Quad(*triple, left))  # not a load's: kept until check-store reports it
        marker.write_text(named.value)  # as a load killed before its swap left it
    with EmbeddedStore(path) as s:
        assert not s._store.contains_named_graph(named)
        assert s._store.contains_named_graph(left)
        assert values(s) == {"one", "two"}


def test_locked_store_is_reported(tmp_path):
    path = tmp_path / "db"
    with EmbeddedStore(path):
        proc = subprocess.run([sys.executable, "-c",
                               f"from kmgraph.store import EmbeddedStore; EmbeddedStore(__import__('pathlib').Path({str(path)!r}))"],
                              check=False, capture_output=True, text=True)
        assert proc.returncode != 0
        assert "StoreLockedError" in proc.stderr
        with pytest.raises(StoreLockedError, match=str(path)):
            EmbeddedStore(path)


def test_unwritable_store_path_is_reported(tmp_path):
    if os.geteuid() == 0:
        target = Path("/proc/kmgraph-store")  # not writable even for root
    else:
        locked = tmp_path / "ro"
        locked.mkdir(mode=0o500)
        target = locked / "db"
    with pytest.raises(StoreError, match=str(target)):
        EmbeddedStore(target)


def test_store_path_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        EmbeddedStore(f)
