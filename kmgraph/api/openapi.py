"""The OpenAPI document, with the error answers every operation really gives: RFC 9457 problems.

FastAPI documents a 422 with its own validation-error body; kmgraph answers every 4xx (422 included)
with ``application/problem+json``, so the document says so once for all operations.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.routing import Route

from .problems import MEDIA_TYPE

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; some problems add members (a validation report, the gate's findings).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "additionalProperties": True,
}
PROBLEM_RESPONSE = {"description": "The request was refused: an RFC 9457 problem naming why",
                    "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


class DocumentedRoute(Route):
    """A plain Starlette route that still appears in the OpenAPI document, with its operations
    written out (``{"get": {...}, "post": {...}}``).

    For the SPARQL protocol's hot paths: their handlers read the request themselves, and FastAPI's
    per-request dependency resolution and nested router matching would cost about as much as
    answering a small query.
    """

    def __init__(self, path: str, endpoint: Callable, *, operations: dict[str, dict], name: str | None = None) -> None:
        super().__init__(path, endpoint, methods=[m.upper() for m in operations], name=name)
        self.operations = operations


def install(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            for route in app.routes:
                if isinstance(route, DocumentedRoute):
                    schema.setdefault("paths", {}).setdefault(route.path, {}).update(deepcopy(route.operations))
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    responses = operation.setdefault("responses", {})
                    for status, answer in list(responses.items()):
                        if status.startswith("4"):  # FastAPI's "Validation Error" or an endpoint's own note
                            responses[status] = {**PROBLEM_RESPONSE, "description": answer.get("description")}
                    responses["4XX"] = PROBLEM_RESPONSE
            for unused in ("HTTPValidationError", "ValidationError"):
                schema["components"]["schemas"].pop(unused, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
