"""Query parameters checked strictly: a misspelt or unknown filter is a 422, never silently ignored."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant

from ..errors import InvalidParameterError

ALWAYS = frozenset({"format", "lang"})  # read from the request by content negotiation and i18n


def _names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _names(sub)
    return names


def declared_only(request: Request) -> None:
    """Refuse query parameters the endpoint does not declare, naming them and the ones it takes."""
    route = request.scope.get("route")
    declared = _names(route.dependant) | ALWAYS
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        raise InvalidParameterError(
            f"unknown query parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"this endpoint takes {', '.join(sorted(declared))}", detail={"unknown": unknown})
