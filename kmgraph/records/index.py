"""The retrieval index: an SQLite FTS5 database derived from the records in the store.

It holds, per record, what search and facets need (type, country, year, tags, the GBF targets the
tags imply, titles and summaries in every language) and can always be rebuilt from the store
(``kmgraph reindex``). Queries bind every user value as an SQL parameter.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  rid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, iri TEXT NOT NULL, type TEXT, country TEXT,
  year INTEGER, date TEXT, deleted INTEGER NOT NULL DEFAULT 0, titles TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tags (rid INTEGER NOT NULL, concept TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS targets (rid INTEGER NOT NULL, target TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tags_concept ON tags(concept, rid);
CREATE INDEX IF NOT EXISTS tags_rid ON tags(rid);
CREATE INDEX IF NOT EXISTS targets_target ON targets(target, rid);
CREATE INDEX IF NOT EXISTS targets_rid ON targets(rid);
CREATE INDEX IF NOT EXISTS records_type ON records(type);
CREATE INDEX IF NOT EXISTS records_country ON records(country);
CREATE INDEX IF NOT EXISTS records_year ON records(year);
CREATE INDEX IF NOT EXISTS records_date ON records(date DESC, id);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, summary, tokenize='unicode61 remove_diacritics 2');
"""


@dataclass
class IndexedRecord:
    id: str
    iri: str
    type: str | None
    country: str | None
    date: str | None
    titles: dict[str, str]
    summaries: dict[str, str]
    tags: list[str]
    targets: list[str]
    deleted: bool = False

    @property
    def year(self) -> int | None:
        m = re.match(r"-?(\d{4})", self.date or "")
        return int(m.group(1)) if m else None


@dataclass
class Query:
    concepts: list[set[str]] = field(default_factory=list)  # each set: any of these tags (AND across sets)
    text: str | None = None
    type: str | None = None
    country: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    offset: int = 0
    limit: int = 20


class RetrievalIndex:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA +
                               "CREATE TEMP TABLE hits (rid INTEGER PRIMARY KEY);")
        self._lock = threading.Lock()
        self._facet_cache: dict | None = None

    # writing -----------------------------------------------------------------------------------

    def upsert(self, records: list[IndexedRecord]) -> None:
        with self._lock, self._db:
            for r in records:
                row = self._db.execute("SELECT rid FROM records WHERE id = ?", (r.id,)).fetchone()
                if row:
                    self._delete_rows(row[0])
                cur = self._db.execute(
                    "INSERT INTO records (id, iri, type, country, year, date, deleted, titles) VALUES (?,?,?,?,?,?,?,?)",
                    (r.id, r.iri, r.type, r.country, r.year, r.date, int(r.deleted), json.dumps(r.titles)))
                rid = cur.lastrowid
                self._db.executemany("INSERT INTO tags VALUES (?, ?)", [(rid, t) for t in dict.fromkeys(r.tags)])
                self._db.executemany("INSERT INTO targets VALUES (?, ?)", [(rid, t) for t in dict.fromkeys(r.targets)])
                self._db.execute("INSERT INTO fts (rowid, title, summary) VALUES (?, ?, ?)",
                                 (rid, " ".join(r.titles.values()), " ".join(r.summaries.values())))
            self._facet_cache = None

    def _delete_rows(self, rid: int) -> None:
        for table in ("tags", "targets"):
            self._db.execute(f"DELETE FROM {table} WHERE rid = ?", (rid,))
        self._db.execute("DELETE FROM fts WHERE rowid = ?", (rid,))
        self._db.execute("DELETE FROM records WHERE rid = ?", (rid,))

    def clear(self) -> None:
        with self._lock, self._db:
            for table in ("tags", "targets", "records", "fts"):
                self._db.execute(f"DELETE FROM {table}")
            self._facet_cache = None

    def count(self, *, with_deleted: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM records" + ("" if with_deleted else " WHERE deleted = 0")
        return self._db.execute(sql).fetchone()[0]

    # searching ---------------------------------------------------------------------------------

    def search(self, q: Query) -> tuple[int, list[dict], dict[str, dict[str, int]]]:
        where, params = ["r.deleted = 0"], []
        for concepts in q.concepts:
            marks = ",".join("?" * len(concepts))
            where.append(f"r.rid IN (SELECT rid FROM tags WHERE concept IN ({marks}))")
            params += sorted(concepts)
        if q.text:
            where.append("r.rid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(fts_query(q.text))
        for column, value in (("type", q.type), ("country", q.country)):
            if value:
                where.append(f"r.{column} = ?")
                params.append(value)
        if q.year_from is not None:
            where.append("r.year >= ?")
            params.append(q.year_from)
        if q.year_to is not None:
            where.append("r.year <= ?")
            params.append(q.year_to)
        clause = " AND ".join(where)
        unfiltered = len(where) == 1
        with self._lock:
            # The hits once, into a temporary table that the count, the page and every facet read.
            self._db.execute("DELETE FROM temp.hits")
            total = self._db.execute(f"INSERT INTO temp.hits SELECT r.rid FROM records r WHERE {clause}",
                                     params).rowcount
            rows = self._db.execute(
                "SELECT r.rid, r.id, r.iri, r.type, r.country, r.date, r.titles FROM records r "
                "WHERE r.rid IN (SELECT rid FROM temp.hits) ORDER BY r.date DESC, r.id LIMIT ? OFFSET ?",
                [q.limit, q.offset]).fetchall()
            tags = self._tags_of([row[0] for row in rows])
            facets = self._facets(cached=unfiltered)
        hits = [{"rid": rid, "id": id_, "uri": iri, "type": type_, "country": country, "date": date,
                 "titles": json.loads(titles), "tags": tags.get(rid, [])}
                for rid, id_, iri, type_, country, date, titles in rows]
        return total, hits, facets

    def _tags_of(self, rids: list[int]) -> dict[int, list[str]]:
        if not rids:
            return {}
        out: dict[int, list[str]] = {}
        marks = ",".join("?" * len(rids))
        for rid, concept in self._db.execute(f"SELECT rid, concept FROM tags WHERE rid IN ({marks})", rids):
            out.setdefault(rid, []).append(concept)
        return out

    def _facets(self, *, cached: bool) -> dict[str, dict[str, int]]:
        """Counts per type, country, year and GBF target over the hits of the last search."""
        if cached and self._facet_cache is not None:
            return self._facet_cache
        facets: dict[str, dict[str, int]] = {"type": {}, "country": {}, "year": {}}
        for type_, country, year, n in self._db.execute(
                "SELECT type, country, year, COUNT(*) FROM temp.hits h JOIN records r ON r.rid = h.rid "
                "GROUP BY type, country, year"):
            for name, value in (("type", type_), ("country", country), ("year", year)):
                if value is not None:
                    facets[name][str(value)] = facets[name].get(str(value), 0) + n
        facets["target"] = {t: n for t, n in self._db.execute(
            "SELECT target, COUNT(*) FROM temp.hits h JOIN targets t ON t.rid = h.rid GROUP BY target")}
        if cached:
            self._facet_cache = facets
        return facets

    def close(self) -> None:
        self._db.close()


def fts_query(text: str) -> str:
    """User text as an FTS5 query: every word must match (as a prefix); no FTS syntax gets through."""
    words = re.findall(r"\w+", text)
    if not words:
        return '""'
    return " AND ".join(f'"{w}"*' for w in words[:20])
