"""Every setting in one place: defaults, overridden by environment variables, overridden by flags.

The CLI builds a ``Settings`` from its flags with ``Settings.load(**flags)``; the HTTP app receives
the same object. Nothing else reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import ConfigError

ENV_PREFIX = "KMGRAPH_"
AUDIT_SUFFIX = ".audit.sqlite"


@dataclass(frozen=True)
class Settings:
    store: Path = Path("data/store")
    host: str = "127.0.0.1"
    port: int = 8000
    admin_token: str | None = field(default=None, repr=False)  # plain token with every right
    tokens: str = field(default="", repr=False)  # "name:role:sha256hex" entries (see kmgraph token)
    tokens_file: Path | None = None  # hashed tokens with roles; default beside the store
    log_level: str = "info"
    # SPARQL safety
    query_timeout: float = 30.0  # seconds; the worker running an overdue query is killed
    query_workers: int = max(2, 2 * (os.cpu_count() or 1))  # processes running user SPARQL: the cap on concurrent queries
    query_fast_lane: float = 0.1  # seconds: a query that finished within this on the current data runs again in-process (0: never)
    query_wait: float = 10.0  # seconds a request waits for a free query worker before 429
    row_cap: int = 10_000  # rows of an anonymous SELECT
    max_query_bytes: int = 100_000  # size of a query or update text
    max_url_bytes: int = 8_192  # longer GET URLs get 414 (use POST)
    service_allowlist: str = ""  # space-separated SERVICE endpoints that queries may call
    max_validate_bytes: int = 10 * 1024 * 1024  # body of POST /validate
    max_tag_chars: int = 100_000  # text of a tagging request
    max_body_bytes: int = 200 * 1024 * 1024  # vocabulary uploads and Graph Store writes
    # Load protection
    rate_limit: str = "50/second;1500/minute"  # per client address, for requests without a token; "off"
    rate_limit_token: str = "200/second"  # per token; "off" switches it off
    max_expensive: int = 4  # concurrent expensive requests (validation batches, loads, updates)
    # Remote backend (an existing SPARQL 1.1 server instead of the embedded store)
    sparql_endpoint: str | None = None
    sparql_update_endpoint: str | None = None
    graph_store_endpoint: str | None = None
    sparql_user: str | None = None
    sparql_password: str | None = field(default=None, repr=False)

    def beside_store(self, suffix: str) -> Path:
        """A file or folder next to the configured store path (tokens, audit log, versions)."""
        return self.store.with_name(self.store.name + suffix)

    @property
    def audit_path(self) -> Path:
        return self.beside_store(AUDIT_SUFFIX)

    @property
    def tokens_path(self) -> Path:
        return self.tokens_file or self.beside_store(".tokens.json")

    @property
    def allowed_services(self) -> frozenset[str]:
        return frozenset(self.service_allowlist.split())

    @classmethod
    def load(cls, **overrides: object) -> "Settings":
        """Defaults < ``KMGRAPH_*`` environment < explicit overrides (``None`` means not given)."""
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, f.type, raw)
        for name, value in overrides.items():
            if value is not None:
                values[name] = _coerce(name, next(f.type for f in fields(cls) if f.name == name), value)
        return replace(cls(), **values)


def _coerce(name: str, type_name: object, value: object) -> object:
    type_name = str(type_name)
    try:
        if "Path" in type_name:
            return Path(str(value)).expanduser()
        if type_name == "int":
            return int(value)  # type: ignore[arg-type]
        if type_name == "float":
            return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}: {value!r} is not a valid {type_name}") from exc
    return value
