"""The server store: PostgreSQL with pgvector, for teams sharing one corpus.

``open_store("postgresql://user:password@host:5432/refrains")`` opens it; it behaves like
the embedded SQLite store (:mod:`refrains.store.sqlite`) method for method, so the pipeline,
the CLI and the web app need not know which one they hold.

How it maps the SQLite store:

* Schema changes are the recorded migrations in ``MIGRATIONS``, applied in one transaction
  under ``pg_advisory_xact_lock``, so two processes opening a fresh database at once do not
  both migrate it. The first migration creates the ``vector`` and ``pg_trgm`` extensions
  (which needs a superuser once per database, or the extensions already in ``template1``).
* Sentence vectors are pgvector ``halfvec`` (float16, as in the SQLite blobs: both stores
  give the same analysis), without a fixed dimension, so the embedder is chosen at the first
  insert. They travel in pgvector's binary format, never as text.
* Every write is one transaction (``_write``): it commits whole or changes nothing, and a
  refusal (a link to an unknown document, say) is a :class:`StoreError` after the rollback.
  ``add_documents`` inserts a batch's documents in one ``INSERT ... ON CONFLICT DO NOTHING
  RETURNING id`` in id order, so concurrent writers of the same documents neither fail nor
  duplicate, then the new documents' sentences and MinHash bands by binary ``COPY``;
  ``save_analysis`` and ``update_analysis`` take an advisory lock, so two analyses replace
  the results one after the other. Deadlocks and
  serialisation failures are retried; so is a write cut off by a lost connection, on a new
  one (every write is idempotent), which also keeps a long-running ``refrains serve`` alive
  across a server restart.
* Full-text search is ``ILIKE`` over a ``pg_trgm`` GIN index: a substring search in any
  script (Chinese has no spaces for a word tokenizer), like SQLite's trigram FTS. Matches
  come in (document, sentence) order, where SQLite's come in its bm25 rank order.
* There is no HNSW index: no Store method asks the database for nearest neighbours (the
  pipeline loads all vectors into faiss), and an index would slow every insert for no reader.

Identifiers compare and sort bytewise (``COLLATE "C"``), as in SQLite, whatever the
database's locale.
"""

from __future__ import annotations

import json
import re
import struct
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np

from refrains.errors import NotInstalled, StoreError
from refrains.models import Document, Link, PointSummary, Sentence, Story, TalkingPoint
from refrains.store import redact
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
from refrains.store.sqlite import _bands, text_hash

try:
    import psycopg
    from psycopg import errors as pg_errors
    from psycopg.abc import Buffer
    from psycopg.adapt import Dumper, Loader
    from psycopg.conninfo import conninfo_to_dict
    from psycopg.pq import Format
    from psycopg.types import TypeInfo
except ImportError as _exc:  # pragma: no cover - depends on the installation
    raise NotInstalled("psycopg", "postgres") from _exc

MIGRATIONS: list[tuple[str, str]] = [
    ("initial schema", """
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE documents(
        id TEXT COLLATE "C" PRIMARY KEY, path TEXT NOT NULL, title TEXT, language TEXT NOT NULL,
        date TEXT COLLATE "C", date_source TEXT, source TEXT, url TEXT, encoding TEXT, text TEXT NOT NULL,
        removed TEXT NOT NULL DEFAULT '[]', n_sentences INTEGER NOT NULL, added_at DOUBLE PRECISION NOT NULL);
    CREATE TABLE document_paths(doc_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        path TEXT NOT NULL, PRIMARY KEY(doc_id, path));
    CREATE INDEX document_paths_path ON document_paths(path);
    CREATE INDEX documents_path ON documents(path);
    CREATE TABLE sentences(
        doc_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, language TEXT NOT NULL,
        text_hash TEXT NOT NULL, vector halfvec NOT NULL, PRIMARY KEY(doc_id, idx));
    CREATE INDEX sentences_hash ON sentences(text_hash);
    CREATE INDEX sentences_text_trgm ON sentences USING gin (text gin_trgm_ops);
    CREATE TABLE minhash_bands(doc_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        band INTEGER NOT NULL, hash TEXT NOT NULL, PRIMARY KEY(doc_id, band));
    CREATE INDEX minhash_bands_key ON minhash_bands(band, hash);
    CREATE TABLE links(source TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        target TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        relation TEXT COLLATE "C" NOT NULL, score DOUBLE PRECISION NOT NULL, evidence TEXT NOT NULL,
        PRIMARY KEY(source, target));
    CREATE TABLE stories(id TEXT COLLATE "C" PRIMARY KEY, title TEXT, first_seen TEXT, last_seen TEXT,
        languages TEXT NOT NULL);
    CREATE TABLE story_documents(story_id TEXT COLLATE "C" NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        doc_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        PRIMARY KEY(story_id, doc_id));
    CREATE TABLE points(id TEXT COLLATE "C" PRIMARY KEY, label TEXT NOT NULL, first_seen TEXT,
        first_document TEXT NOT NULL, languages TEXT NOT NULL, spread TEXT NOT NULL);
    CREATE TABLE point_occurrences(point_id TEXT COLLATE "C" NOT NULL REFERENCES points(id) ON DELETE CASCADE,
        doc_id TEXT COLLATE "C" NOT NULL, sentence INTEGER NOT NULL, PRIMARY KEY(point_id, doc_id, sentence),
        FOREIGN KEY(doc_id, sentence) REFERENCES sentences(doc_id, idx) ON DELETE CASCADE);
    CREATE TABLE facts(id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        doc_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        sentence INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, value TEXT, unit TEXT,
        confidence DOUBLE PRECISION);
    CREATE INDEX facts_doc ON facts(doc_id);
    CREATE INDEX links_target ON links(target);
    CREATE INDEX story_documents_doc ON story_documents(doc_id);
    CREATE INDEX point_occurrences_doc ON point_occurrences(doc_id);
    """),
    ("blobs: state an analysis keeps for the next one (sentence neighbourhoods)", """
    CREATE TABLE IF NOT EXISTS blobs(key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL);
    """),
    ("each talking point's documents and occurrence count (listings read no occurrence); paths indexed", """
    ALTER TABLE points ADD COLUMN IF NOT EXISTS documents TEXT;
    ALTER TABLE points ADD COLUMN IF NOT EXISTS n_occurrences INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
    CREATE INDEX IF NOT EXISTS document_paths_path ON document_paths(path);
    """),
]
"""Recorded schema changes, applied once each, in order (``migrations`` logs them)."""

