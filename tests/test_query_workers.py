"""The query worker pool's fast lane: a job that already finished quickly on the current snapshot runs
again in the service process; first runs, slow jobs, SERVICE calls and anything after a write go to
a killable worker process."""

from __future__ import annotations

import asyncio
import json

import pyoxigraph as ox
import pytest

from kmgraph.sparql.execution import QueryJob
from kmgraph.sparql.workers import FastLane, SnapshotLease
from kmgraph.store import EmbeddedStore

G = "https://example.org/lane/g"
DATA = b'<https://example.org/a> <https://example.org/p> "one" .\n'
COUNT = QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s <https://example.org/p> ?o }")


def count(store: EmbeddedStore, job: QueryJob = COUNT) -> int:
    out = store.run_job(job, timeout=30, wait=5)
    return int(json.loads(out.body)["results"]["bindings"][0]["n"]["value"])


def kill_workers(store: EmbeddedStore) -> None:
    """Kill every worker process behind the pool's back."""
    for worker in store._workers()._all:
        worker.process.kill()
        worker.process.join(5)


def pids(store: EmbeddedStore) -> set[int]:
    return {w.process.pid for w in store._workers()._all}


def answered_by_a_worker(store: EmbeddedStore, job: QueryJob = COUNT) -> bool:
    """Kill the workers, then run ``job``: a job sent to a worker finds it dead and a fresh one takes
    it (the pids change); a job the lane answers in-process leaves the dead workers untouched."""
    kill_workers(store)
    before = pids(store)
    store.run_job(job, timeout=30, wait=5)
    return pids(store) != before


@pytest.fixture
def lane_store(tmp_path):
    with EmbeddedStore(tmp_path / "db", query_workers=1, fast_lane=5.0) as s:
        s.replace_graph(G, DATA, ox.RdfFormat.N_TRIPLES)
        yield s


def test_a_quick_job_runs_again_in_process(lane_store):
    assert count(lane_store) == 1  # first run: in a worker, and quick
    assert not answered_by_a_worker(lane_store)  # the same job again: answered without any worker
    assert count(lane_store) == 1
    assert answered_by_a_worker(lane_store, QueryJob("ASK { ?s ?p ?o }"))  # a job never seen goes to a worker


def test_the_async_path_uses_the_lane_too(lane_store):
    asyncio.run(lane_store.run_job_async(COUNT, timeout=30, wait=5))
    kill_workers(lane_store)
    out = asyncio.run(lane_store.run_job_async(COUNT, timeout=30, wait=5))
    assert json.loads(out.body)["results"]["bindings"][0]["n"]["value"] == "1"


def test_a_very_quick_job_runs_on_the_event_loop_and_a_slower_one_in_a_thread(lane_store, monkeypatch):
    """Handing a job of a millisecond to a thread costs about a fifth of its time over HTTP: a job
    whose worker answered within ``FastLane.INLINE`` runs on the loop's own thread; others leave it."""
    import threading

    from kmgraph.sparql import workers

    ran_on = []
    real = workers.execute
    monkeypatch.setattr(workers, "execute", lambda runner, job: ran_on.append(threading.get_ident()) or real(runner, job))

    async def twice(job: QueryJob) -> int:
        for _ in range(2):  # a worker's answer, then the lane's
            await lane_store.run_job_async(job, timeout=30, wait=5)
        return threading.get_ident()

    monkeypatch.setattr(workers.FastLane, "INLINE", 1.0)  # a fresh worker's first answer takes a few ms
    loop = asyncio.run(twice(COUNT))
    assert ran_on == [loop]
    monkeypatch.setattr(workers.FastLane, "INLINE", 0.0)
    loop = asyncio.run(twice(QueryJob("ASK { ?s ?p ?o }")))
    assert len(ran_on) == 2 and ran_on[1] != loop


def test_a_write_sends_jobs_back_to_the_workers(lane_store):
    assert count(lane_store) == 1
    lane_store.add_to_graph(G, b'<https://example.org/b> <https://example.org/p> "two" .\n', ox.RdfFormat.N_TRIPLES)
    assert answered_by_a_worker(lane_store)  # a new snapshot: nothing is proven cheap on it yet
    assert count(lane_store) == 2  # the answer sees the write


def test_the_lane_can_be_switched_off(tmp_path):
    with EmbeddedStore(tmp_path / "db", query_workers=1, fast_lane=0) as s:
        s.replace_graph(G, DATA, ox.RdfFormat.N_TRIPLES)
        count(s)
        assert answered_by_a_worker(s)


