"""The in-memory view of a store that the analysis stages work on.

Sentence vectors sit in one ``(n, d)`` matrix; each document owns a contiguous slice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from refrains.models import Document, Sentence

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

MIN_COUNTABLE_WEIGHT = 20
"""Sentences lighter than this (letters, CJK characters counted twice) do not count for
coverage: "Q:", "(Finish)", bylines."""
MIN_POINT_WEIGHT = 40
"""Talking points are made of sentences at least this heavy (about six words)."""


def weight(text: str) -> int:
    """Letters in ``text``, CJK characters counted twice (they carry more per character)."""
    return sum(len(w) for w in _WORD.findall(text)) + len(_CJK.findall(text))


@dataclass
class Corpus:
    """Documents, their sentences and the sentence vectors, ready for analysis."""

    documents: list[Document]
    sentences: dict[str, list[Sentence]]
    vectors: np.ndarray
    offsets: dict[str, tuple[int, int]] = field(default_factory=dict)
    countable: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    pointable: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    doc_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    by_id: dict[str, Document] = field(default_factory=dict)
    _tfidf: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    _shingles: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, documents: list[Document], sentences: dict[str, list[Sentence]],
              keys: list[tuple[str, int]], vectors: np.ndarray) -> Corpus:
        """Index ``vectors`` (rows keyed by ``(doc_id, index)``) by document."""
        order = {k: i for i, k in enumerate(keys)}
        rows: list[int] = []
        offsets: dict[str, tuple[int, int]] = {}
        docs = [d for d in documents if sentences.get(d.id)]
        for d in docs:
            start = len(rows)
            rows.extend(order[(d.id, s.index)] for s in sentences[d.id])
            offsets[d.id] = (start, len(rows))
        dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[0] else 0
        mat = vectors[rows] if rows else np.zeros((0, dim), dtype=np.float32)
        texts = [s.text for d in docs for s in sentences[d.id]]
        weights = np.array([weight(t) for t in texts], dtype=np.int32)
        doc_vecs = np.zeros((len(docs), dim), dtype=np.float32)
        for i, d in enumerate(docs):
            a, b = offsets[d.id]
            v = mat[a:b].mean(axis=0) if b > a else np.zeros(dim, dtype=np.float32)
            doc_vecs[i] = v / max(float(np.linalg.norm(v)), 1e-12)
        return cls(docs, sentences, np.ascontiguousarray(mat, dtype=np.float32), offsets,
                   weights >= MIN_COUNTABLE_WEIGHT, weights >= MIN_POINT_WEIGHT, doc_vecs,
                   {d.id: d for d in docs})

    def tfidf(self, doc_id: str) -> dict[str, float]:
        """Unit TF-IDF vector of a document's words (IDF over this corpus, computed once)."""
        if not self._tfidf:
            import math
            from collections import Counter

            counts = {d.id: Counter(w.lower() for w in _WORD.findall(d.text)) for d in self.documents}
            df: Counter[str] = Counter()
            for c in counts.values():
                df.update(c.keys())
            n = len(counts)
            for d, c in counts.items():
                v = {w: (1 + math.log(k)) * (math.log((n + 1) / (df[w] + 1)) + 1) for w, k in c.items()}
                norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
                self._tfidf[d] = {w: x / norm for w, x in v.items()}
        return self._tfidf.get(doc_id, {})

    def shingles(self, doc_id: str) -> set[str]:
        """Word 3-shingles (character 5-grams for CJK) of a document, computed once."""
        if doc_id not in self._shingles:
            from refrains.fingerprint import shingles

            self._shingles[doc_id] = shingles(self.by_id[doc_id].text)
        return self._shingles[doc_id]

    def slice(self, doc_id: str) -> tuple[int, int]:
        """Rows of ``vectors`` that belong to ``doc_id``."""
        return self.offsets[doc_id]

    def doc_index(self) -> dict[str, int]:
        """Position of each document in ``documents`` / ``doc_vectors``."""
        return {d.id: i for i, d in enumerate(self.documents)}
