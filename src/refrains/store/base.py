"""The Store protocol: the one interface every storage backend implements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from refrains.models import Document, Link, PointSummary, Sentence, Story, TalkingPoint


@dataclass(frozen=True)
class StoredDocument:
    """A document with its sentences and their vectors, as written and read back."""

    document: Document
    sentences: tuple[Sentence, ...]
    vectors: np.ndarray  # (n_sentences, dim) float32, unit rows
    minhash: tuple[int, ...] = ()


@dataclass(frozen=True)
class AnalysisChanges:
    """What an incremental analysis changed, for :meth:`Store.update_analysis`.

    Adding a few documents to a large analysed store changes the links of those documents
    and a few stories and talking points; rewriting every row would cost time in proportion
    to the store. Stored rows not named here stay as they are.
    """

    links: Sequence[Link] = ()
    """Links written (each replaces a stored link of the same pair)."""
    unlinked: Sequence[str] = ()
    """Documents whose stored links are all removed before ``links`` are written."""
    stories: Sequence[Story] = ()
    """Stories written (each replaces the stored story of its id, members included)."""
    dropped_stories: Sequence[str] = ()
    """Ids of stored stories removed."""
    points: Sequence[TalkingPoint] = ()
    """Talking points written (each replaces the stored point of its id, occurrences included)."""
    dropped_points: Sequence[str] = ()
    """Ids of stored talking points removed."""


class Store(Protocol):
    """Storage of documents and analysis results. Every write is one transaction."""

    def has_document(self, doc_id: str) -> bool:
        """Whether a document with this id is stored."""
        ...

    def add_documents(self, docs: Sequence[StoredDocument]) -> int:
        """Store documents (with sentences and vectors) atomically; returns how many were new."""
        ...

    def add_path(self, doc_id: str, path: str) -> None:
        """Record another path under which an already stored document was seen."""
        ...

    def count_documents(self) -> int:
        """Number of stored documents."""
        ...

    def document_ids(self) -> list[str]:
        """The id of every stored document, sorted (a listing's cache finds the new ones by them)."""
        ...

    def documents(self, ids: Iterable[str] | None = None, texts: bool = True) -> list[Document]:
        """All documents (or those of ``ids``), ordered by date then id.

        ``texts=False`` is for listings: each document's text is empty, or the start of it
        when it has no title (what a listing shows instead), and no removed furniture is read.
        """
        ...

    def document(self, doc_id: str) -> Document | None:
        """One document by id (or unique id prefix)."""
        ...

    def sentences(self, doc_id: str) -> list[Sentence]:
        """The sentences of one document, in order."""
        ...

    def all_sentences(self) -> dict[str, list[Sentence]]:
        """Every sentence, by document."""
        ...

    def document_vectors(self, doc_id: str) -> np.ndarray:
        """The sentence vectors of one document, in order."""
        ...

    def search_text(self, query: str, limit: int = 20) -> list[tuple[str, int, str]]:
        """Sentences containing ``query``, as (doc_id, index, text)."""
        ...

    def get_meta(self, key: str) -> str | None:
        """A value of the store's key-value metadata."""
        ...

    def set_meta(self, key: str, value: str) -> None:
        """Set one metadata value."""
        ...

    def get_blob(self, key: str) -> bytes | None:
        """A binary value kept by an earlier analysis (``neighbourhoods``), or None."""
        ...

    def set_blob(self, key: str, value: bytes | None) -> None:
        """Keep a binary value for later analyses (None removes it)."""
        ...

    def load_vectors(self) -> tuple[list[tuple[str, int]], np.ndarray]:
        """Every sentence key ``(doc_id, index)`` and its vector, in a stable order."""
        ...

    def count_sentences(self) -> int:
        """Number of stored sentences (rows of every document)."""
        ...

    def vectors_of(self, doc_ids: Iterable[str]) -> tuple[list[tuple[str, int]], np.ndarray]:
        """The sentence keys and vectors (float32) of the documents ``doc_ids``, ordered by document
        then index; unknown ids are left out. What a search index reads a slice of the store with."""
        ...

    def sentence_vectors(self, keys: Sequence[tuple[str, int]]) -> np.ndarray:
        """The vectors (float32) of the sentences ``keys`` ``(doc_id, index)``, one row per key in
        that order; a key that is not stored raises :class:`~refrains.errors.StoreError`."""
        ...

    def vector_cache(self, keys: Iterable[str], model: str) -> dict[str, np.ndarray]:
        """Vectors already computed for sentence-text hashes ``keys`` with ``model``."""
        ...

    def lsh_candidates(self) -> list[tuple[str, str]]:
        """Document pairs that share a MinHash band (the database does the self-join)."""
        ...

    def save_analysis(self, links: Sequence[Link], stories: Sequence[Story], points: Sequence[TalkingPoint],
                      facts: dict[str, list[dict[str, Any]]] | None = None) -> None:
        """Replace the analysis results (links, stories, talking points, facts) in one transaction."""
        ...

    def update_analysis(self, changes: AnalysisChanges, facts: dict[str, list[dict[str, Any]]] | None = None) -> None:
        """Apply ``changes`` (and replace the facts of the documents in ``facts``) in one transaction.

        Removals come first, then writes; a refused row leaves the previous results exactly as
        they were.
        """
        ...

    def links(self, doc_id: str | None = None) -> list[Link]:
        """Stored links (only those touching ``doc_id`` when given)."""
        ...

    def links_among(self, doc_ids: Iterable[str]) -> list[Link]:
        """Stored links whose two ends are both among ``doc_ids`` (a talking point's spread graph)."""
        ...

    def links_apart(self, doc_ids: Iterable[str]) -> list[Link]:
        """Stored links touching none of ``doc_ids``, by source then target: what an incremental
        analysis of those documents keeps (the database leaves the others out, and no sort by relation)."""
        ...

    def stories(self, doc_id: str | None = None) -> list[Story]:
        """Stored stories (only the one holding ``doc_id`` when given)."""
        ...

    def points(self, doc_id: str | None = None, texts: bool = True) -> list[TalkingPoint]:
        """Stored talking points (only those occurring in ``doc_id`` when given, with all their occurrences).

        ``texts=False`` leaves each occurrence's text empty and gives it its document's language
        (the sentence table is not read): listings that need counts and documents only.
        """
        ...

    def point(self, ref: str) -> TalkingPoint | None:
        """One talking point with every occurrence, by id or unique id prefix (None: unknown or ambiguous)."""
        ...

    def point_summaries(self, doc_id: str | None = None) -> list[PointSummary]:
        """Stored talking points without their occurrences (those occurring in ``doc_id`` when given).

        Same order as :meth:`points`; each summary carries its documents, its occurrence count
        and, with ``doc_id``, that document's sentences that voice it: what a document page or
        a listing needs, read from one row per point instead of every occurrence.
        """
        ...

    def facts(self, doc_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
        """Stored facts by document."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...