# Advisory lock keys (any fixed 64-bit numbers; they only need to be the same in every process).
_MIGRATE_LOCK = 0x7265667261696E01
_ANALYSIS_LOCK = 0x7265667261696E02
_RETRIES = 5  # attempts of a write that PostgreSQL rolled back (deadlock, serialisation failure)
_T = TypeVar("_T")

EXTENSIONS = {
    "vector": "install pgvector 0.7 or later on the server (Debian trixie and the PostgreSQL apt repository: "
              "postgresql-15-pgvector; scripts/pg-setup.sh builds it on bookworm)",
    "pg_trgm": "install the PostgreSQL contrib modules on the server (Debian: part of postgresql-15)",
}
"""The extensions the schema needs, with what to do when the server lacks one."""


class _HalfVec:
    """A vector on its way to a ``halfvec`` parameter (big-endian float16)."""

    __slots__ = ("values",)

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.ascontiguousarray(values, dtype=">f2").ravel()


class _HalfVecDumper(Dumper):
    """pgvector's binary ``halfvec``: dimension (int16), an unused int16, the float16 values."""

    format = Format.BINARY

    def dump(self, obj: Any) -> Buffer | None:
        """The wire bytes of one vector."""
        values: np.ndarray = obj.values
        return struct.pack(">HH", len(values), 0) + values.tobytes()


class _HalfVecLoader(Loader):
    """A binary ``halfvec`` as a float16 numpy array (no copy of the values)."""

    format = Format.BINARY

    def load(self, data: Buffer) -> np.ndarray:
        """The vector in ``data``."""
        buf = bytes(data)
        dim = int.from_bytes(buf[:2], "big")
        return np.frombuffer(buf, dtype=">f2", count=dim, offset=4)


