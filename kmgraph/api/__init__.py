"""The HTTP face: FastAPI routers per capability over the same functions the CLI calls."""

from .app import create_app

__all__ = ["create_app"]
