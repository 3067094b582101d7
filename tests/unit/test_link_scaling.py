"""Candidate search grows with the corpus, not with its square (counted, not timed)."""

from __future__ import annotations

import numpy as np

from refrains.corpus import Corpus
from refrains.link import LinkSettings, LinkStats, candidate_pairs, link_documents
from refrains.models import Document, Sentence

TEXT = "a sentence that is long enough to count for coverage and points"


def random_corpus(n_docs: int, per_doc: int = 5, seed: int = 0) -> Corpus:
    rng = np.random.default_rng(seed)
    docs, sents, keys = [], {}, []
    for d in range(n_docs):
        doc_id = f"d{d:05d}"
        docs.append(Document(doc_id, f"{doc_id}.txt", TEXT, "en"))
        sents[doc_id] = [Sentence(doc_id, i, 0, len(TEXT), TEXT, "en") for i in range(per_doc)]
        keys += [(doc_id, i) for i in range(per_doc)]
    vecs = rng.normal(size=(len(keys), 256)).astype(np.float32)
    # every tenth document is a near-copy of the previous one
    for d in range(1, n_docs, 10):
        vecs[d * per_doc : (d + 1) * per_doc] = vecs[(d - 1) * per_doc : d * per_doc] + 0.01
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return Corpus.build(docs, sents, keys, vecs)


def test_candidates_are_bounded_by_neighbours_not_pairs() -> None:
    settings = LinkSettings()
    per_doc_bound = 5 * settings.sentence_k + settings.document_k
    counts = {}
    for n in (200, 400, 800):
        stats = LinkStats()
        pairs = candidate_pairs(random_corpus(n), settings, stats=stats)
        counts[n] = len(pairs)
        assert len(pairs) <= n * per_doc_bound
        assert len(pairs) < n * (n - 1) / 2 / 4  # far below all pairs
    # doubling the corpus roughly doubles the candidates (not quadruples them)
    assert counts[800] / counts[400] < 2.6 and counts[400] / counts[200] < 2.6


def test_near_copies_are_found_and_aligned_only_for_candidates() -> None:
    corpus = random_corpus(100)
    stats = LinkStats()
    links, _ = link_documents(corpus, LinkSettings(), stats=stats)
    copies = {(ln.source, ln.target) for ln in links if ln.relation == "duplicate"}
    assert ("d00000", "d00001") in copies
    assert stats.aligned_pairs == stats.candidate_pairs < 100 * 99 / 2


def test_inverted_file_index_finds_the_same_copies(monkeypatch: object) -> None:
    """Above IVF_MIN_ROWS candidate search is approximate; every near-copy must still be found."""
    from refrains import link

    corpus = random_corpus(600)
    exact = set(candidate_pairs(corpus, LinkSettings()))
    monkeypatch.setattr(link, "IVF_MIN_ROWS", 1000)  # type: ignore[attr-defined]
    approx = set(candidate_pairs(corpus, LinkSettings()))
    copies = {(f"d{d - 1:05d}", f"d{d:05d}") for d in range(1, 600, 10)}
    assert copies <= exact
    assert copies <= approx


def multilingual_corpus(n_docs: int, per_doc: int = 6, seed: int = 1) -> Corpus:
    """Three languages, each with its own direction; every fifth document translates the one before."""
    rng = np.random.default_rng(seed)
    dim, langs = 64, ("en", "fr", "is")
    shift = {lang: rng.normal(size=dim) for lang in langs}
    docs, sents, keys, blocks = [], {}, [], []
    for d in range(n_docs):
        doc_id, lang = f"d{d:05d}", langs[d % 3]
        docs.append(Document(doc_id, f"{doc_id}.txt", TEXT, lang))
        sents[doc_id] = [Sentence(doc_id, i, 0, len(TEXT), TEXT, lang) for i in range(per_doc)]
        keys += [(doc_id, i) for i in range(per_doc)]
        base = blocks[-1][0] if d % 5 == 4 else rng.normal(size=(per_doc, dim))
        blocks.append((base, base + 0.8 * shift[lang] + 0.6 * rng.normal(size=(per_doc, dim))))
    vecs = np.vstack([v for _, v in blocks]).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return Corpus.build(docs, sents, keys, vecs)


