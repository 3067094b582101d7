"""The sentence search index: exact when small, compressed codes with exact re-scoring when large."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from refrains.search import SentenceIndex
from refrains.store import Store, open_store
from refrains.web.queries import SemanticIndex
from tests.store.helpers import stored


def _fill(store: Store, first: int, n: int, per_doc: int = 10, dim: int = 64) -> None:
    store.add_documents([stored(f"d{i:05d}", [f"Sentence {j} of document {i}." for j in range(per_doc)],
                                dim=dim, seed=i) for i in range(first, first + n)])


def _brute(store: Store, q: np.ndarray, k: int) -> list[tuple[str, int, float]]:
    keys, mat = store.load_vectors()
    s = mat @ q
    top = np.argsort(-s, kind="stable")[:k]
    return [keys[i] + (round(float(s[i]), 4),) for i in top]


def _queries(store: Store, n: int, noise: float = 0.3) -> tuple[list[tuple[str, int]], np.ndarray]:
    """Stored vectors moved a little: each one's own sentence is its nearest neighbour."""
    keys, mat = store.load_vectors()
    rows = np.random.default_rng(1).choice(len(keys), size=n, replace=False)
    q = mat[rows] + noise * np.random.default_rng(2).standard_normal((n, mat.shape[1])).astype(np.float32) / 8
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return [keys[r] for r in rows], q


def test_a_small_index_is_exact(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    _fill(store, 0, 30)
    index = SentenceIndex.build(store)
    assert index.exact and index.rows == 300
    _, qs = _queries(store, 5)
    for q in qs:
        assert index.search(store, q, 7) == _brute(store, q, 7)
    assert index.search(store, qs[0], 0) == [] and SentenceIndex(64).search(store, qs[0]) == []


def test_a_large_index_scans_codes_and_hands_out_exact_cosines(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    _fill(store, 0, 400)  # 4,000 sentences: the codes are scanned, 200 of them re-scored
    index = SentenceIndex.build(store, exact_max_rows=1_000)
    assert not index.exact and index.rows == 4_000
    keys, qs = _queries(store, 60)
    found = 0
    for key, q in zip(keys, qs):
        hits = index.search(store, q, 5)
        exact = _brute(store, q, 5)
        assert [h[2] for h in hits] == sorted((h[2] for h in hits), reverse=True)
        # every score is the exact cosine of its sentence, whatever the codes said
        got = {(d, i): s for d, i, s in _brute(store, q, 4_000)}
        assert all(got[(d, i)] == s for d, i, s in hits)
        found += hits[0][:2] == key
        assert hits[0] == exact[0]
    assert found == 60
    again = SentenceIndex.build(store, exact_max_rows=1_000)  # the same store gives the same index
    assert [again.search(store, q, 5) for q in qs[:10]] == [index.search(store, q, 5) for q in qs[:10]]


def test_an_index_grows_with_the_store_and_switches_to_codes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    _fill(store, 0, 50)
    index = SentenceIndex.build(store, exact_max_rows=1_000)
    assert index.exact and index.update(store) == 0  # nothing new
    _fill(store, 50, 150)
    assert index.update(store) == 1_500 and not index.exact and index.rows == 2_000
    assert sorted(index.missing(store)) == []
    keys, qs = _queries(store, 30)
    assert [index.search(store, q, 1)[0][:2] for q in qs] == keys  # old and new documents alike


def test_a_compressed_index_is_kept_in_the_store(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(path)
    _fill(store, 0, 200)
    index = SentenceIndex.build(store, exact_max_rows=1_000)
    index.save(store, "usem3")
    store.close()
    store = open_store(path)
    assert SentenceIndex.load(store, "e5") is None  # another embedder's vectors: not this index
    back = SentenceIndex.load(store, "usem3")
    assert back is not None and not back.exact and back.rows == index.rows and back.missing(store) == []
    _, qs = _queries(store, 10)
    assert [back.search(store, q, 5) for q in qs] == [index.search(store, q, 5) for q in qs]
    _fill(store, 200, 10)
    assert back.update(store) == 100
    SentenceIndex(64).save(store, "usem3")  # an exact index is not kept: the blob goes
    assert SentenceIndex.load(store, "usem3") is None


def test_the_web_index_follows_uploads(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    _fill(store, 0, 20)
    web = SemanticIndex("usem3")
    keys, qs = _queries(store, 3)
    assert [web.search(store, "", 1, vector=q)[0][:2] for q in qs] == keys
    _fill(store, 20, 5)  # another process adds documents: seen within RECHECK_S seconds, not before
    _, mat = store.vectors_of(["d00022"])
    assert web.search(store, "", 1, vector=mat[3])[0][:2] != ("d00022", 3)
    web.invalidate()  # what an upload through the server does: the next search reads the new documents
    assert web.search(store, "", 1, vector=mat[3])[0][:2] == ("d00022", 3)
    _fill(store, 27, 1)
    web.RECHECK_S = 0.0
    _, mat = store.vectors_of(["d00027"])
    assert web.search(store, "", 1, vector=mat[3])[0][:2] == ("d00027", 3)


def test_an_analysis_keeps_the_index_of_a_large_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from refrains import search

    store = open_store(tmp_path / "s.db")
    _fill(store, 0, 30)
    assert search.keep_up_to_date(store, "usem3") is None  # small: nothing kept, an exact index is cheaper
    assert store.get_blob(search.BLOB_KEY) is None
    monkeypatch.setattr(search, "EXACT_MAX_ROWS", 100)
    index = search.keep_up_to_date(store, "usem3")
    assert index is not None and not index.exact and index.rows == 300
    blob = store.get_blob(search.BLOB_KEY)
    assert blob is not None
    assert search.keep_up_to_date(store, "usem3") is not None and store.get_blob(search.BLOB_KEY) == blob
    _fill(store, 30, 2)  # new documents: the kept index gains them
    again = search.keep_up_to_date(store, "usem3")
    assert again is not None and again.rows == 320 and store.get_blob(search.BLOB_KEY) != blob
    kept = SentenceIndex.load(store, "usem3")
    assert kept is not None and kept.rows == 320


def test_a_torn_or_foreign_kept_index_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from refrains import search
    from refrains.search import BLOB_KEY

    store = open_store(tmp_path / "s.db")
    _fill(store, 0, 200)
    index = SentenceIndex.build(store, exact_max_rows=1_000)
    index.save(store, "usem3")
    good = store.get_blob(BLOB_KEY)
    assert good is not None
    for bad in (b"not an npz", good[: len(good) // 2]):
        store.set_blob(BLOB_KEY, bad)
        assert SentenceIndex.load(store, "usem3") is None  # never an exception at a search
    web = SemanticIndex("usem3")
    _, qs = _queries(store, 3)
    assert len(web.search(store, "", 5, vector=qs[0])) == 5  # rebuilt from the vectors
    monkeypatch.setattr(search, "EXACT_MAX_ROWS", 1_000)
    assert search.keep_up_to_date(store, "usem3") is not None  # the next analysis keeps a good one again
    assert SentenceIndex.load(store, "usem3") is not None
