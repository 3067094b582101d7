"""Cross-lingual sentence search over a store: the sentences closest in meaning to a query.

Small stores are searched exactly, with every vector in memory as float32 (2 KiB a
sentence at 512 dimensions). Beyond :data:`EXACT_MAX_ROWS` sentences, memory and time
would grow with the archive (100,000 articles are ~2.2 million sentences: 4.5 GB of
float32 and ~0.5 s a query), so the index keeps a 4-bit product-quantisation code per
sentence instead (faiss fast-scan: 4 bits per 4 dimensions, 64 bytes at 512 dimensions), scans
those for :data:`RESCORE` times the results wanted, and re-scores the candidates with
their exact vectors read from the store. Scores handed out are always exact cosines;
only which sentences are looked at is approximate (``bench/search_scale.py`` measures the
recall against exact search, the latency and the memory).

The store only grows (documents are never removed), so an index is kept up to date by
adding the documents it has not seen. An approximate index is kept in the store
(:meth:`SentenceIndex.save`) so that a server restart does not re-read every vector.

Examples:
    >>> import numpy as np
    >>> from refrains.store import open_store
    >>> store = open_store(":memory:")  # doctest: +SKIP
    >>> index = SentenceIndex.build(store)  # doctest: +SKIP
    >>> index.search(store, np.ones(512, dtype=np.float32) / 512 ** 0.5, limit=3)  # doctest: +SKIP
    [('d41c...', 4, 0.4121), ...]
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Sequence
from typing import Any

import numpy as np

from refrains.store.base import Store

EXACT_MAX_ROWS = 20_000
"""Up to this many sentences (~800 articles, 40 MB of float32 at 512 dimensions) the index
holds every vector and searches exactly; beyond, compressed codes + exact re-scoring. An
exact scan reads every vector per query (~0.22 ms per 1,000 rows here: 17 ms at 77,000),
the codes a sixteenth of that, plus ~3 ms to re-score from the store."""
RESCORE = 10
"""Candidates scanned from the codes, and re-scored exactly, per result wanted."""
MIN_RESCORE = 200
"""At least this many candidates are re-scored, however few results are wanted."""
TRAIN_DOCUMENTS = 2_000
"""Documents whose sentences train the codes (chosen with a fixed seed: the same store gives
the same index)."""
READ_DOCUMENTS = 2_000
"""Documents read from the store at a time while building (a slice of vectors, never all)."""
BLOB_KEY = "search_index"
_SUB_DIMS = 4
logger = logging.getLogger(__name__)


class SentenceIndex:
    """Every sentence of a store, searchable by vector; exact or compressed (see the module)."""

    def __init__(self, dim: int, exact_max_rows: int | None = None) -> None:
        self.dim = dim
        self.exact_max_rows = EXACT_MAX_ROWS if exact_max_rows is None else exact_max_rows
        self.doc_ids: list[str] = []
        self._doc_pos: dict[str, int] = {}
        self._doc_of = np.zeros(0, dtype=np.int32)  # sentence row -> position in doc_ids
        self._idx_of = np.zeros(0, dtype=np.int32)  # sentence row -> its index in the document
        self._matrix: np.ndarray | None = np.zeros((0, dim), dtype=np.float32)  # exact mode
        self._codes: Any = None  # approximate mode: a trained faiss fast-scan index

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def build(cls, store: Store, exact_max_rows: int | None = None) -> SentenceIndex:
        """An index of every sentence of ``store`` (read a slice of documents at a time)."""
        index = cls(0, exact_max_rows)
        index.update(store)
        return index

    @property
    def rows(self) -> int:
        """Sentences indexed."""
        return len(self._doc_of)

    @property
    def exact(self) -> bool:
        """Whether every vector is held and searched exactly."""
        return self._codes is None

    def missing(self, store: Store) -> list[str]:
        """Stored documents this index has not seen, by id (sorted)."""
        return [d for d in store.document_ids() if d not in self._doc_pos]

    def update(self, store: Store) -> int:
        """Add the sentences of every stored document not indexed yet; returns how many were added."""
        new = self.missing(store)
        if self.exact and store.count_sentences() > self.exact_max_rows:
            self._compress(store, new)
        before = self.rows
        for i in range(0, len(new), READ_DOCUMENTS):
            keys, vectors = store.vectors_of(new[i : i + READ_DOCUMENTS])
            self._add(keys, vectors)
        if self.exact and self.rows > self.exact_max_rows:  # rows came in between the count and the reads
            self._compress(store, [])
        return self.rows - before

    def _add(self, keys: Sequence[tuple[str, int]], vectors: np.ndarray) -> None:
        if not keys:
            return
        if not self.dim:
            self.dim = vectors.shape[1]
            self._matrix = np.zeros((0, self.dim), dtype=np.float32)
        docs = np.empty(len(keys), dtype=np.int32)
        for j, (doc_id, _) in enumerate(keys):
            pos = self._doc_pos.get(doc_id)
            if pos is None:
                pos = self._doc_pos[doc_id] = len(self.doc_ids)
                self.doc_ids.append(doc_id)
            docs[j] = pos
        self._doc_of = np.concatenate([self._doc_of, docs])
        self._idx_of = np.concatenate([self._idx_of, np.fromiter((i for _, i in keys), np.int32, len(keys))])
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if self._codes is not None:
            self._codes.add(vectors)
        else:
            assert self._matrix is not None
            self._matrix = np.concatenate([self._matrix, vectors])

    def _compress(self, store: Store, new: Sequence[str]) -> None:
        """Switch to compressed codes: train them on a seeded sample of documents, re-add what is held."""
        import faiss

        from refrains.embed._threads import cpu_threads

        pool = sorted(set(self.doc_ids) | set(new))
        rng = np.random.default_rng(0)
        sample = sorted(rng.choice(pool, size=min(len(pool), TRAIN_DOCUMENTS), replace=False).tolist())
        _, train = store.vectors_of(sample)
        if not self.dim:
            self.dim = train.shape[1]
        if self.dim % _SUB_DIMS:
            self.exact_max_rows = 2**62  # fast-scan needs a multiple of 4 dimensions: stay exact
            return
        codes = faiss.IndexPQFastScan(self.dim, self.dim // _SUB_DIMS, 4, faiss.METRIC_INNER_PRODUCT)
        faiss.omp_set_num_threads(1)  # k-means of many small sub-spaces: threads only wait on each other
        codes.train(np.ascontiguousarray(train, dtype=np.float32))
        faiss.omp_set_num_threads(cpu_threads())
        held, self._matrix = self._matrix, None
        if held is not None and len(held):
            for i in range(0, len(held), 65_536):
                codes.add(np.ascontiguousarray(held[i : i + 65_536]))
        self._codes = codes

    # -- searching --------------------------------------------------------------------------
    def search(self, store: Store, query: np.ndarray, limit: int = 20) -> list[tuple[str, int, float]]:
        """The ``limit`` sentences closest to the unit vector ``query``: (doc_id, index, cosine), best first.

        Ties keep the order in which sentences were indexed."""
        if not self.rows or limit <= 0:
            return []
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if self._codes is None:
            assert self._matrix is not None
            scores = self._matrix @ q[0]
            k = min(limit, self.rows)
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.lexsort((top, -scores[top]))]
            return [self._key(int(r)) + (round(float(scores[r]), 4),) for r in top]
        wanted = min(self.rows, max(MIN_RESCORE, RESCORE * limit))
        _, found = self._codes.search(q, wanted)
        rows = np.unique(found[0][found[0] >= 0])  # row order = the store's key order
        keys = [self._key(int(r)) for r in rows]
        exact = store.sentence_vectors(keys) @ q[0]
        order = np.lexsort((rows, -exact))[:limit]
        return [keys[i] + (round(float(exact[i]), 4),) for i in order]

    def _key(self, row: int) -> tuple[str, int]:
        return self.doc_ids[int(self._doc_of[row])], int(self._idx_of[row])

    # -- keeping it in the store ------------------------------------------------------------
    def save(self, store: Store, embedder: str) -> None:
        """Keep a compressed index in the store (an exact one is rebuilt faster than it is read)."""
        if self._codes is None:
            store.set_blob(BLOB_KEY, None)
            return
        import faiss

        buf = io.BytesIO()
        head = {"embedder": embedder, "dim": self.dim, "exact_max_rows": self.exact_max_rows}
        np.savez(buf, head=np.frombuffer(json.dumps(head).encode(), dtype=np.uint8),
                 docs=np.frombuffer("\n".join(self.doc_ids).encode(), dtype=np.uint8),
                 doc_of=self._doc_of, idx_of=self._idx_of, codes=faiss.serialize_index(self._codes))
        store.set_blob(BLOB_KEY, buf.getvalue())

    @classmethod
    def load(cls, store: Store, embedder: str) -> SentenceIndex | None:
        """The index kept in ``store`` for ``embedder`` (None: none kept, or another embedder's)."""
        blob = store.get_blob(BLOB_KEY)
        if blob is None:
            return None
        import faiss

        try:
            with np.load(io.BytesIO(blob)) as z:
                head = json.loads(z["head"].tobytes().decode())
                if head.get("embedder") != embedder:
                    return None
                index = cls(int(head["dim"]), int(head["exact_max_rows"]))
                index.doc_ids = z["docs"].tobytes().decode().split("\n") if z["docs"].size else []
                index._doc_of, index._idx_of = z["doc_of"], z["idx_of"]
                index._codes = faiss.deserialize_index(z["codes"])
                index._matrix = None
        except (OSError, ValueError, KeyError, RuntimeError, EOFError, zipfile.BadZipFile) as exc:
            # unreadable (another faiss, a torn copy): built again from the vectors, which are the truth
            logger.warning("the kept search index could not be read (%s); it is built again", exc)
            return None
        if len(index._doc_of) != index._codes.ntotal or len(index._idx_of) != index._codes.ntotal:
            logger.warning("the kept search index does not match its keys; it is built again")
            return None
        index._doc_pos = {d: i for i, d in enumerate(index.doc_ids)}
        return index


def keep_up_to_date(store: Store, embedder: str) -> SentenceIndex | None:
    """The store's kept index brought up to date with its documents, and kept again if it grew.

    Run at the end of an analysis, so that a server started on a large store reads the index
    instead of building it at its first search. A store of up to :data:`EXACT_MAX_ROWS`
    sentences keeps none (None): its exact index is built faster than it would be read.
    """
    index = SentenceIndex.load(store, embedder)
    if index is None:
        if store.count_sentences() <= EXACT_MAX_ROWS:
            return None
        index = SentenceIndex(0)
    if index.update(store):
        index.save(store, embedder)
    return index


__all__ = ["EXACT_MAX_ROWS", "MIN_RESCORE", "RESCORE", "SentenceIndex", "keep_up_to_date"]
