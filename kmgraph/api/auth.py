"""Bearer-token authorisation. Until finer roles exist, ``KMGRAPH_ADMIN_TOKEN`` holds every right."""

from __future__ import annotations

import hmac

from fastapi import Request

from ..errors import AuthenticationError, PermissionDeniedError
from ..records.service import Actor


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def principal(request: Request) -> str | None:
    """The role of the caller: ``None`` when anonymous; a token that matches nothing is refused (403)."""
    token = bearer_token(request)
    if token is None:
        return None
    expected = request.app.state.settings.admin_token
    if expected and hmac.compare_digest(token.encode(), expected.encode()):
        return "admin"
    raise PermissionDeniedError("the bearer token given is not valid here")


def actor(request: Request, role: str) -> Actor:
    """Who makes a write, for provenance and history: the token's principal, its role, the client address."""
    return Actor(name=principal(request) or "anonymous", role=role,
                 client=request.client.host if request.client else "")


def require_curator(request: Request) -> None:
    """Dependency for vocabulary writes: the curator right (held by the admin token until roles exist)."""
    require_admin(request)


def require_admin(request: Request) -> None:
    """Dependency for write endpoints: 401 without a bearer token, 403 with a wrong one."""
    if bearer_token(request) is None:
        raise AuthenticationError("this operation needs a bearer token (Authorization: Bearer ...)")
    if principal(request) != "admin":
        raise PermissionDeniedError("the token given has no write right")
