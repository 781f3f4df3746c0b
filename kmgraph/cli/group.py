"""The ``kmgraph`` command group; the subcommand modules add their commands to it."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kmgraph")
def main() -> None:
    """kmgraph: knowledge graph and ontology service for the CBD biodiversity vocabularies."""
