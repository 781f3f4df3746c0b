"""Killable query workers: user SPARQL runs in child processes on read-only store snapshots.

pyoxigraph offers no way to interrupt a running query from Python, so a thread cannot enforce a
timeout. Each worker process opens a snapshot (a RocksDB checkpoint, made in milliseconds with
hard links) read-only and answers one job at a time; when a job overruns its time limit the worker
is killed, which really stops the work, and a fresh one takes its place. Snapshots are only taken
between write transactions, so a query never sees a half-done load.

A job that already finished quickly on the current snapshot runs again in the service process
instead (see ``FastLane``): it cannot become a runaway there, and it saves the trip to a worker.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from .execution import (
    QueryEvaluationError,
    QueryJob,
    QueryOutput,
    Runner,
    execute,
    run_on,
)
from .lexer import code_tokens, service_endpoints


class QueryTimeoutError(Exception):
    pass


class WorkersBusyError(Exception):
    pass


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the service process dies (no orphan keeps
    computing a runaway query)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_main(conn: Connection) -> None:
    import pyoxigraph as ox

    _die_with_parent()

    path, store = None, None
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if message is None:
            return
        snapshot_path, job = message
        try:
            if snapshot_path != path:
                store = None
                store = ox.Store.read_only(snapshot_path)
                path = snapshot_path
            conn.send(("ok", execute(run_on(store), job)))
        except QueryEvaluationError as exc:
            conn.send(("error", exc.syntax, str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which maps it
            conn.send(("error", False, f"{type(exc).__name__}: {exc}"))


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    last: str = ""  # the last query it ran: its caches are warm for that one

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class _IdleWorkers:
    """Idle workers; a query goes preferably to the worker that last ran it (warm caches)."""

    def __init__(self) -> None:
        self._workers: list[_Worker] = []
        self._ready = threading.Condition()

    def put(self, worker: _Worker) -> None:
        with self._ready:
            self._workers.append(worker)
            self._ready.notify()

    def take_nowait(self, key: str) -> _Worker | None:
        with self._ready:
            return self._pick(key)

    def take(self, key: str, timeout: float) -> _Worker | None:
        with self._ready:
            if not self._ready.wait_for(lambda: bool(self._workers), timeout):
                return None
            return self._pick(key)

    def _pick(self, key: str) -> _Worker | None:
        if not self._workers:
            return None
        for i in range(len(self._workers) - 1, -1, -1):
            if self._workers[i].last == key:
                return self._workers.pop(i)
        return self._workers.pop()  # the most recently used one



def _unwrap(reply: tuple) -> QueryOutput:
    if reply[0] == "ok":
        return reply[1]
    raise QueryEvaluationError(reply[2], syntax=reply[1])


class SnapshotLease:
    """A snapshot path held for the duration of one job."""

    def __init__(self, path: str, release: Callable[[], None]) -> None:
        self.path = path
        self.release = release


class FastLane:
    """In-process evaluation of the jobs that already finished quickly on the current snapshot.

    Evaluating the same job over the same snapshot does the same work, so a job that finished well
    within its time limit there cannot turn into a runaway there. Running it again in the service
    process, on its own read-only handle of that snapshot, saves the round trip to a worker process
    (0.1-0.3 ms: as much as answering a small query). First runs, slow jobs and jobs calling SERVICE
    (whose cost is another server's) always go to a killable worker. ``limit=0`` turns the lane off.
    """

    MAX_JOBS = 1024
    MAX_QUERY_CHARS = 8192  # so the memory held stays small
    # A job whose worker answered within this runs on the event loop itself: handing it to a thread
    # costs about 0.2 ms, a sixth of such a named query's time over HTTP, and it holds the loop no
    # longer than writing a large answer does.
    INLINE = 0.003

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._path: str | None = None
        self._store: ox.Store | None = None
        self._jobs: OrderedDict[QueryJob, float] = OrderedDict()  # each job with its worker's time

    def runner_for(self, lease: SnapshotLease, job: QueryJob) -> tuple[Runner, bool] | None:
        """A runner on the leased snapshot when ``job`` already finished quickly there, and whether it
        is quick enough to run without leaving the caller's thread (``INLINE``); else ``None``."""
        with self._lock:
            if lease.path != self._path or job not in self._jobs:
                return None
            self._jobs.move_to_end(job)
            inline = self._jobs[job] <= self.INLINE
            if self._store is None:
                try:
                    self._store = ox.Store.read_only(lease.path)
                except OSError:  # the lane is only a shortcut: the job goes to a worker instead
                    self._reset(None)
                    return None
            return run_on(self._store), inline

    def clear(self) -> None:
        """Forget every job and let go of the snapshot."""
        with self._lock:
            self._reset(None)

    def _reset(self, path: str | None) -> None:
        self._path, self._store, self._jobs = path, None, OrderedDict()

    def retime(self, lease: SnapshotLease, job: QueryJob, seconds: float) -> None:
        """The lane's own time for a job it ran in a thread: a worker's first answer on a snapshot
        includes opening it (a few ms), so this time tells whether the job may run inline from now on.
        The job already passed ``record``'s checks; only its time changes."""
        with self._lock:
            if lease.path == self._path and job in self._jobs:
                self._jobs[job] = seconds

    def record(self, lease: SnapshotLease, job: QueryJob, seconds: float, timeout: float) -> None:
        if (seconds > min(self.limit, timeout / 10) or len(job.query) > self.MAX_QUERY_CHARS
                or service_endpoints(code_tokens(job.query))):
            return
        with self._lock:
            if lease.path != self._path:  # a new snapshot: what was proven on the old one no longer counts
                self._reset(lease.path)
            self._jobs[job] = seconds
            if len(self._jobs) > self.MAX_JOBS:
                self._jobs.popitem(last=False)


class WorkerPool:
    def __init__(self, size: int, lease_snapshot: Callable[[], SnapshotLease], *, fast_limit: float = 0.0) -> None:
        self._ctx = mp.get_context("spawn")
        self._lease_snapshot = lease_snapshot
        self._fast = FastLane(fast_limit)
        self._idle = _IdleWorkers()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        # Workers die with the *thread* that started them (PR_SET_PDEATHSIG follows the thread), so
        # one long-lived thread starts them all: a replacement started from a request's short-lived
        # thread would otherwise be killed when that thread ends, and fail the next query.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kmgraph-query-spawner")
        for _ in range(max(1, size)):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        return self._spawner.submit(self._start_worker).result()

    def _start_worker(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child,), daemon=True, name="kmgraph-query")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        return self._spawn()

    @contextmanager
    def _dispatch(self, worker: _Worker, lease: SnapshotLease, job: QueryJob):
        """Send ``job`` to ``worker`` on the leased snapshot; yield a slot holding the worker.

        A broken or overdue worker is replaced; a live worker goes back to the pool whatever happens.
        """
        slot = {"worker": worker}
        try:
            try:
                worker.last = job.query
                worker.conn.send((lease.path, job))
            except (BrokenPipeError, ConnectionResetError):  # died while idle: the job never reached it
                slot["worker"] = worker = self._replace(worker)
                worker.last = job.query
                worker.conn.send((lease.path, job))
            yield slot
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError) as exc:
            slot["worker"] = self._replace(slot["worker"])
            raise QueryEvaluationError(f"the query worker failed: {exc}", syntax=False) from exc
        finally:
            self._idle.put(slot["worker"])

    def _overdue(self, slot: dict, timeout: float) -> QueryTimeoutError:
        slot["worker"] = self._replace(slot["worker"])
        return QueryTimeoutError(f"the query ran longer than {timeout:g} s and was stopped")

    def run(self, job: QueryJob, *, timeout: float, wait: float) -> QueryOutput:
        lease = self._lease_snapshot()
        try:
            fast = self._fast.runner_for(lease, job)
            if fast is not None:
                return execute(fast[0], job)
            worker = self._idle.take(job.query, wait)
            if worker is None:
                raise WorkersBusyError("all query workers are busy")
            started = time.monotonic()
            with self._dispatch(worker, lease, job) as slot:
                if not slot["worker"].conn.poll(timeout):
                    raise self._overdue(slot, timeout)
                out = _unwrap(slot["worker"].conn.recv())
            self._fast.record(lease, job, time.monotonic() - started, timeout)
            return out
        finally:
            lease.release()

    async def run_async(self, job: QueryJob, *, timeout: float, wait: float) -> QueryOutput:
        """``run`` for an event loop: waits on the worker's pipe instead of blocking a thread."""
        lease = self._lease_snapshot()
        try:
            fast = self._fast.runner_for(lease, job)
            if fast is not None:
                runner, inline = fast
                if inline:
                    return execute(runner, job)
                started = time.monotonic()
                out = await asyncio.to_thread(execute, runner, job)
                self._fast.retime(lease, job, time.monotonic() - started)
                return out
            worker = await self._acquire_async(job.query, wait)
            started = time.monotonic()
            out = await self._answer_async(worker, lease, job, timeout)
            self._fast.record(lease, job, time.monotonic() - started, timeout)
            return out
        finally:
            lease.release()

    async def _answer_async(self, worker: _Worker, lease: SnapshotLease, job: QueryJob, timeout: float) -> QueryOutput:
        loop = asyncio.get_running_loop()
        with self._dispatch(worker, lease, job) as slot:
            ready = loop.create_future()
            fd = slot["worker"].conn.fileno()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
            timer = loop.call_later(timeout, lambda: ready.done() or ready.set_result(False))
            try:
                answered = await ready
            finally:
                timer.cancel()
                loop.remove_reader(fd)
                # uvloop makes a watched descriptor non-blocking; the pipe protocol reads whole messages
                # (a large answer arrives in pieces), so it must block again (else EAGAIN mid-message).
                os.set_blocking(fd, True)
            if not answered:
                raise self._overdue(slot, timeout)
            return _unwrap(slot["worker"].conn.recv())

    async def _acquire_async(self, key: str, wait: float) -> _Worker:
        deadline = time.monotonic() + wait
        delay = 0.0005
        while True:
            worker = self._idle.take_nowait(key)
            if worker is not None:
                return worker
            if time.monotonic() >= deadline:
                raise WorkersBusyError("all query workers are busy")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    def close(self) -> None:
        self._fast.clear()
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.kill()
        self._spawner.shutdown(wait=False)
