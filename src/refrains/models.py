"""The records refrains passes between stages: small frozen dataclasses.

Vectors travel beside them as numpy arrays (see ``types.py``); records stay light so
that they serialise to JSON with ``as_dict()`` and to SQLite rows without ceremony.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

RELATIONS = ("duplicate", "translation", "derivative", "same_story", "shared_points")
"""Document relations, strongest first (see the README for their definitions)."""

COPY_RELATIONS = frozenset({"duplicate", "translation", "derivative"})


class _AsDict:
    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form of the record."""
        return dataclasses.asdict(self)  # type: ignore[call-overload,no-any-return]


@dataclass(frozen=True)
class Removed(_AsDict):
    """A span of the original text that cleaning removed, and why."""

    text: str
    reason: str


@dataclass(frozen=True)
class RawDocument(_AsDict):
    """A document as read from its file, before cleaning: decoded text plus metadata."""

    path: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    encoding: str = "utf-8"
    is_html: bool = False
    record: str | None = None  # row / line number inside a JSONL or CSV file


@dataclass(frozen=True)
class Sentence(_AsDict):
    """A sentence of a cleaned document; ``text == doc.text[start:end]``."""

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    language: str


@dataclass(frozen=True)
class Document(_AsDict):
    """A cleaned, dated, language-tagged document with a content-derived id."""

    id: str
    path: str
    text: str
    language: str
    title: str | None = None
    date: str | None = None
    date_source: str | None = None  # "metadata", "text" or None
    source: str | None = None
    url: str | None = None
    encoding: str = "utf-8"
    removed: tuple[Removed, ...] = ()


@dataclass(frozen=True)
class AlignedPair(_AsDict):
    """Two sentences, one per document, that say the same thing."""

    a: int  # sentence index in document a
    b: int  # sentence index in document b
    cosine: float
    margin: float
    text_a: str = ""
    text_b: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form (every link's evidence holds its pairs: ``dataclasses.asdict``'s
        recursive copy was a tenth of the link stage)."""
        return {"a": self.a, "b": self.b, "cosine": self.cosine, "margin": self.margin, "text_a": self.text_a,
                "text_b": self.text_b}


@dataclass(frozen=True)
class Alignment(_AsDict):
    """The sentence alignment of two documents with its coverage in both directions."""

    doc_a: str
    doc_b: str
    pairs: tuple[AlignedPair, ...]
    coverage_a: float  # share of a's sentences aligned to b
    coverage_b: float
    monotonic: float  # share of aligned pairs in the same order in both documents


@dataclass(frozen=True)
class Link(_AsDict):
    """A typed relation between two documents, with its evidence.

    For ``derivative`` the link points from the earlier ``source`` to the later ``target``;
    the other relations are symmetric and stored with ``source < target``.
    """

    source: str
    target: str
    relation: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Story(_AsDict):
    """Documents about one event, across languages."""

    id: str
    documents: tuple[str, ...]
    languages: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None
    title: str | None


@dataclass(frozen=True)
class Occurrence(_AsDict):
    """One sentence that voices a talking point."""

    document: str
    sentence: int
    text: str
    language: str
    date: str | None


@dataclass(frozen=True)
class TalkingPoint(_AsDict):
    """A claim that recurs in two or more documents, quoted, paraphrased or translated."""

    id: str
    label: str
    documents: tuple[str, ...]
    languages: tuple[str, ...]
    occurrences: tuple[Occurrence, ...]
    first_seen: str | None
    first_document: str
    spread: tuple[dict[str, Any], ...] = ()
    facts: tuple[dict[str, Any], ...] = ()  # facts carried by the occurrences, each with its document
    drift: tuple[dict[str, Any], ...] = ()  # kinds whose values differ between documents


@dataclass(frozen=True)
class PointSummary(_AsDict):
    """What a listing shows of a talking point: counts and documents, not every occurrence.

    A point voiced in thousands of documents has thousands of occurrences; a document page or
    a listing needs only how many, which documents, and (per document) which of its sentences.
    """

    id: str
    label: str
    documents: tuple[str, ...]  # earliest first, as in :class:`TalkingPoint`
    languages: tuple[str, ...]
    first_seen: str | None
    first_document: str
    occurrences: int
    sentences: tuple[int, ...] = ()  # the sentences of the document asked about (none without one)