def test_what_the_lane_remembers(tmp_path):
    lane = FastLane(limit=0.5)
    store = ox.Store(str(tmp_path / "snapshot"))
    del store
    lease, other = SnapshotLease(str(tmp_path / "snapshot"), lambda: None), SnapshotLease("elsewhere", lambda: None)
    service = QueryJob("SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }")
    lane.record(lease, service, 0.001, timeout=30)
    assert lane.runner_for(lease, service) is None  # SERVICE: the cost is another server's
    lane.record(lease, COUNT, 0.6, timeout=30)
    assert lane.runner_for(lease, COUNT) is None  # slower than the limit
    lane.record(lease, COUNT, 0.2, timeout=1)
    assert lane.runner_for(lease, COUNT) is None  # more than a tenth of the time limit
    lane.record(lease, COUNT, 0.01, timeout=30)
    assert lane.runner_for(lease, COUNT) is not None
    assert lane.runner_for(other, COUNT) is None  # proven on one snapshot only
    lane.record(other, QueryJob("ASK {}"), 0.01, timeout=30)
    assert lane.runner_for(lease, COUNT) is None  # a new snapshot forgets the old one's jobs
    assert lane.runner_for(other, QueryJob("ASK {}")) is None  # no store there: the job goes to a worker


def test_a_worker_dead_while_idle_costs_no_request(lane_store):
    """A worker killed between jobs (OOM killer, an operator): the next job goes to a fresh one."""
    other = QueryJob("ASK { ?s ?p ?o }")
    lane_store.run_job(other, timeout=30, wait=5)
    kill_workers(lane_store)
    out = lane_store.run_job(QueryJob("ASK { ?s <https://example.org/p> ?o }"), timeout=30, wait=5)
    assert json.loads(out.body)["boolean"] is True


def test_workers_outlive_the_thread_that_started_them(tmp_path):
    """Workers die with the thread that forked them (PR_SET_PDEATHSIG follows the thread): a pool
    started from a request's short-lived thread lost its workers when that thread ended."""
    import threading
    import time

    s = EmbeddedStore(tmp_path / "db", query_workers=1)
    try:
        s.replace_graph(G, DATA, ox.RdfFormat.N_TRIPLES)
        # The pool starts in a thread that lives until its worker has answered (so the worker has
        # set up its parent-death signal while the thread was alive), then ends.
        starter = threading.Thread(target=lambda: (s.start(), s.run_job(QueryJob("ASK {}"), timeout=30, wait=5)))
        starter.start()
        starter.join()
        time.sleep(0.5)  # the kernel's SIGKILL, if any, has landed by now
        assert [w.process.is_alive() for w in s._workers()._all] == [True]
        assert count(s) == 1
    finally:
        s.close()


def test_the_async_path_reads_large_answers_under_uvloop(tmp_path):
    """uvloop (the service's default loop) makes a watched pipe non-blocking: a large answer then
    arrived in pieces and reading it failed with EAGAIN, as a 400, under load."""
    import uvloop

    rows = 20000
    data = b"".join(f'<https://example.org/s{i}> <https://example.org/p> "{"x" * 60} {i}" .\n'.encode()
                    for i in range(rows))
    job = QueryJob("SELECT ?s ?o WHERE { ?s <https://example.org/p> ?o }")
    with EmbeddedStore(tmp_path / "db", query_workers=1, fast_lane=0) as s:
        s.replace_graph(G, data, ox.RdfFormat.N_TRIPLES)

        async def twice() -> list[int]:
            outs = [await s.run_job_async(job, timeout=60, wait=5) for _ in range(2)]
            return [len(json.loads(o.body)["results"]["bindings"]) for o in outs]

        assert uvloop.run(twice()) == [rows, rows]


def test_a_job_slow_only_on_its_first_worker_run_runs_on_the_event_loop_once_the_lane_timed_it(lane_store, monkeypatch):
    """A worker's first answer includes opening the snapshot; what the lane then measures in its
    thread decides, so such a job does not stay off the event loop for good."""
    import threading

    from kmgraph.sparql import workers

    ran_on = []
    real_execute, real_answer = workers.execute, workers.WorkerPool._answer_async

    async def slow_answer(self, *args):
        await asyncio.sleep(0.2)  # as a cold worker's answer, but surely longer than INLINE
        return await real_answer(self, *args)

    monkeypatch.setattr(workers, "execute", lambda runner, job: ran_on.append(threading.get_ident()) or real_execute(runner, job))
    monkeypatch.setattr(workers.WorkerPool, "_answer_async", slow_answer)
    monkeypatch.setattr(workers.FastLane, "INLINE", 0.1)

    async def three_times() -> int:
        for _ in range(3):  # a worker's answer, the lane's in a thread, the lane's on the loop
            await lane_store.run_job_async(COUNT, timeout=30, wait=5)
        return threading.get_ident()

    loop = asyncio.run(three_times())
    assert len(ran_on) == 2 and ran_on[0] != loop and ran_on[1] == loop
