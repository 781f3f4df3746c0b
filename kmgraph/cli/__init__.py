"""The ``kmgraph`` command: one group, its subcommands in modules of their own (one concern each),
the options they share in ``options``. Each subcommand is a thin wrapper over the functions the API uses.
"""

from . import admin, curation, explore, service, tagging, validate  # noqa: F401  (they add their commands to main)
from .group import main

__all__ = ["main"]
