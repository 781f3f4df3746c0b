"""Shared benchmark plumbing: servers as subprocesses, timed HTTP requests, percentiles, results."""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

OUT = Path(__file__).resolve().parent / "out"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], health_url: str, *, env: dict | None = None, timeout: float = 900,
          log: Path | None = None) -> subprocess.Popen:
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log else ""
            raise RuntimeError(f"{' '.join(cmd[:4])} exited early:\n{tail}")
        try:
            if httpx.get(health_url, timeout=5).status_code < 500:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"{cmd} did not start in {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of a process and every process below it (the sum of each one's
    VmHWM: an upper bound of their peak together), in MB; Linux only."""
    def children(parent: int) -> list[int]:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(stat.parent.name))
        return found

    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
        todo.extend(children(current))
    return round(total / 1024, 1)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Timing:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        return {"requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 3),
                "throughput_rps": round(self.throughput, 2),
                "p50_ms": round(percentile(self.latencies, 50) * 1000, 2),
                "p95_ms": round(percentile(self.latencies, 95) * 1000, 2),
                "p99_ms": round(percentile(self.latencies, 99) * 1000, 2)}


def hammer(send, jobs: list, *, concurrency: int, budget: float) -> Timing:
    """Run ``send(job)`` over ``jobs`` (cycled) with ``concurrency`` threads until done or ``budget`` s."""
    timing = Timing()
    start_time = time.perf_counter()
    deadline = start_time + budget

    def worker(offset: int) -> None:
        i = offset
        while i < len(jobs) and time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                ok = send(jobs[i])
            except Exception:  # noqa: BLE001 - a failed request is counted, not fatal
                ok = False
            timing.latencies.append(time.perf_counter() - t0)
            timing.requests += 1
            timing.errors += 0 if ok else 1
            i += concurrency

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    timing.seconds = time.perf_counter() - start_time
    return timing


def machine() -> dict:
    info = {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        info["memory_gib"] = round(int(mem) / 1024 / 1024, 1)
        model = [line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
        info["cpu"] = model[0].split(":", 1)[1].strip() if model else ""
    except OSError:
        pass
    return info


def save(name: str, data: dict) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2, default=lambda o: asdict(o)))
    return path


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
