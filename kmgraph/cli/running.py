"""The service that holds a store: where it listens, and the writes the CLI sends to it.

While it runs, ``kmgraph serve`` keeps ``<store>.service.json`` (its URL and process id) beside
the store. A curator command that finds the store locked reads that file and sends its write to
the service's own HTTP API (``PUT /vocabularies/{id}``, ``POST .../rollback``, ``POST
/admin/backup``) with ``KMGRAPH_TOKEN`` (else ``KMGRAPH_ADMIN_TOKEN``): the service runs the gate,
records the version and audits the call, exactly as for any other client.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from ..config import Settings
from ..curation.curator import LoadResult
from ..curation.sources import SourceFile
from ..errors import (
    AuthenticationError,
    ConfigError,
    InputError,
    KmgraphError,
    PermissionDeniedError,
    StoreLockedError,
)

MARKER_SUFFIX = ".service.json"
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def marker_path(settings: Settings) -> Path:
    return settings.store.with_name(settings.store.name + MARKER_SUFFIX)


@contextmanager
def announced(settings: Settings) -> Iterator[None]:
    """Say, beside the store, where the service that holds it listens (for the time it runs)."""
    host = "127.0.0.1" if settings.host in WILDCARD_HOSTS else settings.host
    url = f"http://[{host}]:{settings.port}" if ":" in host else f"http://{host}:{settings.port}"
    path = marker_path(settings)
    path.write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
    try:
        yield
    finally:
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass


class ServiceClient:
    """The write API of a running kmgraph service, answering as the local functions do."""

    def __init__(self, url: str, token: str | None) -> None:
        if not token:
            raise ConfigError(f"a running service ({url}) holds the store, so the write goes through it: set "
                              "KMGRAPH_TOKEN to a curator's or admin's token (`make run` prints one on its first "
                              "start; `kmgraph token create` makes more)")
        self.url = url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}

    @classmethod
    def for_store(cls, settings: Settings) -> ServiceClient:
        path = marker_path(settings)
        try:
            url = json.loads(path.read_text(encoding="utf-8"))["url"]
        except (OSError, ValueError, KeyError):
            raise StoreLockedError(f"store {settings.store} is locked by another process, and no running kmgraph "
                                   f"service says it holds it ({path}): wait for the other command to end") from None
        return cls(url, settings.token or settings.admin_token)

    def load(self, vocab: str, source: SourceFile, *, force: bool = False, base: str | None = None) -> LoadResult:
        params = {"filename": source.name, "force": str(force).lower()} | ({"base": base} if base else {})
        body = source.data if source.data is not None else Path(source.path).read_bytes()
        return self._result("PUT", f"/vocabularies/{vocab}", params=params, content=body,
                            headers={"Content-Type": source.media_type})

    def rollback(self, vocab: str, version: int, *, force: bool = False) -> LoadResult:
        return self._result("POST", f"/vocabularies/{vocab}/rollback",
                            params={"version": str(version), "force": str(force).lower()})

    def backup(self, directory: Path) -> dict:
        return self._send("POST", "/admin/backup", json={"directory": str(directory.resolve())}, timeout=3600).json()

    def _result(self, method: str, path: str, **kwargs: object) -> LoadResult:
        """A load or rollback: the gate's verdict, whether the version became current or not."""
        return LoadResult.from_dict(self._send(method, path, accept_gate_rejection=True, **kwargs).json())

    def _send(self, method: str, path: str, *, accept_gate_rejection: bool = False, timeout: float = 600,
              **kwargs: object) -> httpx.Response:
        headers = {**self._headers, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        try:
            response = httpx.request(method, self.url + path, headers=headers, timeout=timeout, **kwargs)
        except httpx.HTTPError as exc:
            raise ConfigError(f"cannot reach the service that holds the store at {self.url}: {exc}") from exc
        if response.is_success or (accept_gate_rejection and response.status_code == 422 and
                                   "gate" in _json(response)):
            return response
        detail = _json(response).get("detail") or response.text
        message = f"the service at {self.url} refused it ({response.status_code}): {detail}"
        if response.status_code == 401:
            raise AuthenticationError(message)
        if response.status_code == 403:
            raise PermissionDeniedError(message)
        if 400 <= response.status_code < 500:
            raise InputError(message)
        raise KmgraphError(message)


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
