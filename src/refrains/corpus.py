"""The in-memory view of a store that the analysis stages work on.

Sentence vectors sit in one ``(n, d)`` matrix; each document owns a contiguous slice.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
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


def _char_grams(text: str) -> list[str]:
    """Character 4-grams of each lower-cased word, padded with a space on both sides."""
    out: list[str] = []
    for w in _WORD.findall(text.lower()):
        w = f" {w} "
        out.extend(w[i:i + 4] for i in range(len(w) - 3))
    return out


def term_keys(terms: Iterable[str]) -> np.ndarray:
    """64-bit keys of ``terms`` (``hash``: equal strings, equal keys, within one process).

    Per-document term sets are kept as arrays of these keys, 8 bytes a term instead of a
    string in a set or dict (about 70 bytes). Two different terms share a key with
    probability 2**-64 per comparison; every comparison happens within one process.
    """
    return np.fromiter(map(hash, terms), dtype=np.int64)


@dataclass(frozen=True, eq=False)
class TermVector:
    """A sparse vector over terms: ``keys`` (see :func:`term_keys`) in first-seen order, and weights."""

    keys: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and bool((self.keys == hash(term)).any())

    def dot(self, other: TermVector) -> float:
        """The dot product, summed in the shorter vector's term order (as a dict walk would)."""
        a, b = (other, self) if len(self) > len(other) else (self, other)
        _, ia, ib = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
        order = np.argsort(ia, kind="stable")
        return float(sum((a.weights[ia[order]] * b.weights[ib[order]]).tolist()))


_TF = [0.0] + [1 + math.log(k) for k in range(1, 64)]
"""Sublinear term frequencies ``1 + log(k)`` of the counts most terms have."""


def _unit_tfidf(counts: Counter[str], df: Counter[str], idf: dict[str, float] | None = None) -> TermVector:
    """Sublinear TF times smoothed IDF (``df[""]`` holds the corpus size), scaled to unit length.

    ``idf`` keeps each term's IDF for the next document (the same float: the same expression;
    never 0, as ``df[w] <= n``, so ``or`` tells a kept one from a missing one).
    """
    n = df[""]
    known = {} if idf is None else idf
    get = known.get
    v = [(_TF[k] if k < 64 else 1 + math.log(k)) * (get(w) or known.setdefault(w, math.log((n + 1) / (df[w] + 1)) + 1))
         for w, k in counts.items()]
    norm = math.sqrt(sum(x * x for x in v)) or 1.0
    return TermVector(term_keys(counts), np.array([x / norm for x in v], dtype=np.float64))