def test_incremental_search_with_stored_neighbourhoods_equals_a_full_search() -> None:
    """Figures kept from the last search: the new documents' pairs are those of a full search,
    found with far fewer queries (the reverse direction included: a stored sentence that
    gains a new neighbour)."""
    from refrains.neighbours import Neighbourhoods, SearchMemory

    settings = LinkSettings()
    whole = multilingual_corpus(300)
    first = multilingual_corpus(270)
    memory = SearchMemory()
    candidate_pairs(first, settings, memory=memory)
    assert memory.state is not None
    memory.state = Neighbourhoods.from_bytes(memory.state.to_bytes())  # as stored
    new = {d.id for d in whole.documents[270:]}
    stats, full_stats = LinkStats(), LinkStats()
    got = candidate_pairs(whole, settings, stats=stats, only=new, memory=memory)
    full = [p for p in candidate_pairs(whole, settings, stats=full_stats) if p[0] in new or p[1] in new]
    assert got == full
    assert any(p[0] not in new and p[1] in new for p in got)
    assert stats.sentence_queries < full_stats.sentence_queries / 2
    # without stored figures every sentence is searched, and the pairs are the same
    assert candidate_pairs(whole, settings, only=new) == full


def test_nearest_of_the_whole_come_from_the_nearest_of_each_language() -> None:
    """The plain search's neighbours, read off the per-language searches (``_union_top``),
    are those of one search over every row; a tied k-th place is left to that search."""
    from refrains.link import _faiss_knn, _union_top

    corpus = multilingual_corpus(120)
    rows = np.arange(corpus.vectors.shape[0])
    code = np.array([("en", "fr", "is").index(d.language) for d in corpus.documents]).repeat(6)
    members = [np.flatnonzero(code == t) for t in range(3)]
    near = []
    for m in members:  # 16 per language (the cross-lingual neighbourhood) leave room below the 9th
        sims, ids = _faiss_knn(corpus.vectors, rows, 16, m)
        near.append((sims, m[ids]))
    sims, ids, sure = _union_top([s for s, _ in near], [i for _, i in near], [len(m) for m in members], 9)
    whole_sims, whole_ids = _faiss_knn(corpus.vectors, rows, 9)
    assert sure.mean() > 0.95
    assert np.allclose(sims[sure], whole_sims[sure], atol=1e-6)
    assert all(set(a) == set(b) for a, b in zip(ids[sure], whole_ids[sure]))
    # a tie at the k-th place, or with the last row a part kept while it has more: not sure
    part_a = np.array([[0.9, 0.5, 0.4]], dtype=np.float32)
    part_b = np.array([[0.4, 0.1]], dtype=np.float32)
    ids_a, ids_b = np.array([[0, 1, 2]]), np.array([[3, 4]])
    assert not _union_top([part_a, part_b], [ids_a, ids_b], [3, 2], 3)[2][0]
    assert _union_top([part_a, part_b], [ids_a, ids_b], [3, 2], 2)[2][0]
    assert not _union_top([part_a[:, :2], part_b], [ids_a[:, :2], ids_b], [9, 2], 2)[2][0]
    assert _union_top([part_a[:, :2], part_b[:, :1]], [ids_a[:, :2], ids_b[:, :1]], [9, 9], 1)[2][0]


def test_approximate_search_keeps_exact_cosines_and_the_candidates(monkeypatch: object) -> None:
    """Above APPROX_MIN_ROWS indexes scan 4-bit codes, then re-score their best rows exactly:
    the cosines handed on are exact, the same input gives the same output, and the
    candidate pairs are (nearly all) those of exact search."""
    from refrains import link
    from refrains.link import _faiss_index, _faiss_knn

    corpus = multilingual_corpus(300)
    settings = LinkSettings()
    exact = set(candidate_pairs(corpus, settings))
    monkeypatch.setattr(link, "APPROX_MIN_ROWS", 200)  # type: ignore[attr-defined]
    rows = np.arange(corpus.vectors.shape[0])
    index = _faiss_index(corpus.vectors, rows)
    assert index.ntotal == rows.size and not hasattr(index, "xb")  # not a flat index
    sims, ids = _faiss_knn(corpus.vectors, rows, 16, rows, index)
    cosines = np.einsum("qd,qkd->qk", corpus.vectors, corpus.vectors[ids])
    assert np.allclose(sims, cosines, atol=1e-5)  # re-scored: exact full-dimension cosines
    assert np.all(np.diff(sims, axis=1) <= 1e-6)  # best first
    _, whole_ids = _faiss_knn(corpus.vectors, rows, 16)
    recall = np.mean([len(set(a) & set(b)) / 16 for a, b in zip(ids.tolist(), whole_ids.tolist())])
    assert recall > 0.9
    approx = set(candidate_pairs(corpus, settings))
    assert approx == set(candidate_pairs(corpus, settings))  # deterministic
    translations = {(f"d{d - 1:05d}", f"d{d:05d}") for d in range(4, 300, 5)}
    assert translations <= exact and translations <= approx
    # the rest are near the margin in random vectors (not in real text: bench/search_study.py)
    assert len(exact & approx) / len(exact) > 0.85
    assert len(approx - exact) / len(exact) < 0.15
