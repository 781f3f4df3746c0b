"""Starts `kmgraph serve` as a real process on a free loopback port, for tests that need HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass
class LiveServer:
    process: subprocess.Popen
    url: str
    store: Path
    token: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(store: Path, *, token: str = "test-admin-token", env: dict[str, str] | None = None,
          timeout: float = 60) -> LiveServer:
    port = free_port()
    log = (store.parent / f"server-{port}.log").open("w")
    environment = {**os.environ, "KMGRAPH_ADMIN_TOKEN": token, **(env or {})}
    process = subprocess.Popen([sys.executable, "-m", "kmgraph", "serve", "--host", "127.0.0.1",
                                "--port", str(port), "--store", str(store)],
                               stdout=log, stderr=subprocess.STDOUT, env=environment)
    server = LiveServer(process, f"http://127.0.0.1:{port}", store, token)
    deadline = time.time() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"kmgraph serve exited: {Path(log.name).read_text()[-2000:]}")
        try:
            if httpx.get(server.url + "/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.time() > deadline:
            server.stop()
            raise RuntimeError(f"kmgraph serve did not start: {Path(log.name).read_text()[-2000:]}")
        time.sleep(0.2)
