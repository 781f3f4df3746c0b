"""CORS for the APIs that other services define and that browsers call directly (metadata.cbd.int's
KMGBF API, the CBD's thesaurus and document APIs): any origin may read them, as it may the originals.

The rest of kmgraph keeps the browser's same-origin default.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

CORS_PREFIXES = ("/api/",)


class PathCORSMiddleware:
    """Starlette's CORS handling, for request paths under the given prefixes only."""

    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.prefixes = prefixes
        self.cors = CORSMiddleware(app, allow_origins=["*"], allow_methods=["GET", "HEAD", "OPTIONS", "PUT", "POST"],
                                   allow_headers=["Authorization", "Content-Type", "Accept", "Accept-Language"],
                                   expose_headers=["Content-Disposition", "Link"], max_age=3600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefixes):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
