"""The embedded default store: one SQLite file in WAL mode.

Schema changes are recorded migrations (``MIGRATIONS``); each applies once, in order,
inside a transaction, and is logged in ``migrations``. Every write is one transaction,
so a killed run leaves either a whole document or none of it. Concurrent writers wait
for each other (``busy_timeout``) instead of failing.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from refrains.errors import StoreError
from refrains.models import Document, Link, PointSummary, Sentence, Story, TalkingPoint
from refrains.store.base import AnalysisChanges, StoredDocument
from refrains.store.rows import (
    DOC_COLS,
    LINK_SELECT,
    OCCURRENCE_ORDER,
    POINT_COLS,
    SUMMARY_COLS,
    doc_cols,
    occurrence_select,
    point_row,
    point_summaries,
    talking_points,
    to_json,
)
from refrains.store.rows import document as document_from_row
from refrains.store.rows import links as links_of

BANDS = 16
"""MinHash signatures are cut into this many bands for locality-sensitive hashing."""

WRITE_CACHE_KIB = 32 * 1024
"""Page cache for writing an analysis (SQLite's default is 2 MiB): each occurrence row checks
its sentence (a foreign key) and every row lands in an index at a random place, and with the
default cache most of those lookups went to the file. Released when the write ends."""

MIGRATIONS: list[tuple[str, str]] = [
    ("initial schema", """
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE documents(
        id TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT, language TEXT NOT NULL, date TEXT,
        date_source TEXT, source TEXT, url TEXT, encoding TEXT, text TEXT NOT NULL,
        removed TEXT NOT NULL DEFAULT '[]', n_sentences INTEGER NOT NULL, added_at REAL NOT NULL);
    CREATE TABLE document_paths(doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        path TEXT NOT NULL, PRIMARY KEY(doc_id, path));
    CREATE TABLE sentences(
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, language TEXT NOT NULL,
        text_hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY(doc_id, idx));
    CREATE INDEX sentences_hash ON sentences(text_hash);
    CREATE TABLE minhash_bands(doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        band INTEGER NOT NULL, hash TEXT NOT NULL, PRIMARY KEY(doc_id, band));
    CREATE INDEX minhash_bands_key ON minhash_bands(band, hash);
    CREATE TABLE links(source TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        target TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, relation TEXT NOT NULL,
        score REAL NOT NULL, evidence TEXT NOT NULL, PRIMARY KEY(source, target));
    CREATE TABLE stories(id TEXT PRIMARY KEY, title TEXT, first_seen TEXT, last_seen TEXT,
        languages TEXT NOT NULL);
    CREATE TABLE story_documents(story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, PRIMARY KEY(story_id, doc_id));
    CREATE TABLE points(id TEXT PRIMARY KEY, label TEXT NOT NULL, first_seen TEXT,
        first_document TEXT NOT NULL, languages TEXT NOT NULL, spread TEXT NOT NULL);
    CREATE TABLE point_occurrences(point_id TEXT NOT NULL REFERENCES points(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL, sentence INTEGER NOT NULL, PRIMARY KEY(point_id, doc_id, sentence),
        FOREIGN KEY(doc_id, sentence) REFERENCES sentences(doc_id, idx) ON DELETE CASCADE);
    CREATE TABLE facts(doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        sentence INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, value TEXT, unit TEXT,
        confidence REAL);
    CREATE INDEX facts_doc ON facts(doc_id);
    """),
    ("full-text index of sentences", """
    CREATE VIRTUAL TABLE sentences_fts USING fts5(text, doc_id UNINDEXED, idx UNINDEXED, tokenize='trigram');
    INSERT INTO sentences_fts(text, doc_id, idx) SELECT text, doc_id, idx FROM sentences;
    CREATE TRIGGER sentences_fts_insert AFTER INSERT ON sentences BEGIN
        INSERT INTO sentences_fts(text, doc_id, idx) VALUES (new.text, new.doc_id, new.idx); END;
    CREATE TRIGGER sentences_fts_delete AFTER DELETE ON sentences BEGIN
        DELETE FROM sentences_fts WHERE doc_id = old.doc_id AND idx = old.idx; END
    """),
    ("indexes for one document's links, stories and talking points (web pages at 100k documents)", """
    CREATE INDEX IF NOT EXISTS links_target ON links(target);
    CREATE INDEX IF NOT EXISTS story_documents_doc ON story_documents(doc_id);
    CREATE INDEX IF NOT EXISTS point_occurrences_doc ON point_occurrences(doc_id)
    """),
    ("blobs: state an analysis keeps for the next one (sentence neighbourhoods)", """
    CREATE TABLE IF NOT EXISTS blobs(key TEXT PRIMARY KEY, value BLOB NOT NULL)
    """),
    ("each talking point's documents and occurrence count (listings read no occurrence); paths indexed", """
    ALTER TABLE points ADD COLUMN documents TEXT;
    ALTER TABLE points ADD COLUMN n_occurrences INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
    CREATE INDEX IF NOT EXISTS document_paths_path ON document_paths(path)
    """),
    ("full-text rows written once per batch by add_documents, not by a trigger per sentence", """
    DROP TRIGGER IF EXISTS sentences_fts_insert
    """),
]


class SQLiteStore:
    """SQLite implementation of :class:`refrains.store.base.Store`."""

    def __init__(self, path: str, timeout: float = 60.0) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self._wal(timeout)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open as a refrains store ({exc}); "
                             "give another --db file or remove this one") from exc

    # -- plumbing ---------------------------------------------------------------------------
    def _wal(self, timeout: float) -> None:
        """Switch to WAL, waiting for a second opener of a new file (the switch ignores busy_timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(f"{self.path}: the store stayed busy (another refrains run is writing to it); "
                                 "run the command again when that run has finished") from exc
            raise
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    @contextmanager
    def _cache(self, kib: int = WRITE_CACHE_KIB) -> Iterator[None]:
        """A larger page cache for one large write, then the connection's own size again."""
        before = int(self._db.execute("PRAGMA cache_size").fetchone()[0])
        self._db.execute(f"PRAGMA cache_size={-int(kib)}")
        try:
            yield
        finally:
            self._db.execute(f"PRAGMA cache_size={before}")

    def _migrate(self) -> None:
        with self._tx() as db:
            db.execute("CREATE TABLE IF NOT EXISTS migrations(version INTEGER PRIMARY KEY, "
                       "description TEXT NOT NULL, applied_at REAL NOT NULL)")
            done = {r[0] for r in db.execute("SELECT version FROM migrations")}
            for version, (description, sql) in enumerate(MIGRATIONS, start=1):
                if version in done:
                    continue
                for stmt in _statements(sql):
                    db.execute(stmt)
                db.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, description, time.time()))

    def schema_version(self) -> int:
        """The number of the last applied migration."""
        row = self._db.execute("SELECT max(version) FROM migrations").fetchone()
        return int(row[0] or 0)

    def get_meta(self, key: str) -> str | None:
        """A value of the store's key-value metadata."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set one metadata value (one transaction)."""
        with self._tx() as db:
            db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       (key, value))

    def get_blob(self, key: str) -> bytes | None:
        """A binary value kept by an earlier analysis, or None."""
        row = self._db.execute("SELECT value FROM blobs WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def set_blob(self, key: str, value: bytes | None) -> None:
        """Keep a binary value for later analyses (None removes it); one transaction."""
        with self._tx() as db:
            if value is None:
                db.execute("DELETE FROM blobs WHERE key = ?", (key,))
            else:
                db.execute("INSERT INTO blobs VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           (key, value))

    def close(self) -> None:
        """Release the connection."""
        self._db.close()

    # -- documents --------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        """Whether a document with this id is stored."""
        return self._db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def add_documents(self, docs: Sequence[StoredDocument]) -> int:
        """Store documents with sentences, vectors and MinHash bands; one transaction.

        Rows are built first and written by one statement per table; the full-text index
        takes the batch's sentences in one ``INSERT ... SELECT``. (FTS5 writes its pending
        terms out at every statement savepoint, so a trigger per inserted sentence wrote a
        tiny index segment per sentence, then merged them: twice the cost of the rest.)
        """
        added = 0
        now = time.time()
        sentences: list[tuple[str, int, int, int, str, str, str, bytes]] = []
        bands: list[tuple[str, int, str]] = []
        with self._tx() as db:
            top = db.execute("SELECT max(rowid) FROM sentences").fetchone()[0] or 0
            for sd in docs:
                d = sd.document
                cur = db.execute(
                    "INSERT OR IGNORE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (d.id, d.path, d.title, d.language, d.date, d.date_source, d.source, d.url, d.encoding,
                     d.text, json.dumps([r.as_dict() for r in d.removed], ensure_ascii=False),
                     len(sd.sentences), now))
                db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (d.id, d.path))
                if cur.rowcount == 0:
                    continue
                added += 1
                halves = np.asarray(sd.vectors, dtype=np.float16)  # one conversion per document
                sentences += [(s.doc_id, s.index, s.start, s.end, s.text, s.language, text_hash(s.text),
                               halves[s.index].tobytes()) for s in sd.sentences]
                if sd.minhash:
                    bands += _bands(d.id, sd.minhash)
            db.executemany("INSERT INTO sentences VALUES (?,?,?,?,?,?,?,?)", sentences)
            db.executemany("INSERT INTO minhash_bands VALUES (?, ?, ?)", bands)
            # New rows get rowids above every stored one (one writer, no AUTOINCREMENT gaps below):
            # the index receives them in insertion order, as the trigger did.
            db.execute("INSERT INTO sentences_fts(text, doc_id, idx) "
                       "SELECT text, doc_id, idx FROM sentences WHERE rowid > ? ORDER BY rowid", (top,))
        return added

    def add_path(self, doc_id: str, path: str) -> None:
        """Record another path under which an already stored document was seen."""
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (doc_id, path))

    def count_documents(self) -> int:
        """Number of stored documents."""
        return int(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def document_ids(self) -> list[str]:
        """The id of every stored document, sorted."""
        return [str(r[0]) for r in self._db.execute("SELECT id FROM documents ORDER BY id")]

    def documents(self, ids: Iterable[str] | None = None, texts: bool = True) -> list[Document]:
        """All documents (or those of ``ids``), dated ones first in date order, then by id."""
        order = " ORDER BY date IS NULL, date, id"
        cols = doc_cols(texts)
        if ids is None:
            return [document_from_row(r) for r in self._db.execute(f"SELECT {cols} FROM documents" + order)]
        wanted = list(dict.fromkeys(ids))
        rows: list[Any] = []
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            rows += self._db.execute(f"SELECT {cols}, date IS NULL FROM documents WHERE id IN "
                                     f"({','.join('?' * len(part))})", part).fetchall()
        rows.sort(key=lambda r: (r[-1], r[5] or "", r[0]))
        return [document_from_row(r[:-1]) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        """One document by id, or by a unique id prefix, or by path."""
        # one indexed lookup at a time: an OR with LIKE would scan every document's row
        prefix = doc_id.replace("%", "\\%").replace("_", "\\_") + "%"
        for where, args in ((" WHERE id = ?", (doc_id,)),
                            (" WHERE path = ? OR id IN (SELECT doc_id FROM document_paths WHERE path = ?)",
                             (doc_id, doc_id)),
                            (" WHERE id LIKE ? ESCAPE '\\'", (prefix,))):
            rows = self._db.execute(f"SELECT {DOC_COLS} FROM documents" + where + " LIMIT 2", args).fetchall()
            if rows:
                return document_from_row(rows[0]) if len(rows) == 1 else None
        return None

    def sentences(self, doc_id: str) -> list[Sentence]:
        """The sentences of one document, in order."""
        rows = self._db.execute('SELECT doc_id, idx, start, "end", text, language FROM sentences '
                                "WHERE doc_id = ? ORDER BY idx", (doc_id,)).fetchall()
        return [Sentence(*r) for r in rows]

    def all_sentences(self) -> dict[str, list[Sentence]]:
        """Every sentence, by document."""
        out: dict[str, list[Sentence]] = {}
        for r in self._db.execute('SELECT doc_id, idx, start, "end", text, language FROM sentences '
                                  "ORDER BY doc_id, idx"):
            out.setdefault(r[0], []).append(Sentence(*r))
        return out

    def document_vectors(self, doc_id: str) -> np.ndarray:
        """The sentence vectors of one document, in sentence order (float32)."""
        blobs = [r[0] for r in self._db.execute("SELECT vector FROM sentences WHERE doc_id = ? ORDER BY idx",
                                                (doc_id,))]
        if not blobs:
            return np.zeros((0, 0), dtype=np.float32)
        return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), -1).astype(np.float32)

    def search_text(self, query: str, limit: int = 20) -> list[tuple[str, int, str]]:
        """Sentences containing ``query`` (any script; trigram index), as (doc_id, index, text)."""
        q = query.strip()
        if len(q) < 3:  # the trigram index needs three characters; scan for shorter queries
            rows = self._db.execute("SELECT doc_id, idx, text FROM sentences WHERE instr(lower(text), lower(?)) "
                                    "ORDER BY doc_id, idx LIMIT ?", (q, limit)).fetchall()
        else:
            phrase = '"' + q.replace('"', '""') + '"'
            rows = self._db.execute("SELECT doc_id, idx, text FROM sentences_fts WHERE sentences_fts MATCH ? "
                                    "ORDER BY rank LIMIT ?", (phrase, limit)).fetchall()
        return [(str(d), int(i), str(t)) for d, i, t in rows]

    def load_vectors(self) -> tuple[list[tuple[str, int]], np.ndarray]:
        """Every sentence key and its vector (float32), ordered by document then index."""
        keys: list[tuple[str, int]] = []
        n = int(self._db.execute("SELECT count(*) FROM sentences").fetchone()[0])
        mat: np.ndarray | None = None
        for i, (doc_id, idx, blob) in enumerate(
                self._db.execute("SELECT doc_id, idx, vector FROM sentences ORDER BY doc_id, idx")):
            row = np.frombuffer(blob, dtype=np.float16)
            if mat is None:  # filled row by row: no list of blobs, no joined copy
                mat = np.empty((n, row.shape[0]), dtype=np.float32)
            if i >= mat.shape[0]:  # a writer added rows since the count
                mat = np.concatenate([mat, np.empty((max(1024, n // 4), mat.shape[1]), dtype=np.float32)])
            keys.append((doc_id, idx))
            mat[i] = row
        if mat is None:
            return keys, np.zeros((0, 0), dtype=np.float32)
        return keys, mat[: len(keys)]

    def count_sentences(self) -> int:
        """Number of stored sentences."""
        return int(self._db.execute("SELECT count(*) FROM sentences").fetchone()[0])

    def vectors_of(self, doc_ids: Iterable[str]) -> tuple[list[tuple[str, int]], np.ndarray]:
        """The sentence keys and vectors (float32) of ``doc_ids``, ordered by document then index."""
        wanted = sorted(set(doc_ids))
        keys: list[tuple[str, int]] = []
        blobs: list[bytes] = []
        for i in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[i : i + _IN_CHUNK]
            for doc_id, idx, blob in self._db.execute(
                    f"SELECT doc_id, idx, vector FROM sentences WHERE doc_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY doc_id, idx", chunk):
                keys.append((doc_id, idx))
                blobs.append(blob)
        return keys, _float32(blobs)

    def sentence_vectors(self, keys: Sequence[tuple[str, int]]) -> np.ndarray:
        """The vectors (float32) of the sentences ``keys``, in that order (one indexed lookup each)."""
        found: dict[tuple[str, int], bytes] = {}
        for i in range(0, len(keys), _IN_CHUNK):
            chunk = keys[i : i + _IN_CHUNK]
            # a join from the key list: the primary key finds each row (``(doc_id, idx) IN (VALUES ...)``
            # scans the whole table)
            rows = self._db.execute(f"WITH k(d, i) AS (VALUES {','.join(['(?, ?)'] * len(chunk))}) "
                                    "SELECT s.doc_id, s.idx, s.vector FROM k CROSS JOIN sentences s "
                                    "ON s.doc_id = k.d AND s.idx = k.i", [v for key in chunk for v in key])
            found.update(((d, i), b) for d, i, b in rows)
        missing = [k for k in keys if k not in found]
        if missing:
            raise StoreError(f"{self.path}: no sentence {missing[0][1]} in document {missing[0][0]} "
                             f"({len(missing)} of {len(keys)} keys unknown)")
        return _float32([found[k] for k in keys])

    def vector_cache(self, keys: Iterable[str], model: str) -> dict[str, np.ndarray]:
        """Vectors of sentences whose text hash is in ``keys`` (same embedder only)."""
        if self.get_meta("embedder") not in (None, model):
            return {}
        out: dict[str, np.ndarray] = {}
        wanted = list(set(keys))
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            q = f"SELECT text_hash, vector FROM sentences WHERE text_hash IN ({','.join('?' * len(chunk))})"
            for h, blob in self._db.execute(q, chunk):
                out[h] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
        return out

    def lsh_candidates(self) -> list[tuple[str, str]]:
        """Pairs of documents sharing at least one MinHash band, found by a self-join."""
        rows = self._db.execute(
            "SELECT DISTINCT a.doc_id, b.doc_id FROM minhash_bands a JOIN minhash_bands b "
            "ON a.band = b.band AND a.hash = b.hash AND a.doc_id < b.doc_id").fetchall()
        return [(str(a), str(b)) for a, b in rows]

    def minhashes(self) -> dict[str, list[str]]:
        """Band hashes by document (for Jaccard estimates)."""
        out: dict[str, list[str]] = {}
        for doc_id, h in self._db.execute("SELECT doc_id, hash FROM minhash_bands ORDER BY doc_id, band"):
            out.setdefault(doc_id, []).append(h)
        return out

    # -- analysis ---------------------------------------------------------------------------
    def save_analysis(self, links: Sequence[Link], stories: Sequence[Story], points: Sequence[TalkingPoint],
                      facts: dict[str, list[dict[str, Any]]] | None = None) -> None:
        """Replace links, stories and talking points, and the facts of the documents in ``facts``; one transaction."""
        with self._cache(), self._tx() as db:
            for table in ("links", "story_documents", "stories", "point_occurrences", "points"):
                db.execute(f"DELETE FROM {table}")
            _write(db, AnalysisChanges(links, (), stories, (), points, ()), facts)

    def update_analysis(self, changes: AnalysisChanges, facts: dict[str, list[dict[str, Any]]] | None = None) -> None:
        """Apply ``changes`` (and replace the facts of the documents in ``facts``) in one transaction."""
        with self._cache(), self._tx() as db:
            unlinked = [(d,) for d in changes.unlinked]
            db.executemany("DELETE FROM links WHERE source = ?", unlinked)  # two statements: each uses its index
            db.executemany("DELETE FROM links WHERE target = ?", unlinked)
            # Stories and points are deleted with their members (ON DELETE CASCADE), then written anew.
            db.executemany("DELETE FROM stories WHERE id = ?",
                           [(i,) for i in dict.fromkeys([*changes.dropped_stories, *(s.id for s in changes.stories)])])
            db.executemany("DELETE FROM points WHERE id = ?",
                           [(i,) for i in dict.fromkeys([*changes.dropped_points, *(p.id for p in changes.points)])])
            _write(db, changes, facts)

    def links(self, doc_id: str | None = None) -> list[Link]:
        """Stored links (those touching ``doc_id`` when given), strongest relation first."""
        where, args = (" WHERE source = ? OR target = ?", (doc_id, doc_id)) if doc_id else ("", ())
        rows = self._db.execute(LINK_SELECT + where +
                                " ORDER BY relation, score DESC, source, target", args).fetchall()
        return links_of(rows)

    def links_among(self, doc_ids: Iterable[str]) -> list[Link]:
        """Stored links whose two ends are both among ``doc_ids``, strongest relation first."""
        ids = json.dumps(list(dict.fromkeys(doc_ids)))
        rows = self._db.execute(LINK_SELECT + " WHERE source IN (SELECT value FROM json_each(?)) "
                                "AND target IN (SELECT value FROM json_each(?)) "
                                "ORDER BY relation, score DESC, source, target", (ids, ids)).fetchall()
        return links_of(rows)

    def links_apart(self, doc_ids: Iterable[str]) -> list[Link]:
        """Stored links touching none of ``doc_ids``, by source then target (the primary key's order)."""
        ids = json.dumps(list(dict.fromkeys(doc_ids)))
        rows = self._db.execute(LINK_SELECT + " WHERE source NOT IN (SELECT value FROM json_each(?)) "
                                "AND target NOT IN (SELECT value FROM json_each(?)) "
                                "ORDER BY source, target", (ids, ids)).fetchall()
        return links_of(rows)

    def stories(self, doc_id: str | None = None) -> list[Story]:
        """Stored stories (the one holding ``doc_id`` when given), biggest first."""
        only, args = ("", ()) if doc_id is None else (
            " WHERE sd.story_id IN (SELECT story_id FROM story_documents WHERE doc_id = ?)", (doc_id,))
        members: dict[str, list[str]] = {}
        for sid, doc in self._db.execute(
                "SELECT sd.story_id, sd.doc_id FROM story_documents sd JOIN documents d ON d.id = sd.doc_id" + only +
                " ORDER BY d.date IS NULL, d.date, d.id", args):
            members.setdefault(sid, []).append(doc)
        rows = self._db.execute("SELECT id, title, first_seen, last_seen, languages FROM stories" +
                                ("" if doc_id is None else
                                 " WHERE id IN (SELECT story_id FROM story_documents WHERE doc_id = ?)"), args)
        out = [Story(r[0], tuple(members.get(r[0], ())), tuple(json.loads(r[4])), r[2], r[3], r[1]) for r in rows]
        return sorted(out, key=lambda s: (-len(s.documents), s.first_seen or "9999", s.id))

    def points(self, doc_id: str | None = None, texts: bool = True) -> list[TalkingPoint]:
        """Stored talking points (those occurring in ``doc_id`` when given), most widespread first."""
        mine = "IN (SELECT point_id FROM point_occurrences WHERE doc_id = ?)"
        args = () if doc_id is None else (doc_id,)
        occ = self._db.execute(occurrence_select(texts) + ("" if doc_id is None else " WHERE o.point_id " + mine) +
                               OCCURRENCE_ORDER, args)
        pts = self._db.execute(f"SELECT {POINT_COLS} FROM points" + ("" if doc_id is None else " WHERE id " + mine),
                               args)
        return talking_points(occ, pts)

    def point(self, ref: str) -> TalkingPoint | None:
        """One talking point, with every occurrence, by id or unique id prefix (None: unknown or ambiguous)."""
        prefix = "".join(f"[{c}]" if c in "*?[" else c for c in ref) + "*"  # GLOB: case-sensitive, indexed
        ids = [r[0] for r in self._db.execute("SELECT id FROM points WHERE id = ?", (ref,))] or \
            [r[0] for r in self._db.execute("SELECT id FROM points WHERE id GLOB ? LIMIT 2", (prefix,))]
        if len(ids) != 1:
            return None
        occ = self._db.execute(occurrence_select(True) + " WHERE o.point_id = ?" + OCCURRENCE_ORDER, ids)
        return talking_points(occ, self._db.execute(f"SELECT {POINT_COLS} FROM points WHERE id = ?", ids))[0]

    def point_summaries(self, doc_id: str | None = None) -> list[PointSummary]:
        """Talking points without their occurrences (those in ``doc_id`` when given), most widespread first."""
        where, args = ("", ()) if doc_id is None else (
            " WHERE id IN (SELECT point_id FROM point_occurrences WHERE doc_id = ?)", (doc_id,))
        rows = self._db.execute(f"SELECT {SUMMARY_COLS} FROM points" + where, args).fetchall()
        mine = [] if doc_id is None else self._db.execute(
            "SELECT point_id, sentence FROM point_occurrences WHERE doc_id = ?", (doc_id,)).fetchall()
        return point_summaries(rows, mine, lambda ids: [p for p in self.points(doc_id, texts=False) if p.id in ids])

    def facts(self, doc_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
        """Stored facts by document."""
        q = "SELECT doc_id, sentence, kind, text, value, unit, confidence FROM facts"
        rows = self._db.execute(q + (" WHERE doc_id = ?" if doc_id else "") + " ORDER BY rowid",
                                (doc_id,) if doc_id else ()).fetchall()
        out: dict[str, list[dict[str, Any]]] = {}
        for d, s, kind, text, value, unit, conf in rows:
            out.setdefault(d, []).append({"kind": kind, "text": text, "value": json.loads(value) if value else None,
                                          "unit": unit, "sentence": s, "confidence": conf})
        return out

    def integrity_errors(self) -> list[str]:
        """Problems found by SQLite's integrity and foreign-key checks (empty when sound)."""
        problems = [str(r[0]) for r in self._db.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key: {tuple(r)}" for r in self._db.execute("PRAGMA foreign_key_check")]
        bad = self._db.execute("SELECT d.id FROM documents d LEFT JOIN sentences s ON s.doc_id = d.id "
                               "GROUP BY d.id HAVING count(s.idx) != max(d.n_sentences)").fetchall()
        problems += [f"document {r[0]} has missing sentences" for r in bad]
        return problems


def _write(db: sqlite3.Connection, changes: AnalysisChanges, facts: dict[str, list[dict[str, Any]]] | None) -> None:
    """Insert the links, stories and points of ``changes`` (a link replaces its pair's); replace ``facts``."""
    db.executemany("INSERT INTO links VALUES (?,?,?,?,?) ON CONFLICT(source, target) DO UPDATE SET "
                   "relation = excluded.relation, score = excluded.score, evidence = excluded.evidence",
                   [(ln.source, ln.target, ln.relation, ln.score,
                     to_json(ln.evidence)) for ln in changes.links])
    for st in changes.stories:
        db.execute("INSERT INTO stories VALUES (?,?,?,?,?)",
                   (st.id, st.title, st.first_seen, st.last_seen, json.dumps(list(st.languages))))
        db.executemany("INSERT INTO story_documents VALUES (?, ?)", [(st.id, d) for d in st.documents])
    for p in changes.points:
        db.execute(f"INSERT INTO points({POINT_COLS}, documents, n_occurrences) VALUES (?,?,?,?,?,?,?,?)",
                   point_row(p))
        db.executemany("INSERT OR IGNORE INTO point_occurrences VALUES (?,?,?)",
                       [(p.id, o.document, o.sentence) for o in p.occurrences])
    if facts is not None:  # facts are replaced for the documents given, kept for the others
        db.executemany("DELETE FROM facts WHERE doc_id = ?", [(d,) for d in facts])
        db.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?)",
                       [(doc, f["sentence"], f["kind"], f["text"], json.dumps(f["value"]), f.get("unit"),
                         f.get("confidence")) for doc, fs in facts.items() for f in fs])


_IN_CHUNK = 400
"""Values bound in one ``IN (...)`` list (SQLite's limit on bound variables is 32,766 here, 999 in old builds)."""


def _float32(blobs: Sequence[bytes]) -> np.ndarray:
    """float16 vector blobs stacked into a float32 matrix ((0, 0) when there are none)."""
    if not blobs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), -1).astype(np.float32)


def _statements(sql: str) -> Iterator[str]:
    """Split a migration into statements (triggers hold semicolons of their own)."""
    buf = ""
    for part in sql.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                yield buf.strip()
            buf = ""
    if buf.strip(" \n;"):
        yield buf.strip()


def text_hash(text: str) -> str:
    """Stable key of a sentence text (for the embedding cache)."""
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def _bands(doc_id: str, signature: Sequence[int]) -> Iterator[tuple[str, int, str]]:
    import hashlib

    rows = max(1, len(signature) // BANDS)
    for b in range(BANDS):
        chunk = signature[b * rows : (b + 1) * rows]
        if not chunk:
            break
        h = hashlib.blake2b(",".join(map(str, chunk)).encode(), digest_size=8).hexdigest()
        yield doc_id, b, h
