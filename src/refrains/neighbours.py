"""What candidate search learnt about each sentence's neighbourhood, kept between runs.

An incremental run searches the new documents' sentences. Two things it needs about the
*stored* sentences would otherwise cost a search of the whole corpus again:

* the neighbourhood mean of every sentence in every other language (the margin of
  :func:`refrains.link.cross_lingual_pairs` subtracts it), and
* whether a new sentence has entered a stored sentence's nearest neighbours (a full
  analysis would then have found the pair from the stored side too).

:class:`Neighbourhoods` keeps, per sentence row, the neighbourhood mean and the k-th best
cosine in each other language, and the k-th best cosine of the plain sentence search.
A new sentence can only change a stored row's neighbourhood if it beats that k-th
cosine, so one product of the stored rows with the new ones tells which rows to search
again; every other row keeps its figures, which are then exactly those a full analysis
would compute. The state is saved in the store (:meth:`Store.set_blob`) after each analysis.

Where candidate search is approximate (indexes of :data:`refrains.link.APPROX_MIN_ROWS`
rows or more), the figures are those of the neighbours it found, re-scored exactly: the
i-th best cosine found is at most the true i-th, so a saved mean and k-th cosine are lower
bounds of the exact ones, as the bounds above assume; an incremental run then gives a
full (approximate) search's pairs up to which rows the codes let through.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from refrains.corpus import Corpus

BLOB_KEY = "neighbourhoods"
"""The store blob that holds the saved state."""
VERSION = 1


@dataclass
class Neighbourhoods:
    """Per-row neighbourhood figures of a corpus (rows of ``docs``, in that order).

    Attributes:
        signature: the settings the figures depend on; another signature means start over.
        docs: the documents covered, in the order of their rows.
        sizes: rows (sentences) of each document.
        languages: the columns of ``mean`` and ``kth`` (document languages).
        k: the neighbourhood size used for each language column (it depends on the
            language's size while that is small).
        mean: mean cosine of each row's ``k`` nearest rows in each language (NaN: none,
            own language, or not countable).
        kth: the ``k``-th best cosine behind ``mean``.
        exact: whether ``mean`` and ``kth`` are exact; where not, they are lower bounds
            (a row's neighbourhood only gets closer as rows are added).
        top: the ``sentence_k + 1``-th best cosine of the plain search; a lower bound of
            it after incremental runs (a new row that beats it triggers a search).
    """

    signature: str
    docs: list[str]
    sizes: np.ndarray
    languages: list[str]
    k: np.ndarray
    exact: np.ndarray
    mean: np.ndarray
    kth: np.ndarray
    top: np.ndarray

    def to_bytes(self) -> bytes:
        """The state as an ``.npz`` archive (no pickles)."""
        buf = io.BytesIO()
        np.savez(buf, version=np.array(VERSION), signature=np.array(self.signature), docs=np.array(self.docs),
                 sizes=self.sizes, languages=np.array(self.languages), k=self.k, exact=self.exact, mean=self.mean, kth=self.kth,
                 top=self.top)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Neighbourhoods | None:
        """The state saved by :meth:`to_bytes`, or None if it is from another version or damaged."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                if int(z["version"]) != VERSION:
                    return None
                return cls(str(z["signature"]), [str(d) for d in z["docs"]], z["sizes"].astype(np.int64),
                           [str(x) for x in z["languages"]], z["k"].astype(np.int64), z["exact"].astype(bool),
                           z["mean"].astype(np.float32), z["kth"].astype(np.float32), z["top"].astype(np.float32))
        except (OSError, ValueError, KeyError):
            return None

    @classmethod
    def of(cls, corpus: Corpus, signature: str, languages: list[str], k: np.ndarray, exact: np.ndarray,
           mean: np.ndarray, kth: np.ndarray, top: np.ndarray) -> Neighbourhoods:
        """A state over every row of ``corpus`` (arrays indexed by corpus row)."""
        docs = [d.id for d in corpus.documents]
        order = np.concatenate([np.arange(*corpus.slice(d)) for d in docs]) if docs else np.zeros(0, dtype=np.int64)
        sizes = np.array([corpus.slice(d)[1] - corpus.slice(d)[0] for d in docs], dtype=np.int64)
        return cls(signature, docs, sizes, list(languages), np.asarray(k, dtype=np.int64), exact[order], mean[order],
                   kth[order], top[order])

    def aligned(self, corpus: Corpus, signature: str, languages: list[str]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """The figures laid out on ``corpus``'s rows and ``languages``' columns.

        Returns:
            ``(covered, k, exact, mean, kth, top)``: whether each corpus row was covered, the
            saved ``k`` of each language column (0 where the language is new), and the
            figures (NaN and not exact for rows not covered); None when the state does not fit this corpus (other
            settings, or a covered document is gone or changed).
        """
        if signature != self.signature:
            return None
        n = corpus.vectors.shape[0]
        src = np.full(n, -1, dtype=np.int64)
        start = np.concatenate([[0], np.cumsum(self.sizes)])
        for i, doc_id in enumerate(self.docs):
            if doc_id not in corpus.offsets:
                return None
            a, b = corpus.slice(doc_id)
            if b - a != int(self.sizes[i]):
                return None
            src[a:b] = np.arange(start[i], start[i + 1])
        covered = src >= 0
        col = {lang: j for j, lang in enumerate(self.languages)}
        mean = np.full((n, len(languages)), np.nan, dtype=np.float32)
        kth = np.full((n, len(languages)), np.nan, dtype=np.float32)
        exact = np.zeros((n, len(languages)), dtype=bool)
        k = np.zeros(len(languages), dtype=np.int64)
        for t, lang in enumerate(languages):
            j = col.get(lang)
            if j is not None:
                mean[covered, t] = self.mean[src[covered], j]
                kth[covered, t] = self.kth[src[covered], j]
                exact[covered, t] = self.exact[src[covered], j]
                k[t] = self.k[j]
        top = np.full(n, np.nan, dtype=np.float32)
        top[covered] = self.top[src[covered]]
        return covered, k, exact, mean, kth, top


@dataclass
class SearchMemory:
    """The figures handed from one candidate search to the next: read, then replaced."""

    state: Neighbourhoods | None = None
