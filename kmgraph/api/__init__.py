"""The HTTP API: FastAPI routers per capability over the same functions the CLI calls.

``kmgraph.app.create_app`` puts them together with the web interface.
"""
