"""Bearer-token authorisation. Until finer roles exist, ``KMGRAPH_ADMIN_TOKEN`` holds every right."""

from __future__ import annotations

import hmac

from fastapi import Request

from ..errors import AuthenticationError, PermissionDeniedError


def require_admin(request: Request) -> None:
    """Dependency for write endpoints: 401 without a bearer token, 403 with a wrong one."""
    expected = request.app.state.settings.admin_token
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError("this operation needs a bearer token (Authorization: Bearer ...)")
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise PermissionDeniedError("the token given has no write right")
