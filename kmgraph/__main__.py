"""``python -m kmgraph``: the same as the ``kmgraph`` console script."""

from .cli import main

main()
