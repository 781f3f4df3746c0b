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
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PENDING_LIMIT = 1000  # records added since the columns were built, before they are rebuilt
WORD_MASKS = 32  # the records matching the most recent full-text queries, kept until the next write
SCHEMA_VERSION = 2  # an index written with another version is rebuilt at the next start (2: places)

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  rid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, iri TEXT NOT NULL, type TEXT, country TEXT,
  year INTEGER, date TEXT, deleted INTEGER NOT NULL DEFAULT 0, titles TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tags (rid INTEGER NOT NULL, concept TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS targets (rid INTEGER NOT NULL, target TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS places (rid INTEGER NOT NULL, place TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tags_concept ON tags(concept, rid);
CREATE INDEX IF NOT EXISTS tags_rid ON tags(rid);
CREATE INDEX IF NOT EXISTS targets_target ON targets(target, rid);
CREATE INDEX IF NOT EXISTS targets_rid ON targets(rid);
CREATE INDEX IF NOT EXISTS places_place ON places(place, rid);
CREATE INDEX IF NOT EXISTS places_rid ON places(rid);
CREATE INDEX IF NOT EXISTS records_type ON records(type);
CREATE INDEX IF NOT EXISTS records_country ON records(country);
CREATE INDEX IF NOT EXISTS records_year ON records(year);
CREATE INDEX IF NOT EXISTS records_date ON records(date DESC, id);
CREATE INDEX IF NOT EXISTS records_newest ON records(date DESC, iri);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
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
    places: list[str] = field(default_factory=list)  # every dcterms:spatial IRI (``country``: the first's notation)

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
        self._db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA)
        self._lock = threading.Lock()
        self._view: "_Columns | None" = None
        # Someone refining a search (a facet, a target, the next page) repeats its words: reading
        # the 400,000 matches of a common word among 1,000,000 records costs most of a search.
        self._words: OrderedDict[str, np.ndarray] = OrderedDict()

    # writing -----------------------------------------------------------------------------------

    def upsert(self, records: list[IndexedRecord], *, writes: int | None = None) -> None:
        """Add or replace ``records``; ``writes``: the store's record-write sequence these records
        bring the index to, kept in the same SQLite transaction."""
        with self._lock, self._db:
            self._words.clear()
            if writes is not None:
                self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                     [("writes", writes), ("schema", SCHEMA_VERSION)])
            for r in records:
                row = self._db.execute("SELECT rid FROM records WHERE id = ?", (r.id,)).fetchone()
                if row:
                    self._delete_rows(row[0])
                    if self._view is not None:
                        self._view.remove(row[0])
                cur = self._db.execute(
                    "INSERT INTO records (id, iri, type, country, year, date, deleted, titles) VALUES (?,?,?,?,?,?,?,?)",
                    (r.id, r.iri, r.type, r.country, r.year, r.date, int(r.deleted), json.dumps(r.titles)))
                rid = cur.lastrowid
                self._db.executemany("INSERT INTO tags VALUES (?, ?)", [(rid, t) for t in dict.fromkeys(r.tags)])
                self._db.executemany("INSERT INTO targets VALUES (?, ?)", [(rid, t) for t in dict.fromkeys(r.targets)])
                self._db.executemany("INSERT INTO places VALUES (?, ?)", [(rid, p) for p in dict.fromkeys(r.places)])
                self._db.execute("INSERT INTO fts (rowid, title, summary) VALUES (?, ?, ?)",
                                 (rid, " ".join(r.titles.values()), " ".join(r.summaries.values())))
                if self._view is not None:
                    self._view.add(rid, r)
            if self._view is not None and len(self._view.pending) > PENDING_LIMIT:
                self._view = None  # rebuilt, newest first, at the next search

    def _delete_rows(self, rid: int) -> None:
        for table in ("tags", "targets", "places"):
            self._db.execute(f"DELETE FROM {table} WHERE rid = ?", (rid,))
        self._db.execute("DELETE FROM fts WHERE rowid = ?", (rid,))
        self._db.execute("DELETE FROM records WHERE rid = ?", (rid,))

    def clear(self) -> None:
        with self._lock, self._db:
            for table in ("tags", "targets", "places", "records", "fts", "meta"):
                self._db.execute(f"DELETE FROM {table}")
            self._view = None
            self._words.clear()

    def count(self, *, with_deleted: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM records" + ("" if with_deleted else " WHERE deleted = 0")
        return self._db.execute(sql).fetchone()[0]

    def writes(self) -> int | None:
        """The record-write sequence the index has followed (None: it never followed one, or it was
        written by a version of kmgraph that kept other columns, so a start rebuilds it)."""
        meta = dict(self._db.execute("SELECT key, value FROM meta WHERE key IN ('writes', 'schema')").fetchall())
        return meta.get("writes") if meta.get("schema") == SCHEMA_VERSION else None

    # searching ---------------------------------------------------------------------------------

    def search(self, q: Query) -> tuple[int, list[dict], dict[str, dict[str, int]]]:
        """Hits of ``q`` (newest first), their number and facets. SQLite finds the records with the
        tags and words asked for; the other filters, the order and the facets work on the columns
        of ``_Columns`` in memory."""
        with self._lock:
            view = self._columns()
            mask = view.live.copy()
            for concepts in q.concepts:
                mask &= view.tagged(concepts)
            if q.text:
                mask &= self._matching(view, fts_query(q.text))
            if q.type:
                mask &= view.type == view.types.get(q.type, -2)
            if q.country:
                mask &= view.country == view.countries.get(q.country, -2)
            if q.year_from is not None:
                mask &= view.year >= q.year_from
            if q.year_to is not None:
                mask &= (view.year <= q.year_to) & (view.year > 0)
            page = self._first(view, view.order, mask, q.offset, q.limit, "id")
            rows = self._rows(page)
            tags = self._tags_of(page)
            facets = view.facets(mask)
        hits = [{"rid": rid, "id": id_, "uri": iri, "type": type_, "country": country, "date": date,
                 "titles": json.loads(titles), "tags": tags.get(rid, [])}
                for rid, id_, iri, type_, country, date, titles in (rows[rid] for rid in page)]
        return int(mask.sum()), hits, facets

    def newest(self, tags: list[str], count: int, places: list[str] | None = None) -> list[str]:
        """IRIs of the ``count`` newest records that are not deleted and carry one of ``tags`` (and,
        with ``places``, have one of them as dcterms:spatial): by date descending (the lexical form:
        the order of xsd:date and xsd:dateTime values without time zones), missing dates last, then
        by IRI, the order of ``ORDER BY DESC(?date) ?record``. From the in-memory columns, as a
        search: in SQL, every record with one of the tags was sorted for each page."""
        if not tags or count <= 0 or places == []:
            return []
        with self._lock:
            view = self._columns()
            mask = view.live & view.tagged(set(tags))
            if places is not None:
                mask &= view.placed(set(places))
            page = self._first(view, view.newest, mask, 0, count, "iri")
            rows = self._rows(page)
        return [rows[rid][2] for rid in page]

    def _first(self, view: "_Columns", order: np.ndarray, mask: np.ndarray, offset: int, limit: int,
               tie: str) -> list[int]:
        """Rids of one page, newest first (``order``: the rids by date descending, then by the column
        ``tie``); records added since the columns were built are merged in."""
        ordered = order[mask[order]]
        recent = [rid for rid in view.pending if mask[rid]]
        if not recent:
            return [int(rid) for rid in ordered[offset:offset + limit]]
        candidates = [int(rid) for rid in ordered[:offset + limit]] + recent
        marks = ",".join("?" * len(candidates))
        keys = self._db.execute(f"SELECT rid, date, {tie} FROM records WHERE rid IN ({marks})", candidates).fetchall()
        keys.sort(key=lambda k: k[2])  # ``tie`` ascending, then date descending (stable), missing dates last
        keys.sort(key=lambda k: k[1] or "", reverse=True)
        return [k[0] for k in keys][offset:offset + limit]

    def _matching(self, view: "_Columns", words: str) -> np.ndarray:
        """The mask of the records matching the FTS query ``words`` (read only: it may be cached)."""
        if words in self._words:
            self._words.move_to_end(words)
            return self._words[words]
        found = view.select(self._db.execute("SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?",
                                             [words]).fetchone()[0])
        self._words[words] = found
        if len(self._words) > WORD_MASKS:
            self._words.popitem(last=False)
        return found

    def warm(self) -> threading.Thread:
        """Build the in-memory columns in the background, so that the first search or named query
        over records after a start does not wait for them (2.3 s for 1,000,000 records)."""
        thread = threading.Thread(target=self._warm, name="retrieval-index-columns", daemon=True)
        thread.start()
        return thread

    def _warm(self) -> None:
        with self._lock:
            try:
                self._columns()
            except sqlite3.ProgrammingError:  # closed meanwhile: nothing to warm
                pass

    def _columns(self) -> "_Columns":
        if self._view is None:
            self._view = _Columns(self._db)
        return self._view

    def _rows(self, rids: list[int]) -> dict[int, tuple]:
        if not rids:
            return {}
        marks = ",".join("?" * len(rids))
        return {row[0]: row for row in self._db.execute(
            f"SELECT rid, id, iri, type, country, date, titles FROM records WHERE rid IN ({marks})", rids)}

    def _tags_of(self, rids: list[int]) -> dict[int, list[str]]:
        if not rids:
            return {}
        out: dict[int, list[str]] = {}
        marks = ",".join("?" * len(rids))
        for rid, concept in self._db.execute(f"SELECT rid, concept FROM tags WHERE rid IN ({marks})", rids):
            out.setdefault(rid, []).append(concept)
        return out

    def close(self) -> None:
        with self._lock:
            self._db.close()


def fts_query(text: str) -> str:
    """User text as an FTS5 query: every word must match (as a prefix); no FTS syntax gets through."""
    words = re.findall(r"\w+", text)
    if not words:
        return '""'
    return " AND ".join(f'"{w}"*' for w in words[:20])


def _rids(db: sqlite3.Connection, sql: str) -> np.ndarray:
    """The rids that ``sql`` returns, in its order (group_concat would not promise to keep it)."""
    return np.fromiter((row[0] for row in db.execute(sql)), dtype=np.int64)


def _rids_in(text: str | None) -> np.ndarray:
    """The rids of one ``group_concat`` string."""
    return np.fromstring(text or "", dtype=np.int32, sep=",")


def _lists(db: sqlite3.Connection, sql: str) -> list[tuple]:
    """(value, its rids) for each row of ``sql``, which gives a value and a ``group_concat`` of rids."""
    return [(value, _rids_in(rids)) for value, rids in db.execute(sql)]


def _coded(db: sqlite3.Connection, size: int, sql: str) -> tuple[dict[str, int], np.ndarray]:
    """A column of small codes by rid (-1: none) and the code of each value, from ``_lists(sql)``."""
    codes = np.full(size, -1, dtype=np.int32)
    names: dict[str, int] = {}
    for name, rids in _lists(db, sql):
        codes[rids] = names.setdefault(name, len(names))
    return names, codes


class _Columns:
    """Per-record type, country, year, liveness and GBF targets as arrays indexed by rid, the rids
    newest first, and per tag the rids that carry it: filtering, ordering and counting facets over
    100,000s of hits takes milliseconds. Derived from the SQLite tables; writes update it in place
    (new records wait in ``pending``, with their tags, for the order and the tag lists, which are
    rebuilt once they are many)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        # Each column is read as one group_concat of rids per value and set by numpy: a Python loop
        # over a row per record took 4.1 s for 1,000,000 records.
        size = (db.execute("SELECT max(rid) FROM records").fetchone()[0] or 0) + 1
        self.live = np.zeros(size, dtype=bool)
        self.live[_rids_in(db.execute("SELECT group_concat(rid) FROM records WHERE deleted = 0").fetchone()[0])] = True
        self.year = np.zeros(size, dtype=np.int32)
        for year, rids in _lists(db, "SELECT year, group_concat(rid) FROM records WHERE year IS NOT NULL GROUP BY year"):
            self.year[rids] = year
        self.types, self.type = _coded(db, size, "SELECT type, group_concat(rid) FROM records "
                                                 "WHERE type IS NOT NULL GROUP BY type")
        self.countries, self.country = _coded(db, size, "SELECT country, group_concat(rid) FROM records "
                                                         "WHERE country IS NOT NULL GROUP BY country")
        self.order = _rids(db, "SELECT rid FROM records ORDER BY date DESC, id")
        # The order of the named queries over records: ORDER BY DESC(?date) ?record.
        self.newest = _rids(db, "SELECT rid FROM records ORDER BY date DESC, iri")
        self.pending: dict[int, IndexedRecord] = {}  # rids added since: not in the orders and lists yet
        # Read once here, a tag search costs no SQL: the first search for a tag on 1,000,000 records
        # read its index pages cold. A rid in ``pending`` may be a reused one with stale entries.
        self.tag_rids = dict(_lists(db, "SELECT concept, group_concat(rid) FROM tags GROUP BY concept"))
        self.place_rids = dict(_lists(db, "SELECT place, group_concat(rid) FROM places GROUP BY place"))
        by_target = _lists(db, "SELECT target, group_concat(rid) FROM targets GROUP BY target")
        self.target_names = {target: code for code, (target, _) in enumerate(by_target)}
        self.targets = np.zeros((size, max(len(by_target), 1)), dtype=np.uint8)
        for code, (_, rids) in enumerate(by_target):
            self.targets[rids, code] = 1

    def _room(self, rid: int) -> None:
        if rid >= len(self.live):
            grow = max(rid + 1, 2 * len(self.live)) - len(self.live)
            self.live = np.concatenate([self.live, np.zeros(grow, dtype=bool)])
            self.year = np.concatenate([self.year, np.zeros(grow, dtype=np.int32)])
            self.type = np.concatenate([self.type, np.full(grow, -1, dtype=np.int32)])
            self.country = np.concatenate([self.country, np.full(grow, -1, dtype=np.int32)])
            self.targets = np.concatenate([self.targets, np.zeros((grow, self.targets.shape[1]), dtype=np.uint8)])

    def remove(self, rid: int) -> None:
        """A record replaced or gone: out of every filter and facet."""
        if rid < len(self.live):
            self.live[rid] = False
            self.targets[rid] = 0

    def add(self, rid: int, record: IndexedRecord) -> None:
        """A record written since the columns were built (kept in ``pending`` for the order)."""
        self._room(rid)
        self.live[rid] = not record.deleted
        self.year[rid] = record.year or 0
        if record.type is not None:
            self.type[rid] = self.types.setdefault(record.type, len(self.types))
        if record.country is not None:
            self.country[rid] = self.countries.setdefault(record.country, len(self.countries))
        for target in dict.fromkeys(record.targets):
            code = self.target_names.setdefault(target, len(self.target_names))
            if code >= self.targets.shape[1]:
                self.targets = np.concatenate([self.targets, np.zeros((len(self.live), 1), dtype=np.uint8)], axis=1)
            self.targets[rid, code] = 1
        self.pending[rid] = record

    def tagged(self, concepts: set[str]) -> np.ndarray:
        """A mask of the records that carry any of ``concepts``."""
        return self._having(self.tag_rids, concepts, lambda r: r.tags)

    def placed(self, places: set[str]) -> np.ndarray:
        """A mask of the records about any of ``places`` (dcterms:spatial IRIs)."""
        return self._having(self.place_rids, places, lambda r: r.places)

    def _having(self, lists: dict[str, np.ndarray], keys: set[str], of: Callable[[IndexedRecord], list[str]]) -> np.ndarray:
        mask = np.zeros(len(self.live), dtype=bool)
        found = [lists[k] for k in keys if k in lists]
        if found:
            mask[np.concatenate(found)] = True
        for rid, record in self.pending.items():
            mask[rid] = not keys.isdisjoint(of(record))
        return mask

    def select(self, rids: str | None) -> np.ndarray:
        """A mask of the records whose rids a query returned as one ``group_concat`` string: SQLite
        joins them and numpy parses them, twice as fast as a Python tuple per hit (83,470 hits of
        a common word among 200,000 records: 17 ms instead of 32)."""
        mask = np.zeros(len(self.live), dtype=bool)
        found = _rids_in(rids)
        mask[found[found < len(mask)]] = True
        return mask

    def facets(self, mask: np.ndarray) -> dict[str, dict[str, int]]:
        def counts(codes: np.ndarray, names: dict[str, int]) -> dict[str, int]:
            found = np.bincount(codes[mask & (codes >= 0)], minlength=len(names))
            return {name: int(found[code]) for name, code in sorted(names.items()) if found[code]}

        years, year_counts = np.unique(self.year[mask & (self.year > 0)], return_counts=True)
        per_target = self.targets[mask].sum(axis=0, dtype=np.int64)
        return {"type": counts(self.type, self.types), "country": counts(self.country, self.countries),
                "year": {str(int(y)): int(n) for y, n in zip(years, year_counts)},
                "target": {name: int(per_target[code]) for name, code in sorted(self.target_names.items())
                           if per_target[code]}}
