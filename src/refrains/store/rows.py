"""Rows to models, shared by every backend: the SQL both speak and how its rows become objects."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from refrains.models import Document, Link, Occurrence, PointSummary, Removed, TalkingPoint

to_json: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(value, ensure_ascii=False)`` (the same text) without making an encoder per call: a
full analysis writes one evidence object per link."""

DOC_COLS = "id, path, text, language, title, date, date_source, source, url, encoding, removed"
"""The columns :func:`document` reads, in its order."""

HEAD_COLS = ("id, path, CASE WHEN title IS NULL OR title = '' THEN substr(text, 1, 200) ELSE '' END, language, "
             "title, date, date_source, source, url, encoding, '[]'")
""":data:`DOC_COLS` for listings: the text only where there is no title (its start, to show
instead), no removed furniture. A listing of thousands of documents then reads no full text."""


def doc_cols(texts: bool) -> str:
    """:data:`DOC_COLS`, or :data:`HEAD_COLS` without ``texts``."""
    return DOC_COLS if texts else HEAD_COLS


POINT_COLS = "id, label, first_seen, first_document, languages, spread"
"""The columns of ``points`` that :func:`talking_points` reads, in its order."""

OCCURRENCE_ORDER = " ORDER BY d.date IS NULL, d.date, o.doc_id, o.sentence"

SUMMARY_COLS = "id, label, first_seen, first_document, languages, documents, n_occurrences"
"""The columns of ``points`` that :func:`point_summaries` reads, in its order (``documents`` is
NULL in rows written before the column existed)."""


LINK_SELECT = "SELECT source, target, relation, score, evidence FROM links"
"""The columns :func:`links` reads (both backends)."""


def links(rows: Iterable[Sequence[Any]]) -> list[Link]:
    """Links from rows of :data:`LINK_SELECT` (the evidence is stored as JSON text)."""
    return [Link(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]


def document(row: Sequence[Any]) -> Document:
    """A document from a row of :data:`DOC_COLS`."""
    removed = tuple(Removed(**r) for r in json.loads(row[10] or "[]"))
    return Document(id=row[0], path=row[1], text=row[2], language=row[3], title=row[4], date=row[5],
                    date_source=row[6], source=row[7], url=row[8], encoding=row[9], removed=removed)


def occurrence_select(texts: bool) -> str:
    """``SELECT point, document, sentence, text, language, date`` of talking-point occurrences.

    ``texts=False`` does not read the sentence table: empty texts, the document's language.
    Callers add their WHERE clause (on ``o.``) and :data:`OCCURRENCE_ORDER`.
    """
    cols, join = (("s.text, s.language", " JOIN sentences s ON s.doc_id = o.doc_id AND s.idx = o.sentence")
                  if texts else ("'', d.language", ""))
    return (f"SELECT o.point_id, o.doc_id, o.sentence, {cols}, d.date FROM point_occurrences o" + join +
            " JOIN documents d ON d.id = o.doc_id")


def _widest_first(p: TalkingPoint | PointSummary) -> tuple[int, str, str]:
    """Most widespread first, then earliest, then by id: the order of every point listing."""
    return -len(p.documents), p.first_seen or "9999", p.id


def talking_points(occurrence_rows: Iterable[Sequence[Any]], point_rows: Iterable[Sequence[Any]]) -> list[TalkingPoint]:
    """Talking points, most widespread first, from rows of :func:`occurrence_select` and :data:`POINT_COLS`."""
    occ: dict[str, list[Occurrence]] = {}
    for pid, doc, idx, text, lang, date in occurrence_rows:
        occ.setdefault(pid, []).append(Occurrence(doc, idx, text, lang, date))
    out = []
    for pid, label, first_seen, first_doc, langs, spread in point_rows:
        oc = tuple(occ.get(pid, ()))
        docs = tuple(dict.fromkeys(o.document for o in oc))
        out.append(TalkingPoint(pid, label, docs, tuple(json.loads(langs)), oc, first_seen, first_doc,
                                tuple(json.loads(spread))))
    return sorted(out, key=_widest_first)


def point_row(p: TalkingPoint) -> tuple[str, str, str | None, str, str, str, str, int]:
    """The ``points`` row of a talking point: :data:`POINT_COLS`, then its documents and occurrence count.

    The documents are kept in the order :func:`talking_points` gives them (earliest
    occurrence first) so that a listing reads them from one row instead of every occurrence.
    """
    seen = sorted({(o.date is None, o.date or "", o.document, o.sentence) for o in p.occurrences})
    docs = list(dict.fromkeys(key[2] for key in seen))
    return (p.id, p.label, p.first_seen, p.first_document, json.dumps(list(p.languages)),
            to_json(list(p.spread)), json.dumps(docs), len(seen))


def point_summaries(summary_rows: Iterable[Sequence[Any]], mine: Iterable[Sequence[Any]],
                    older: Callable[[set[str]], list[TalkingPoint]]) -> list[PointSummary]:
    """Point summaries, most widespread first, from rows of :data:`SUMMARY_COLS`.

    Args:
        summary_rows: the points' rows.
        mine: ``(point, sentence)`` rows of the document asked about (empty without one).
        older: the full points of these ids, for rows stored before their documents were
            (computed from every occurrence, as :func:`talking_points` does).
    """
    sentences: dict[str, list[int]] = {}
    for pid, idx in mine:
        sentences.setdefault(pid, []).append(int(idx))
    rows = list(summary_rows)
    stale = {r[0] for r in rows if r[5] is None}
    full = {p.id: p for p in older(stale)} if stale else {}
    out = []
    for pid, label, first_seen, first_doc, langs, docs, n in rows:
        if pid in full:
            docs_t, n = full[pid].documents, len(full[pid].occurrences)
        else:
            docs_t = tuple(json.loads(docs))
        out.append(PointSummary(pid, label, docs_t, tuple(json.loads(langs)), first_seen, first_doc, int(n),
                                tuple(sorted(sentences.get(pid, ())))))
    return sorted(out, key=_widest_first)
