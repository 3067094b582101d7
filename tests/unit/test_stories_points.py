from __future__ import annotations

import dataclasses

import numpy as np

from refrains.corpus import Corpus
from refrains.models import AlignedPair, Alignment, Document, Link, Sentence
from refrains.points import mine_points, update_points
from refrains.stories import cluster_stories

LONG = "a sentence long enough to be a talking point of its own number"


def corpus(n_docs: int, n_sents: int, dates: list[str | None] | None = None) -> Corpus:
    docs, sents, keys = [], {}, []
    for d in range(n_docs):
        doc_id = f"d{d}"
        date = dates[d] if dates else None
        docs.append(Document(doc_id, f"{doc_id}.txt", "x", "en", date=date))
        sents[doc_id] = [Sentence(doc_id, i, 0, 1, f"{LONG} {i}", "en") for i in range(n_sents)]
        keys += [(doc_id, i) for i in range(n_sents)]
    vecs = np.eye(len(keys), dtype=np.float32)
    return Corpus.build(docs, sents, keys, vecs)


def al(a: str, b: str, pairs: list[tuple[int, int, float]]) -> Alignment:
    return Alignment(a, b, tuple(AlignedPair(i, j, c, 1.5) for i, j, c in pairs), 0.5, 0.5, 1.0)


def test_stories_follow_copy_and_story_links_only() -> None:
    c = corpus(4, 1, ["2020-01-02", "2020-01-01", None, "2021-01-01"])
    links = [Link("d0", "d1", "translation", 0.9), Link("d1", "d2", "same_story", 0.9),
             Link("d2", "d3", "shared_points", 0.2)]
    stories = cluster_stories(c.documents, links)
    assert [s.documents for s in stories] == [("d1", "d0", "d2"), ("d3",)]
    assert stories[0].first_seen == "2020-01-01"
    again = cluster_stories(list(reversed(c.documents)), list(reversed(links)))
    assert [s.id for s in again] == [s.id for s in stories]  # ids are stable


def test_points_skip_pure_copies_and_never_hold_two_sentences_of_one_document() -> None:
    c = corpus(3, 3, ["2020-01-01", "2020-01-01", "2021-06-01"])
    links = [Link("d0", "d1", "translation", 0.9), Link("d0", "d2", "shared_points", 0.3)]
    aligns = [
        al("d0", "d1", [(0, 0, 0.9), (1, 1, 0.9), (2, 2, 0.9)]),  # a translation: copies, not points
        al("d0", "d2", [(0, 0, 0.8), (1, 0, 0.6)]),  # d2:0 cannot join two sentences of d0
    ]
    points = mine_points(c, aligns, links)
    assert len(points) == 1
    p = points[0]
    assert set(p.documents) == {"d0", "d1", "d2"}
    assert {(o.document, o.sentence) for o in p.occurrences} == {("d0", 0), ("d1", 0), ("d2", 0)}
    assert p.first_seen == "2020-01-01" and p.first_document in ("d0", "d1")
    assert len(p.documents) >= 2


def test_equal_cosines_merge_in_key_order_sentence_10_before_9() -> None:
    c = corpus(2, 11)
    # d1:0 can join d0:9 or d0:10, not both; the keys "d0\t10" < "d0\t9" decide, as they always did
    points = mine_points(c, [al("d0", "d1", [(9, 0, 0.8), (10, 0, 0.8)])], [Link("d0", "d1", "shared_points", 0.2)])
    assert [[(o.document, o.sentence) for o in p.occurrences] for p in points] == [[("d0", 10), ("d1", 0)]]


def test_update_points_re_mines_only_what_new_documents_reach() -> None:
    c = corpus(5, 3)
    old_links = [Link("d0", "d1", "shared_points", 0.3), Link("d2", "d3", "shared_points", 0.3)]
    old_aligns = [al("d0", "d1", [(0, 0, 0.9)]), al("d2", "d3", [(1, 1, 0.9)])]
    stored = mine_points(c, old_aligns, old_links)
    assert len(stored) == 2
    # d4 is new: it joins the d0-d1 point; the d2-d3 point is kept as stored (its label proves it)
    marked = [dataclasses.replace(p, label="as stored") if "d2" in p.documents else p for p in stored]
    links = [*old_links, Link("d1", "d4", "shared_points", 0.3)]
    aligns = [*old_aligns, al("d1", "d4", [(0, 2, 0.95)])]
    got = update_points(c, aligns, links, {"d4"}, marked)
    full = mine_points(c, aligns, links)
    assert [(p.id, p.occurrences) for p in got] == [(p.id, p.occurrences) for p in full]
    assert [p.label for p in got if "d2" in p.documents] == ["as stored"]
    assert [p.label for p in got if "d4" in p.documents] == [p.label for p in full if "d4" in p.documents]
    # a new translation link makes d2 and d3 copies of one text: their kept point goes, as mining would drop it
    links.append(Link("d2", "d3", "translation", 0.9))
    assert [p.id for p in update_points(c, aligns, links, {"d4"}, marked)] == \
        [p.id for p in mine_points(c, aligns, links)] and len(mine_points(c, aligns, links)) == 1
    # a stored point the graph no longer carries is not kept
    assert update_points(c, old_aligns[:1], old_links[:1], set(), marked) == mine_points(c, old_aligns[:1], old_links[:1])