class PostgresStore:
    """PostgreSQL implementation of :class:`refrains.store.base.Store`.

    Args:
        dsn: a libpq connection URL (``postgresql://user:password@host:port/database``) or
            key=value string. The database must exist; the schema is created on first use.
        connect_timeout: seconds to wait for the server before giving up.

    Examples:
        >>> store = PostgresStore("postgresql://refrains:refrains@127.0.0.1:54329/refrains")  # doctest: +SKIP
        >>> store.count_documents()  # doctest: +SKIP
        0
    """

    def __init__(self, dsn: str, connect_timeout: int = 10) -> None:
        self.dsn = redact(dsn)
        self._raw_dsn = dsn
        self._connect_timeout = connect_timeout
        self._closed = False
        try:
            conninfo_to_dict(dsn)
        except psycopg.Error as exc:
            raise StoreError(f"{self.dsn}: not a PostgreSQL connection URL ({_first_line(exc)}); write it as "
                             "postgresql://user:password@host:5432/database") from exc
        self._conn = self._connect(migrate=True)

    # -- plumbing ---------------------------------------------------------------------------
    def _connect(self, migrate: bool = False) -> psycopg.Connection[Any]:
        """A new connection with the halfvec adapters (``migrate``: bring the schema up to date first)."""
        try:
            conn: psycopg.Connection[Any] = psycopg.connect(
                self._raw_dsn, autocommit=True, connect_timeout=self._connect_timeout, application_name="refrains")
        except psycopg.Error as exc:
            raise StoreError(f"{self.dsn}: cannot connect to PostgreSQL ({_first_line(exc)}); check that the "
                             "server is running and that the URL's host, port, user, password and database "
                             "are right (the database must exist: createdb it first)") from exc
        try:
            if migrate:
                self._migrate(conn)
            self._register_types(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _live(self) -> psycopg.Connection[Any]:
        """The connection, opened again if the server dropped it (a restart, an idle timeout)."""
        if self._closed:
            raise StoreError(f"{self.dsn}: the store was closed; open it again")
        if self._conn.broken or self._conn.closed:
            self._conn = self._connect()
        return self._conn

    def _write(self, work: Callable[[psycopg.Cursor[Any]], _T]) -> _T:
        """Run ``work`` in one transaction and commit it; nothing of it stays when it fails.

        Deadlocks and serialisation failures are retried, and so is a write cut off by a lost
        connection (every write here is idempotent). Database refusals become :class:`StoreError`
        naming the problem, after the rollback.
        """
        for attempt in range(_RETRIES):
            conn = self._live()
            try:
                with conn.transaction(), conn.cursor() as cur:
                    return work(cur)
            except pg_errors.TransactionRollback as exc:
                if attempt == _RETRIES - 1:
                    raise StoreError(f"{self.dsn}: the write kept colliding with other writers "
                                     f"({_first_line(exc)}); nothing was changed: run the command again") from exc
                time.sleep(0.05 * (attempt + 1))
            except psycopg.OperationalError as exc:
                if conn.broken and attempt == 0:
                    continue  # the connection was lost: once more on a new one
                raise StoreError(f"{self.dsn}: PostgreSQL failed during a write ({_first_line(exc)}); nothing "
                                 "was changed: check the server and run the command again") from exc
            except psycopg.Error as exc:
                raise StoreError(f"{self.dsn}: the write was refused ({_first_line(exc)}); "
                                 "nothing was changed") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _rows(self, sql: str, params: Sequence[Any] = (), binary: bool = False) -> list[tuple[Any, ...]]:
        """All rows of one read (binary: vectors come back as numpy arrays)."""
        return self._read(lambda cur: _fetch(cur, sql, params), binary=binary)

    def _read(self, work: Callable[[psycopg.Cursor[Any]], _T], binary: bool = False,
              snapshot: bool = False) -> _T:
        """Run a read (``snapshot``: several queries in one read-only transaction, so they agree)."""
        for attempt in range(2):
            conn = self._live()
            try:
                if not snapshot:
                    with conn.cursor(binary=binary) as cur:
                        return work(cur)
                with conn.transaction(), conn.cursor(binary=binary) as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    return work(cur)
            except psycopg.OperationalError as exc:
                if conn.broken and attempt == 0:
                    continue  # the connection was lost: once more on a new one
                raise StoreError(f"{self.dsn}: PostgreSQL failed during a read ({_first_line(exc)}); "
                                 "check the server and run the command again") from exc
            except psycopg.Error as exc:
                raise StoreError(f"{self.dsn}: a read failed ({_first_line(exc)})") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATE_LOCK,))
                conn.execute("CREATE TABLE IF NOT EXISTS migrations(version INTEGER PRIMARY KEY, "
                             "description TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)")
                done = {r[0] for r in conn.execute("SELECT version FROM migrations")}
                if len(done) < len(MIGRATIONS):
                    self._check_extensions(conn)
                for version, (description, sql) in enumerate(MIGRATIONS, start=1):
                    if version in done:
                        continue
                    conn.execute(sql.encode())  # bytes: several statements, no parameters
                    conn.execute("INSERT INTO migrations VALUES (%s, %s, %s)", (version, description, time.time()))
        except StoreError:
            raise
        except (pg_errors.UndefinedFile, pg_errors.FeatureNotSupported) as exc:
            raise StoreError(f"{self.dsn}: the server lacks an extension refrains needs ({_first_line(exc)}); "
                             f"{EXTENSIONS['vector']}") from exc
        except pg_errors.InsufficientPrivilege as exc:
            raise StoreError(f"{self.dsn}: not allowed to set up the schema ({_first_line(exc)}); ask a superuser "
                             "to run  CREATE EXTENSION vector; CREATE EXTENSION pg_trgm;  in this database, "
                             "or to grant this user CREATE on it") from exc
        except psycopg.Error as exc:
            raise StoreError(f"{self.dsn}: cannot set up the refrains schema ({_first_line(exc)})") from exc

    def _check_extensions(self, conn: psycopg.Connection[Any]) -> None:
        """Fail with what to install when the server lacks an extension (or has a pgvector without halfvec)."""
        rows = conn.execute("SELECT name, default_version, installed_version FROM pg_available_extensions "
                            "WHERE name = ANY(%s)", (list(EXTENSIONS),)).fetchall()
        found = {str(r[0]): str(r[2] or r[1]) for r in rows}
        for name, remedy in EXTENSIONS.items():
            if name not in found:
                raise StoreError(f"{self.dsn}: the server lacks the {name} extension; {remedy}")
        if _version(found["vector"]) < (0, 7):
            raise StoreError(f"{self.dsn}: pgvector {found['vector']} is too old (halfvec needs 0.7 or later); "
                             "run  ALTER EXTENSION vector UPDATE;  after installing a newer pgvector")

    def _register_types(self, conn: psycopg.Connection[Any]) -> None:
        info = TypeInfo.fetch(conn, "halfvec")
        if info is None:  # pragma: no cover - the first migration created it
            raise StoreError("the halfvec type is missing; pgvector 0.7 or later is needed")
        self._halfvec_oid = info.oid
        dumper = type("HalfVecDumper", (_HalfVecDumper,), {"oid": info.oid})
        conn.adapters.register_dumper(_HalfVec, dumper)
        conn.adapters.register_dumper(None, dumper)  # by oid too: COPY ... set_types() looks it up so
        conn.adapters.register_loader(info.oid, _HalfVecLoader)

    def schema_version(self) -> int:
        """The number of the last applied migration."""
        return int(self._rows("SELECT coalesce(max(version), 0) FROM migrations")[0][0])

    def get_meta(self, key: str) -> str | None:
        """A value of the store's key-value metadata."""
        rows = self._rows("SELECT value FROM meta WHERE key = %s", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Set one metadata value (one transaction)."""
        self._write(lambda cur: cur.execute(
            "INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value)))

    def get_blob(self, key: str) -> bytes | None:
        """A binary value kept by an earlier analysis, or None."""
        rows = self._rows("SELECT value FROM blobs WHERE key = %s", (key,))
        return bytes(rows[0][0]) if rows else None

    def set_blob(self, key: str, value: bytes | None) -> None:
        """Keep a binary value for later analyses (None removes it); one transaction."""
        if value is None:
            self._write(lambda cur: cur.execute("DELETE FROM blobs WHERE key = %s", (key,)))
        else:
            self._write(lambda cur: cur.execute(
                "INSERT INTO blobs VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value)))

    def close(self) -> None:
        """Release the connection."""
        self._closed = True
        self._conn.close()

    # -- documents --------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        """Whether a document with this id is stored."""
        return bool(self._rows("SELECT 1 FROM documents WHERE id = %s", (doc_id,)))

    def add_documents(self, docs: Sequence[StoredDocument]) -> int:
        """Store documents with sentences, vectors and MinHash bands; one transaction.

        Documents already stored (by id) are left as they are, also when another process
        stores them at the same moment; returns how many were new.
        """
        # Sorted: one lock order for every writer, so concurrent writers wait, never deadlock.
        # The first of several copies of one id in a batch wins, as in SQLite.
        unique = {sd.document.id: sd for sd in reversed(docs)}
        ordered = [unique[k] for k in sorted(unique)]

        def work(cur: psycopg.Cursor[Any]) -> int:
            if not ordered:
                return 0
            now = time.time()
            columns = list(zip(*[(d.id, d.path, d.title, d.language, d.date, d.date_source, d.source, d.url,
                                  d.encoding, d.text, json.dumps([r.as_dict() for r in d.removed], ensure_ascii=False),
                                  len(sd.sentences), now) for sd in ordered for d in (sd.document,)], strict=True))
            # One statement for the batch; RETURNING says which documents were new.
            cur.execute("INSERT INTO documents SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], "
                        "%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], "
                        "%s::int[], %s::float8[]) ON CONFLICT (id) DO NOTHING RETURNING id",
                        [list(c) for c in columns])
            new = {str(r[0]) for r in cur.fetchall()}
            cur.execute("INSERT INTO document_paths SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING",
                        (list(columns[0]), list(columns[1])))
            fresh = [sd for sd in ordered if sd.document.id in new]
            # Sentences and MinHash bands of the new documents stream in by binary COPY.
            if any(sd.sentences for sd in fresh):
                with cur.copy("COPY sentences FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(["text", "int4", "int4", "int4", "text", "text", "text", self._halfvec_oid])
                    for sd in fresh:
                        for x in sd.sentences:
                            copy.write_row((x.doc_id, x.index, x.start, x.end, x.text, x.language,
                                            text_hash(x.text), _HalfVec(sd.vectors[x.index])))
            bands = [b for sd in fresh if sd.minhash for b in _bands(sd.document.id, sd.minhash)]
            if bands:
                with cur.copy("COPY minhash_bands FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(["text", "int4", "text"])
                    for b in bands:
                        copy.write_row(b)
            return len(new)

        return self._write(work)

    def add_path(self, doc_id: str, path: str) -> None:
        """Record another path under which an already stored document was seen."""
        self._write(lambda cur: cur.execute(
            "INSERT INTO document_paths VALUES (%s, %s) ON CONFLICT DO NOTHING", (doc_id, path)))

    def count_documents(self) -> int:
        """Number of stored documents."""
        return int(self._rows("SELECT count(*) FROM documents")[0][0])

    def document_ids(self) -> list[str]:
        """The id of every stored document, sorted (ids are ``COLLATE "C"``: Python's order)."""
        return [str(r[0]) for r in self._rows("SELECT id FROM documents ORDER BY id")]

    def documents(self, ids: Iterable[str] | None = None, texts: bool = True) -> list[Document]:
        """All documents (or those of ``ids``), dated ones first in date order, then by id."""
        cols = doc_cols(texts)
        if ids is None:
            rows = self._rows(f"SELECT {cols} FROM documents ORDER BY date IS NULL, date, id")
        else:  # one array parameter, however many ids
            rows = self._rows(f"SELECT {cols} FROM documents WHERE id = ANY(%s) "
                              "ORDER BY date IS NULL, date, id", (list(dict.fromkeys(ids)),))
        return [document_from_row(r) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        """One document by id, or by a unique id prefix, or by path."""
        # ILIKE on the C-collated id folds ASCII case only, like SQLite's LIKE.
        prefix = doc_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # one indexed lookup at a time: an OR with ILIKE would scan every document's row
        for where, args in ((" WHERE id = %s", (doc_id,)),
                            (" WHERE path = %s OR id IN (SELECT doc_id FROM document_paths WHERE path = %s)",
                             (doc_id, doc_id)),
                            (" WHERE id ILIKE %s", (prefix,))):
            rows = self._rows(f"SELECT {DOC_COLS} FROM documents" + where + " LIMIT 2", args)
            if rows:
                return document_from_row(rows[0]) if len(rows) == 1 else None
        return None

    def sentences(self, doc_id: str) -> list[Sentence]:
        """The sentences of one document, in order."""
        rows = self._rows('SELECT doc_id, idx, start, "end", text, language FROM sentences '
                          "WHERE doc_id = %s ORDER BY idx", (doc_id,))
        return [Sentence(*r) for r in rows]

    def all_sentences(self) -> dict[str, list[Sentence]]:
        """Every sentence, by document."""
        out: dict[str, list[Sentence]] = {}
        for r in self._rows('SELECT doc_id, idx, start, "end", text, language FROM sentences ORDER BY doc_id, idx'):
            out.setdefault(r[0], []).append(Sentence(*r))
        return out

    def document_vectors(self, doc_id: str) -> np.ndarray:
        """The sentence vectors of one document, in sentence order (float32)."""
        rows = self._rows("SELECT vector FROM sentences WHERE doc_id = %s ORDER BY idx", (doc_id,), binary=True)
        return _matrix([r[0] for r in rows])

    def search_text(self, query: str, limit: int = 20) -> list[tuple[str, int, str]]:
        """Sentences containing ``query`` (any script, any case; trigram index), as (doc_id, index, text)."""
        q = query.strip()
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._rows("SELECT doc_id, idx, text FROM sentences WHERE text ILIKE %s "
                          "ORDER BY doc_id, idx LIMIT %s", (pattern, limit))
        return [(str(d), int(i), str(t)) for d, i, t in rows]

    def load_vectors(self) -> tuple[list[tuple[str, int]], np.ndarray]:
        """Every sentence key and its vector (float32), ordered by document then index.

        The database packs each document's vectors into one ``bytea`` (pgvector's binary
        ``halfvec_send`` less its 4-byte header), and these stream in by binary ``COPY``
        straight into a preallocated matrix: one Python step per document, not per sentence.
        Counting and reading share one snapshot, so the two agree.
        """
        def read(cur: psycopg.Cursor[Any]) -> tuple[list[tuple[str, int]], np.ndarray]:
            cur.execute("SELECT count(*), max(vector_dims(vector)) FROM sentences")
            n, dim = cur.fetchone() or (0, None)
            keys: list[tuple[str, int]] = []
            if not n or dim is None:
                return keys, np.zeros((0, 0), dtype=np.float32)
            mat = np.empty((int(n), int(dim)), dtype=np.float32)
            pos = 0
            with cur.copy("COPY (SELECT doc_id, array_agg(idx ORDER BY idx), "
                          "string_agg(substring(halfvec_send(vector) FROM 5), ''::bytea ORDER BY idx) "
                          "FROM sentences GROUP BY doc_id ORDER BY doc_id) TO STDOUT (FORMAT BINARY)") as copy:
                copy.set_types(["text", "int4[]", "bytea"])
                for doc_id, idxs, blob in copy.rows():
                    k = len(idxs)
                    mat[pos : pos + k] = np.frombuffer(blob, dtype=">f2").reshape(k, -1)
                    keys.extend((doc_id, i) for i in idxs)
                    pos += k
            return keys, mat

        return self._read(read, snapshot=True)

    def count_sentences(self) -> int:
        """Number of stored sentences."""
        return int(self._rows("SELECT count(*) FROM sentences")[0][0])

    def vectors_of(self, doc_ids: Iterable[str]) -> tuple[list[tuple[str, int]], np.ndarray]:
        """The sentence keys and vectors (float32) of ``doc_ids``, ordered by document then index."""
        wanted = sorted(set(doc_ids))
        if not wanted:
            return [], np.zeros((0, 0), dtype=np.float32)
        rows = self._rows("SELECT doc_id, idx, vector FROM sentences WHERE doc_id = ANY(%s) ORDER BY doc_id, idx",
                          (wanted,), binary=True)
        return [(str(d), int(i)) for d, i, _ in rows], _matrix([v for _, _, v in rows])

    def sentence_vectors(self, keys: Sequence[tuple[str, int]]) -> np.ndarray:
        """The vectors (float32) of the sentences ``keys``, in that order (one join with the key list)."""
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        rows = self._rows("SELECT s.doc_id, s.idx, s.vector FROM sentences s JOIN unnest(%s::text[], %s::int[]) "
                          "AS k(doc_id, idx) ON s.doc_id = k.doc_id AND s.idx = k.idx",
                          ([d for d, _ in keys], [i for _, i in keys]), binary=True)
        found = {(str(d), int(i)): v for d, i, v in rows}
        missing = [k for k in keys if k not in found]
        if missing:
            raise StoreError(f"{self.dsn}: no sentence {missing[0][1]} in document {missing[0][0]} "
                             f"({len(missing)} of {len(keys)} keys unknown)")
        return _matrix([found[k] for k in keys])

    def vector_cache(self, keys: Iterable[str], model: str) -> dict[str, np.ndarray]:
        """Vectors of sentences whose text hash is in ``keys`` (same embedder only)."""
        if self.get_meta("embedder") not in (None, model):
            return {}
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        rows = self._rows("SELECT text_hash, vector FROM sentences WHERE text_hash = ANY(%s)", (wanted,),
                          binary=True)
        return {str(h): v.astype(np.float32) for h, v in rows}

    def lsh_candidates(self) -> list[tuple[str, str]]:
        """Pairs of documents sharing at least one MinHash band, found by a self-join."""
        rows = self._rows(
            "SELECT DISTINCT a.doc_id, b.doc_id FROM minhash_bands a JOIN minhash_bands b "
            "ON a.band = b.band AND a.hash = b.hash AND a.doc_id < b.doc_id ORDER BY 1, 2")
        return [(str(a), str(b)) for a, b in rows]

    def minhashes(self) -> dict[str, list[str]]:
        """Band hashes by document (for Jaccard estimates)."""
        out: dict[str, list[str]] = {}
        for doc_id, h in self._rows("SELECT doc_id, hash FROM minhash_bands ORDER BY doc_id, band"):
            out.setdefault(doc_id, []).append(h)
        return out

    # -- analysis ---------------------------------------------------------------------------
    def save_analysis(self, links: Sequence[Link], stories: Sequence[Story], points: Sequence[TalkingPoint],
                      facts: dict[str, list[dict[str, Any]]] | None = None) -> None:
        """Replace links, stories and talking points, and the facts of the documents in ``facts``; one transaction.

        Raises:
            StoreError: the database refused a row (say, a link to an unknown document); the
                previous results are left exactly as they were.
        """
        def work(cur: psycopg.Cursor[Any]) -> None:
            # Concurrent analyses take turns: each one's DELETE must see the other's committed rows.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ANALYSIS_LOCK,))
            for table in ("links", "story_documents", "stories", "point_occurrences", "points"):
                cur.execute(f"DELETE FROM {table}")
            _write(cur, AnalysisChanges(links, (), stories, (), points, ()), facts)

        self._write(work)

    def update_analysis(self, changes: AnalysisChanges, facts: dict[str, list[dict[str, Any]]] | None = None) -> None:
        """Apply ``changes`` (and replace the facts of the documents in ``facts``) in one transaction.

        Raises:
            StoreError: the database refused a row; the previous results are left as they were.
        """
        def work(cur: psycopg.Cursor[Any]) -> None:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ANALYSIS_LOCK,))  # as save_analysis: one at a time
            if changes.unlinked:
                unlinked = list(changes.unlinked)
                cur.execute("DELETE FROM links WHERE source = ANY(%s) OR target = ANY(%s)", (unlinked, unlinked))
            # Stories and points are deleted with their members (ON DELETE CASCADE), then written anew.
            stories = list(dict.fromkeys([*changes.dropped_stories, *(s.id for s in changes.stories)]))
            if stories:
                cur.execute("DELETE FROM stories WHERE id = ANY(%s)", (stories,))
            points = list(dict.fromkeys([*changes.dropped_points, *(p.id for p in changes.points)]))
            if points:
                cur.execute("DELETE FROM points WHERE id = ANY(%s)", (points,))
            _write(cur, changes, facts)

        self._write(work)

    def links(self, doc_id: str | None = None) -> list[Link]:
        """Stored links (those touching ``doc_id`` when given), strongest relation first."""
        where, args = (" WHERE source = %s OR target = %s", (doc_id, doc_id)) if doc_id else ("", ())
        rows = self._rows(LINK_SELECT + where +
                          " ORDER BY relation, score DESC, source, target", args)
        return links_of(rows)

    def links_among(self, doc_ids: Iterable[str]) -> list[Link]:
        """Stored links whose two ends are both among ``doc_ids``, strongest relation first."""
        ids = list(dict.fromkeys(doc_ids))
        rows = self._rows(LINK_SELECT + " WHERE source = ANY(%s) AND target = ANY(%s) "
                          "ORDER BY relation, score DESC, source, target", (ids, ids))
        return links_of(rows)

    def links_apart(self, doc_ids: Iterable[str]) -> list[Link]:
        """Stored links touching none of ``doc_ids``, by source then target (the primary key's order)."""
        ids = list(dict.fromkeys(doc_ids))
        rows = self._rows(LINK_SELECT + " WHERE source <> ALL(%s) AND target <> ALL(%s) "
                          "ORDER BY source, target", (ids, ids))
        return links_of(rows)

    def stories(self, doc_id: str | None = None) -> list[Story]:
        """Stored stories (the one holding ``doc_id`` when given), biggest first."""
        mine = "IN (SELECT story_id FROM story_documents WHERE doc_id = %s)"
        args = () if doc_id is None else (doc_id,)

        def read(cur: psycopg.Cursor[Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
            return (_fetch(cur, "SELECT sd.story_id, sd.doc_id FROM story_documents sd JOIN documents d "
                                "ON d.id = sd.doc_id" + ("" if doc_id is None else " WHERE sd.story_id " + mine) +
                                " ORDER BY d.date IS NULL, d.date, d.id", args),
                    _fetch(cur, "SELECT id, title, first_seen, last_seen, languages FROM stories" +
                                ("" if doc_id is None else " WHERE id " + mine), args))

        member_rows, story_rows = self._read(read, snapshot=True)  # one snapshot: a concurrent save is all or nothing
        members: dict[str, list[str]] = {}
        for sid, doc in member_rows:
            members.setdefault(sid, []).append(doc)
        out = [Story(r[0], tuple(members.get(r[0], ())), tuple(json.loads(r[4])), r[2], r[3], r[1])
               for r in story_rows]
        return sorted(out, key=lambda s: (-len(s.documents), s.first_seen or "9999", s.id))

    def points(self, doc_id: str | None = None, texts: bool = True) -> list[TalkingPoint]:
        """Stored talking points (those occurring in ``doc_id`` when given), most widespread first."""
        mine = "IN (SELECT point_id FROM point_occurrences WHERE doc_id = %s)"
        args = () if doc_id is None else (doc_id,)

        def read(cur: psycopg.Cursor[Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
            return (_fetch(cur, occurrence_select(texts) + ("" if doc_id is None else " WHERE o.point_id " + mine) +
                           OCCURRENCE_ORDER, args),
                    _fetch(cur, f"SELECT {POINT_COLS} FROM points" + ("" if doc_id is None else " WHERE id " + mine),
                           args))

        return talking_points(*self._read(read, snapshot=True))

    def point(self, ref: str) -> TalkingPoint | None:
        """One talking point, with every occurrence, by id or unique id prefix (None: unknown or ambiguous)."""
        prefix = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

        def read(cur: psycopg.Cursor[Any]) -> TalkingPoint | None:
            ids = [r[0] for r in _fetch(cur, "SELECT id FROM points WHERE id = %s", (ref,))] or \
                [r[0] for r in _fetch(cur, "SELECT id FROM points WHERE id LIKE %s LIMIT 2", (prefix,))]
            if len(ids) != 1:
                return None
            return talking_points(
                _fetch(cur, occurrence_select(True) + " WHERE o.point_id = %s" + OCCURRENCE_ORDER, ids),
                _fetch(cur, f"SELECT {POINT_COLS} FROM points WHERE id = %s", ids))[0]

        return self._read(read, snapshot=True)

    def point_summaries(self, doc_id: str | None = None) -> list[PointSummary]:
        """Talking points without their occurrences (those in ``doc_id`` when given), most widespread first."""
        where, args = ("", ()) if doc_id is None else (
            " WHERE id IN (SELECT point_id FROM point_occurrences WHERE doc_id = %s)", (doc_id,))

        def read(cur: psycopg.Cursor[Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
            return (_fetch(cur, f"SELECT {SUMMARY_COLS} FROM points" + where, args),
                    [] if doc_id is None else
                    _fetch(cur, "SELECT point_id, sentence FROM point_occurrences WHERE doc_id = %s", args))

        rows, mine = self._read(read, snapshot=True)
        return point_summaries(rows, mine, lambda ids: [p for p in self.points(doc_id, texts=False) if p.id in ids])

    def facts(self, doc_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
        """Stored facts by document."""
        q = "SELECT doc_id, sentence, kind, text, value, unit, confidence FROM facts"
        rows = self._rows(q + (" WHERE doc_id = %s" if doc_id else "") + " ORDER BY id", (doc_id,) if doc_id else ())
        out: dict[str, list[dict[str, Any]]] = {}
        for d, s, kind, text, value, unit, conf in rows:
            out.setdefault(d, []).append({"kind": kind, "text": text, "value": json.loads(value) if value else None,
                                          "unit": unit, "sentence": s, "confidence": conf})
        return out

    def integrity_errors(self) -> list[str]:
        """Problems found by consistency checks (empty when sound).

        PostgreSQL enforces the foreign keys itself; these checks cover what it cannot:
        documents missing sentences, vectors of different dimensions, unapplied migrations
        and constraints left unvalidated.
        """
        problems: list[str] = []
        if self.schema_version() != len(MIGRATIONS):
            problems.append(f"schema version {self.schema_version()}, expected {len(MIGRATIONS)}")
        problems += [f"constraint {r[0]} on {r[1]} is not validated" for r in self._rows(
            "SELECT conname, conrelid::regclass::text FROM pg_constraint "
            "WHERE connamespace = current_schema()::regnamespace AND NOT convalidated")]
        bad = self._rows("SELECT d.id FROM documents d LEFT JOIN sentences s ON s.doc_id = d.id "
                         "GROUP BY d.id HAVING count(s.idx) != max(d.n_sentences) ORDER BY d.id")
        problems += [f"document {r[0]} has missing sentences" for r in bad]
        dims = [int(r[0]) for r in self._rows("SELECT DISTINCT vector_dims(vector) FROM sentences ORDER BY 1")]
        if len(dims) > 1:
            problems.append(f"sentence vectors have different dimensions: {dims}")
        return problems


def _write(cur: psycopg.Cursor[Any], changes: AnalysisChanges,
           facts: dict[str, list[dict[str, Any]]] | None) -> None:
    """Insert the links, stories and points of ``changes`` (a link replaces its pair's); replace ``facts``."""
    if changes.links:
        cur.executemany("INSERT INTO links VALUES (%s,%s,%s,%s,%s) ON CONFLICT (source, target) DO UPDATE SET "
                        "relation = excluded.relation, score = excluded.score, evidence = excluded.evidence",
                        [(ln.source, ln.target, ln.relation, ln.score,
                          to_json(ln.evidence)) for ln in changes.links])
    if changes.stories:
        cur.executemany("INSERT INTO stories VALUES (%s,%s,%s,%s,%s)",
                        [(st.id, st.title, st.first_seen, st.last_seen, json.dumps(list(st.languages)))
                         for st in changes.stories])
        members = [(st.id, d) for st in changes.stories for d in st.documents]
        if members:
            cur.executemany("INSERT INTO story_documents VALUES (%s, %s)", members)
    if changes.points:
        cur.executemany(f"INSERT INTO points({POINT_COLS}, documents, n_occurrences) "
                        "VALUES (%s,%s,%s,%s,%s,%s,%s,%s)", [point_row(p) for p in changes.points])
        occurrences = [(p.id, o.document, o.sentence) for p in changes.points for o in p.occurrences]
        if occurrences:
            cur.executemany("INSERT INTO point_occurrences VALUES (%s,%s,%s) ON CONFLICT DO NOTHING", occurrences)
    if facts is not None:  # facts are replaced for the documents given, kept for the others
        cur.execute("DELETE FROM facts WHERE doc_id = ANY(%s)", (list(facts),))
        rows = [(doc, f["sentence"], f["kind"], f["text"], json.dumps(f["value"]), f.get("unit"),
                 f.get("confidence")) for doc, fs in facts.items() for f in fs]
        if rows:
            cur.executemany("INSERT INTO facts(doc_id, sentence, kind, text, value, unit, confidence) "
                            "VALUES (%s,%s,%s,%s,%s,%s,%s)", rows)


def _fetch(cur: psycopg.Cursor[Any], sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    cur.execute(sql, params)
    return cur.fetchall()


def _version(text: str) -> tuple[int, ...]:
    """``"0.8.0"`` as ``(0, 8, 0)`` (digits only; for comparisons)."""
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


def _matrix(vectors: Sequence[np.ndarray]) -> np.ndarray:
    """Rows stacked into a float32 matrix ((0, 0) when there are none)."""
    if not vectors:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack(vectors).astype(np.float32)


def _first_line(exc: BaseException) -> str:
    """The first line of a database error (libpq adds hints and context below it)."""
    text = str(exc).strip()
    return redact(text.splitlines()[0]) if text else type(exc).__name__
