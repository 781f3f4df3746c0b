"""The registry of tagging backends: the name a projects file gives, and a loader of the class behind it.

A backend's module is imported only when that backend is used, as Annif's registry does: the backends
pull in scikit-learn and SciPy (about 0.8 s), which every other ``kmgraph`` command can do without.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..errors import ConfigError
from .base import Backend


def _kmgraph() -> type[Backend]:
    from .ensemble import KmgraphBackend

    return KmgraphBackend


def _svc() -> type[Backend]:
    from .svc import SvcBackend

    return SvcBackend


BACKENDS: dict[str, Callable[[], type[Backend]]] = {"kmgraph": _kmgraph, "svc": _svc}


def backend(name: str, params: Mapping[str, object] | None = None) -> Backend:
    """The backend ``name`` with the project's parameters (a ``ConfigError`` names what is wrong)."""
    if name not in BACKENDS:
        raise ConfigError(f"no tagging backend {name!r}; backends: {', '.join(BACKENDS)}")
    return BACKENDS[name]()(params)
