"""Data shaping of the web layer: layouts and alignment rows, without a server."""

from __future__ import annotations

from refrains.models import AlignedPair, Alignment, Document, Link, Occurrence, Sentence, TalkingPoint
from refrains.web import queries as q


def doc(i: str, date: str | None, lang: str = "en", **kw: object) -> Document:
    return Document(id=i, path=f"/x/{i}.txt", text="t", language=lang, date=date, **kw)  # type: ignore[arg-type]


def test_rows_keep_both_orders_and_mark_unmatched() -> None:
    rows = q.side_by_side_rows([(0, 1, "meaning"), (2, 3, "meaning")], 4, 5)
    assert [(r["a"], r["b"], r["kind"]) for r in rows] == [
        (None, 0, "unmatched_b"), (0, 1, "meaning"), (1, None, "unmatched_a"), (None, 2, "unmatched_b"),
        (2, 3, "meaning"), (3, None, "unmatched_a"), (None, 4, "unmatched_b")]
    crossed = q.side_by_side_rows([(0, 2, "meaning"), (1, 0, "meaning")], 2, 3)
    assert sorted(r["b"] for r in crossed if r["b"] is not None) == [0, 1, 2]


def test_positional_pairs_only_in_translation_like_alignments() -> None:
    good = Alignment("a", "b", (AlignedPair(0, 0, .9, 2), AlignedPair(2, 2, .9, 2), AlignedPair(3, 3, .9, 2)),
                     0.75, 0.75, 1.0)
    assert q.positional_pairs(good, 4, 4) == [(1, 1)]
    rewrite = Alignment("a", "b", good.pairs, 0.4, 0.75, 1.0)
    assert q.positional_pairs(rewrite, 4, 4) == []
    uneven = Alignment("a", "b", (AlignedPair(0, 0, .9, 2), AlignedPair(3, 2, .9, 2)), 0.9, 0.9, 1.0)
    assert q.positional_pairs(uneven, 4, 3) == []


def test_segments_rebuild_the_text_exactly() -> None:
    text = "One. Two!\n\nThree?"
    d = Document(id="d", path="p", text=text, language="en")
    sents = [Sentence("d", 0, 0, 4, "One.", "en"), Sentence("d", 1, 5, 9, "Two!", "en"),
             Sentence("d", 2, 11, 17, "Three?", "en")]
    segs = q.segments(d, sents, {1: [{"id": "p1", "label": "Two"}]})
    assert "".join(s["text"] for s in segs) == text
    assert [s["points"] for s in segs if s["sentence"] == 1] == [[{"id": "p1", "label": "Two"}]]


def test_timeline_places_dated_items_in_order_and_undated_apart() -> None:
    items = [{"id": "a", "date": "2020-01-01", "language": "en"}, {"id": "b", "date": "2022-01-01", "language": "zh"},
             {"id": "c", "date": None, "language": "en"}]
    tl = q.timeline(items, "language")
    by = {it["id"]: it for it in tl["items"]}
    assert by["a"]["x"] < by["b"]["x"] < by["c"]["x"] and not by["c"]["dated"] and tl["has_undated"]
    assert {lane["label"] for lane in tl["lanes"]} == {"en", "zh"}
    assert next(t["label"] for t in tl["ticks"]) == "2020-01-01"


def test_spread_graph_prefers_copy_links_and_flags_undated() -> None:
    docs = {d.id: d for d in (doc("a", "2020-01-01"), doc("b", "2020-01-02", "fr"), doc("c", "2020-01-03"),
                              doc("e", None, "zh"))}
    occ = tuple(Occurrence(d, 0, "x", docs[d].language, docs[d].date) for d in "abce")
    point = TalkingPoint("p", "x", ("a", "b", "c", "e"), ("en", "fr", "zh"), occ, "2020-01-01", "a")
    links = [Link("b", "c", "derivative", 0.9), Link("a", "b", "translation", 0.9)]
    g = q.spread_graph(point, docs, links)
    edges = {(e["source"], e["target"]): e for e in g["edges"]}
    assert set(edges) == {("a", "b"), ("b", "c"), ("a", "e")}
    assert edges[("b", "c")]["via_copy"] and not edges[("a", "e")]["via_copy"] and edges[("a", "e")]["undated"]
    assert [n["first"] for n in g["nodes"]] == [True, False, False, False]


def test_outlet_and_safe_urls() -> None:
    assert q.outlet(doc("a", None, url="https://www.example.org/x")) == "example.org"
    assert q.outlet(doc("a", None, source="Xinhua")) == "Xinhua"
    assert q.web_url("javascript:alert(1)") is None and q.web_url(" JAVASCRIPT:x") is None
    assert q.web_url("https://example.org") == "https://example.org"
