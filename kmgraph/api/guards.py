"""Cross-cutting protection as ASGI middleware and one dependency.

- ``AuditMiddleware``: after every write that asked for a right (see ``auth.authorise``), one audit
  row with the caller, the request and the final status, so refused writes are logged too.
- ``RateLimitMiddleware``: a moving-window limit per token, or per client address without one; the
  counters live where ``rate_limit_storage`` says (in memory, or Redis/Memcached shared by workers).
- ``expensive``: a cap on concurrent expensive requests, so cheap ones keep their share of workers.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator

from fastapi import Request
from limits import parse_many, storage, strategies
from limits.errors import ConfigurationError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..access import Actor, AuditLog, TokenRegistry
from ..errors import BusyError, ConfigError
from .auth import AUDIT_MARK, PRINCIPAL
from .problems import problem

EXEMPT_PREFIXES = ("/health", "/static/")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class AuditMiddleware:
    def __init__(self, app: ASGIApp, log: AuditLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            if AUDIT_MARK in scope and scope["method"] not in READ_METHODS:
                who = scope.get(PRINCIPAL)
                client = scope.get("client")
                await asyncio.to_thread(
                    self.log.record, actor=who.name if who else "anonymous", role=who.role if who else "anonymous",
                    client=client[0] if client else "", action=f"{scope['method']} {scope['path']}",
                    target=scope.get("query_string", b"").decode("latin-1"), status=status)


def rate_limiter(uri: str) -> strategies.RateLimiter:
    """A moving-window limiter over the storage ``uri`` names (a fixed window where the storage has
    no moving window, as Memcached); ConfigError when it cannot be used, before the service starts."""
    try:
        counters = storage.storage_from_string(uri)
    except (ConfigurationError, ValueError, ImportError) as exc:
        raise ConfigError(f"KMGRAPH_RATE_LIMIT_STORAGE {uri!r}: {exc} (Redis needs the redis package: "
                          "pip install 'kmgraph[redis]')") from exc
    if not counters.check():
        raise ConfigError(f"KMGRAPH_RATE_LIMIT_STORAGE {uri!r} does not answer")
    if isinstance(counters, storage.MovingWindowSupport):
        return strategies.MovingWindowRateLimiter(counters)
    return strategies.FixedWindowRateLimiter(counters)


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, tokens: TokenRegistry, anonymous: str, per_token: str,
                 limiter: strategies.RateLimiter) -> None:
        self.app = app
        self.tokens = tokens
        try:
            self.anonymous = parse_many(anonymous) if anonymous not in ("", "off") else []
            self.per_token = parse_many(per_token) if per_token not in ("", "off") else []
        except ValueError as exc:
            raise ConfigError(f"rate limit: {exc}") from exc
        self.limiter = limiter
        # A shared storage is a network round trip: it waits in a thread, not in the event loop.
        self.shared = not isinstance(limiter.storage, storage.MemoryStorage)

    def _key(self, scope: Scope) -> tuple[str, list]:
        """The limit's key; a valid token's actor is kept in the scope so the endpoint does not
        authenticate it again (``auth.principal`` reads it)."""
        client = scope.get("client")
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                entry = self.tokens.authenticate(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
                if entry is not None:
                    scope[PRINCIPAL] = Actor.of_role(entry.name, entry.role, client[0] if client else "")
                    return f"token:{entry.name}", self.per_token
        return f"address:{client[0] if client else '-'}", self.anonymous

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        key, limits = self._key(scope)
        for limit in limits:
            allowed = await run_in_threadpool(self.limiter.hit, limit, key) if self.shared else self.limiter.hit(limit, key)
            if not allowed:
                retry = max(1, math.ceil(self.limiter.get_window_stats(limit, key).reset_time - time.time()))
                response = problem(429, "Rate limit exceeded", f"more than {limit} from this client; slow down",
                                   slug="rate-limited", instance=scope["path"], headers={"Retry-After": str(retry)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class ExpensiveSlots:
    """At most ``slots`` expensive requests at once; a request waits up to ``wait`` seconds, then 429."""

    def __init__(self, slots: int, wait: float) -> None:
        self.semaphore = asyncio.Semaphore(max(1, slots))
        self.wait = wait

    async def __aenter__(self) -> None:
        try:
            await asyncio.wait_for(self.semaphore.acquire(), self.wait)
        except TimeoutError as exc:
            raise BusyError("the service is busy with other expensive requests; retry in a moment") from exc

    async def __aexit__(self, *exc_info: object) -> None:
        self.semaphore.release()


async def expensive(request: Request) -> AsyncIterator[None]:
    """Dependency for validation batches, vocabulary loads, updates and graph writes."""
    async with request.app.state.expensive:
        yield
