"""The exception hierarchy, mapped once to HTTP statuses and CLI exit codes.

Every error a user can cause is a ``KmgraphError``; the CLI prints its one-line message and exits
with ``exit_code``, the HTTP layer answers RFC 9457 problem+json with ``status``. Anything else
escaping is a bug.
"""

from __future__ import annotations


class KmgraphError(Exception):
    """Base class: a problem the user can act on."""

    status: int = 400
    exit_code: int = 2
    title: str = "Bad request"
    type_slug: str = "bad-request"

    def __init__(self, message: str, *, detail: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or {}


class InputError(KmgraphError):
    """Unusable input: unreadable file, malformed syntax, bad parameter."""


class ConfigError(KmgraphError):
    """Invalid configuration or command-line usage."""

    title = "Configuration error"
    type_slug = "configuration"


class StoreError(KmgraphError):
    """The store cannot be opened or used."""

    status = 503
    title = "Store unavailable"
    type_slug = "store-unavailable"


class StoreLockedError(StoreError):
    """Another process holds the store."""

    title = "Store locked"
    type_slug = "store-locked"


class UriTooLongError(KmgraphError):
    status = 414
    title = "URI too long"
    type_slug = "uri-too-long"


class NotFoundError(KmgraphError):
    status = 404
    exit_code = 2
    title = "Not found"
    type_slug = "not-found"


class AuthenticationError(KmgraphError):
    status = 401
    title = "Authentication required"
    type_slug = "unauthorized"


class PermissionDeniedError(KmgraphError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"
