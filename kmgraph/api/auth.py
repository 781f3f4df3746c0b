"""Bearer-token authorisation: a token names an actor with a role; endpoints ask for a right.

401 when a right is needed and no token was sent, or when the token is unknown (RFC 6750
``error="invalid_token"``); 403 when its role lacks the right (``error="insufficient_scope"``). Every request that asks for a right is marked for the audit log, refused or not.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from ..access import Actor, Right
from ..errors import AuthenticationError, InvalidTokenError, PermissionDeniedError

AUDIT_MARK = "kmgraph.audit"
PRINCIPAL = "kmgraph.principal"  # the authenticated actor of a request, once known


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def principal(request: Request, token: str | None = None) -> Actor | None:
    """The caller (by its bearer token, or ``token`` typed into a page's form): ``None`` when
    anonymous; a token that matches nothing is refused (401, invalid_token)."""
    cached = request.scope.get(PRINCIPAL)
    if cached is not None:
        return cached
    token = token or bearer_token(request)
    if token is None:
        return None
    entry = request.app.state.tokens.authenticate(token)
    if entry is None:
        raise InvalidTokenError("the bearer token given is not valid here: it is unknown, revoked or mistyped")
    found = Actor.of_role(entry.name, entry.role, client_address(request))
    request.scope[PRINCIPAL] = found
    return found


def authorise(request: Request, right: Right, token: str | None = None) -> Actor:
    """The actor allowed to use ``right``; marks the request for the audit log first."""
    request.scope[AUDIT_MARK] = right.value
    found = principal(request, token)
    if found is None:
        raise AuthenticationError("this operation needs a bearer token (Authorization: Bearer ...)")
    if not found.can(right):
        raise PermissionDeniedError(f"the role {found.role!r} of this token has no {right.value!r} right")
    return found


def require(right: Right) -> Callable[[Request], Actor]:
    """A FastAPI dependency asking for ``right``."""

    def dependency(request: Request) -> Actor:
        return authorise(request, right)

    dependency.__name__ = f"require_{right.name.lower()}"
    return dependency