@dataclass
class DocumentTerms:
    """Word shingles and TF-IDF vectors of some documents, made in one process for another.

    Their keys are :func:`term_keys` (``hash``): they only mean the same in a process forked
    from the one whose corpus adopts them (same hash seed), never across runs.
    """

    shingles: dict[str, np.ndarray] = field(default_factory=dict)
    tfidf: dict[str, TermVector] = field(default_factory=dict)


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
    _tfidf: dict[str, TermVector] = field(default_factory=dict, repr=False)
    _shingles: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _df: Counter[str] = field(default_factory=Counter, repr=False)
    _idf: dict[str, float] = field(default_factory=dict, repr=False)
    _title_tfidf: dict[str, TermVector] = field(default_factory=dict, repr=False)
    _char_tfidf: dict[str, TermVector] = field(default_factory=dict, repr=False)
    _char_df: Counter[str] = field(default_factory=Counter, repr=False)

    @classmethod
    def build(cls, documents: list[Document], sentences: dict[str, list[Sentence]],
              keys: list[tuple[str, int]], vectors: np.ndarray) -> Corpus:
        """Index ``vectors`` (rows keyed by ``(doc_id, index)``) by document."""
        dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[0] else 0
        docs = [d for d in documents if sentences.get(d.id)]
        # The store returns each document's rows together, in sentence order: the matrix is
        # used as it is (no reordered copy: at scale it is the largest thing in memory).
        first: dict[str, int] = {}
        for i, (doc_id, _) in enumerate(keys):
            first.setdefault(doc_id, i)
        offsets: dict[str, tuple[int, int]] = {}
        for d in docs:
            a = first.get(d.id)
            n = len(sentences[d.id])
            if a is None or a + n > len(keys) or keys[a + n - 1] != (d.id, sentences[d.id][-1].index):
                raise ValueError(f"document {d.id}: sentence vectors missing or out of order")
            offsets[d.id] = (a, a + n)
        mat = vectors if vectors.ndim == 2 and vectors.shape[0] else np.zeros((0, dim), dtype=np.float32)
        weights = np.zeros(mat.shape[0], dtype=np.int32)
        doc_vecs = np.zeros((len(docs), dim), dtype=np.float32)
        for i, d in enumerate(docs):
            a, b = offsets[d.id]
            weights[a:b] = [weight(s.text) for s in sentences[d.id]]
            v = mat[a:b].mean(axis=0) if b > a else np.zeros(dim, dtype=np.float32)
            doc_vecs[i] = v / max(float(np.linalg.norm(v)), 1e-12)
        return cls(docs, sentences, np.ascontiguousarray(mat, dtype=np.float32), offsets,
                   weights >= MIN_COUNTABLE_WEIGHT, weights >= MIN_POINT_WEIGHT, doc_vecs,
                   {d.id: d for d in docs})

    def tfidf(self, doc_id: str) -> TermVector:
        """Unit TF-IDF vector of a document's words (document frequencies over this corpus).

        Document frequencies are counted once; each document's vector is made when first
        asked for and kept (only documents in candidate pairs are ever asked for).
        """
        if doc_id not in self._tfidf:
            doc = self.by_id.get(doc_id)
            words = Counter(map(str.lower, _WORD.findall(doc.text))) if doc else Counter()
            self._tfidf[doc_id] = _unit_tfidf(words, self._word_df(), self._idf)
        return self._tfidf[doc_id]

    def title_tfidf(self, doc_id: str) -> TermVector:
        """Unit TF-IDF vector of the words of a document's first sentence (a news title or lead).

        Weighted by the corpus's document frequencies, as :meth:`tfidf`.
        """
        if doc_id not in self._title_tfidf:
            first = self.sentences.get(doc_id) or []
            words = Counter(map(str.lower, _WORD.findall(first[0].text))) if first else Counter()
            self._title_tfidf[doc_id] = _unit_tfidf(words, self._word_df(), self._idf)
        return self._title_tfidf[doc_id]

    def char_tfidf(self, doc_id: str) -> TermVector:
        """Unit TF-IDF vector of the character 4-grams of a document's words (padded with spaces).

        Inflected forms share most of their 4-grams ("Regierung"/"Regierungsbündnis",
        Turkish and Arabic suffixes), which whole-word TF-IDF misses. Document frequencies
        over this corpus are counted once (a pass over every document's text).
        """
        if doc_id not in self._char_tfidf:
            if not self._char_df:
                for d in self.documents:
                    self._char_df.update(set(_char_grams(d.text)))
                self._char_df[""] = len(self.documents)
            doc = self.by_id.get(doc_id)
            self._char_tfidf[doc_id] = _unit_tfidf(Counter(_char_grams(doc.text)) if doc else Counter(), self._char_df)
        return self._char_tfidf[doc_id]

    def _word_df(self) -> Counter[str]:
        if not self._df:
            for d in self.documents:
                self._df.update(set(map(str.lower, _WORD.findall(d.text))))
            self._df[""] = len(self.documents)  # the corpus size rides along
        return self._df

    def shingles(self, doc_id: str) -> np.ndarray:
        """Keys (:func:`term_keys`) of a document's word 3-shingles (character 5-grams for CJK),
        distinct and sorted, computed once."""
        if doc_id not in self._shingles:
            from refrains.fingerprint import shingles

            self._shingles[doc_id] = np.unique(term_keys(shingles(self.by_id[doc_id].text)))
        return self._shingles[doc_id]

    def terms(self, shingled: Iterable[str], weighted: Iterable[str]) -> DocumentTerms:
        """The shingles of ``shingled`` and the TF-IDF vectors of ``weighted`` documents (computed, kept, handed out)."""
        return DocumentTerms({d: self.shingles(d) for d in shingled}, {d: self.tfidf(d) for d in weighted})

    def adopt(self, terms: DocumentTerms) -> None:
        """Keep terms that a forked copy of this corpus computed (:meth:`terms`): the same
        values, made elsewhere (word frequencies must be counted here before the fork)."""
        self._shingles.update(terms.shingles)
        self._tfidf.update(terms.tfidf)

    def slice(self, doc_id: str) -> tuple[int, int]:
        """Rows of ``vectors`` that belong to ``doc_id``."""
        return self.offsets[doc_id]

    def doc_index(self) -> dict[str, int]:
        """Position of each document in ``documents`` / ``doc_vectors``."""
        return {d.id: i for i, d in enumerate(self.documents)}
