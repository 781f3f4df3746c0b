"""Every setting in one place, typed and bounded (pydantic-settings).

Defaults, overridden by a ``.env`` file (``KMGRAPH_ENV_FILE`` names another), overridden by
``KMGRAPH_*`` environment variables, overridden by command-line flags: the CLI builds a ``Settings``
from its flags with ``Settings.load(**flags)`` and the HTTP app receives the same object. Nothing
else reads the environment. The README's table of settings is generated from these fields
(``make settings-table``; a test checks it).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

ENV_PREFIX = "KMGRAPH_"
AUDIT_SUFFIX = ".audit.sqlite"
MB = 1024 * 1024


def _setting(default: object = None, *, doc: str, flag: str = "", secret: bool = False, shown: str | None = None,
             **bounds: object) -> object:
    """A field with what the README's table says of it: ``doc``, the CLI ``flag``, the default ``shown``;
    a ``secret`` never appears in a repr."""
    return Field(default, description=doc, json_schema_extra={"flag": flag, "shown": shown}, repr=not secret,
                 **bounds)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore", frozen=True,
                                      validate_default=True)

    store: Path = _setting(Path("data/store"), doc="store directory", flag="--store")
    host: str = _setting("127.0.0.1", doc="listen address", flag="--host")
    port: int = _setting(8000, doc="listen port", flag="--port", ge=1, le=65535)
    admin_token: str | None = _setting(doc="admin bearer token (every right)", secret=True, shown="unset")
    make_admin_token: bool = _setting(True, doc="on the first start without any admin token, make one and show it once")
    token: str | None = _setting(doc="bearer token the CLI sends when a running service holds the store and the "
                                     "write goes through it (a curator's or admin's; else KMGRAPH_ADMIN_TOKEN)",
                                 secret=True, shown="unset")
    tokens: str = _setting("", doc="tokens by digest (`name:role:sha256hex ...`)", secret=True, shown="none")
    tokens_file: Path | None = _setting(doc="tokens file (`kmgraph token create`)", flag="--tokens-file",
                                        shown="`<store>.tokens.json`")
    log_level: str = _setting("info", doc="log level of the HTTP server", pattern=r"^(critical|error|warning|info|debug|trace)$")
    train_at_start: bool = _setting(True, doc="train the tagging projects ahead: `kmgraph init` trains them, the "
                                              "service trains any without a current model in the background as "
                                              "it starts (else each trains on first use, which then waits)")
    projects_file: Path | None = _setting(doc="tagging projects (TOML, as Annif's projects.toml: vocabulary, languages, "
                                                "backend and its parameters per project)", flag="--projects",
                                            shown="the bundled `ontology/training/projects.toml`")
    http_stack: str = _setting("fast", doc="HTTP server internals: `fast` (uvloop event loop, httptools parser) or "
                                           "`standard` (asyncio, h11)", pattern=r"^(fast|standard)$")
    # SPARQL safety
    query_timeout: float = _setting(30.0, doc="query time limit (s); the worker running an overdue query is killed",
                                    gt=0, le=86_400)
    query_workers: int = _setting(max(2, 2 * (os.cpu_count() or 1)), doc="query worker processes (cap on concurrent queries)",
                                  shown="2 x CPUs", ge=0, le=512)
    query_fast_lane: float = _setting(0.1, doc="repeat in-process a query that finished within (s; 0: never)", ge=0, le=10)
    query_wait: float = _setting(10.0, doc="seconds a request waits for a free query worker before 429", ge=0, le=600)
    row_cap: int = _setting(10_000, doc="rows of an anonymous SELECT", ge=1)
    page_size: int = _setting(100, doc="rows per page of a named query when no `limit` is given", ge=1)
    max_page_size: int = _setting(10_000, doc="largest `limit` a named query accepts", ge=1)
    max_query_bytes: int = _setting(100_000, doc="query or update text size (bytes)", ge=100)
    max_url_bytes: int = _setting(8_192, doc="GET URL length (bytes); longer gets 414 (use POST)", ge=256)
    service_allowlist: str = _setting("", doc="SERVICE endpoints queries may call (space-separated)", shown="none")
    max_validate_bytes: int = _setting(10 * MB, doc="body of `POST /validate` (bytes)", shown="10 MB", ge=1024)
    max_tag_chars: int = _setting(100_000, doc="text of a tagging request (characters)", ge=100)
    max_body_bytes: int = _setting(200 * MB, doc="body of vocabulary uploads and Graph Store writes (bytes)",
                                   shown="200 MB", ge=1024)
    # Load protection
    rate_limit: str = _setting("50/second;1500/minute", doc="rate limit per client address without a token (`off`)")
    rate_limit_token: str = _setting("200/second", doc="rate limit per token (`off`)")
    rate_limit_storage: str = _setting("memory://", doc="where rate-limit counters live, shared by every worker "
                                       "(`redis://host:6379`, `memcached://host:11211`; see the limits package)")
    max_expensive: int = _setting(4, doc="concurrent expensive requests (validation batches, loads, updates)", ge=1, le=256)
    # Remote backend (an existing SPARQL 1.1 server instead of the embedded store)
    sparql_endpoint: str | None = _setting(doc="remote SPARQL server (query endpoint)", flag="--sparql-endpoint",
                                           shown="unset: embedded store")
    sparql_update_endpoint: str | None = _setting(doc="its update endpoint", shown="the query endpoint")
    graph_store_endpoint: str | None = _setting(doc="its Graph Store Protocol endpoint", shown="`.../sparql-graph-crud` beside it")
    sparql_user: str | None = _setting(doc="user for the remote server (HTTP digest)", shown="unset")
    sparql_password: str | None = _setting(doc="its password", secret=True, shown="unset")

    @field_validator("store", "tokens_file", mode="after")
    @classmethod
    def _home(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    def beside_store(self, suffix: str) -> Path:
        """A file or folder next to the configured store path (tokens, audit log, versions)."""
        return self.store.with_name(self.store.name + suffix)

    @property
    def remote_home(self) -> Path | None:
        """With a remote SPARQL server: the local path, one per endpoint and apart from an embedded
        store's, beside which kmgraph keeps what it derives from the server's data (the retrieval index)."""
        if not self.sparql_endpoint:
            return None
        return self.beside_store(".remote-" + hashlib.sha256(self.sparql_endpoint.encode()).hexdigest()[:12])

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
    def load(cls, **overrides: object) -> Settings:
        """Defaults < ``.env`` < ``KMGRAPH_*`` environment < explicit overrides (``None`` means not given)."""
        given = {name: value for name, value in overrides.items() if value is not None}
        try:
            return cls(_env_file=os.environ.get(ENV_PREFIX + "ENV_FILE", ".env"), **given)
        except ValidationError as exc:
            problems = "; ".join(f"{ENV_PREFIX}{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                                 f" (got {e.get('input')!r})" for e in exc.errors())
            raise ConfigError(f"invalid setting: {problems}") from exc


def markdown_table() -> str:
    """The README's table of settings, from the fields themselves."""
    rows = ["| setting | flag | environment | default |", "|---|---|---|---|"]
    for name, info in Settings.model_fields.items():
        extra = info.json_schema_extra or {}
        shown = extra.get("shown")
        if shown is None:
            default = info.get_default(call_default_factory=True)
            shown = ("unset" if default is None else "none" if default == "" else
                     f"`{str(default).lower()}`" if isinstance(default, bool) else f"`{default}`")
        flag = f"`{extra['flag']}`" if extra.get("flag") else ""
        rows.append(f"| {info.description} | {flag} | `{ENV_PREFIX}{name.upper()}` | {shown} |")
    return "\n".join(rows) + "\n"
