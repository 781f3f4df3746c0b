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


class InvalidParameterError(InputError):
    """A query parameter the endpoint does not take, or a value it cannot use together with others."""

    status = 422
    title = "Invalid request"
    type_slug = "invalid-request"


class AnswerCappedError(InputError):
    """The SPARQL server cut the answer short at its row cap (Virtuoso's ResultSetMaxRows, or 1,048,576
    rows over HTTP whatever it is set to): a part of the rows would pass for all of them."""

    status = 422
    title = "Answer too large"
    type_slug = "answer-too-large"

    def __init__(self, rows: int | None) -> None:
        """``rows``: the server's cap, None when it did not say it as a number."""
        cap = f"returns at most {rows:,} rows per answer" if rows is not None else "limits the rows of an answer"
        super().__init__(f"the SPARQL server {cap} and cut this one short; ask for fewer rows (LIMIT and OFFSET)",
                         detail={"max_rows": rows})
        self.rows = rows


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


class StoreReadOnlyError(StoreError):
    """A write to a store opened read-only (beside the service that holds it)."""

    title = "Store read-only"
    type_slug = "store-read-only"


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
    challenge = "Bearer"  # the WWW-Authenticate header (RFC 6750)


class InvalidTokenError(AuthenticationError):
    """A bearer token that matches no token of this service (RFC 6750: 401, error="invalid_token")."""

    title = "Invalid token"
    type_slug = "invalid-token"
    challenge = 'Bearer error="invalid_token"'


class PermissionDeniedError(KmgraphError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"
    challenge = 'Bearer error="insufficient_scope"'


class TooLargeError(KmgraphError):
    """A body, query or text over its configured size."""

    status = 413
    title = "Content too large"
    type_slug = "too-large"


class NotAcceptableError(KmgraphError):
    status = 406
    title = "Not acceptable"
    type_slug = "not-acceptable"


class UnsupportedMediaTypeError(KmgraphError):
    status = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


class SparqlSyntaxError(InputError):
    title = "SPARQL syntax error"
    type_slug = "sparql-syntax"


class QueryRefusedError(KmgraphError):
    """SERVICE to an endpoint not allowed, or LOAD: kmgraph never fetches what a user names."""

    status = 403
    title = "Query refused"
    type_slug = "query-refused"


class QueryTimeout(KmgraphError):
    """The query overran its time limit and was stopped (a 4xx: the query, not the service, failed)."""

    status = 422
    title = "Query timeout"
    type_slug = "query-timeout"


class BusyError(KmgraphError):
    """Every slot for this kind of work is taken; the client should retry shortly."""

    status = 429
    title = "Too many concurrent requests"
    type_slug = "busy"


class NotReadyError(KmgraphError):
    """The work needs something the service is still preparing (a tagging model in training)."""

    status = 503
    title = "Not ready yet"
    type_slug = "not-ready"

    def __init__(self, message: str, *, retry_after: int, detail: dict | None = None) -> None:
        super().__init__(message, detail=detail)
        self.retry_after = retry_after


class RateLimitedError(KmgraphError):
    status = 429
    title = "Rate limit exceeded"
    type_slug = "rate-limited"


class RecordInvalidError(KmgraphError):
    status = 422
    title = "Invalid record"
    type_slug = "invalid-record"


class NoRecordError(InputError):
    """The body parsed but holds no record (no node with ``dcterms:type``): never "conforms"."""

    status = 422
    title = "No record found"
    type_slug = "no-record"


class RecordConflictError(KmgraphError):
    status = 409
    title = "Record exists"
    type_slug = "record-exists"


class RecordGoneError(KmgraphError):
    status = 410
    title = "Record deleted"
    type_slug = "record-deleted"


class GateRejectedError(KmgraphError):
    """A vocabulary version failed the quality gate; the report is in ``detail``."""

    status = 422
    exit_code = 1
    title = "Quality gate failed"
    type_slug = "quality-gate-failed"
