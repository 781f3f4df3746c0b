"""Bearer tokens with roles, stored hashed, compared in constant time.

Tokens come from a JSON file (``kmgraph token create`` writes it; re-read when it changes, so a new
token works without a restart), from ``KMGRAPH_TOKENS`` (``name:role:sha256hex`` entries, for
containers) and from ``KMGRAPH_ADMIN_TOKEN`` (plain, named ``admin``). Only SHA-256 digests are kept:
tokens are 256-bit random strings, so a fast digest is enough and a stolen file reveals none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, InputError
from .roles import ROLES

TOKEN_PREFIX = "kmg_"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


@dataclass(frozen=True)
class TokenEntry:
    name: str
    role: str
    digest: str  # hex SHA-256 of the token
    created: str = ""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_env_tokens(text: str) -> list[TokenEntry]:
    """``name:role:sha256hex`` entries separated by whitespace, commas or semicolons."""
    entries = []
    for item in re.split(r"[\s,;]+", text.strip()):
        if not item:
            continue
        parts = item.split(":")
        if len(parts) != 3 or parts[1] not in ROLES or not re.fullmatch(r"[0-9a-f]{64}", parts[2]):
            raise ConfigError(f"KMGRAPH_TOKENS entry {parts[0]!r} is not name:role:sha256hex with a role in {sorted(ROLES)}")
        entries.append(TokenEntry(parts[0], parts[1], parts[2]))
    return entries


class TokenRegistry:
    """Resolves a presented token to its entry; thread-safe; re-reads the file when it changes."""

    def __init__(self, path: Path | None, env_tokens: str = "", admin_token: str | None = None) -> None:
        self.path = path
        self._fixed = parse_env_tokens(env_tokens)
        if admin_token:
            self._fixed.append(TokenEntry("admin", "admin", digest(admin_token)))
        self._file_entries: list[TokenEntry] = []
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    # reading -----------------------------------------------------------------------------------

    def entries(self) -> list[TokenEntry]:
        return self._fixed + self._from_file()

    def authenticate(self, token: str) -> TokenEntry | None:
        """The entry whose digest matches; every entry is compared so timing reveals nothing."""
        presented = digest(token)
        found = None
        for entry in self.entries():
            if hmac.compare_digest(presented, entry.digest):
                found = entry
        return found

    def _from_file(self) -> list[TokenEntry]:
        if self.path is None:
            return []
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return []
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._file_entries = self._read(self.path)
                self._stamp = stamp
            return self._file_entries

    @staticmethod
    def _read(path: Path) -> list[TokenEntry]:
        try:
            data = json.loads(path.read_text("utf-8"))
            return [TokenEntry(e["name"], e["role"], e["sha256"], e.get("created", "")) for e in data["tokens"]
                    if e["role"] in ROLES]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"tokens file {path} is unreadable: {exc}") from exc

    # writing (the CLI) -------------------------------------------------------------------------

    def create(self, name: str, role: str) -> str:
        """Mint a token, store its digest in the file and return the token (shown once)."""
        if role not in ROLES:
            raise InputError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        if not NAME_PATTERN.match(name):
            raise InputError("a token name is 1-64 letters, digits, '.', '_', '@' or '-'")
        if self.path is None:
            raise ConfigError("no tokens file configured (KMGRAPH_TOKENS_FILE)")
        if any(e.name == name for e in self.entries()):
            raise InputError(f"a token named {name!r} exists; revoke it first or choose another name")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._save(self._from_file() + [TokenEntry(name, role, digest(token), created)])
        return token

    def has_role(self, role: str) -> bool:
        return any(e.role == role for e in self.entries())

    def revoke(self, name: str) -> bool:
        kept = [e for e in self._from_file() if e.name != name]
        if len(kept) == len(self._from_file()):
            return False
        self._save(kept)
        return True

    def _save(self, entries: list[TokenEntry]) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"tokens": [{"name": e.name, "role": e.role, "sha256": e.digest, "created": e.created} for e in entries]}
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
