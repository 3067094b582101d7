"""Rows to models, shared by every backend: the SQL both speak and how its rows become objects."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from refrains.models import Document, Occurrence, Removed, TalkingPoint

DOC_COLS = "id, path, text, language, title, date, date_source, source, url, encoding, removed"
"""The columns :func:`document` reads, in its order."""

POINT_COLS = "id, label, first_seen, first_document, languages, spread"
"""The columns of ``points`` that :func:`talking_points` reads, in its order."""

OCCURRENCE_ORDER = " ORDER BY d.date IS NULL, d.date, o.doc_id, o.sentence"


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
    return sorted(out, key=lambda p: (-len(p.documents), p.first_seen or "9999", p.id))
