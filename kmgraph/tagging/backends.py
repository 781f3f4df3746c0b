"""The registry of tagging backends: the name a projects file gives, and a loader of the class behind it.

A backend's module is imported only when that backend is used, as Annif's registry does: the backends
pull in scikit-learn and SciPy (about 0.8 s), which every other ``kmgraph`` command can do without.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

from ..errors import ConfigError
from .base import Backend


def _lazy(module: str, name: str) -> Callable[[], type[Backend]]:
    """A loader of the class ``name`` in this package's ``module``, imported at the first call."""
    return lambda: getattr(importlib.import_module(f".{module}", __package__), name)


BACKENDS: dict[str, Callable[[], type[Backend]]] = {"kmgraph": _lazy("ensemble", "KmgraphBackend"),
                                                    "svc": _lazy("svc", "SvcBackend")}


def backend(name: str, params: Mapping[str, object] | None = None) -> Backend:
    """The backend ``name`` with the project's parameters (a ``ConfigError`` names what is wrong)."""
    if name not in BACKENDS:
        raise ConfigError(f"no tagging backend {name!r}; backends: {', '.join(BACKENDS)}")
    return BACKENDS[name]()(params)
