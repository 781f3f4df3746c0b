"""The audit log: one row per write attempt (who, role, what, when, result), in SQLite beside the store.

Kept apart from the RDF store so that a refused write leaves the store byte-for-byte unchanged, and
so that the log survives a restore of the store from a backup. Rows are only ever appended.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import KmgraphError
from .roles import Actor

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    client TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    status INTEGER NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
"""
COLUMNS = ("id", "at", "actor", "role", "client", "action", "target", "status", "result")


def result_of(status: int) -> str:
    """A word for an HTTP status (or a CLI outcome mapped to one)."""
    if status < 400:
        return "ok"
    if status in (401, 403):
        return "denied"
    if status < 500:
        return "rejected"
    return "error"


class AuditLog:
    def __init__(self, path: Path | None) -> None:
        """``None`` keeps the log in memory (tests, a store in memory)."""
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, isolation_level=None)
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def record(self, *, actor: str, role: str, client: str, action: str, target: str, status: int) -> None:
        at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
        with self._lock:
            self._db.execute("INSERT INTO audit (at, actor, role, client, action, target, status, result) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (at, actor, role, client, action, target[:2000], status, result_of(status)))

    def entries(self, *, since: str | None = None, actor: str | None = None, result: str | None = None,
                limit: int = 100, offset: int = 0) -> list[dict]:
        """Newest first, filtered; ``since`` is an ISO date or date-time (UTC)."""
        where, params = [], []
        for column, op, value in (("at", ">=", since), ("actor", "=", actor), ("result", "=", result)):
            if value:
                where.append(f"{column} {op} ?")
                params.append(value)
        sql = f"SELECT {', '.join(COLUMNS)} FROM audit"
        sql += (" WHERE " + " AND ".join(where)) if where else ""
        sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(sql, (*params, limit, offset)).fetchall()
        return [dict(zip(COLUMNS, row)) for row in rows]

    def backup(self, target: Path) -> None:
        """A consistent copy while the service runs (SQLite's online backup)."""
        with self._lock, sqlite3.connect(str(target)) as out:
            self._db.backup(out)

    def close(self) -> None:
        self._db.close()


@dataclass
class Outcome:
    """The status an audited command ends with (HTTP numbering); the command may set it."""

    status: int = 200


@contextmanager
def audited(log: AuditLog, actor: Actor, action: str, target: str = "") -> Iterator[Outcome]:
    """Audit a write made outside HTTP (the CLI): the row is written whatever happens."""
    outcome = Outcome()
    try:
        yield outcome
    except KmgraphError as exc:
        outcome.status = exc.status
        raise
    except BaseException:
        outcome.status = 500
        raise
    finally:
        log.record(actor=actor.name, role=actor.role, client=actor.client, action=action, target=target,
                   status=outcome.status)
