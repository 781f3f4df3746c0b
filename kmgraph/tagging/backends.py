"""The registry of tagging backends: the name a projects file gives, and the class behind it."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ConfigError
from .base import Backend
from .ensemble import KmgraphBackend
from .svc import SvcBackend

BACKENDS: dict[str, type[Backend]] = {b.id: b for b in (KmgraphBackend, SvcBackend)}


def backend(name: str, params: Mapping[str, object] | None = None) -> Backend:
    """The backend ``name`` with the project's parameters (a ``ConfigError`` names what is wrong)."""
    if name not in BACKENDS:
        raise ConfigError(f"no tagging backend {name!r}; backends: {', '.join(BACKENDS)}")
    return BACKENDS[name](params)
